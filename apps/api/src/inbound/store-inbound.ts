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

/** A unique violation, from a Prisma query (P2002) or a raw one (P2010 carrying PostgreSQL's 23505). */
function isUniqueViolation(error: unknown): boolean {
  const { code, meta, message } = error as { code?: string; meta?: Record<string, unknown>; message?: string };
  if (code === "P2002") return true;
  if (code !== "P2010") return false;
  return /23505|UniqueConstraintViolation|unique constraint/i.test(`${JSON.stringify(meta ?? {})} ${message ?? ""}`);
}

/**
 * Stores one received message: its row, its raw bytes and its `received` event, in one SQL statement (atomic by
 * itself, one round trip; Prisma's nested create took a transaction of six, and copied the bytes into a base64 cache
 * key on the way).
 */
async function insertReceived(
  db: Database,
  row: { id: string; orgId: string; recipients: string[]; rfcMessageId: string },
  raw: Buffer,
  envelope: InboundEnvelope,
): Promise<void> {
  // Timestamps as Prisma writes them: UTC in columns without a time zone, whatever the session's time zone is.
  const input = JSON.stringify({
    at: new Date().toISOString(),
    id: row.id,
    org_id: row.orgId,
    direct_from: envelope.from.toLowerCase(),
    direct_to: row.recipients,
    rfc_message_id: row.rfcMessageId,
    attempt_id: randomUUID(),
    mail_from: envelope.from,
    rcpt_to: envelope.to,
    remote_address: envelope.remoteAddress,
    detail: { bytes: raw.length, remoteAddress: envelope.remoteAddress, tls: envelope.secure },
  });
  await db.$executeRaw`
    WITH input AS (
      SELECT * FROM jsonb_to_record(${input}::jsonb) AS row(
        at timestamp(3), id uuid, org_id uuid, direct_from text, direct_to text[], rfc_message_id text, attempt_id uuid,
        mail_from text, rcpt_to text[], remote_address text, detail jsonb)
    ),
    message_inserted AS (
      INSERT INTO messages (id, org_id, direction, data_model, event_type, status, direct_from, direct_to,
        rfc_message_id, attempt_id, created_at, updated_at)
      SELECT id, org_id, 'inbound', 'Direct', 'Inbound', 'received', direct_from, direct_to, rfc_message_id,
        attempt_id, at, at
      FROM input
    ),
    raw_inserted AS (
      INSERT INTO raw_messages (message_id, data, mail_from, rcpt_to, remote_address, created_at)
      SELECT id, ${raw}, mail_from, rcpt_to, remote_address, at FROM input
    )
    INSERT INTO message_events (message_id, type, detail, created_at)
    SELECT id, 'received', detail, at FROM input`;
}

/**
 * What the SMTP listener calls before it answers 250: stores the raw message once per receiving organization, then
 * queues it without waiting (a job lost with the process is queued again by the sweep, from the stored row). A message
 * received twice (the sender retried after losing our 250) is recognised by its Message-ID and not stored again.
 * Throws (and the listener answers 451, so the sender retries) only when storing failed.
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
      // Without a Message-ID, our own id stands in: such a message cannot be recognised as a duplicate.
      await insertReceived(
        deps.db,
        { id, orgId, recipients, rfcMessageId: rfcMessageId ?? `<${id}@conduit.invalid>` },
        raw,
        envelope,
      );
    } catch (error) {
      if (isUniqueViolation(error)) {
        deps.logger.info({ orgId, rfcMessageId }, "inbound message received again; already stored");
        continue;
      }
      throw error;
    }
    stored.push(id);
    // Not awaited: the message is stored, which is what the 250 promises; the job only saves the sweep the work.
    void withTimeout(enqueueInbound(deps.inboundQueue, id), 2_000).catch((error: Error) =>
      deps.logger.warn({ messageId: id, err: { message: error.message } }, "queueing failed; the sweep will queue it"),
    );
  }
  return stored;
}
