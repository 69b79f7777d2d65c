import { poolOf, type Database } from "../db/prisma.js";

/**
 * A queued message the adapter handed over: the message and each of its open recipients become `sent` (final for
 * the file adapter, which nothing ever answers), with a `sent` event, in one statement. A message no longer queued
 * (a retry racing the sweep, an MDN that came back first) changes nothing. What `applyRecipientEvent` and
 * `refreshMessageStatus` would do for a `sent` event, without their eight round trips: every open recipient moves to
 * `sent`, so the least advanced open state, the message's, is `sent` too.
 */
export async function recordSent(
  db: Database,
  messageId: string,
  outcome: { remoteReply: string | null; final: boolean; detail: Record<string, unknown> },
): Promise<boolean> {
  // Timestamps as Prisma writes them: UTC in columns without a time zone.
  const at = new Date().toISOString();
  const finalAt = outcome.final ? at : null;
  const { rows } = await poolOf(db).query<{ updated: number }>({
    name: "conduit_record_sent",
    text: `
    WITH sent AS (
      UPDATE messages SET status = 'sent', sent_at = $2::timestamp(3), last_error = NULL,
        updated_at = $2::timestamp(3)
      WHERE id = $1::uuid AND status = 'queued'
      RETURNING id
    ),
    recipients AS (
      UPDATE message_recipients r SET status = 'sent', remote_reply = $3,
        final_at = $4::timestamp(3), updated_at = $2::timestamp(3)
      FROM sent WHERE r.message_id = sent.id AND r.final_at IS NULL AND r.status = 'queued'
      RETURNING r.id
    ),
    event AS (
      INSERT INTO message_events (message_id, type, detail, created_at)
      SELECT id, 'sent', $5::jsonb, $2::timestamp(3) FROM sent
    )
    SELECT count(*)::int AS updated FROM sent`,
    values: [messageId, at, outcome.remoteReply, finalAt, JSON.stringify(outcome.detail)],
  });
  return (rows[0]?.updated ?? 0) > 0;
}
