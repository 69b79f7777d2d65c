import { randomUUID } from "node:crypto";
import { isUploadReference, type Meta, type RedoxLog, type RedoxMessage } from "@conduit/datamodels";
import type { AppContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { withTimeout } from "../db/prisma.js";
import { ApiError } from "../http/api-error.js";
import { enqueueOutbound } from "../queues/outbound-queue.js";
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

/**
 * Accepts a validated Redox message from a source: checks the source's subscriptions for each destination, stores one
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
  const subscriptions = await ctx.db.subscription.findMany({
    where: {
      sourceId: source.id,
      dataModel: message.dataModel,
      destinationId: { in: validIds },
      destination: { orgId: source.orgId, disabledAt: null },
    },
    include: { destination: true },
  });
  const byDestination = new Map(
    subscriptions.map((subscription) => [subscription.destinationId, subscription.destination]),
  );
  const missing = destinationIds.findIndex((id) => !byDestination.has(id));
  if (missing >= 0) {
    throw ApiError.badRequest(
      `Meta.Destinations[${missing}].ID: No subscriptions for ${message.dataModel} from this source to destination "${destinationIds[missing]}"`,
      "Send",
    );
  }
  if (new Set(destinationIds).size !== destinationIds.length) {
    throw ApiError.badRequest("Meta.Destinations: names the same destination more than once");
  }

  const rows = destinationIds.map((destinationId) => {
    const destination = byDestination.get(destinationId)!;
    const id = randomUUID();
    return {
      id,
      orgId: source.orgId,
      sourceId: source.id,
      destinationId,
      direction: "outbound" as const,
      dataModel: message.dataModel,
      eventType: message.eventType,
      status: "queued" as const,
      payload: withDirectAddressFrom(message, destination.directAddressFrom) as unknown as Prisma.InputJsonValue,
      directFrom: destination.directAddressFrom,
      directTo: [recipient],
      rfcMessageId: `<${id}@${domainOf(destination.directAddressFrom)}>`,
      transmissionId: meta.Transmission?.ID != null ? String(meta.Transmission.ID) : null,
      attemptId: randomUUID(),
      finalDeliveryRequested: wantsFinalDelivery(byDestination.get(destinationId)!.settings),
    };
  });

  await ctx.db.$transaction([
    ctx.db.message.createMany({ data: rows }),
    ctx.db.messageRecipient.createMany({
      data: rows.flatMap((row) =>
        row.directTo.map((address) => ({
          messageId: row.id,
          address: address.toLowerCase(),
          status: "queued" as const,
        })),
      ),
    }),
    ctx.db.messageEvent.createMany({
      data: rows.map((row) => ({
        messageId: row.id,
        type: "accepted",
        detail: { destinationId: row.destinationId, adapter: byDestination.get(row.destinationId)!.adapter },
      })),
    }),
  ]);

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
