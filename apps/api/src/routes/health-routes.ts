import { Router } from "express";
import type { AppContext } from "../context.js";
import { isDatabaseUp } from "../db/prisma.js";
import { isRedisUp } from "../redis.js";

/** `GET /health`: 200 only when PostgreSQL and Redis both answer. */
export function healthRouter(ctx: AppContext): Router {
  const router = Router();
  router.get("/", async (_req, res) => {
    const [postgres, redis] = await Promise.all([isDatabaseUp(ctx.db), isRedisUp(ctx.redis)]);
    const ok = postgres && redis;
    res.status(ok ? 200 : 503).json({
      status: ok ? "ok" : "unavailable",
      postgres: postgres ? "up" : "down",
      redis: redis ? "up" : "down",
    });
  });
  return router;
}
