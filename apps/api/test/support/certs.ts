import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Certificates made with the openssl CLI at test time, in every form the configuration API accepts. */
export interface TestCertificates {
  anchorPem: string;
  anchorDer: Buffer;
  secondAnchorPem: string;
  /** Both anchors as a DER PKCS#7 certs-only bundle. */
  bundleP7b: Buffer;
  leafPem: string;
  leafKeyPem: string;
  /** The leaf, its key and the anchor, as OpenSSL 3 writes PKCS#12 (AES-256, PBKDF2). */
  leafP12: Buffer;
  p12Password: string;
  cleanup(): Promise<void>;
}

export async function makeTestCertificates(address: string, leafDays: number): Promise<TestCertificates> {
  const dir = await mkdtemp(path.join(tmpdir(), "conduit-certs-"));
  const at = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => run("openssl", args, { cwd: dir });
  const anchor = async (name: string, cn: string) =>
    openssl(
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", at(`${name}.key`), "-out", at(`${name}.pem`),
      "-days", "3650", "-subj", `/CN=${cn}/O=Conduit Tests`,
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    ); // prettier-ignore
  await anchor("ca", "Test Anchor One");
  await anchor("ca2", "Test Anchor Two");
  await openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    at("leaf.key"),
    "-out",
    at("leaf.csr"),
    "-subj",
    `/CN=${address}`,
  );
  await writeFile(
    at("leaf.ext"),
    `subjectAltName=email:${address}\nkeyUsage=critical,digitalSignature,keyEncipherment\nbasicConstraints=CA:FALSE\n`,
  );
  await openssl(
    "x509", "-req", "-in", at("leaf.csr"), "-CA", at("ca.pem"), "-CAkey", at("ca.key"), "-CAcreateserial",
    "-out", at("leaf.pem"), "-days", String(leafDays), "-extfile", at("leaf.ext"),
  ); // prettier-ignore
  await openssl("x509", "-in", at("ca.pem"), "-outform", "DER", "-out", at("ca.der"));
  const p12Password = "test-p12-password";
  await openssl(
    "pkcs12", "-export", "-in", at("leaf.pem"), "-inkey", at("leaf.key"), "-certfile", at("ca.pem"),
    "-passout", `pass:${p12Password}`, "-out", at("leaf.p12"),
  ); // prettier-ignore
  await openssl(
    "crl2pkcs7",
    "-nocrl",
    "-certfile",
    at("ca.pem"),
    "-certfile",
    at("ca2.pem"),
    "-outform",
    "DER",
    "-out",
    at("bundle.p7b"),
  );
  const text = (name: string) => readFile(at(name), "utf8");
  return {
    anchorPem: await text("ca.pem"),
    anchorDer: await readFile(at("ca.der")),
    secondAnchorPem: await text("ca2.pem"),
    bundleP7b: await readFile(at("bundle.p7b")),
    leafPem: await text("leaf.pem"),
    leafKeyPem: await text("leaf.key"),
    leafP12: await readFile(at("leaf.p12")),
    p12Password,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
