import { randomUUID } from "node:crypto";
import type { InboundEnvelope } from "@conduit/direct-transport";
import { withTimeout, type Database } from "../db/prisma.js";
import type { Logger } from "../logger.js";
import { enqueueInbound, type InboundQueue } from "../queues/inbound-queue.js";
import { organizationForAddress } from "./local-addresses.js";

export interface StoreInboundDeps {
  db: Database;
  logger: Logger;
  inboundQueue: InboundQueue;
}

/** The outer Message-ID (Direct keeps From, To, Date and Message-ID outside the encryption). */
export function outerMessageId(raw: Buffer): string | undefined {
  const headerEnd = raw.indexOf("\r\n\r\n");
  const head = raw.subarray(0, headerEnd > 0 ? Math.min(headerEnd, 64 * 1024) : 64 * 1024).toString("latin1");
  const match = /^message-id:[ \t]*(<[^>\r\n]{1,500}>)/im.exec(head.replace(/\r?\n[ \t]+/g, " "));
  return match?.[1];
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === "P2002";
}

/**
 * What the SMTP listener calls before it answers 250: stores the raw message once per receiving organization and
 * queues it. A message received twice (the sender retried after losing our 250) is recognised by its Message-ID and
 * not stored again. Throws (and the listener answers 451, so the sender retries) only when storing failed.
 */
export async function storeInbound(deps: StoreInboundDeps, raw: Buffer, envelope: InboundEnvelope): Promise<string[]> {
  const byOrg = new Map<string, string[]>();
  for (const recipient of envelope.to) {
    const orgId = await organizationForAddress(deps.db, recipient);
    if (orgId) byOrg.set(orgId, [...(byOrg.get(orgId) ?? []), recipient]);
  }
  const rfcMessageId = outerMessageId(raw);
  const stored: string[] = [];
  for (const [orgId, recipients] of byOrg) {
    const id = randomUUID();
    try {
      await deps.db.message.create({
        data: {
          id,
          orgId,
          direction: "inbound",
          dataModel: "Direct",
          eventType: "Inbound",
          status: "received",
          directFrom: envelope.from.toLowerCase(),
          directTo: recipients,
          // Without a Message-ID, our own id stands in: such a message cannot be recognised as a duplicate.
          rfcMessageId: rfcMessageId ?? `<${id}@conduit.invalid>`,
          attemptId: randomUUID(),
          raw: {
            create: {
              data: new Uint8Array(raw),
              mailFrom: envelope.from,
              rcptTo: envelope.to,
              remoteAddress: envelope.remoteAddress,
            },
          },
          events: {
            create: {
              type: "received",
              detail: { bytes: raw.length, remoteAddress: envelope.remoteAddress, tls: envelope.secure },
            },
          },
        },
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        deps.logger.info({ orgId, rfcMessageId }, "inbound message received again; already stored");
        continue;
      }
      throw error;
    }
    stored.push(id);
    await withTimeout(enqueueInbound(deps.inboundQueue, id), 2_000).catch((error: Error) =>
      deps.logger.warn({ messageId: id, err: { message: error.message } }, "queueing failed; the sweep will queue it"),
    );
  }
  return stored;
}
