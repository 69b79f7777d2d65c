import { createServer, type Server } from "node:http";
import type { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CERT_TYPE,
  CertificateDiscovery,
  certRdata,
  ConfiguredCertificates,
  DnsCertSource,
  LdapCertSource,
  type CertificateSource,
} from "../src/index.js";
import { TestDnsServer } from "./helpers/dns-server.js";
import { TestLdapServer } from "./helpers/ldap-server.js";
import { daysAgo, TestPki, type TestIdentity } from "./helpers/pki.js";

let pki: TestPki;
let ca: TestIdentity;
let bobCert: TestIdentity;
let domainCert: TestIdentity;
let dns: TestDnsServer;
let http: Server;
let httpPort: number;
const bigCerts: TestIdentity[] = [];
let urlCert: TestIdentity;
let expiredCert: TestIdentity;
let ldap: TestLdapServer;
let daveCert: TestIdentity;

beforeAll(async () => {
  pki = new TestPki();
  ca = await pki.ca("Discovery CA");
  [bobCert, domainCert, urlCert, expiredCert] = await Promise.all([
    pki.issue("bob", ca, { emails: ["bob@b.example"] }),
    pki.issue("b.example", ca, { dnsNames: ["b.example"] }),
    pki.issue("url", ca, { emails: ["url@b.example"] }),
    pki.issue("old", ca, { emails: ["old@b.example"], notBefore: daysAgo(400), notAfter: daysAgo(10) }),
  ]);
  bigCerts.push(...(await Promise.all([1, 2].map((n) => pki.issue(`big${n}`, ca, { emails: ["big@b.example"] })))));
  http = createServer((request, response) => {
    if (request.url === "/url.cer") response.end(urlCert.certificate.raw);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  httpPort = (http.address() as { port: number }).port;
  dns = new TestDnsServer();
  await dns.start();
  const pkix = (c: X509Certificate) => ({ rdata: certRdata(CERT_TYPE.PKIX, c.raw), ttl: 3600 });
  dns.records.set("bob.b.example", [pkix(bobCert.certificate)]);
  dns.records.set("b.example", [pkix(domainCert.certificate)]);
  dns.records.set(
    "big.b.example",
    bigCerts.map((c) => pkix(c.certificate)),
  );
  dns.records.set("url.b.example", [
    { rdata: certRdata(CERT_TYPE.IPKIX, Buffer.from(`http://127.0.0.1:${httpPort}/url.cer`)), ttl: 60 },
  ]);
  dns.records.set("old.b.example", [pkix(expiredCert.certificate)]);
  daveCert = await pki.issue("dave", ca, { emails: ["dave@d.example"] });
  ldap = new TestLdapServer("dc=d,dc=example");
  await ldap.start();
  ldap.entries.set("dave@d.example", [daveCert.certificate.raw]);
  dns.srv.set("_ldap._tcp.d.example", { target: "127.0.0.1", port: ldap.port });
});

afterAll(async () => {
  await dns?.stop();
  await ldap?.stop();
  await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
});

const source = () => new DnsCertSource({ server: { host: "127.0.0.1", port: dns.port }, timeoutMs: 2000 });

describe("DNS CERT discovery against a DNS server on loopback", () => {
  it("finds the address-bound certificate before the domain-bound one", async () => {
    const discovery = new CertificateDiscovery([source()]);
    const bob = await discovery.discover("Bob@B.example");
    expect(bob.source).toBe("dns");
    expect(bob.certificates.map((c) => c.raw)).toEqual([bobCert.certificate.raw]);
    const carol = await discovery.discover("carol@b.example");
    expect(carol.certificates.map((c) => c.raw)).toEqual([domainCert.certificate.raw]);
  });

  it("falls back to TCP when the UDP answer is truncated", async () => {
    const dnsSource = source();
    const found = await dnsSource.find("big@b.example");
    expect(found).toHaveLength(2);
    expect(dnsSource.queryLog).toEqual([
      { name: "big.b.example", transport: "udp" },
      { name: "big.b.example", transport: "tcp" },
    ]);
  });

  it("follows a URL-form (IPKIX) record", async () => {
    const found = await source().find("url@b.example");
    expect(found.map((c) => c.raw)).toEqual([urlCert.certificate.raw]);
  });

  it("caches answers for their TTL", async () => {
    let now = Date.now();
    const dnsSource = new DnsCertSource({ server: { host: "127.0.0.1", port: dns.port }, now: () => now });
    const asked = () => dnsSource.queryLog.filter((q) => q.transport === "udp").length;
    await dnsSource.find("bob@b.example");
    await dnsSource.find("bob@b.example");
    expect(asked()).toBe(1);
    now += 3601_000;
    await dnsSource.find("bob@b.example");
    expect(asked()).toBe(2);
  });

  it("an expired certificate at one level stops discovery with its reason", async () => {
    const asked: string[] = [];
    const ldapLike: CertificateSource = {
      name: "ldap",
      find: async (address) => {
        asked.push(address);
        return [];
      },
    };
    const discovery = new CertificateDiscovery([new ConfiguredCertificates(), source(), ldapLike]);
    await expect(discovery.discover("old@b.example")).rejects.toMatchObject({
      code: "expired-certificate",
      message: expect.stringMatching(/dns certificate for old@b.example refused/),
    });
    expect(asked).toEqual([]);
  });

  it("configured certificates come before DNS", async () => {
    const configured = new ConfiguredCertificates().add("bob@b.example", [domainCert.certificate]);
    const discovery = new CertificateDiscovery([configured, source()]);
    // domainCert binds b.example, so it serves bob@b.example too.
    expect((await discovery.discover("bob@b.example")).source).toBe("configured");
  });

  it("a DNS server that does not answer is an error, not an empty answer", async () => {
    const silent = new DnsCertSource({ server: { host: "127.0.0.1", port: 9 }, timeoutMs: 200 });
    await expect(silent.find("x@nowhere.example")).rejects.toThrow();
  });
});

describe("LDAP discovery", () => {
  const ldapSource = () => new LdapCertSource({ dnsServer: { host: "127.0.0.1", port: dns.port }, timeoutMs: 2000 });

  it("finds the directory by _ldap._tcp SRV and reads userCertificate;binary for mail=", async () => {
    const discovery = new CertificateDiscovery([new ConfiguredCertificates(), source(), ldapSource()]);
    const dave = await discovery.discover("dave@d.example");
    expect(dave.source).toBe("ldap");
    expect(dave.certificates.map((c) => c.raw)).toEqual([daveCert.certificate.raw]);
    expect(ldap.searches).toContain("dave@d.example");
  });

  it("a domain without a directory or records has no certificate", async () => {
    const discovery = new CertificateDiscovery([source(), ldapSource()]);
    await expect(discovery.discover("erin@e.example")).rejects.toMatchObject({ code: "no-certificate" });
  });
});
