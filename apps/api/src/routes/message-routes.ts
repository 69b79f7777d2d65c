import { Router } from "express";
import { authOf } from "../auth/require-source.js";
import type { AppContext } from "../context.js";
import { ApiError } from "../http/api-error.js";
import { listMessages } from "./message-list.js";
import { presentDelivery } from "./webhook-routes.js";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `GET /messages` (a filtered, paged list) and `GET /messages/:id` (status, recipients, timeline; never the payload). */
export function messageRouter(ctx: AppContext): Router {
  const router = Router();
  router.get("/", async (req, res) => {
    res.json(await listMessages(ctx, authOf(req).org, req));
  });
  router.get("/:id", async (req, res) => {
    const auth = authOf(req);
    const id = req.params.id;
    const notFound = () => ApiError.notFound(`id: no message ${id}`);
    if (!uuidPattern.test(id)) throw notFound();
    const message = await ctx.db.message.findFirst({
      where: { id, orgId: auth.org },
      include: {
        events: { orderBy: { id: "asc" } },
        recipients: { orderBy: { address: "asc" } },
        deliveries: { orderBy: { createdAt: "asc" } },
      },
    });
    if (!message) throw notFound();
    res.json({
      id: message.id,
      direction: message.direction,
      dataModel: message.dataModel,
      eventType: message.eventType,
      status: message.status,
      directFrom: message.directFrom,
      directTo: message.directTo,
      messageId: message.rfcMessageId,
      destinationId: message.destinationId,
      transmissionId: message.transmissionId,
      lastError: message.lastError,
      createdAt: message.createdAt,
      updatedAt: message.updatedAt,
      sentAt: message.sentAt,
      quarantineReason: message.quarantineReason,
      finalDeliveryRequested: message.finalDeliveryRequested,
      recipients: message.recipients.map((recipient) => ({
        address: recipient.address,
        status: recipient.status,
        final: !!recipient.finalAt,
        finalAt: recipient.finalAt,
        remoteReply: recipient.remoteReply,
        detail: recipient.detail,
      })),
      webhookDeliveries: message.deliveries.map(presentDelivery),
      timeline: message.events.map((event) => ({ type: event.type, at: event.createdAt, detail: event.detail })),
    });
  });
  return router;
}
