import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import type { DirectCredentials } from "@conduit/direct-transport";

/** Milliseconds on the wall clock, with sub-millisecond resolution. */
export const now = () => performance.timeOrigin + performance.now();

/** A peer HISP's SMTP server (STARTTLS) that keeps only each message's outer Message-ID, size and arrival time. */
export class TimingSmtpSink {
  readonly arrivals = new Map<string, { at: number; bytes: number }>();
  count = 0;
  private server?: SMTPServer;
  port = 0;

  async start(tls: DirectCredentials): Promise<number> {
    this.server = new SMTPServer({
      key: tls.privateKey.export({ format: "pem", type: "pkcs8" }),
      cert: tls.certificate.toString(),
      authOptional: true,
      logger: false,
      size: 64 * 1024 * 1024,
      onData: (stream, _session, callback) => {
        let head = "";
        let bytes = 0;
        stream.on("data", (chunk: Buffer) => {
          if (head.length < 16_384) head += chunk.toString("latin1", 0, Math.min(chunk.length, 16_384));
          bytes += chunk.length;
        });
        stream.on("end", () => {
          const headers = head.split(/\r?\n\r?\n/)[0] ?? "";
          const messageId = /^Message-ID:\s*(\S+)/im.exec(headers)?.[1] ?? `unknown-${this.count}`;
          this.arrivals.set(messageId, { at: now(), bytes });
          this.count += 1;
          callback();
        });
      },
    });
    this.server.on("error", () => undefined);
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", () => resolve()));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this.port;
  }

  async stop(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

/** A customer's webhook endpoint: answers the verification challenge, records when each content POST arrived. */
export class TimingWebhook {
  readonly arrivals: { at: number; dataModel: string }[] = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        let parsed: { challenge?: string; Meta?: { DataModel?: string; EventType?: string } } = {};
        try {
          parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as typeof parsed;
        } catch {
          // not JSON
        }
        if (parsed.challenge && Object.keys(parsed).length === 2) {
          res.writeHead(200, { "content-type": "text/plain" }).end(parsed.challenge);
          return;
        }
        this.arrivals.push({ at: now(), dataModel: `${parsed.Meta?.DataModel}/${parsed.Meta?.EventType}` });
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
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
