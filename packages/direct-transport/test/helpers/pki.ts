import "reflect-metadata";
import { KeyObject, X509Certificate, webcrypto, randomBytes } from "node:crypto";

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as x509 from "@peculiar/x509";
import type { DirectCredentials } from "../../src/index.js";
import { openssl } from "./openssl.js";

export { KeyUsageFlags } from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** Test PKI generated at test time: nothing is committed. */
export interface TestIdentity extends DirectCredentials {
  /** PEM files written for openssl: cert, key, and chain (intermediates). */
  files: { cert: string; key: string };
}

export interface IssueOptions {
  /** rfc822Name entries. */
  emails?: string[];
  /** dNSName entries. */
  dnsNames?: string[];
  /** iPAddress entries (TLS server certificates for 127.0.0.1). */
  ips?: string[];
  notBefore?: Date;
  notAfter?: Date;
  hash?: "SHA-256" | "SHA-1";
  ca?: boolean;
  keyUsage?: number;
  bits?: number;
  /** CRL distribution point URL. */
  crlUrl?: string;
}

const DAY = 24 * 3600 * 1000;
const keyCache: CryptoKeyPair[] = [];

async function keyPair(bits: number): Promise<CryptoKeyPair> {
  const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]) };
  return webcrypto.subtle.generateKey({ ...algorithm, modulusLength: bits }, true, [
    "sign",
    "verify",
  ]) as Promise<CryptoKeyPair>;
}

export class TestPki {
  /** Under the run's folder (see global-setup.ts), removed when the run ends. */
  readonly dir = mkdtempSync(path.join(process.env["CONDUIT_PKI_ROOT"] ?? tmpdir(), "conduit-pki-"));
  private counter = 0;

  async issue(name: string, issuer: TestIdentity | undefined, options: IssueOptions = {}): Promise<TestIdentity> {
    const keys = await keyPair(options.bits ?? 2048);
    keyCache.push(keys);
    const now = Date.now();
    const extensions: x509.Extension[] = [];
    if (options.ca) {
      extensions.push(new x509.BasicConstraintsExtension(true, undefined, true));
      extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true));
    } else {
      extensions.push(
        new x509.KeyUsagesExtension(
          options.keyUsage ?? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
          true,
        ),
      );
    }
    const names = [
      ...(options.emails ?? []).map((value) => ({ type: "email" as const, value })),
      ...(options.dnsNames ?? []).map((value) => ({ type: "dns" as const, value })),
      ...(options.ips ?? []).map((value) => ({ type: "ip" as const, value })),
    ];
    if (names.length) extensions.push(new x509.SubjectAlternativeNameExtension(names));
    if (options.crlUrl) extensions.push(new x509.CRLDistributionPointsExtension([options.crlUrl]));
    extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
    const common = {
      serialNumber: randomBytes(8)
        .toString("hex")
        .replace(/^[89a-f]/, "1"),
      notBefore: options.notBefore ?? new Date(now - DAY),
      notAfter: options.notAfter ?? new Date(now + 365 * DAY),
      signingAlgorithm: { name: "RSASSA-PKCS1-v1_5", hash: options.hash ?? "SHA-256" },
      extensions,
    };
    const subject = `CN=${name}`;
    const cert = issuer
      ? await x509.X509CertificateGenerator.create({
          ...common,
          subject,
          issuer: new x509.X509Certificate(issuer.certificate.raw).subject,
          publicKey: keys.publicKey,
          signingKey: await toWebKey(issuer.privateKey, options.hash ?? "SHA-256"),
        })
      : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: subject, keys });
    const certificate = new X509Certificate(Buffer.from(cert.rawData));
    const privateKey = KeyObject.from(keys.privateKey);
    const base = path.join(this.dir, `${++this.counter}-${name.replace(/[^A-Za-z0-9]/g, "_")}`);
    const files = { cert: `${base}.cert.pem`, key: `${base}.key.pem` };
    writeFileSync(files.cert, certificate.toString());
    writeFileSync(files.key, privateKey.export({ format: "pem", type: "pkcs8" }));
    return { certificate, privateKey, chain: [], files };
  }

  ca(name: string, options: IssueOptions = {}): Promise<TestIdentity> {
    return this.issue(name, undefined, {
      ...options,
      ca: true,
      notAfter: options.notAfter ?? new Date(Date.now() + 3650 * DAY),
    });
  }

  write(name: string, content: Buffer | string): string {
    const file = path.join(this.dir, name);
    writeFileSync(file, content);
    return file;
  }
}

async function toWebKey(key: KeyObject, hash: string): Promise<CryptoKey> {
  const der = key.export({ format: "der", type: "pkcs8" });
  return webcrypto.subtle.importKey("pkcs8", der, { name: "RSASSA-PKCS1-v1_5", hash }, false, [
    "sign",
  ]) as Promise<CryptoKey>;
}

export const daysAgo = (days: number): Date => new Date(Date.now() - days * DAY);

/**
 * A CRL from `issuer` revoking the given certificates, made by `openssl ca -revoke` + `-gencrl` (the independent
 * peer; @peculiar/x509's CRL generator writes an empty crlEntryExtensions that strict parsers refuse).
 */
export async function issueCrl(pki: TestPki, issuer: TestIdentity, revoked: TestIdentity[]): Promise<Buffer> {
  const dir = mkdtempSync(path.join(pki.dir, "ca-"));
  writeFileSync(path.join(dir, "index.txt"), "");
  writeFileSync(path.join(dir, "crlnumber"), "01\n");
  const config = path.join(dir, "ca.cnf");
  writeFileSync(
    config,
    [
      "[ ca ]",
      "default_ca = test_ca",
      "[ test_ca ]",
      `database = ${path.join(dir, "index.txt")}`,
      `crlnumber = ${path.join(dir, "crlnumber")}`,
      "default_md = sha256",
      "default_crl_days = 7",
      "",
    ].join("\n"),
  );
  const ca = ["-config", config, "-keyfile", issuer.files.key, "-cert", issuer.files.cert];
  for (const identity of revoked) await openssl(["ca", ...ca, "-revoke", identity.files.cert]);
  return openssl(["ca", ...ca, "-gencrl"]).then((pem) => openssl(["crl", "-outform", "DER"], pem));
}
