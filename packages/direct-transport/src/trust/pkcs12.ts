import { createPrivateKey, webcrypto, X509Certificate } from "node:crypto";
import * as pkijs from "pkijs";
import { DirectSecurityError } from "../errors.js";
import type { DirectCredentials } from "./credentials.js";

const BAG = {
  keyBag: "1.2.840.113549.1.12.10.1.1",
  pkcs8ShroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  certBag: "1.2.840.113549.1.12.10.1.3",
} as const;

let engineReady = false;

/** pkijs needs a WebCrypto engine for PBKDF2/AES/HMAC inside PKCS#12; Node's is used. */
function ensureEngine(): void {
  if (engineReady) return;
  pkijs.setEngine(
    "node",
    new pkijs.CryptoEngine({ name: "node", crypto: webcrypto as unknown as pkijs.CryptoEngineParameters["crypto"] }),
  );
  engineReady = true;
}

/**
 * Reads Conduit's credentials from a PKCS#12 (.p12/.pfx) file as HISPs and CAs issue them: the certificate whose
 * public key matches the private key is the credential, the others are its chain. Supports the PBES2/PBKDF2/AES
 * encryption and SHA-256 MAC OpenSSL 3 writes by default (the legacy RC2/3DES PBEs are not available in WebCrypto).
 */
export async function credentialsFromPkcs12(input: Buffer, password: string): Promise<DirectCredentials> {
  ensureEngine();
  const passwordBuffer = new TextEncoder().encode(password).buffer as ArrayBuffer;
  const certificates: X509Certificate[] = [];
  const keys: Buffer[] = [];
  try {
    const pfx = pkijs.PFX.fromBER(input);
    await pfx.parseInternalValues({ password: passwordBuffer, checkIntegrity: true });
    const safe = pfx.parsedValue?.authenticatedSafe;
    if (!safe) throw new Error("no authenticated safe");
    await safe.parseInternalValues({ safeContents: safe.safeContents.map(() => ({ password: passwordBuffer })) });
    for (const contents of safe.parsedValue?.safeContents ?? []) {
      for (const bag of contents.value.safeBags) {
        if (bag.bagId === BAG.certBag) {
          const parsed = (bag.bagValue as pkijs.CertBag).parsedValue;
          if (parsed instanceof pkijs.Certificate)
            certificates.push(new X509Certificate(Buffer.from(parsed.toSchema().toBER())));
        } else if (bag.bagId === BAG.pkcs8ShroudedKeyBag) {
          const shrouded = bag.bagValue as pkijs.PKCS8ShroudedKeyBag;
          // Public in the JavaScript, declared protected in the typings.
          await (
            shrouded as unknown as { parseInternalValues(p: { password: ArrayBuffer }): Promise<void> }
          ).parseInternalValues({
            password: passwordBuffer,
          });
          if (shrouded.parsedValue) keys.push(Buffer.from(shrouded.parsedValue.toSchema().toBER()));
        } else if (bag.bagId === BAG.keyBag) {
          keys.push(Buffer.from((bag.bagValue as pkijs.PrivateKeyInfo).toSchema().toBER()));
        }
      }
    }
  } catch (error) {
    throw new DirectSecurityError(
      "no-credentials",
      "cannot read the PKCS#12 file (wrong password or unsupported format)",
      {
        cause: error,
      },
    );
  }
  for (const der of keys) {
    const privateKey = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
    const certificate = certificates.find((c) => c.checkPrivateKey(privateKey));
    if (certificate) return { certificate, privateKey, chain: certificates.filter((c) => c !== certificate) };
  }
  throw new DirectSecurityError("no-credentials", "the PKCS#12 file holds no certificate matching its private key");
}
