import type { Database } from "../db/prisma.js";
import type { MdnDestination } from "../notifications/send-mdn.js";
import type { ContentSubscription } from "./fan-out.js";
import type { TrustRow } from "./trust-config.js";

/** An inbound message as the worker opens it, with what its organization has configured for it. */
export interface InboundToOpen {
  id: string;
  orgId: string;
  status: string;
  rfcMessageId: string;
  createdAt: Date;
  raw: { data: Uint8Array; mailFrom: string; rcptTo: string[] } | null;
  /** The organization's enabled `own` and `anchor` certificates. */
  certificates: TrustRow[];
  /** Its enabled destinations, oldest first (for MDNs). */
  destinations: MdnDestination[];
  /** Its enabled content subscriptions of enabled webhook destinations. */
  subscriptions: ContentSubscription[];
}

/**
 * An inbound message, its raw bytes, and its organization's certificates, destinations and content subscriptions, in
 * one query (were six). Everything is read again for each message, so configuration changes count at once.
 */
export async function loadInbound(db: Database, messageId: string): Promise<InboundToOpen | undefined> {
  // Times as text in UTC (how they are stored), so that no driver or session time zone gets in between.
  const utc = 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"';
  const [row] = await db.$queryRaw<
    {
      id: string;
      org_id: string;
      status: string;
      rfc_message_id: string;
      created_at: string;
      data: Uint8Array | null;
      mail_from: string | null;
      rcpt_to: string[] | null;
      certificates: TrustRow[];
      destinations: MdnDestination[];
      subscriptions: ContentSubscription[];
    }[]
  >`
    SELECT m.id::text, m.org_id::text, m.status::text, m.rfc_message_id, to_char(m.created_at, ${utc}) AS created_at,
      r.data, r.mail_from, r.rcpt_to,
      coalesce((
        SELECT jsonb_agg(jsonb_build_object('id', c.id, 'use', c.use, 'scope', c.scope,
          'certificatePem', c.certificate_pem, 'privateKeyEncrypted', c.private_key_encrypted))
        FROM certificates c
        WHERE c.org_id = m.org_id AND c.disabled_at IS NULL AND c.use IN ('own', 'anchor')
      ), '[]'::jsonb) AS certificates,
      coalesce((
        SELECT jsonb_agg(jsonb_build_object('id', d.id, 'directAddressFrom', d.direct_address_from,
          'adapter', d.adapter) ORDER BY d.created_at)
        FROM destinations d
        WHERE d.org_id = m.org_id AND d.disabled_at IS NULL
      ), '[]'::jsonb) AS destinations,
      coalesce((
        SELECT jsonb_agg(jsonb_build_object('id', s.id, 'webhookDestinationId', s.webhook_destination_id,
          'dataModels', coalesce(to_jsonb(s.data_models), '[]'::jsonb),
          'directAddresses', coalesce(to_jsonb(s.direct_addresses), '[]'::jsonb)))
        FROM webhook_subscriptions s
        JOIN webhook_destinations w ON w.id = s.webhook_destination_id
        WHERE w.org_id = m.org_id AND w.disabled_at IS NULL AND s.kind = 'content' AND s.disabled_at IS NULL
      ), '[]'::jsonb) AS subscriptions
    FROM messages m
    LEFT JOIN raw_messages r ON r.message_id = m.id
    WHERE m.id = ${messageId}::uuid`;
  if (!row) return undefined;
  return {
    id: row.id,
    orgId: row.org_id,
    status: row.status,
    rfcMessageId: row.rfc_message_id,
    createdAt: new Date(row.created_at),
    raw: row.data ? { data: row.data, mailFrom: row.mail_from ?? "", rcptTo: row.rcpt_to ?? [] } : null,
    certificates: row.certificates,
    destinations: row.destinations,
    subscriptions: row.subscriptions,
  };
}
