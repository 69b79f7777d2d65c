import { documentIdFor, nextDocumentVersion, type DocumentVersion } from "@conduit/datamodels";
import { poolOf, type Database } from "../db/prisma.js";

interface VersionRow {
  earlier: DocumentVersion | null;
  set_id: string | null;
  version_number: number | null;
  last_document_id: string | null;
  last_message_id: string | null;
}

/**
 * The version a ClinicalSummary goes out as. The first push of a Document.ID to a recipient is version 1; pushing the
 * same id again to the same recipient is the next version of that document (same setId, versionNumber + 1, the last
 * one as the RPLC parent). A message keeps the version it was given on its first attempt, so retries resend the same
 * document. Two messages racing for the same document each get their own version: the row is claimed only if it is
 * still as it was read, otherwise it is read again.
 */
export async function assignDocumentVersion(
  db: Database,
  message: { id: string; orgId: string; directTo: string[]; payload: unknown },
): Promise<DocumentVersion | undefined> {
  const documentId = (message.payload as { Header?: { Document?: { ID?: string | null } } }).Header?.Document?.ID;
  const recipient = message.directTo[0]?.toLowerCase();
  if (!documentId || !recipient) return undefined;
  const pool = poolOf(db);
  for (let attempt = 0; attempt < 10; attempt++) {
    const { rows } = await pool.query<VersionRow>({
      name: "conduit_document_version_read",
      text: `
        SELECT (SELECT detail->'version' FROM message_events
                WHERE message_id = $1::uuid AND type = 'rendered' ORDER BY id LIMIT 1) AS earlier,
          v.set_id, v.version_number, v.last_document_id, v.last_message_id::text AS last_message_id
        FROM (SELECT 1) AS one
        LEFT JOIN document_versions v ON v.org_id = $2::uuid AND v.document_id = $3 AND v.recipient = $4`,
      values: [message.id, message.orgId, documentId, recipient],
    });
    const row = rows[0]!;
    if (row.earlier) return row.earlier;
    if (row.last_message_id === message.id) return { setId: row.set_id!, versionNumber: row.version_number! };
    const version: DocumentVersion =
      row.set_id !== null
        ? nextDocumentVersion({
            documentId: row.last_document_id!,
            setId: row.set_id,
            versionNumber: row.version_number!,
          })
        : { setId: documentId, versionNumber: 1 };
    const claimed = await pool.query({
      name: "conduit_document_version_claim",
      text: `
        INSERT INTO document_versions (org_id, document_id, recipient, set_id, version_number, last_document_id,
          last_message_id, updated_at)
        VALUES ($1::uuid, $2, $3, $4, $5, $6, $7::uuid, $8::timestamp(3))
        ON CONFLICT (org_id, document_id, recipient) DO UPDATE SET set_id = EXCLUDED.set_id,
          version_number = EXCLUDED.version_number, last_document_id = EXCLUDED.last_document_id,
          last_message_id = EXCLUDED.last_message_id, updated_at = EXCLUDED.updated_at
        WHERE $9::int IS NOT NULL AND document_versions.version_number = $9::int`,
      values: [
        message.orgId,
        documentId,
        recipient,
        version.setId,
        version.versionNumber,
        documentIdFor(documentId, version),
        message.id,
        new Date().toISOString(),
        row.version_number,
      ],
    });
    if (claimed.rowCount === 1) return version;
  }
  throw new Error("document version: the row kept changing under concurrent pushes; retrying the message");
}
