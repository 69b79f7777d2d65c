import { isIP } from "node:net";
import type { ConnectionOptions } from "node:tls";
import { SmtpConnectionPool } from "./smtp-delivery.js";
import type { HispTransport, OutboundDirectMessage, SendResult } from "./transport.js";

export interface SmtpEdgeTransportOptions {
  /** The HISP's SMTP submission edge. */
  host: string;
  /** 587 is the submission port (RFC 6409). */
  port: number;
  /** AUTH PLAIN credentials (sent only after STARTTLS). */
  user: string;
  pass: string;
  tls?: ConnectionOptions;
  heloName?: string;
  connectionTimeoutMs?: number;
}

/**
 * The `smtp-edge` adapter: the HISP is the security agent. Conduit submits the plain original over STARTTLS with
 * AUTH PLAIN (RFC 4954, RFC 4616); the HISP signs and encrypts it. STARTTLS is mandatory: the original is PHI.
 */
export class SmtpEdgeTransport implements HispTransport {
  readonly kind = "smtp-edge";

  private readonly connections = new SmtpConnectionPool();

  constructor(private readonly options: SmtpEdgeTransportOptions) {}

  async close(): Promise<void> {
    await this.connections.close();
  }

  send(message: OutboundDirectMessage): Promise<SendResult> {
    return this.connections.deliver(
      {
        host: this.options.host,
        port: this.options.port,
        name: this.options.heloName,
        requireTls: true,
        tls: { ...(isIP(this.options.host) ? {} : { servername: this.options.host }), ...this.options.tls },
        auth: { user: this.options.user, pass: this.options.pass },
        connectionTimeoutMs: this.options.connectionTimeoutMs,
      },
      { from: message.from, to: message.to },
      message.raw,
    );
  }
}
