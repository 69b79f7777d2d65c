import { createSecretKey, type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import type { Redis } from "ioredis";
import { z } from "zod";
import { publicKeyFromJwk, JwksError, type JwksCache } from "./jwks-cache.js";

/** RFC 7523 §2.2: the client assertion type of a JWT used for client authentication. */
export const JWT_BEARER_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** Redox accepts these three; `none` and every other algorithm are refused before any key is looked at. */
export const ASSERTION_ALGORITHMS = ["RS384", "ES384", "HS384"] as const;
export type AssertionAlgorithm = (typeof ASSERTION_ALGORITHMS)[number];

/** An assertion may live at most this long (Redox: `exp` no more than 5 minutes ahead). */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
/** Clock skew allowed between the client and Conduit. */
const CLOCK_TOLERANCE_SECONDS = 30;

/** A failed assertion; `description` is safe to show the caller (it never contains a key or a secret). */
export class AssertionError extends Error {
  constructor(
    readonly error: "invalid_request" | "invalid_client",
    readonly description: string,
  ) {
    super(description);
  }
}

const headerSchema = z.object({ alg: z.string(), kid: z.string().min(1).optional(), typ: z.string().optional() });
const claimsSchema = z.object({
  iss: z.string(),
  sub: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number(),
  jti: z.string().min(1).max(256),
  iat: z.number().optional(),
  nbf: z.number().optional(),
});

/** What the verifier needs to know about the client named by `iss`/`sub`. */
export interface AssertionClient {
  id: string;
  /** Registered public keys by kid (JWKs). */
  keys: { kid: string; alg: string; jwk: unknown }[];
  jwksUrl: string | null;
  /** The HS384 shared secret, opened. */
  sharedSecret?: string;
}

export interface AssertionVerifier {
  /** Finds the client by the id the assertion names, or undefined. */
  findClient(clientId: string): Promise<AssertionClient | undefined>;
  jwks: JwksCache;
  redis: Redis;
  /** Redis key prefix for used jtis. */
  prefix: string;
}

/** The client id an assertion names, read without verifying it (to find the client whose key verifies it). */
export function unverifiedClientId(assertion: string): string {
  const decoded = jwt.decode(assertion, { complete: true });
  if (!decoded || typeof decoded.payload !== "object") {
    throw new AssertionError("invalid_request", "client_assertion: not a JWT");
  }
  const iss = (decoded.payload as { iss?: unknown }).iss;
  if (typeof iss !== "string" || !iss) throw new AssertionError("invalid_client", "client_assertion: iss is missing");
  return iss;
}

function keyPolicy(alg: AssertionAlgorithm, key: KeyObject): boolean {
  if (alg === "RS384") return key.asymmetricKeyType === "rsa" && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048;
  if (alg === "ES384") return key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "secp384r1";
  return false;
}

async function verificationKey(
  verifier: AssertionVerifier,
  client: AssertionClient,
  alg: AssertionAlgorithm,
  kid: string | undefined,
): Promise<KeyObject> {
  if (alg === "HS384") {
    if (!client.sharedSecret)
      throw new AssertionError("invalid_client", "client_assertion: HS384 is not set up for this client");
    return createSecretKey(Buffer.from(client.sharedSecret, "utf8"));
  }
  if (!kid) throw new AssertionError("invalid_client", "client_assertion: the JWT header must name the key (kid)");
  const registered = client.keys.find((key) => key.kid === kid);
  let key = registered ? publicKeyFromJwk(registered.jwk as never) : undefined;
  if (!key && client.jwksUrl) {
    try {
      key = await verifier.jwks.key(client.jwksUrl, kid);
    } catch (error) {
      if (error instanceof JwksError) throw new AssertionError("invalid_client", `client_assertion: ${error.message}`);
      throw error;
    }
  }
  if (!key) throw new AssertionError("invalid_client", `client_assertion: no key with kid "${kid}" for this client`);
  if (!keyPolicy(alg, key)) {
    throw new AssertionError("invalid_client", `client_assertion: the key "${kid}" cannot be used with ${alg}`);
  }
  return key;
}

/**
 * Verifies a JWT client assertion (RFC 7523 §3, as Redox uses it): a known algorithm, a key of the client's, `iss` =
 * `sub` = the client id, `aud` = the token URL, `exp` present and at most five minutes ahead, and a `jti` never seen
 * before. The jti is remembered in Redis until the assertion has expired, so replays fail on every API replica.
 */
export async function verifyClientAssertion(
  verifier: AssertionVerifier,
  assertion: string,
  tokenUrl: string,
): Promise<AssertionClient> {
  const decoded = jwt.decode(assertion, { complete: true });
  const header = headerSchema.safeParse(decoded?.header);
  if (!decoded || !header.success) throw new AssertionError("invalid_request", "client_assertion: not a JWT");
  const alg = header.data.alg as AssertionAlgorithm;
  if (!ASSERTION_ALGORITHMS.includes(alg)) {
    throw new AssertionError(
      "invalid_client",
      `client_assertion: alg must be one of ${ASSERTION_ALGORITHMS.join(", ")}`,
    );
  }
  const clientId = unverifiedClientId(assertion);
  const client = await verifier.findClient(clientId);
  if (!client) throw new AssertionError("invalid_client", "client_assertion: unknown client (iss)");

  const key = await verificationKey(verifier, client, alg, header.data.kid);
  let payload: unknown;
  try {
    payload = jwt.verify(assertion, key, {
      algorithms: [alg],
      audience: tokenUrl,
      issuer: clientId,
      subject: clientId,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    });
  } catch (error) {
    throw new AssertionError("invalid_client", `client_assertion: ${describeJwtError(error, tokenUrl)}`);
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) {
    const field = String(claims.error.issues[0]?.path[0] ?? "claims");
    throw new AssertionError("invalid_client", `client_assertion: ${field} is missing or malformed`);
  }
  const now = Math.floor(Date.now() / 1000);
  if (claims.data.exp > now + MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS) {
    throw new AssertionError(
      "invalid_client",
      `client_assertion: exp is more than ${MAX_ASSERTION_LIFETIME_SECONDS / 60} minutes ahead`,
    );
  }
  const ttl = Math.max(1, claims.data.exp - now + CLOCK_TOLERANCE_SECONDS);
  const fresh = await verifier.redis.set(
    `${verifier.prefix}:jti:${client.id}:${claims.data.jti}`,
    "1",
    "EX",
    ttl,
    "NX",
  );
  if (fresh !== "OK") throw new AssertionError("invalid_client", "client_assertion: jti was already used");
  return client;
}

function describeJwtError(error: unknown, tokenUrl: string): string {
  if (error instanceof jwt.TokenExpiredError) return "the assertion has expired (exp)";
  if (error instanceof jwt.NotBeforeError) return "the assertion is not valid yet (nbf)";
  const message = (error as Error).message ?? "";
  if (/audience/.test(message)) return `aud must be ${tokenUrl}`;
  if (/issuer/.test(message)) return "iss must be the client id";
  if (/subject/.test(message)) return "sub must be the client id";
  if (/signature/.test(message)) return "the signature does not verify";
  return "the assertion is not valid";
}
