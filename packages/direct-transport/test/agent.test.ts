import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDirectAgent,
  createHispTransport,
  type HispTransport,
  startSmtpListener,
  type DirectAgent,
  type InboundEnvelope,
  type OpenedMessage,
  type SmtpListener,
} from "../src/index.js";
import { outbound } from "./helpers/hisp-conformance.js";
import { openssl } from "./helpers/openssl.js";
import { TestPki, type TestIdentity } from "./helpers/pki.js";

/** Two Conduit installations, a.example and b.example, configured from settings as the app would. */
let pki: TestPki;
let caA: TestIdentity;
let caB: TestIdentity;
let rogue: TestIdentity;
let agentA: DirectAgent;
let agentB: DirectAgent;
let listener: SmtpListener;
const opened: OpenedMessage[] = [];
const refused: unknown[] = [];

beforeAll(async () => {
  pki = new TestPki();
  [caA, caB, rogue] = await Promise.all([pki.ca("A CA"), pki.ca("B CA"), pki.ca("Rogue CA")]);
  const [a, b, tlsB, roguePublished] = await Promise.all([
    pki.issue("a.example", caA, { dnsNames: ["a.example"] }),
    pki.issue("b.example", caB, { dnsNames: ["b.example"] }),
    pki.issue("mx.b.example", caB, { dnsNames: ["localhost"], ips: ["127.0.0.1"] }),
    pki.issue("evil", rogue, { emails: ["evil@c.example"] }),
  ]);
  const p12 = await openssl(["pkcs12", "-export", "-inkey", b.files.key, "-in", b.files.cert, "-passout", "pass:pw"]);
  agentA = await createDirectAgent({
    identities: [
      { scope: "a.example", certificate: readFileSync(a.files.cert), privateKey: readFileSync(a.files.key) },
    ],
    trustAnchors: [{ scope: "a.example", certificates: readFileSync(caB.files.cert) }],
    discovery: {
      configured: [
        { scope: "b.example", certificates: readFileSync(b.files.cert) },
        { scope: "evil@c.example", certificates: readFileSync(roguePublished.files.cert) },
      ],
      dns: false,
      ldap: false,
    },
  });
  agentB = await createDirectAgent({
    identities: [{ scope: "b.example", pkcs12: p12, password: "pw" }],
    trustAnchors: [{ scope: "b.example", certificates: readFileSync(caA.files.cert) }],
    discovery: { dns: false, ldap: false },
  });
  listener = await startSmtpListener({
    host: "127.0.0.1",
    port: 0,
    localDomains: ["b.example"],
    tls: { key: readFileSync(tlsB.files.key), cert: readFileSync(tlsB.files.cert) },
    store: async (raw: Buffer, envelope: InboundEnvelope) => {
      try {
        opened.push(await agentB.open(raw, envelope));
      } catch (error) {
        refused.push(error);
      }
    },
  });
});

/** Adapters made by the tests, closed before the listener: they keep their SMTP connections open for reuse. */
const transports: HispTransport[] = [];
function adapter(...args: Parameters<typeof createHispTransport>): HispTransport {
  const transport = createHispTransport(...args);
  transports.push(transport);
  return transport;
}

afterAll(async () => {
  await Promise.all(transports.map((transport) => transport.close?.()));
  await listener?.close();
});

describe("two Conduit installations configured from settings", () => {
  it("a.example seals and sends over SMTP; b.example's listener receives it and opens it", async () => {
    const transport = adapter(
      { kind: "smtp", relay: { host: "127.0.0.1", port: listener.port }, tls: { ca: caB.certificate.toString() } },
      agentA,
    );
    const message = await outbound("alice@a.example", ["bob@b.example"]);
    const result = await transport.send(message);
    expect(result).toMatchObject({ outcome: "accepted" });
    expect(refused).toEqual([]);
    expect(opened.at(-1)?.original.equals(message.raw)).toBe(true);
    expect(opened.at(-1)?.algorithms.keyTransport).toBe("rsa-oaep-sha256");
  });

  it("per-destination PKCS#1 v1.5 key transport and AES-128", async () => {
    const transport = adapter(
      {
        kind: "smtp",
        relay: { host: "127.0.0.1", port: listener.port },
        tls: { ca: caB.certificate.toString() },
        keyTransport: "rsa-pkcs1-v1_5",
        contentEncryption: "aes-128-cbc",
      },
      agentA,
    );
    expect(await transport.send(await outbound("alice@a.example", ["bob@b.example"]))).toMatchObject({
      outcome: "accepted",
    });
    expect(opened.at(-1)?.algorithms).toMatchObject({
      keyTransport: "rsa-pkcs1-v1_5",
      contentEncryption: "aes-128-cbc",
    });
  });

  it("will not encrypt for a recipient certificate outside the sender's trust anchors", async () => {
    const transport = adapter(
      { kind: "smtp", relay: { host: "127.0.0.1", port: listener.port }, tls: { ca: caB.certificate.toString() } },
      agentA,
    );
    const result = await transport.send(await outbound("alice@a.example", ["evil@c.example"]));
    expect(result).toMatchObject({ outcome: "permanent-failure", reason: expect.stringMatching(/untrusted-anchor/) });
  });
});
