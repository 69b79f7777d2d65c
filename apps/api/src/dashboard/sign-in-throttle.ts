import { createHash } from "node:crypto";
import type { AppContext } from "../context.js";
import { withTimeout } from "../db/prisma.js";

/** Failed sign-ins allowed in 15 minutes per client id, and per remote address (an office may share one). */
export const maxFailedSignIns = { client: 10, remote: 50 };
const windowSeconds = 15 * 60;

function keys(ctx: AppContext, clientId: string, remote: string): string[] {
  const hash = (value: string) => createHash("sha256").update(value).digest("hex").slice(0, 32);
  return [
    `${ctx.config.QUEUE_PREFIX}:dashboard-signin:client:${hash(clientId)}`,
    `${ctx.config.QUEUE_PREFIX}:dashboard-signin:remote:${hash(remote)}`,
  ];
}

/**
 * Guessing secrets through the sign-in form: counted in Redis (shared by replicas) per client id and per remote
 * address, for 15 minutes. If Redis does not answer, sign-in is not refused for it: the secret is still checked.
 */
export async function signInBlocked(ctx: AppContext, clientId: string, remote: string): Promise<boolean> {
  try {
    const counts = await withTimeout(ctx.redis.mget(...keys(ctx, clientId, remote)), 500);
    const [client, remoteCount] = counts.map((count) => Number(count ?? 0));
    return client! >= maxFailedSignIns.client || remoteCount! >= maxFailedSignIns.remote;
  } catch {
    return false;
  }
}

export async function countFailedSignIn(ctx: AppContext, clientId: string, remote: string): Promise<void> {
  try {
    const multi = ctx.redis.multi();
    for (const key of keys(ctx, clientId, remote)) multi.incr(key).expire(key, windowSeconds);
    await withTimeout(multi.exec(), 500);
  } catch {
    // Not counted; the secret was still refused.
  }
}
