import { poolOf, type Database } from "../db/prisma.js";

export interface AcceptedRow {
  id: string;
  orgId: string;
  sourceId: string;
  destinationId: string;
  /** The destination's adapter, for the `accepted` event of the timeline. */
  adapter: string;
  dataModel: string;
  eventType: string;
  payload: unknown;
  directFrom: string;
  directTo: string[];
  rfcMessageId: string;
  transmissionId: string | null;
  attemptId: string;
  finalDeliveryRequested: boolean;
}

/**
 * Stores accepted outbound messages, one per row, each with its recipients (`queued`) and its `accepted` event, in one
 * SQL statement: atomic by itself, one round trip, and the payload is serialized once by JSON.stringify. Prisma's
 * createMany walked every node of the 37 KB payload and needed a transaction of five round trips; that was over a
 * third of the CPU time of `POST /endpoint`.
 */
export async function insertAcceptedMessages(db: Database, rows: AcceptedRow[]): Promise<void> {
  // Timestamps as Prisma writes them: UTC in columns without a time zone, whatever the session's time zone is.
  const at = new Date().toISOString();
  const input = JSON.stringify(
    rows.map((row) => ({
      at,
      id: row.id,
      org_id: row.orgId,
      source_id: row.sourceId,
      destination_id: row.destinationId,
      adapter: row.adapter,
      data_model: row.dataModel,
      event_type: row.eventType,
      payload: row.payload,
      direct_from: row.directFrom,
      direct_to: row.directTo,
      recipients: row.directTo.map((address) => address.toLowerCase()),
      rfc_message_id: row.rfcMessageId,
      transmission_id: row.transmissionId,
      attempt_id: row.attemptId,
      final_delivery_requested: row.finalDeliveryRequested,
    })),
  );
  // Named: each connection parses and plans it once, not on every message.
  await poolOf(db).query({
    name: "conduit_insert_accepted_messages",
    text: `
    WITH input AS (
      SELECT * FROM jsonb_to_recordset($1::jsonb) AS row(
        at timestamp(3), id uuid, org_id uuid, source_id uuid, destination_id uuid, adapter text, data_model text, event_type text,
        payload jsonb, direct_from text, direct_to text[], recipients text[], rfc_message_id text,
        transmission_id text, attempt_id uuid, final_delivery_requested boolean)
    ),
    messages_inserted AS (
      INSERT INTO messages (id, org_id, source_id, destination_id, direction, data_model, event_type, status, payload,
        direct_from, direct_to, rfc_message_id, transmission_id, attempt_id, final_delivery_requested, created_at,
        updated_at)
      SELECT id, org_id, source_id, destination_id, 'outbound', data_model, event_type, 'queued', payload,
        direct_from, direct_to, rfc_message_id, transmission_id, attempt_id, final_delivery_requested, at, at
      FROM input
    ),
    recipients_inserted AS (
      INSERT INTO message_recipients (id, message_id, address, status, updated_at)
      SELECT gen_random_uuid(), input.id, address, 'queued', input.at FROM input, unnest(input.recipients) AS address
    )
    INSERT INTO message_events (message_id, type, detail, created_at)
    SELECT id, 'accepted', jsonb_build_object('destinationId', destination_id, 'adapter', adapter), at FROM input`,
    values: [input],
  });
}
