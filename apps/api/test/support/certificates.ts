import type { KeyObject, X509Certificate } from "node:crypto";
import type { SecretBox } from "../../src/crypto/secret-box.js";

/** A Certificate row for an organization, as the configuration API would store it (own keys sealed). */
export function certificateRow(
  orgId: string,
  credentials: { certificate: X509Certificate; privateKey?: KeyObject },
  use: "own" | "anchor" | "recipient",
  scope: string,
  secrets: SecretBox,
) {
  const certificate = credentials.certificate;
  return {
    orgId,
    use,
    scope,
    subject: certificate.subject,
    subjectAltNames: [],
    issuer: certificate.issuer,
    serialNumber: certificate.serialNumber,
    notBefore: new Date(certificate.validFrom),
    notAfter: new Date(certificate.validTo),
    fingerprint: certificate.fingerprint256,
    certificatePem: certificate.toString(),
    privateKeyEncrypted:
      use === "own" && credentials.privateKey
        ? secrets.seal(credentials.privateKey.export({ format: "pem", type: "pkcs8" }).toString())
        : null,
  };
}
