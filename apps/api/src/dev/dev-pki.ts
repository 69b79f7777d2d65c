import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { credentialsFromPem, issueCertificate, type DirectCredentials } from "@conduit/direct-transport";

export interface DevPki {
  /** The development CA: the trust anchor of the development domain. */
  ca: DirectCredentials;
  /** A domain-bound Direct certificate for the development domain: signs and decrypts. */
  domain: DirectCredentials;
  /** The inbound SMTP listener's STARTTLS certificate. */
  tls: { key: string; cert: string };
}

interface StoredPki {
  domain: string;
  ca: { cert: string; key: string };
  direct: { cert: string; key: string };
  tls: { cert: string; key: string };
}

function toPem(credentials: DirectCredentials) {
  return {
    cert: credentials.certificate.toString(),
    key: credentials.privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
  };
}

/**
 * The development PKI `npm start` works with: a CA, a domain-bound certificate for the development Direct domain and
 * a TLS certificate for the SMTP listener, made on first start and kept in var/pki/ (mode 600). Never for production:
 * real Direct certificates come from an accredited CA and are imported through the configuration API.
 */
export async function loadOrCreateDevPki(varDir: string, domain: string): Promise<DevPki> {
  const file = path.join(varDir, "pki", "dev-pki.json");
  let stored = await readFile(file, "utf8").then(
    (text) => JSON.parse(text) as StoredPki,
    () => undefined,
  );
  if (!stored || stored.domain !== domain) {
    const ca = await issueCertificate({ commonName: `Conduit Development CA (${domain})`, ca: true, validDays: 3650 });
    const direct = await issueCertificate({ commonName: domain, dnsNames: [domain] }, ca);
    const tls = await issueCertificate(
      { commonName: "localhost", dnsNames: ["localhost", domain], ips: ["127.0.0.1", "::1"] },
      ca,
    );
    stored = { domain, ca: toPem(ca), direct: toPem(direct), tls: toPem(tls) };
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    // Processes starting together on one var/ (docker compose) must end up with one PKI: the first file wins.
    const replacing = await readFile(file).then(
      () => true,
      () => false,
    );
    const created = await writeFile(file, JSON.stringify(stored, null, 2), {
      mode: 0o600,
      flag: replacing ? "w" : "wx",
    }).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === "EEXIST") return false;
        throw error;
      },
    );
    if (!created) return loadOrCreateDevPki(varDir, domain);
  }
  return {
    ca: credentialsFromPem({ certificate: stored.ca.cert, privateKey: stored.ca.key }),
    domain: credentialsFromPem({
      certificate: stored.direct.cert,
      privateKey: stored.direct.key,
      chain: stored.ca.cert,
    }),
    tls: { key: stored.tls.key, cert: stored.tls.cert + stored.ca.cert },
  };
}
