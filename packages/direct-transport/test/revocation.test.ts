import { beforeAll, describe, expect, it } from "vitest";
import {
  CertificateDiscovery,
  ConfiguredCertificates,
  CrlRevocation,
  openMessage,
  sealMessage,
  TrustAnchors,
  validateCertificatePath,
  type CertificateSource,
} from "../src/index.js";
import { originalMessage } from "./helpers/messages.js";
import { openssl } from "./helpers/openssl.js";
import { issueCrl, TestPki, type TestIdentity } from "./helpers/pki.js";

let pki: TestPki;
let ca: TestIdentity;
let alice: TestIdentity;
let bob: TestIdentity;
let carol: TestIdentity;
let crl: Buffer;

beforeAll(async () => {
  pki = new TestPki();
  ca = await pki.ca("CRL CA");
  [alice, bob, carol] = await Promise.all([
    pki.issue("alice", ca, { emails: ["alice@a.example"], crlUrl: "http://crl.example/ca.crl" }),
    pki.issue("bob", ca, { emails: ["bob@b.example"] }),
    pki.issue("carol", ca, { emails: ["carol@c.example"] }),
  ]);
  crl = await issueCrl(pki, ca, [alice, carol]);
});

describe("revocation by CRL", () => {
  it("agrees with openssl verify -crl_check on which certificates the CRL revokes", async () => {
    const crlFile = pki.write("ca.crl", crl);
    const check = (cert: string) =>
      openssl(["verify", "-crl_check", "-CAfile", ca.files.cert, "-CRLfile", crlFile, cert]).then(
        () => "good",
        (e: { stderr?: Buffer; stdout?: Buffer }) =>
          /certificate revoked/.test(`${e.stdout}${e.stderr}`) ? "revoked" : `error: ${e.stdout}${e.stderr}`,
      );
    expect(await check(carol.files.cert)).toBe("revoked");
    expect(await check(bob.files.cert)).toBe("good");
    const revocation = new CrlRevocation().addCrl(crl);
    expect(await revocation.isRevoked(carol.certificate, ca.certificate)).toBe(true);
    expect(await revocation.isRevoked(bob.certificate, ca.certificate)).toBe(false);
  });

  it("ignores a CRL whose signature does not come from the issuer", async () => {
    const otherCa = await pki.ca("CRL CA"); // same name, different key
    const forged = await issueCrl(pki, otherCa, [bob]);
    const revocation = new CrlRevocation().addCrl(forged);
    expect(await revocation.isRevoked(bob.certificate, ca.certificate)).toBe(false);
    expect(await new CrlRevocation().addCrl(forged).requireCrl().isRevoked(bob.certificate, ca.certificate)).toBe(true);
  });

  it("fetches the CRL from the distribution point once and refuses a revoked signer", async () => {
    const fetched: string[] = [];
    const revocation = new CrlRevocation({
      fetchCrl: async (url) => {
        fetched.push(url);
        return crl;
      },
    });
    const sealed = sealMessage(await originalMessage("alice@a.example", ["bob@b.example"]), {
      signer: alice,
      recipients: [{ certificate: bob.certificate }],
    });
    const open = () =>
      openMessage(sealed, {
        credentials: [bob],
        trust: new TrustAnchors().add("b.example", [ca.certificate]),
        envelope: { from: "alice@a.example", to: ["bob@b.example"] },
        policy: { isRevoked: revocation.isRevoked },
      });
    await expect(open()).rejects.toMatchObject({ code: "revoked" });
    await expect(open()).rejects.toMatchObject({ code: "revoked" });
    expect(fetched).toEqual(["http://crl.example/ca.crl"]);
  });

  it("a revoked certificate at one discovery level stops discovery", async () => {
    const asked: string[] = [];
    const next: CertificateSource = { name: "dns", find: async (a) => (asked.push(a), [bob.certificate]) };
    const discovery = new CertificateDiscovery(
      [new ConfiguredCertificates().add("carol@c.example", [carol.certificate]), next],
      {
        trust: new TrustAnchors().add("a.example", [ca.certificate]),
        policy: { isRevoked: new CrlRevocation().addCrl(crl).isRevoked },
      },
    );
    await expect(discovery.discover("carol@c.example", "alice@a.example")).rejects.toMatchObject({
      code: "revoked",
      message: expect.stringMatching(/configured certificate for carol@c.example refused/),
    });
    expect(asked).toEqual([]);
  });

  it("path validation reports the revoked certificate", async () => {
    await expect(
      validateCertificatePath({
        leaf: carol.certificate,
        intermediates: [],
        anchors: [ca.certificate],
        purpose: "encryption",
        policy: { isRevoked: new CrlRevocation().addCrl(crl).isRevoked },
      }),
    ).rejects.toMatchObject({ code: "revoked" });
  });
});
