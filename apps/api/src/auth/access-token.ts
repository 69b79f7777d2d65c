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

export function issueAccessToken(claims: AccessClaims, secret: string, ttlSeconds: number): IssuedToken {
  const token = jwt.sign(claims, secret, { algorithm: "HS256", expiresIn: ttlSeconds, issuer, audience });
  return { token, expiresAt: new Date(Date.now() + ttlSeconds * 1000) };
}

/** The claims of a valid token, or undefined for anything expired, forged or malformed. */
export function verifyAccessToken(token: string, secret: string): AccessClaims | undefined {
  try {
    const decoded = jwt.verify(token, secret, { algorithms: ["HS256"], issuer, audience });
    const parsed = claimsSchema.safeParse(decoded);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
