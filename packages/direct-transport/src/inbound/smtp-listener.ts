import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import { splitAddress } from "../trust/certificates.js";

export interface InboundEnvelope {
  /** MAIL FROM (empty string for a null reverse-path, as DSNs use). */
  from: string;
  /** RCPT TO addresses accepted for this message. */
  to: string[];
  remoteAddress: string;
  clientHostname: string;
  /** Whether the session was protected by STARTTLS. */
  secure: boolean;
  receivedAt: Date;
}

export interface SmtpListenerOptions {
  /** Interface to bind; 0.0.0.0 by default. */
  host?: string;
  /** Port; 25 in production, 0 for an ephemeral port. */
  port: number;
  /** Local Direct domains: recipients elsewhere are refused at RCPT time (no open relay). */
  localDomains: string[];
  /**
   * Decides instead of `localDomains` when given, so domains added while the listener runs are accepted without a
   * restart.
   */
  isLocalDomain?: (domain: string) => boolean | Promise<boolean>;
  /** Finer recipient check (e.g. a known-address lookup); called only for local domains. */
  acceptRecipient?: (address: string) => boolean | Promise<boolean>;
  /** TLS key and certificate (PEM) for STARTTLS. */
  tls: { key: Buffer | string; cert: Buffer | string };
  /** Refuse mail from clients that did not STARTTLS. Default true. */
  requireTls?: boolean;
  /** Size limit in bytes, advertised in EHLO (RFC 1870); default 25 MiB. */
  maxSize?: number;
  /** Name in the banner and EHLO reply. */
  serverName?: string;
  /** Simultaneous connections; default 100. */
  maxClients?: number;
  /**
   * On close, how long connections still open (a peer keeping an idle one for reuse) may stay before they get 421 and
   * are closed; default 10 s. Nothing is lost: a message is answered 250 only once it is stored.
   */
  closeTimeoutMs?: number;
  /**
   * Stores an accepted message. The 250 reply is sent only after it resolves, so a message is never acknowledged
   * before it is safely stored; a rejection becomes a 451 (transient) reply and the sender retries.
   */
  store: (raw: Buffer, envelope: InboundEnvelope) => Promise<void>;
  /** Errors that are not the client's fault (store failures, socket errors). */
  onError?: (error: Error) => void;
}

export interface SmtpListener {
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

/** Starts the inbound SMTP listener for the local Direct domains (AS v1.3 §3: Direct messages travel over SMTP). */
export async function startSmtpListener(options: SmtpListenerOptions): Promise<SmtpListener> {
  const localDomains = new Set(options.localDomains.map((d) => d.toLowerCase()));
  const requireTls = options.requireTls ?? true;
  const maxSize = options.maxSize ?? 25 * 1024 * 1024;
  const server = new SMTPServer({
    name: options.serverName,
    secure: false,
    key: options.tls.key,
    cert: options.tls.cert,
    size: maxSize,
    maxClients: options.maxClients ?? 100,
    authOptional: true,
    disabledCommands: ["AUTH"],
    banner: "Conduit Direct SMTP",
    closeTimeout: options.closeTimeoutMs ?? 10_000,
    logger: false,
    onMailFrom(_address, session, callback) {
      if (requireTls && !session.secure) {
        callback(smtpError("Must issue a STARTTLS command first", 530));
        return;
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      const recipient = address.address.toLowerCase();
      const domain = splitAddress(recipient).domain;
      Promise.resolve(options.isLocalDomain ? options.isLocalDomain(domain) : localDomains.has(domain))
        .then(async (local) => {
          if (!local) return smtpError(`5.7.1 <${recipient}>: relay access denied`, 550);
          const ok = options.acceptRecipient ? await options.acceptRecipient(recipient) : true;
          return ok ? undefined : smtpError(`5.1.1 <${recipient}>: no such user here`, 550);
        })
        .then(
          (refusal) => callback(refusal),
          (error: Error) => {
            options.onError?.(error);
            callback(smtpError("4.3.0 temporary failure checking the recipient", 451));
          },
        );
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      let received = 0;
      stream.on("data", (chunk: Buffer) => {
        // Past the limit the rest is read and dropped: the message is refused at the end, and memory stays bounded.
        received += chunk.length;
        if (received <= maxSize) chunks.push(chunk);
      });
      stream.on("error", (error: Error) => callback(error));
      stream.on("end", () => {
        if (stream.sizeExceeded) {
          callback(smtpError(`5.3.4 message exceeds the size limit of ${maxSize} bytes`, 552));
          return;
        }
        const envelope: InboundEnvelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          remoteAddress: session.remoteAddress,
          clientHostname: session.clientHostname,
          secure: session.secure,
          receivedAt: new Date(),
        };
        options.store(Buffer.concat(chunks), envelope).then(
          () => callback(null, "2.0.0 message stored"),
          (error: Error) => {
            options.onError?.(error);
            callback(smtpError("4.3.0 temporary failure storing the message, try again later", 451));
          },
        );
      });
    },
  });
  server.on("error", (error: Error) => options.onError?.(error));
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => {
      server.server.off("error", reject);
      resolve();
    });
  });
  const address = server.server.address() as AddressInfo;
  return {
    port: address.port,
    host: address.address,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}
