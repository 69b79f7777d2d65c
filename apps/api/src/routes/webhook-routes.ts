import { randomBytes } from "node:crypto";
import { Router } from "express";
import { z } from "zod";
import { redoxErrorsFromZod } from "@conduit/datamodels";
import { actorOf, recordAudit } from "../audit/audit-log.js";
import { adminOf, requireAdmin } from "../auth/require-admin.js";
import type { AppContext } from "../context.js";
import { ApiError } from "../http/api-error.js";
import { enqueueWebhookDelivery } from "../queues/webhook-queue.js";
import { verifyWebhookEndpoint } from "../webhooks/verify-endpoint.js";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const subscriptionInput = z.object({
  kind: z.enum(["content", "status"]).default("content"),
  /** Content: `Clinical Summary`, `Media` or `*`. Status: `sent`, `processed`, `delivered`, `failed`, `timed_out` or `*`. */
  dataModels: z.array(z.string().min(1).max(50)).max(20).default(["*"]),
  /** The organization's Direct addresses (or `@domain`) that feed it; empty for all. */
  directAddresses: z.array(z.string().min(3).max(254).toLowerCase()).max(1000).default([]),
  format: z.enum(["redox", "fhir"]).default("redox"),
});

function webhookUrl(production: boolean) {
  return z
    .string()
    .max(2048)
    .refine(
      (value) => {
        try {
          const url = new URL(value);
          if (url.protocol === "https:") return true;
          // Plain HTTP only to this machine outside production: webhook bodies carry PHI.
          return !production && url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
        } catch {
          return false;
        }
      },
      { message: production ? "expected an https:// URL" : "expected an https:// URL (or http:// to localhost)" },
    );
}

const statusEvents = ["sent", "processed", "delivered", "failed", "timed_out"];

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new ApiError(400, redoxErrorsFromZod(parsed.error));
  return parsed.data;
}

function checkSubscription(subscription: z.infer<typeof subscriptionInput>, index: number) {
  const allowed = subscription.kind === "status" ? [...statusEvents, "*"] : ["Clinical Summary", "Media", "*"];
  const unknown = subscription.dataModels.find((value) => !allowed.includes(value));
  if (unknown)
    throw ApiError.badRequest(`subscriptions[${index}].dataModels: "${unknown}" is not one of ${allowed.join(", ")}`);
}

type WebhookRow = {
  id: string;
  name: string;
  url: string;
  verifiedAt: Date | null;
  disabledAt: Date | null;
  createdAt: Date;
  hmacSecretEncrypted: string | null;
  subscriptions: {
    id: string;
    kind: string;
    dataModels: string[];
    directAddresses: string[];
    format: string;
    disabledAt: Date | null;
  }[];
};

/** A webhook destination as the API shows it: never its verification token or HMAC secret. */
function present(row: WebhookRow) {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    signed: !!row.hmacSecretEncrypted,
    verifiedAt: row.verifiedAt,
    disabledAt: row.disabledAt,
    createdAt: row.createdAt,
    subscriptions: row.subscriptions.map(({ id, kind, dataModels, directAddresses, format, disabledAt }) => ({
      id,
      kind,
      dataModels,
      directAddresses,
      format,
      disabledAt,
    })),
  };
}

/**
 * Webhook destinations and their subscriptions (an organization administrator's), the dead-letter list and replay.
 * A destination is verified when registered (and when its URL changes) the way Redox verifies endpoints.
 */
export function webhookRouter(ctx: AppContext): Router {
  const router = Router();
  router.use(requireAdmin(ctx));
  const production = ctx.config.NODE_ENV === "production";
  const include = { subscriptions: { orderBy: { createdAt: "asc" as const } } };

  async function findWebhook(orgId: string, id: string) {
    const row = uuidPattern.test(id)
      ? await ctx.db.webhookDestination.findFirst({ where: { id, orgId }, include })
      : null;
    if (!row) throw ApiError.notFound(`id: no webhook destination ${id}`);
    return row;
  }

  async function verify(url: string, verificationToken: string) {
    const result = await verifyWebhookEndpoint({ url, verificationToken }, ctx.config.WEBHOOK_TIMEOUT_MS);
    if (!result.ok) throw ApiError.badRequest(`url: verification failed: ${result.reason}`);
  }

  router.post("/", async (req, res) => {
    const admin = adminOf(req);
    const input = parseBody(
      z.object({
        name: z.string().min(1).max(200),
        url: webhookUrl(production),
        verificationToken: z.string().min(8, "expected at least 8 characters").max(500),
        /** Omit to have one made (returned once, in this response). */
        hmacSecret: z.string().min(16, "expected at least 16 characters").max(500).optional(),
        subscriptions: z.array(subscriptionInput).max(50).default([]),
      }),
      req.body,
    );
    input.subscriptions.forEach(checkSubscription);
    await verify(input.url, input.verificationToken);
    const hmacSecret = input.hmacSecret ?? randomBytes(32).toString("base64url");
    const row = await ctx.db.webhookDestination.create({
      data: {
        orgId: admin.org,
        name: input.name,
        url: input.url,
        verificationTokenEncrypted: ctx.secrets.seal(input.verificationToken),
        hmacSecretEncrypted: ctx.secrets.seal(hmacSecret),
        verifiedAt: new Date(),
        subscriptions: { create: input.subscriptions },
      },
      include,
    });
    await recordAudit(ctx, {
      orgId: admin.org,
      actor: actorOf(admin),
      action: "webhook.create",
      targetType: "webhook",
      targetId: row.id,
      detail: { url: row.url, subscriptions: input.subscriptions.length },
    });
    res.status(201).json({ ...present(row), ...(input.hmacSecret ? {} : { hmacSecret }) });
  });

  router.get("/", async (req, res) => {
    const admin = adminOf(req);
    const rows = await ctx.db.webhookDestination.findMany({
      where: { orgId: admin.org },
      include,
      orderBy: { createdAt: "asc" },
    });
    res.json({ webhooks: rows.map(present) });
  });

  router.get("/deliveries", async (req, res) => {
    const admin = adminOf(req);
    const query = z
      .object({
        status: z.enum(["pending", "delivered", "dead"]).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      })
      .safeParse(req.query);
    if (!query.success) throw new ApiError(400, redoxErrorsFromZod(query.error));
    const rows = await ctx.db.webhookDelivery.findMany({
      where: { webhookDestination: { orgId: admin.org }, ...(query.data.status ? { status: query.data.status } : {}) },
      orderBy: { createdAt: "desc" },
      take: query.data.limit,
    });
    res.json({ deliveries: rows.map(presentDelivery) });
  });

  router.post("/deliveries/:id/replay", async (req, res) => {
    const admin = adminOf(req);
    const id = req.params.id;
    const delivery = uuidPattern.test(id)
      ? await ctx.db.webhookDelivery.findFirst({ where: { id, webhookDestination: { orgId: admin.org } } })
      : null;
    if (!delivery) throw ApiError.notFound(`id: no webhook delivery ${id}`);
    if (delivery.status === "pending")
      throw new ApiError(409, [
        { ID: 1, Text: `id: delivery ${id} is still being attempted`, Type: "message", Module: "Request" },
      ]);
    await ctx.db.$transaction([
      ctx.db.webhookDelivery.update({
        where: { id },
        data: { status: "pending", windowStartedAt: new Date(), lastError: null },
      }),
      ctx.db.messageEvent.create({
        data: {
          messageId: delivery.messageId,
          type: "webhook_replayed",
          detail: { deliveryId: id, previousStatus: delivery.status },
        },
      }),
    ]);
    // The old job may still be kept as failed or completed; a job id is reused only once the old job is gone.
    await recordAudit(ctx, {
      orgId: admin.org,
      actor: actorOf(admin),
      action: "webhook_delivery.replay",
      targetType: "webhook_delivery",
      targetId: id,
    });
    await ctx.webhookQueue.remove(id).catch(() => undefined);
    await enqueueWebhookDelivery(ctx.webhookQueue, id);
    res.status(202).json({ id, status: "pending" });
  });

  router.get("/:id", async (req, res) => {
    res.json(present(await findWebhook(adminOf(req).org, req.params.id)));
  });

  router.patch("/:id", async (req, res) => {
    const admin = adminOf(req);
    const existing = await findWebhook(admin.org, req.params.id);
    const input = parseBody(
      z.object({
        name: z.string().min(1).max(200).optional(),
        url: webhookUrl(production).optional(),
        verificationToken: z.string().min(8).max(500).optional(),
        hmacSecret: z.string().min(16).max(500).optional(),
        disabled: z.boolean().optional(),
      }),
      req.body,
    );
    if (input.url || input.verificationToken) {
      await verify(
        input.url ?? existing.url,
        input.verificationToken ?? ctx.secrets.open(existing.verificationTokenEncrypted),
      );
    }
    const row = await ctx.db.webhookDestination.update({
      where: { id: existing.id },
      data: {
        name: input.name,
        url: input.url,
        ...(input.url || input.verificationToken ? { verifiedAt: new Date() } : {}),
        ...(input.verificationToken ? { verificationTokenEncrypted: ctx.secrets.seal(input.verificationToken) } : {}),
        ...(input.hmacSecret ? { hmacSecretEncrypted: ctx.secrets.seal(input.hmacSecret) } : {}),
        ...(input.disabled === undefined
          ? {}
          : { disabledAt: input.disabled ? (existing.disabledAt ?? new Date()) : null }),
      },
      include,
    });
    await recordAudit(ctx, {
      orgId: admin.org,
      actor: actorOf(admin),
      action: "webhook.update",
      targetType: "webhook",
      targetId: row.id,
      // Field names only: never the token or secret values.
      detail: { fields: Object.keys(input).filter((key) => input[key as keyof typeof input] !== undefined) },
    });
    res.json(present(row));
  });

  router.post("/:id/subscriptions", async (req, res) => {
    const admin = adminOf(req);
    const existing = await findWebhook(admin.org, req.params.id);
    const input = parseBody(subscriptionInput, req.body);
    checkSubscription(input, 0);
    const subscription = await ctx.db.webhookSubscription.create({
      data: { ...input, webhookDestinationId: existing.id },
    });
    await recordAudit(ctx, {
      orgId: admin.org,
      actor: actorOf(admin),
      action: "webhook_subscription.create",
      targetType: "webhook_subscription",
      targetId: subscription.id,
    });
    res.status(201).json(subscription);
  });

  router.delete("/:id/subscriptions/:subscriptionId", async (req, res) => {
    const admin = adminOf(req);
    const existing = await findWebhook(admin.org, req.params.id);
    const subscriptionId = req.params.subscriptionId;
    const notFound = () => ApiError.notFound(`subscriptionId: no subscription ${subscriptionId}`);
    if (!uuidPattern.test(subscriptionId)) throw notFound();
    const updated = await ctx.db.webhookSubscription.updateMany({
      where: { id: subscriptionId, webhookDestinationId: existing.id },
      data: { disabledAt: new Date() },
    });
    if (updated.count !== 1) throw notFound();
    await recordAudit(ctx, {
      orgId: admin.org,
      actor: actorOf(admin),
      action: "webhook_subscription.disable",
      targetType: "webhook_subscription",
      targetId: subscriptionId,
    });
    res.status(204).end();
  });

  return router;
}

export function presentDelivery(row: {
  id: string;
  webhookDestinationId: string;
  subscriptionId: string;
  messageId: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}) {
  const {
    id,
    webhookDestinationId,
    subscriptionId,
    messageId,
    status,
    attempts,
    lastStatusCode,
    lastError,
    createdAt,
    deliveredAt,
  } = row;
  return {
    id,
    webhookDestinationId,
    subscriptionId,
    messageId,
    status,
    attempts,
    lastStatusCode,
    lastError,
    createdAt,
    deliveredAt,
  };
}
