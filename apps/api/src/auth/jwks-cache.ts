import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { z } from "zod";

const jwkSchema = z.looseObject({ kty: z.string(), kid: z.string().optional() });
const jwksSchema = z.object({ keys: z.array(z.unknown()) });

/** Largest JWKS document read; a key set is a few KB. */
const MAX_JWKS_BYTES = 256 * 1024;
const FETCH_TIMEOUT_MS = 5_000;
/** An unknown kid refetches the set (a client rotated its key), but at most this often per URL. */
const MIN_REFETCH_MS = 1_000;

interface CachedSet {
  fetchedAt: number;
  keys: Map<string, KeyObject>;
}

export class JwksError extends Error {}

/**
 * The public keys clients publish at their JWKS URLs, fetched on first use and kept for `ttlSeconds`. A kid that the
 * cached set lacks triggers one refetch, so a client that rotates its key is served at once, while a caller sending
 * random kids cannot make Conduit fetch more than once a second per URL.
 */
export class JwksCache {
  private readonly sets = new Map<string, CachedSet>();
  private readonly inflight = new Map<string, Promise<CachedSet>>();

  constructor(private readonly ttlSeconds: number) {}

  async key(url: string, kid: string): Promise<KeyObject | undefined> {
    let set = this.sets.get(url);
    const now = Date.now();
    if (!set || now - set.fetchedAt > this.ttlSeconds * 1000) set = await this.refresh(url);
    const found = set.keys.get(kid);
    if (found) return found;
    if (now - set.fetchedAt < MIN_REFETCH_MS) return undefined;
    return (await this.refresh(url)).keys.get(kid);
  }

  private refresh(url: string): Promise<CachedSet> {
    const running = this.inflight.get(url);
    if (running) return running;
    const promise = fetchJwks(url)
      .then((keys) => {
        const set = { fetchedAt: Date.now(), keys };
        this.sets.set(url, set);
        return set;
      })
      .finally(() => this.inflight.delete(url));
    this.inflight.set(url, promise);
    return promise;
  }
}

async function fetchJwks(url: string): Promise<Map<string, KeyObject>> {
  let response: Response;
  try {
    response = await fetch(url, {
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      redirect: "error",
      headers: { accept: "application/json" },
    });
  } catch (error) {
    throw new JwksError(`the JWKS URL could not be fetched (${(error as Error).name})`);
  }
  if (!response.ok) throw new JwksError(`the JWKS URL answered ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_JWKS_BYTES) throw new JwksError("the JWKS document is too large");
  let parsed: z.infer<typeof jwksSchema>;
  try {
    parsed = jwksSchema.parse(JSON.parse(text));
  } catch {
    throw new JwksError("the JWKS URL did not answer a JSON Web Key Set");
  }
  const keys = new Map<string, KeyObject>();
  for (const entry of parsed.keys) {
    const jwk = jwkSchema.safeParse(entry);
    if (!jwk.success || !jwk.data.kid) continue;
    const key = publicKeyFromJwk(jwk.data as JsonWebKey);
    if (key) keys.set(jwk.data.kid, key);
  }
  return keys;
}

/** A public key from a JWK, or undefined for anything else (private keys included: only the public part is used). */
export function publicKeyFromJwk(jwk: JsonWebKey): KeyObject | undefined {
  if (jwk.kty !== "RSA" && jwk.kty !== "EC") return undefined;
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = jwk;
  try {
    return createPublicKey({ key: publicPart, format: "jwk" });
  } catch {
    return undefined;
  }
}
