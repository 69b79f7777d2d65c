import type { Request } from "express";
import { z } from "zod";
import { redoxErrorsFromZod } from "@conduit/datamodels";
import type { AppContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { ApiError } from "../http/api-error.js";

const statuses = [
  "queued",
  "sent",
  "processed",
  "delivered",
  "failed",
  "timed_out",
  "received",
  "quarantined",
] as const;

const cursorSchema = z.object({ createdAt: z.iso.datetime(), id: z.uuid() });

const listQuery = z.object({
  /** One status or several, comma-separated. */
  status: z
    .string()
    .transform((value) => value.split(",").map((part) => part.trim()))
    .pipe(z.array(z.enum(statuses, { error: `expected one or more of ${statuses.join(", ")}` })))
    .optional(),
  direction: z.enum(["outbound", "inbound"]).optional(),
  dataModel: z.string().min(1).max(50).optional(),
  /** Created at or after / before (ISO 8601). */
  since: z.iso.datetime({ offset: true, error: "expected an ISO 8601 date-time" }).optional(),
  until: z.iso.datetime({ offset: true, error: "expected an ISO 8601 date-time" }).optional(),
  /** A Direct address: the sender or one of the recipients. */
  address: z.string().min(3).max(254).toLowerCase().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .max(500)
    .transform((value, context) => {
      try {
        return cursorSchema.parse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
      } catch {
        context.addIssue({ code: "custom", message: "expected the nextCursor of an earlier page" });
        return z.NEVER;
      }
    })
    .optional(),
});

/**
 * `GET /messages`: the organization's messages, newest first, filtered by status, direction, data model, date range
 * and Direct address, a page at a time. The cursor is the last row's (createdAt, id), so pages stay stable while new
 * messages arrive.
 */
export async function listMessages(ctx: AppContext, orgId: string, req: Request) {
  const parsed = listQuery.safeParse(req.query);
  if (!parsed.success) throw new ApiError(400, redoxErrorsFromZod(parsed.error));
  const query = parsed.data;
  const where: Prisma.MessageWhereInput = {
    orgId,
    ...(query.status ? { status: { in: query.status } } : {}),
    ...(query.direction ? { direction: query.direction } : {}),
    ...(query.dataModel ? { dataModel: query.dataModel } : {}),
    ...(query.since || query.until
      ? {
          createdAt: {
            ...(query.since ? { gte: new Date(query.since) } : {}),
            ...(query.until ? { lt: new Date(query.until) } : {}),
          },
        }
      : {}),
    ...(query.address ? { OR: [{ directFrom: query.address }, { directTo: { has: query.address } }] } : {}),
  };
  const cursor = query.cursor;
  const page = await ctx.db.message.findMany({
    where: cursor
      ? {
          AND: [
            where,
            {
              OR: [
                { createdAt: { lt: new Date(cursor.createdAt) } },
                { createdAt: new Date(cursor.createdAt), id: { lt: cursor.id } },
              ],
            },
          ],
        }
      : where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    include: { recipients: { orderBy: { address: "asc" } } },
  });
  const more = page.length > query.limit;
  const rows = page.slice(0, query.limit);
  const last = rows.at(-1);
  return {
    messages: rows.map((message) => ({
      id: message.id,
      direction: message.direction,
      dataModel: message.dataModel,
      eventType: message.eventType,
      status: message.status,
      directFrom: message.directFrom,
      directTo: message.directTo,
      messageId: message.rfcMessageId,
      createdAt: message.createdAt,
      sentAt: message.sentAt,
      recipients: message.recipients.map((recipient) => ({
        address: recipient.address,
        status: recipient.status,
        final: !!recipient.finalAt,
      })),
    })),
    nextCursor:
      more && last
        ? Buffer.from(JSON.stringify({ createdAt: last.createdAt.toISOString(), id: last.id })).toString("base64url")
        : null,
  };
}
