import type { RequestHandler } from "express";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";

/**
 * One log line and one latency observation per request: method, route pattern, status, duration. Never bodies, query
 * strings or headers, and never a raw path (it may carry ids): requests no route matched count as "unmatched".
 */
export function requestLog(logger: Logger, metrics?: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = req.route?.path ? req.baseUrl + String(req.route.path) : "unmatched";
      metrics?.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      logger.info(
        { method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 10_000) / 10 },
        "request",
      );
    });
    next();
  };
}
