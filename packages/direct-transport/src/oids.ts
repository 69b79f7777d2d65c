/** Object identifiers used by the S/MIME security agent, named as the RFCs name them. */
export const OID = {
  // RFC 5652 content types
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  envelopedData: "1.2.840.113549.1.7.3",
  // RFC 5652 §11 signed attributes
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  signingTime: "1.2.840.113549.1.9.5",
  // Digests (RFC 5754)
  sha1: "1.3.14.3.2.26",
  sha256: "2.16.840.1.101.3.4.2.1",
  sha384: "2.16.840.1.101.3.4.2.2",
  sha512: "2.16.840.1.101.3.4.2.3",
  md5: "1.2.840.113549.2.5",
  // RSA (RFC 8017, RFC 4055)
  rsaEncryption: "1.2.840.113549.1.1.1",
  rsaesOaep: "1.2.840.113549.1.1.7",
  mgf1: "1.2.840.113549.1.1.8",
  rsassaPss: "1.2.840.113549.1.1.10",
  md5WithRSAEncryption: "1.2.840.113549.1.1.4",
  sha1WithRSAEncryption: "1.2.840.113549.1.1.5",
  sha256WithRSAEncryption: "1.2.840.113549.1.1.11",
  sha384WithRSAEncryption: "1.2.840.113549.1.1.12",
  sha512WithRSAEncryption: "1.2.840.113549.1.1.13",
  // Content encryption (RFC 3565, RFC 3370)
  aes128Cbc: "2.16.840.1.101.3.4.1.2",
  aes192Cbc: "2.16.840.1.101.3.4.1.22",
  aes256Cbc: "2.16.840.1.101.3.4.1.42",
  desEde3Cbc: "1.2.840.113549.3.7",
  rc2Cbc: "1.2.840.113549.3.2",
  // X.509 extensions (RFC 5280)
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
} as const;

/** Digest OIDs accepted in signatures: AS v1.3 §5.1 requires SHA-256; SHA-1 and MD5 are refused as weak. */
export const STRONG_DIGESTS: Record<string, "sha256" | "sha384" | "sha512"> = {
  [OID.sha256]: "sha256",
  [OID.sha384]: "sha384",
  [OID.sha512]: "sha512",
};

export const WEAK_DIGESTS: Record<string, string> = {
  [OID.sha1]: "SHA-1",
  [OID.md5]: "MD5",
};

/** Signature algorithms accepted on certificates and signer infos, with their digest. */
export const STRONG_RSA_SIGNATURES: Record<string, "sha256" | "sha384" | "sha512"> = {
  [OID.sha256WithRSAEncryption]: "sha256",
  [OID.sha384WithRSAEncryption]: "sha384",
  [OID.sha512WithRSAEncryption]: "sha512",
};

export const WEAK_RSA_SIGNATURES: Record<string, string> = {
  [OID.sha1WithRSAEncryption]: "SHA-1 with RSA",
  [OID.md5WithRSAEncryption]: "MD5 with RSA",
};

/** Content-encryption algorithms a receiver opens, with the Node cipher name and key length. */
export const AES_CBC: Record<string, { cipher: string; keyLength: number }> = {
  [OID.aes128Cbc]: { cipher: "aes-128-cbc", keyLength: 16 },
  [OID.aes192Cbc]: { cipher: "aes-192-cbc", keyLength: 24 },
  [OID.aes256Cbc]: { cipher: "aes-256-cbc", keyLength: 32 },
};

export const WEAK_CONTENT_ENCRYPTION: Record<string, string> = {
  [OID.desEde3Cbc]: "3DES-CBC",
  [OID.rc2Cbc]: "RC2-CBC",
};
