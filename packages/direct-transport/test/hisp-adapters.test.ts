import { readFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import nodemailer from "nodemailer";
import { SMTPServer } from "smtp-server";
import {
  CertificateDiscovery,
  ConfiguredCertificates,
  CredentialStore,
  FileTransport,
  openMessage,
  parseEntity,
  SmtpEdgeTransport,
  SmtpTransport,
  startSmtpListener,
  TrustAnchors,
  type InboundEnvelope,
  type SmtpListener,
} from "../src/index.js";
import { combine } from "../src/hisp/smtp-transport.js";
import { hispConformance, outbound } from "./helpers/hisp-conformance.js";
import { openssl } from "./helpers/openssl.js";
import { TestPki, type TestIdentity } from "./helpers/pki.js";

let pki: TestPki;
let ca: TestIdentity;
let alice: TestIdentity;
let bDomain: TestIdentity;
let tlsIdentity: TestIdentity;
let listener: SmtpListener;
let edge: SMTPServer;
let edgePort: number;
let closedPort: number;
const inbox: { raw: Buffer; envelope: InboundEnvelope }[] = [];
const edgeInbox: { raw: Buffer; user?: string; secure: boolean; from: string; to: string[] }[] = [];

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

/** The local servers' TLS key and certificate (for 127.0.0.1, under the test CA). */
function serverTls() {
  return {
    key: tlsIdentity.privateKey.export({ format: "pem", type: "pkcs8" }),
    cert: tlsIdentity.certificate.toString(),
  };
}

beforeAll(async () => {
  pki = new TestPki();
  ca = await pki.ca("Conduit Test CA");
  [alice, bDomain, tlsIdentity] = await Promise.all([
    pki.issue("a.example", ca, { dnsNames: ["a.example"] }),
    pki.issue("b.example", ca, { dnsNames: ["b.example"] }),
    pki.issue("localhost", ca, { dnsNames: ["localhost"], ips: ["127.0.0.1"] }),
  ]);
  const tls = serverTls();
  listener = await startSmtpListener({
    host: "127.0.0.1",
    port: 0,
    localDomains: ["b.example"],
    acceptRecipient: (address) => address !== "unknown@b.example",
    tls,
    maxSize: 200_000,
    store: async (raw, envelope) => {
      if (envelope.to.includes("busy@b.example")) throw new Error("database unavailable");
      inbox.push({ raw, envelope });
    },
  });
  edge = new SMTPServer({
    secure: false,
    ...tls,
    authMethods: ["PLAIN"],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === "conduit" && auth.password === "s3cret") callback(null, { user: auth.username });
      else callback(smtpError("5.7.8 authentication failed", 535));
    },
    onRcptTo(address, _session, callback) {
      if (address.address === "unknown@b.example") callback(smtpError("5.1.1 no such user here", 550));
      else if (address.address === "busy@b.example") callback(smtpError("4.2.1 mailbox busy, try again later", 451));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        edgeInbox.push({
          raw: Buffer.concat(chunks),
          user: session.user as string | undefined,
          secure: session.secure,
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => edge.listen(0, "127.0.0.1", resolve));
  edgePort = (edge.server.address() as { port: number }).port;
  // A port that was free a moment ago: nothing listens there.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
});

/** Every adapter made here, closed before the servers: adapters keep their SMTP connections open for reuse. */
const adapters: { close(): Promise<void> }[] = [];

afterAll(async () => {
  await Promise.all(adapters.map((adapter) => adapter.close()));
  await listener?.close();
  await new Promise<void>((resolve) => (edge ? edge.close(() => resolve()) : resolve()));
});

function smtpTransport(port?: number): SmtpTransport {
  return remember(
    new SmtpTransport({
      credentials: new CredentialStore().add("a.example", alice),
      discovery: new CertificateDiscovery([new ConfiguredCertificates().add("b.example", [bDomain.certificate])]),
      relay: { host: "127.0.0.1", port: port ?? listener.port },
      tls: { ca: ca.certificate.toString() },
      connectionTimeoutMs: 5000,
    }),
  );
}

function remember<T extends { close(): Promise<void> }>(adapter: T): T {
  adapters.push(adapter);
  return adapter;
}

function edgeTransport(port?: number): SmtpEdgeTransport {
  return remember(
    new SmtpEdgeTransport({
      host: "127.0.0.1",
      port: port ?? edgePort,
      user: "conduit",
      pass: "s3cret",
      tls: { ca: ca.certificate.toString() },
      connectionTimeoutMs: 5000,
    }),
  );
}

const remote = {
  refusedRecipient: "unknown@b.example",
  refusedText: /no such user here/,
  deferredRecipient: "busy@b.example",
  deferredText: /try again later/,
};

hispConformance({
  name: "smtp (Conduit seals, delivers over SMTP with STARTTLS)",
  from: "alice@a.example",
  to: "bob@b.example",
  transport: () => smtpTransport(),
  async arrived(message) {
    const found = inbox.find((m) => m.raw.toString("latin1").includes(message.messageId));
    if (!found) return null;
    // Arrives sealed: only the routing headers outside, the Subject hidden.
    const outer = parseEntity(found.raw);
    expect(outer.headers.find((h) => h.name === "Content-Type")?.value).toMatch(/^application\/pkcs7-mime/);
    expect(outer.headers.some((h) => h.name.toLowerCase() === "subject")).toBe(false);
    expect(found.envelope.secure).toBe(true);
    const opened = await openMessage(found.raw, {
      credentials: [bDomain],
      trust: new TrustAnchors().add("b.example", [ca.certificate]),
      envelope: found.envelope,
    });
    // And the independent peer agrees: openssl decrypts and verifies what arrived.
    const file = pki.write(`arrived-${message.id}.eml`, found.raw);
    const decrypted = await openssl([
      "cms",
      "-decrypt",
      "-recip",
      bDomain.files.cert,
      "-inkey",
      bDomain.files.key,
      "-in",
      file,
    ]);
    await openssl(["cms", "-verify", "-CAfile", ca.files.cert, "-purpose", "any"], decrypted);
    return { original: opened.original };
  },
  remote: { ...remote, unreachable: () => smtpTransport(closedPort) },
});

hispConformance({
  name: "smtp-edge (plain original to the HISP's submission edge, STARTTLS + AUTH PLAIN)",
  from: "alice@a.example",
  to: "bob@b.example",
  transport: () => edgeTransport(),
  async arrived(message) {
    const found = edgeInbox.find((m) => m.raw.toString("latin1").includes(message.messageId));
    if (!found) return null;
    expect(found.secure).toBe(true);
    expect(found.user).toBe("conduit");
    expect(found.from).toBe("alice@a.example");
    return { original: found.raw };
  },
  remote: { ...remote, unreachable: () => edgeTransport(closedPort) },
});

hispConformance({
  name: "file (development: one .eml per message)",
  from: "alice@a.example",
  to: "bob@b.example",
  transport: () => new FileTransport({ directory: path.join(pki.dir, "outbox") }),
  async arrived(message) {
    try {
      return {
        original: await readFile(path.join(pki.dir, "outbox", `${message.id.replace(/[^A-Za-z0-9_-]/g, "_")}.eml`)),
      };
    } catch {
      return null;
    }
  },
});

describe("smtp adapter specifics", () => {
  it("refuses to send, permanently, when the recipient has no certificate", async () => {
    const transport = remember(
      new SmtpTransport({
        credentials: new CredentialStore().add("a.example", alice),
        discovery: new CertificateDiscovery([new ConfiguredCertificates()]),
        relay: { host: "127.0.0.1", port: listener.port },
      }),
    );
    const result = await transport.send(await outbound("alice@a.example", ["bob@c.example"]));
    expect(result).toMatchObject({
      outcome: "permanent-failure",
      reason: expect.stringMatching(/no certificate found for bob@c.example/),
    });
  });

  it("maps MX lookup failures: NXDOMAIN is permanent, a DNS timeout transient", async () => {
    const failing = (code: string) =>
      new SmtpTransport({
        credentials: new CredentialStore().add("a.example", alice),
        discovery: new CertificateDiscovery([new ConfiguredCertificates().add("b.example", [bDomain.certificate])]),
        resolveMx: async () => {
          throw Object.assign(new Error(code), { code });
        },
      });
    const message = await outbound("alice@a.example", ["bob@b.example"]);
    expect(await failing("ENOTFOUND").send(message)).toMatchObject({ outcome: "permanent-failure" });
    expect(await failing("ETIMEOUT").send(message)).toMatchObject({ outcome: "transient-failure" });
  });

  it("the worst outcome of several recipient domains wins", () => {
    const accepted = { outcome: "accepted", detail: "ok" } as const;
    const transient = { outcome: "transient-failure", reason: "later" } as const;
    const permanent = { outcome: "permanent-failure", reason: "never" } as const;
    expect(combine([accepted, transient]).outcome).toBe("transient-failure");
    expect(combine([transient, permanent, accepted]).outcome).toBe("permanent-failure");
    expect(combine([accepted, accepted]).outcome).toBe("accepted");
  });

  it("sends consecutive messages over one connection, and opens a new one when the peer dropped it", async () => {
    const sessions: string[] = [];
    const server = new SMTPServer({
      secure: false,
      ...serverTls(),
      authOptional: true,
      onConnect: (session, callback) => {
        sessions.push(session.id);
        callback();
      },
      onData: (stream, _session, callback) => {
        stream.resume();
        stream.on("end", () => callback());
      },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.server.address() as { port: number }).port;
    const transport = smtpTransport(port);
    try {
      for (let i = 0; i < 3; i++) {
        expect(await transport.send(await outbound("alice@a.example", ["bob@b.example"]))).toMatchObject({
          outcome: "accepted",
        });
      }
      expect(sessions).toHaveLength(1);
      // The peer ends every open session (as an idle timeout would); the next message still goes, on a new one.
      for (const connection of (server as unknown as { connections: Set<{ close(): void }> }).connections) {
        connection.close();
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await transport.send(await outbound("alice@a.example", ["bob@b.example"]))).toMatchObject({
        outcome: "accepted",
      });
      expect(sessions).toHaveLength(2);
    } finally {
      await transport.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("delivers to the recipient domain's MX when no relay is configured", async () => {
    const transport = remember(
      new SmtpTransport({
        credentials: new CredentialStore().add("a.example", alice),
        discovery: new CertificateDiscovery([new ConfiguredCertificates().add("b.example", [bDomain.certificate])]),
        resolveMx: async (domain) => (domain === "b.example" ? [{ exchange: "127.0.0.1", priority: 10 }] : []),
        mxPort: listener.port,
        tls: { ca: ca.certificate.toString() },
      }),
    );
    const message = await outbound("alice@a.example", ["carol@b.example"]);
    expect(await transport.send(message)).toMatchObject({
      outcome: "accepted",
      remoteReply: expect.stringMatching(/^250/),
    });
  });
});

describe("smtp-edge adapter specifics", () => {
  it("a refused AUTH is a permanent failure with the server's reply", async () => {
    const transport = remember(
      new SmtpEdgeTransport({
        host: "127.0.0.1",
        port: edgePort,
        user: "conduit",
        pass: "wrong",
        tls: { ca: ca.certificate.toString() },
      }),
    );
    const result = await transport.send(await outbound("alice@a.example", ["bob@b.example"]));
    expect(result).toMatchObject({
      outcome: "permanent-failure",
      remoteReply: expect.stringMatching(/^535.*authentication failed/),
    });
  });

  it("never sends the plain original to an edge whose certificate it cannot verify", async () => {
    const transport = remember(
      new SmtpEdgeTransport({ host: "127.0.0.1", port: edgePort, user: "conduit", pass: "s3cret" }),
    );
    const before = edgeInbox.length;
    const result = await transport.send(await outbound("alice@a.example", ["bob@b.example"]));
    expect(result.outcome).toBe("transient-failure");
    expect(edgeInbox.length).toBe(before);
  });
});

describe("inbound SMTP listener", () => {
  it("refuses a recipient outside the local domains at RCPT time (no relaying)", async () => {
    const result = await edgeLikeSend(["someone@elsewhere.example"]);
    expect(result).toMatchObject({
      outcome: "permanent-failure",
      remoteReply: expect.stringMatching(/^550.*relay access denied/),
    });
  });

  it("refuses a message over the size limit", async () => {
    const message = await outbound("alice@a.example", ["bob@b.example"]);
    message.raw = Buffer.concat([message.raw, Buffer.alloc(300_000, "a")]);
    const result = await smtpTransport().send(message);
    expect(result).toMatchObject({ outcome: "permanent-failure", remoteReply: expect.stringMatching(/^552/) });
  });

  it("refuses mail before STARTTLS", async () => {
    const plain = nodemailer.createTransport({
      host: "127.0.0.1",
      port: listener.port,
      secure: false,
      ignoreTLS: true,
    });
    const error = await plain
      .sendMail({ envelope: { from: "alice@a.example", to: ["bob@b.example"] }, raw: "Subject: x\r\n\r\nx\r\n" })
      .then(
        () => undefined,
        (e: { responseCode?: number; response?: string }) => e,
      );
    plain.close();
    expect(error).toMatchObject({ responseCode: 530, response: expect.stringMatching(/STARTTLS/) });
  });

  it("replies 250 only after the store callback resolved", async () => {
    const events: string[] = [];
    const slow = await startSmtpListener({
      host: "127.0.0.1",
      port: 0,
      localDomains: ["b.example"],
      tls: serverTls(),
      store: async () => {
        await new Promise((resolve) => setTimeout(resolve, 150));
        events.push("stored");
      },
    });
    const transport = smtpTransport(slow.port);
    try {
      const result = await transport.send(await outbound("alice@a.example", ["bob@b.example"]));
      events.push(result.outcome);
      expect(events).toEqual(["stored", "accepted"]);
    } finally {
      // The adapter keeps its connection open for the next message; the listener closes once it is released.
      await transport.close();
      await slow.close();
    }
  });

  it("closes within its close timeout while a peer keeps an idle connection, telling it 421", async () => {
    const quick = await startSmtpListener({
      host: "127.0.0.1",
      port: 0,
      localDomains: ["b.example"],
      tls: serverTls(),
      closeTimeoutMs: 300,
      store: async () => undefined,
    });
    const peer = connect(quick.port, "127.0.0.1");
    let received = "";
    peer.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    await new Promise((resolve) => peer.once("data", resolve));
    expect(received).toMatch(/^220 /);
    const started = Date.now();
    await quick.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toMatch(/421 /);
    peer.destroy();
  });

  async function edgeLikeSend(to: string[]) {
    const { deliverOverSmtp } = await import("../src/index.js");
    return deliverOverSmtp(
      { host: "127.0.0.1", port: listener.port, tls: { ca: ca.certificate.toString() } },
      { from: "alice@a.example", to },
      Buffer.from("Subject: x\r\n\r\nx\r\n"),
    );
  }
});
