import type { RequestHandler } from "express";
import type { AppContext } from "../context.js";
import { withTimeout } from "../db/prisma.js";
import { ApiError } from "./api-error.js";

/** A source's own limit (Source.rateLimit) is re-read at most this often per process. */
const LIMIT_CACHE_MS = 30_000;

/**
 * Per-source rate limit, counted in Redis so every API replica shares one count: a fixed window of
 * RATE_LIMIT_WINDOW_SECONDS with RATE_LIMIT_REQUESTS requests (or the source's own `rateLimit`). Over the limit the
 * answer is 429 with `Retry-After` (seconds to the next window). If Redis does not answer, requests pass: a message is
 * worth more than a count, and the database is still the gate for what is accepted.
 */
export function rateLimit(ctx: AppContext): RequestHandler {
  const windowMs = ctx.config.RATE_LIMIT_WINDOW_SECONDS * 1000;
  const limits = new Map<string, { limit: number; readAt: number }>();

  async function limitOf(sourceId: string): Promise<number> {
    const cached = limits.get(sourceId);
    if (cached && Date.now() - cached.readAt < LIMIT_CACHE_MS) return cached.limit;
    const source = await ctx.db.source.findUnique({ where: { id: sourceId }, select: { rateLimit: true } });
    const limit = source?.rateLimit ?? ctx.config.RATE_LIMIT_REQUESTS;
    limits.set(sourceId, { limit, readAt: Date.now() });
    return limit;
  }

  return async (req, res, next) => {
    const auth = req.auth;
    if (!auth || auth.kind !== "source") return next();
    const now = Date.now();
    const window = Math.floor(now / windowMs);
    const key = `${ctx.config.QUEUE_PREFIX}:ratelimit:${auth.sub}:${window}`;
    let count: number;
    try {
      const results = await withTimeout(
        ctx.redis
          .multi()
          .incr(key)
          .pexpire(key, windowMs + 1_000)
          .exec(),
        500,
      );
      count = Number(results?.[0]?.[1] ?? 0);
    } catch (error) {
      ctx.logger.warn({ err: { message: (error as Error).message } }, "rate limit not counted: Redis unavailable");
      return next();
    }
    const limit = await limitOf(auth.sub);
    res.set("RateLimit-Limit", String(limit));
    res.set("RateLimit-Remaining", String(Math.max(0, limit - count)));
    if (count <= limit) return next();
    const retryAfter = Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000));
    next(
      new ApiError(
        429,
        [
          {
            ID: 1,
            Text: `(request): more than ${limit} requests in ${ctx.config.RATE_LIMIT_WINDOW_SECONDS} seconds from this source; retry after ${retryAfter} seconds`,
            Type: "message",
            Module: "Request",
          },
        ],
        { "Retry-After": String(retryAfter) },
      ),
    );
  };
}
