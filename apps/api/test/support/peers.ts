import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import type { DirectCredentials } from "@conduit/direct-transport";

export interface ReceivedPost {
  headers: IncomingMessage["headers"];
  body: string;
}

/**
 * A customer's webhook endpoint on loopback: answers Redox's verification challenge, records every POST, and answers
 * each with the next status of `script` (200 once the script runs out).
 */
export class WebhookReceiver {
  readonly posts: ReceivedPost[] = [];
  private server?: Server;
  script: number[] = [];

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        let parsed: { challenge?: string } = {};
        try {
          parsed = JSON.parse(body) as { challenge?: string };
        } catch {
          // not JSON
        }
        if (parsed.challenge && Object.keys(parsed).length === 2) {
          res.writeHead(200, { "content-type": "text/plain" }).end(parsed.challenge);
          return;
        }
        this.posts.push({ headers: req.headers, body });
        const status = this.script.shift() ?? 200;
        res.writeHead(status, { "content-type": "application/json" }).end("{}");
      });
    });
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: Buffer;
}

/** A peer HISP's SMTP server on loopback, with STARTTLS, recording what it receives. */
export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  private server?: SMTPServer;
  port = 0;

  /** Starts on `port` (0: any free one). With `auth`, it asks for and accepts any AUTH PLAIN login, as a HISP edge would. */
  async start(tls: DirectCredentials, options: { port?: number; auth?: boolean } = {}): Promise<number> {
    this.server = new SMTPServer({
      key: tls.privateKey.export({ format: "pem", type: "pkcs8" }),
      cert: tls.certificate.toString(),
      authOptional: !options.auth,
      authMethods: ["PLAIN"],
      onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          this.messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
          });
          callback();
        });
      },
    });
    // A client killed mid-session resets its connection: that is the test's doing, not a failure of the sink.
    this.server.on("error", () => undefined);
    await new Promise<void>((resolve) => this.server!.listen(options.port ?? 0, "127.0.0.1", () => resolve()));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this.port;
  }

  async stop(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
