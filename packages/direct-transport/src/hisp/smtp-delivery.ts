import nodemailer, { type Transporter } from "nodemailer";
import type SMTPPool from "nodemailer/lib/smtp-pool/index.js";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import type { ConnectionOptions } from "node:tls";
import type { SendResult } from "./transport.js";

export interface SmtpHop {
  host: string;
  port: number;
  /** Client name for EHLO. */
  name?: string;
  /** RFC 3207 STARTTLS: required by default (AS v1.3 does not require it, but no Direct traffic should travel in the clear). */
  requireTls?: boolean;
  tls?: ConnectionOptions;
  auth?: { user: string; pass: string };
  connectionTimeoutMs?: number;
}

function transportOptions(hop: SmtpHop, pooled: boolean): SMTPPool.Options & SMTPTransport.Options {
  return {
    pool: pooled,
    host: hop.host,
    port: hop.port,
    secure: false,
    requireTLS: hop.requireTls ?? true,
    ignoreTLS: false,
    name: hop.name,
    tls: hop.tls,
    auth: hop.auth ? { type: "login", user: hop.auth.user, pass: hop.auth.pass } : undefined,
    authMethod: hop.auth ? "PLAIN" : undefined,
    connectionTimeout: hop.connectionTimeoutMs ?? 30_000,
    greetingTimeout: hop.connectionTimeoutMs ?? 30_000,
    socketTimeout: (hop.connectionTimeoutMs ?? 30_000) * 2,
    disableFileAccess: true,
    disableUrlAccess: true,
    ...(pooled ? { maxConnections: 4, maxMessages: 100 } : {}),
  } as SMTPPool.Options & SMTPTransport.Options;
}

/**
 * One SMTP transaction through nodemailer on a connection of its own, the raw message sent byte for byte. The result
 * follows RFC 5321 §4.2.1: a 4yz reply (or no reply at all: refused connection, timeout, TLS failure) is transient
 * and the worker retries; a 5yz reply is permanent. The server's reply text travels in `remoteReply`.
 */
export async function deliverOverSmtp(
  hop: SmtpHop,
  envelope: { from: string; to: string[] },
  raw: Buffer,
): Promise<SendResult> {
  const transport = nodemailer.createTransport(transportOptions(hop, false));
  try {
    return await sendThrough(transport, hop, envelope, raw);
  } finally {
    transport.close();
  }
}

/**
 * Reused SMTP connections, per next hop (up to 4 at a time, 100 messages each; closed after `idleMs` without a
 * message). A new connection per message cost a TCP and TLS handshake on both sides each time, the largest share of
 * an SMTP send. Results are those of `deliverOverSmtp`; a connection the peer dropped meanwhile fails the message
 * it carried as transient (retried), and the pool opens a new one.
 */
export class SmtpConnectionPool {
  private readonly pools = new Map<
    string,
    { transport: Transporter<SMTPTransport.SentMessageInfo>; lastUsed: number; inFlight: number }
  >();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly idleMs = 10_000) {
    this.sweeper = setInterval(() => this.closeIdle(), Math.max(1_000, Math.floor(idleMs / 2)));
    this.sweeper.unref();
  }

  async deliver(hop: SmtpHop, envelope: { from: string; to: string[] }, raw: Buffer): Promise<SendResult> {
    const key = `${hop.host}:${hop.port}`;
    let entry = this.pools.get(key);
    if (!entry) {
      entry = { transport: nodemailer.createTransport(transportOptions(hop, true)), lastUsed: Date.now(), inFlight: 0 };
      this.pools.set(key, entry);
    }
    entry.inFlight += 1;
    try {
      return await sendThrough(entry.transport, hop, envelope, raw);
    } finally {
      entry.inFlight -= 1;
      entry.lastUsed = Date.now();
    }
  }

  private closeIdle(): void {
    for (const [key, entry] of this.pools) {
      if (entry.inFlight === 0 && Date.now() - entry.lastUsed >= this.idleMs) {
        this.pools.delete(key);
        entry.transport.close();
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const entry of this.pools.values()) entry.transport.close();
    this.pools.clear();
  }
}

async function sendThrough(
  transport: Transporter<SMTPTransport.SentMessageInfo>,
  hop: SmtpHop,
  envelope: { from: string; to: string[] },
  raw: Buffer,
): Promise<SendResult> {
  try {
    const info = await transport.sendMail({ envelope, raw });
    const rejected = (info.rejected ?? []).map(String);
    if (rejected.length > 0) {
      // Some recipients refused: the message is not delivered to them, which the caller must see.
      const reply = info.rejectedErrors?.map((e) => (e as { response?: string }).response).join("; ");
      const permanent = (info.rejectedErrors ?? []).every(
        (e) => ((e as { responseCode?: number }).responseCode ?? 0) >= 500,
      );
      const reason = `${hop.host}:${hop.port} refused ${rejected.join(", ")}`;
      return permanent
        ? { outcome: "permanent-failure", reason, remoteReply: reply }
        : { outcome: "transient-failure", reason, remoteReply: reply };
    }
    return { outcome: "accepted", detail: `accepted by ${hop.host}:${hop.port}`, remoteReply: info.response };
  } catch (error) {
    return smtpFailure(error, hop);
  }
}

export function smtpFailure(error: unknown, hop: { host: string; port: number }): SendResult {
  const e = error as { responseCode?: number; response?: string; code?: string; message?: string };
  const where = `${hop.host}:${hop.port}`;
  if (typeof e.responseCode === "number" && e.responseCode >= 500) {
    return { outcome: "permanent-failure", reason: `${where} replied ${e.responseCode}`, remoteReply: e.response };
  }
  if (typeof e.responseCode === "number" && e.responseCode >= 400) {
    return { outcome: "transient-failure", reason: `${where} replied ${e.responseCode}`, remoteReply: e.response };
  }
  // No SMTP reply: connection refused, DNS, timeout, TLS handshake. All may clear up; retry.
  return {
    outcome: "transient-failure",
    reason: `${where}: ${e.code ?? "error"} ${e.message ?? String(error)}`,
    remoteReply: e.response,
  };
}
