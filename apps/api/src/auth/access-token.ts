import { createSecretKey, type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import { z } from "zod";

const claimsSchema = z.object({
  sub: z.string(),
  org: z.string(),
  /** `source`: an app sending messages; `admin`: an organization's administrator (the configuration API). */
  kind: z.enum(["source", "admin"]),
});

export type AccessClaims = z.infer<typeof claimsSchema>;

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

const issuer = "conduit";
const audience = "conduit-api";

/**
 * The HMAC key for a secret, made once. Given a string, jsonwebtoken first tries to read it as a PEM public key on
 * every call (and only then falls back to a secret key), which cost a few percent of each API request.
 */
const hmacKeys = new Map<string, KeyObject>();
function hmacKey(secret: string): KeyObject {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, "utf8"));
    if (hmacKeys.size > 8) hmacKeys.clear();
    hmacKeys.set(secret, key);
  }
  return key;
}

export function issueAccessToken(claims: AccessClaims, secret: string, ttlSeconds: number): IssuedToken {
  const token = jwt.sign(claims, hmacKey(secret), { algorithm: "HS256", expiresIn: ttlSeconds, issuer, audience });
  return { token, expiresAt: new Date(Date.now() + ttlSeconds * 1000) };
}

/** The claims of a valid token, or undefined for anything expired, forged or malformed. */
export function verifyAccessToken(token: string, secret: string): AccessClaims | undefined {
  try {
    const decoded = jwt.verify(token, hmacKey(secret), { algorithms: ["HS256"], issuer, audience });
    const parsed = claimsSchema.safeParse(decoded);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
