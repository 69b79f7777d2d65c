import { createHmac, timingSafeEqual } from "node:crypto";

/** The header that carries the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const signatureHeader = "x-conduit-signature";

/**
 * Signs a webhook body. The timestamp is inside what is signed, so a receiver that rejects old timestamps (say, more
 * than five minutes) cannot be replayed an old delivery.
 */
export function signWebhookBody(body: string, secret: string, at: Date = new Date()): string {
  const timestamp = Math.floor(at.getTime() / 1000);
  const digest = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${digest}`;
}

/** What a receiver does: checks the signature and that it is recent. */
export function verifyWebhookSignature(
  body: string,
  header: string,
  secret: string,
  toleranceSeconds = 300,
  now: Date = new Date(),
): boolean {
  const parts = Object.fromEntries(header.split(",").map((part) => part.trim().split("=", 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || !parts.v1) return false;
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex"));
  const actual = Buffer.from(parts.v1);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
