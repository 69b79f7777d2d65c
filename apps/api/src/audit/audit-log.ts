import type { RequestHandler } from "express";
import type { AccessClaims } from "../auth/access-token.js";
import type { AppContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";

export interface Actor {
  kind: "admin" | "source" | "operator";
  id: string;
}

export function actorOf(claims: AccessClaims): Actor {
  return { kind: claims.kind, id: claims.sub };
}

export interface AuditEntry {
  orgId: string;
  actor: Actor;
  /** `<target type>.<verb>`: `source.create`, `destination.update`, `message.read`. */
  action: string;
  targetType: string;
  targetId?: string;
  /** Names of the fields changed, and other non-secret facts. Never secret values, never payloads. */
  detail?: Prisma.InputJsonValue;
}

type AuditWriter = Pick<AppContext, "db"> | { db: Prisma.TransactionClient };

/** Records who did what, when. Inside a transaction, pass `{db: tx}` so the change and its record commit together. */
export async function recordAudit(ctx: AuditWriter, entry: AuditEntry): Promise<void> {
  await ctx.db.auditEvent.create({
    data: {
      orgId: entry.orgId,
      actorKind: entry.actor.kind,
      actorId: entry.actor.id,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      detail: entry.detail,
    },
  });
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Mounted before the message routes: once a read of a message has been answered 200, records who read which message.
 * A failure to record is logged, not turned into an error (the answer has already gone).
 */
export function auditMessageReads(ctx: AppContext): RequestHandler {
  return (req, res, next) => {
    if (req.method !== "GET") return next();
    const id = req.path.split("/")[1] ?? "";
    res.on("finish", () => {
      const auth = req.auth;
      if (res.statusCode !== 200 || !auth || !uuidPattern.test(id)) return;
      recordAudit(ctx, {
        orgId: auth.org,
        actor: actorOf(auth),
        action: "message.read",
        targetType: "message",
        targetId: id,
      }).catch((error: Error) => ctx.logger.warn({ err: { message: error.message } }, "audit record failed"));
    });
    next();
  };
}
