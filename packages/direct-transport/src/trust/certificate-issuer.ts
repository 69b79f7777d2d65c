import "reflect-metadata";
import { KeyObject, X509Certificate, randomBytes, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import type { DirectCredentials } from "./credentials.js";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const day = 24 * 3600 * 1000;

export interface CertificateRequest {
  /** Subject common name. */
  commonName: string;
  /** rfc822Name entries: an address-bound Direct certificate. */
  emails?: string[];
  /** dNSName entries: a domain-bound Direct certificate, or a TLS server name. */
  dnsNames?: string[];
  /** iPAddress entries, for TLS on a loopback address. */
  ips?: string[];
  /** A CA certificate (signs others) rather than an end entity. */
  ca?: boolean;
  validDays?: number;
  bits?: number;
}

/**
 * Issues an RSA certificate signed with SHA-256 by `issuer` (self-signed without one). For a development PKI made at
 * start-up and for tests; production certificates come from an accredited CA (DirectTrust) and are imported.
 * End-entity certificates get digitalSignature and keyEncipherment (AS v1.3 §4.1: one certificate may sign and
 * decrypt) and serverAuth/emailProtection extended key usages.
 */
export async function issueCertificate(
  request: CertificateRequest,
  issuer?: DirectCredentials,
): Promise<DirectCredentials> {
  const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]) };
  const keys = (await webcrypto.subtle.generateKey({ ...algorithm, modulusLength: request.bits ?? 2048 }, true, [
    "sign",
    "verify",
  ])) as webcrypto.CryptoKeyPair;
  const extensions: x509.Extension[] = [];
  if (request.ca) {
    extensions.push(new x509.BasicConstraintsExtension(true, undefined, true));
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true));
  } else {
    extensions.push(new x509.BasicConstraintsExtension(false, undefined, true));
    extensions.push(
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    );
    extensions.push(new x509.ExtendedKeyUsageExtension(["1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.1"]));
  }
  const names = [
    ...(request.emails ?? []).map((value) => ({ type: "email" as const, value })),
    ...(request.dnsNames ?? []).map((value) => ({ type: "dns" as const, value })),
    ...(request.ips ?? []).map((value) => ({ type: "ip" as const, value })),
  ];
  if (names.length) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  const now = Date.now();
  const common = {
    // A positive serial: clear the top bit.
    serialNumber: (randomBytes(16)[0]! & 0x7f).toString(16).padStart(2, "0") + randomBytes(15).toString("hex"),
    notBefore: new Date(now - day),
    notAfter: new Date(now + (request.validDays ?? 365) * day),
    signingAlgorithm: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    extensions,
  };
  const subject = `CN=${request.commonName.replace(/[,+="<>#;\\]/g, " ")}`;
  const generated = issuer
    ? await x509.X509CertificateGenerator.create({
        ...common,
        subject,
        issuer: new x509.X509Certificate(issuer.certificate.raw).subject,
        publicKey: keys.publicKey,
        signingKey: (await webcrypto.subtle.importKey(
          "pkcs8",
          issuer.privateKey.export({ format: "der", type: "pkcs8" }),
          algorithm,
          false,
          ["sign"],
        )) as webcrypto.CryptoKey,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: subject, keys });
  return {
    certificate: new X509Certificate(Buffer.from(generated.rawData)),
    privateKey: KeyObject.from(keys.privateKey),
    chain: issuer ? [issuer.certificate, ...issuer.chain] : [],
  };
}
