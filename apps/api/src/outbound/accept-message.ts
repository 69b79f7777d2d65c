import { randomUUID } from "node:crypto";
import { isUploadReference, type Meta, type RedoxLog, type RedoxMessage } from "@conduit/datamodels";
import type { AppContext } from "../context.js";
import { withTimeout } from "../db/prisma.js";
import { ApiError } from "../http/api-error.js";
import { enqueueOutbound } from "../queues/outbound-queue.js";
import { subscribedDestinations } from "./subscribed-destinations.js";
import { insertAcceptedMessages, type AcceptedRow } from "./insert-accepted.js";
import { directAddressPaths, recipientOf, withDirectAddressFrom } from "./recipient.js";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AcceptedSource {
  id: string;
  orgId: string;
}

/**
 * Whether the original asks the receiver for a dispatched MDN after final delivery (X-DIRECT-FINAL-DESTINATION-
 * DELIVERY). On by default: without it a sender can learn only that a HISP processed the message, not that it arrived.
 */
export function wantsFinalDelivery(settings: unknown): boolean {
  return (settings as { requestFinalDelivery?: unknown } | null)?.requestFinalDelivery !== false;
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf("@") + 1).toLowerCase();
}

/** A token outlives its source: a source or organization disabled since it was issued is refused (401). */
async function requireActiveSource(ctx: AppContext, source: AcceptedSource): Promise<void> {
  const active = await ctx.db.source.count({
    where: { id: source.id, orgId: source.orgId, disabledAt: null, organization: { disabledAt: null } },
  });
  if (!active) throw ApiError.unauthorized("Authorization: this source is disabled or no longer exists");
}

/**
 * Accepts a validated Redox message from a source (the subject of its access token): checks the source's subscriptions for each destination, stores one
 * message per destination (DirectAddressFrom set from the destination), commits, and only then queues them. A failure
 * to queue loses nothing: the rows are committed, and the outbox sweep queues any it finds without a job.
 */
export async function acceptMessage(
  ctx: AppContext,
  source: AcceptedSource,
  message: RedoxMessage,
): Promise<RedoxLog[]> {
  const meta = message.payload.Meta as Meta;
  const paths = directAddressPaths(message);
  if (message.dataModel === "Media" && message.eventType !== "Delete") {
    const contents = (message.payload as { Media: { FileContents: string } }).Media.FileContents;
    if (isUploadReference(contents)) {
      throw ApiError.badRequest(
        "Media.FileContents: upload references are not supported here; send the file as base64",
      );
    }
  }
  const recipient = recipientOf(message);
  if (!recipient) {
    throw ApiError.badRequest(`${paths.to}: required: the recipient's Direct address`);
  }

  const destinationIds = meta.Destinations.map((destination) => destination.ID);
  const validIds = destinationIds.filter((id) => uuidPattern.test(id));
  // The source's own standing is checked in the same query: one round trip on the path every message takes.
  const byDestination = new Map(
    (await subscribedDestinations(ctx.db, source, message.dataModel, validIds)).map((d) => [d.id, d]),
  );
  const missing = destinationIds.findIndex((id) => !byDestination.has(id));
  if (missing >= 0) {
    await requireActiveSource(ctx, source);
    throw ApiError.badRequest(
      `Meta.Destinations[${missing}].ID: No subscriptions for ${message.dataModel} from this source to destination "${destinationIds[missing]}"`,
      "Send",
    );
  }
  if (new Set(destinationIds).size !== destinationIds.length) {
    throw ApiError.badRequest("Meta.Destinations: names the same destination more than once");
  }

  const rows: AcceptedRow[] = destinationIds.map((destinationId) => {
    const destination = byDestination.get(destinationId)!;
    const id = randomUUID();
    return {
      id,
      orgId: source.orgId,
      sourceId: source.id,
      destinationId,
      adapter: destination.adapter,
      dataModel: message.dataModel,
      eventType: message.eventType,
      payload: withDirectAddressFrom(message, destination.directAddressFrom),
      directFrom: destination.directAddressFrom,
      directTo: [recipient],
      rfcMessageId: `<${id}@${domainOf(destination.directAddressFrom)}>`,
      transmissionId: meta.Transmission?.ID != null ? String(meta.Transmission.ID) : null,
      attemptId: randomUUID(),
      finalDeliveryRequested: wantsFinalDelivery(destination.settings),
    };
  });
  await insertAcceptedMessages(ctx.db, rows);

  await Promise.all(
    rows.map((row) =>
      // Bounded: with Redis down the caller still gets its answer, and the sweep queues the message later.
      withTimeout(enqueueOutbound(ctx.outboundQueue, row.id), 2_000).catch((error: Error) =>
        ctx.logger.warn(
          { messageId: row.id, err: { message: error.message } },
          "queueing failed; the sweep will queue it",
        ),
      ),
    ),
  );
  return rows.map((row) => ({ ID: row.id, AttemptID: row.attemptId }));
}
