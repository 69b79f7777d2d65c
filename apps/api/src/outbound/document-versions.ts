import { documentIdFor, nextDocumentVersion, type DocumentVersion } from "@conduit/datamodels";
import type { Database } from "../db/prisma.js";

/**
 * The version a ClinicalSummary goes out as. The first push of a Document.ID to a recipient is version 1; pushing the
 * same id again to the same recipient is the next version of that document (same setId, versionNumber + 1, the last
 * one as the RPLC parent). A message keeps the version it was given on its first attempt, so retries resend the same
 * document.
 */
export async function assignDocumentVersion(
  db: Database,
  message: { id: string; orgId: string; directTo: string[]; payload: unknown },
): Promise<DocumentVersion | undefined> {
  const documentId = (message.payload as { Header?: { Document?: { ID?: string | null } } }).Header?.Document?.ID;
  const recipient = message.directTo[0]?.toLowerCase();
  if (!documentId || !recipient) return undefined;
  const rendered = await db.messageEvent.findFirst({ where: { messageId: message.id, type: "rendered" } });
  const earlier = (rendered?.detail as { version?: DocumentVersion } | null)?.version;
  if (earlier) return earlier;
  return db.$transaction(async (tx) => {
    const key = { orgId_documentId_recipient: { orgId: message.orgId, documentId, recipient } };
    const previous = await tx.documentVersion.findUnique({ where: key });
    if (previous?.lastMessageId === message.id) {
      return { setId: previous.setId, versionNumber: previous.versionNumber };
    }
    const version: DocumentVersion = previous
      ? nextDocumentVersion({
          documentId: previous.lastDocumentId,
          setId: previous.setId,
          versionNumber: previous.versionNumber,
        })
      : { setId: documentId, versionNumber: 1 };
    const lastDocumentId = documentIdFor(documentId, version);
    await tx.documentVersion.upsert({
      where: key,
      create: {
        orgId: message.orgId,
        documentId,
        recipient,
        setId: version.setId,
        versionNumber: version.versionNumber,
        lastDocumentId,
        lastMessageId: message.id,
      },
      update: { setId: version.setId, versionNumber: version.versionNumber, lastDocumentId, lastMessageId: message.id },
    });
    return version;
  });
}
