import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { DirectCredentials } from "@conduit/direct-transport";

const run = promisify(execFile);

/** The openssl CLI, the independent S/MIME peer: stdin in, stdout bytes out. */
export async function openssl(args: string[], input?: Buffer): Promise<Buffer> {
  const child = run("openssl", args, { encoding: "buffer", maxBuffer: 64 * 1024 * 1024 });
  if (input !== undefined) child.child.stdin?.end(input);
  const { stdout } = await child;
  return stdout;
}

/** Writes credentials as PEM files for openssl. */
export function pemFiles(credentials: DirectCredentials, name: string): { cert: string; key: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "conduit-openssl-"));
  const cert = path.join(dir, `${name}.cert.pem`);
  const key = path.join(dir, `${name}.key.pem`);
  writeFileSync(cert, credentials.certificate.toString());
  writeFileSync(key, credentials.privateKey.export({ format: "pem", type: "pkcs8" }));
  return { cert, key };
}

/**
 * Seals an RFC 5322 original the way another HISP would, with openssl: sign (SHA-256, detached, as multipart/signed),
 * then encrypt for the recipient's certificate (AES-256-CBC; key transport PKCS#1 v1.5 unless OAEP is asked for).
 * The outer headers are the original's routing headers.
 */
export async function sealWithOpenssl(
  original: Buffer,
  signer: { cert: string; key: string },
  recipientCert: string,
  headers: { from: string; to: string; subject?: string },
  options: { oaep?: boolean } = {},
): Promise<Buffer> {
  const wrapped = Buffer.concat([Buffer.from("Content-Type: message/rfc822\r\n\r\n"), original]);
  const signed = await openssl(
    ["cms", "-sign", "-signer", signer.cert, "-inkey", signer.key, "-md", "sha256", "-binary"],
    wrapped,
  );
  const encryptArgs = [
    "cms",
    "-encrypt",
    "-aes256",
    "-from",
    headers.from,
    "-to",
    headers.to,
    "-subject",
    headers.subject ?? "Direct message",
  ];
  if (options.oaep)
    encryptArgs.push("-recip", recipientCert, "-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256");
  else encryptArgs.push(recipientCert);
  return openssl(encryptArgs, signed);
}
