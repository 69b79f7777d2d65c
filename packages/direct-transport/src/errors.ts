/**
 * Why a Direct message was refused. Each code names one cause, so the app can tell the sender (or an operator)
 * what went wrong and decide whether a retry could help.
 */
export type DirectSecurityErrorCode =
  | "malformed" // not a well-formed S/MIME message
  | "not-encrypted" // AS v1.3 §5: a Direct message must be encrypted
  | "not-signed" // AS v1.3 §5: a Direct message must be signed
  | "not-for-us" // no recipient info matches any of our certificates
  | "decryption-failed" // the content could not be decrypted (uniform: no detail, no padding oracle)
  | "weak-algorithm" // SHA-1, MD5, 3DES, RC2, RSA < 2048 ...
  | "tampered" // digest or signature does not match the content
  | "untrusted-anchor" // the signer does not chain to an anchor configured for the receiving address or domain
  | "expired-signer" // the signer (or a certificate of its chain) is outside its validity period
  | "expired-certificate" // discovery found only certificates outside their validity period
  | "revoked" // the certificate is revoked
  | "key-usage" // the certificate may not be used for this purpose
  | "address-mismatch" // the signer certificate is not bound to the sender address (AS v1.3 §4.1)
  | "routing-mismatch" // SMTP envelope and protected headers disagree (routing tamper)
  | "no-certificate" // discovery found no usable certificate for the address
  | "no-credentials"; // Conduit has no signing/decryption certificate for the address or domain

export class DirectSecurityError extends Error {
  override readonly name = "DirectSecurityError";
  constructor(
    readonly code: DirectSecurityErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
  }
}

export function isDirectSecurityError(error: unknown, code?: DirectSecurityErrorCode): error is DirectSecurityError {
  return error instanceof DirectSecurityError && (code === undefined || error.code === code);
}
