import type { Database } from "../db/prisma.js";

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
  const rows = await db.$queryRaw<{ updated: number }[]>`
    WITH sent AS (
      UPDATE messages SET status = 'sent', sent_at = ${at}::timestamp(3), last_error = NULL,
        updated_at = ${at}::timestamp(3)
      WHERE id = ${messageId}::uuid AND status = 'queued'
      RETURNING id
    ),
    recipients AS (
      UPDATE message_recipients r SET status = 'sent', remote_reply = ${outcome.remoteReply},
        final_at = ${finalAt}::timestamp(3), updated_at = ${at}::timestamp(3)
      FROM sent WHERE r.message_id = sent.id AND r.final_at IS NULL AND r.status = 'queued'
      RETURNING r.id
    ),
    event AS (
      INSERT INTO message_events (message_id, type, detail, created_at)
      SELECT id, 'sent', ${JSON.stringify(outcome.detail)}::jsonb, ${at}::timestamp(3) FROM sent
    )
    SELECT count(*)::int AS updated FROM sent`;
  return (rows[0]?.updated ?? 0) > 0;
}
