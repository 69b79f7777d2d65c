import { Router } from "express";
import type { AppContext } from "../context.js";
import { isDatabaseUp } from "../db/prisma.js";
import { isRedisUp } from "../redis.js";

/**
 * `GET /metrics` (Prometheus text: request latencies, queue depths, send, inbound and webhook outcomes; no ids or
 * patient data in any label) and `GET /ready` (200 when this process can take work: PostgreSQL and Redis answer).
 */
export function observabilityRouter(ctx: AppContext): Router {
  const router = Router();
  router.get("/metrics", async (_req, res) => {
    res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
  router.get("/ready", async (_req, res) => {
    const [postgres, redis] = await Promise.all([isDatabaseUp(ctx.db), isRedisUp(ctx.redis)]);
    res.status(postgres && redis ? 200 : 503).json({ ready: postgres && redis });
  });
  return router;
}
