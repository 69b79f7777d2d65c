import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { HispTransport, OutboundDirectMessage, SendResult } from "./transport.js";

export interface FileTransportOptions {
  /** Folder that receives one `.eml` per message. */
  directory: string;
}

/**
 * The development adapter: writes each message as an RFC 5322 `.eml` into a folder instead of sending it. The file
 * appears whole or not at all (written under a temporary name, then renamed), and a resend of the same message
 * overwrites its file rather than adding a second one.
 */
export class FileTransport implements HispTransport {
  readonly kind = "file";

  constructor(private readonly options: FileTransportOptions) {}

  async send(message: OutboundDirectMessage): Promise<SendResult> {
    const safeId = message.id.replace(/[^A-Za-z0-9_-]/g, "_");
    const target = path.join(this.options.directory, `${safeId}.eml`);
    const partial = `${target}.${process.pid}.partial`;
    try {
      await mkdir(this.options.directory, { recursive: true });
      await writeFile(partial, message.raw);
      await rename(partial, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unknown";
      const reason = `could not write ${target}: ${code}`;
      // A full disk or a busy file system can recover; a path that cannot exist will not.
      const permanent = code === "EACCES" || code === "EROFS" || code === "ENOTDIR" || code === "EISDIR";
      return permanent ? { outcome: "permanent-failure", reason } : { outcome: "transient-failure", reason };
    }
    return { outcome: "accepted", detail: `written to ${target}` };
  }
}
