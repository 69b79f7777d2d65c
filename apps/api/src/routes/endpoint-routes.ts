import { Router } from "express";
import { parseRedoxRequest } from "@conduit/datamodels";
import { authOf } from "../auth/require-source.js";
import type { AppContext } from "../context.js";
import { ApiError } from "../http/api-error.js";
import { acceptMessage } from "../outbound/accept-message.js";

/** `POST /endpoint`: Redox's one door for every data model. */
export function endpointRouter(ctx: AppContext): Router {
  const router = Router();
  router.post("/", async (req, res) => {
    const auth = authOf(req);
    const parsed = parseRedoxRequest(req.body);
    if (!parsed.ok) throw new ApiError(400, parsed.errors);
    const source = { id: auth.sub, orgId: auth.org };
    const logs = await acceptMessage(ctx, source, parsed.message);
    ctx.logger.info(
      {
        sourceId: source.id,
        dataModel: parsed.message.dataModel,
        eventType: parsed.message.eventType,
        messageIds: logs.map((log) => log.ID),
      },
      "message accepted",
    );
    res.status(200).json({ Meta: { ...parsed.message.payload.Meta, Logs: logs } });
  });
  return router;
}
