import express, { type Express } from "express";
import { configRouter } from "./admin/config-router.js";
import { dashboardRouter } from "./dashboard/dashboard-router.js";
import { operatorRouter } from "./admin/operator-router.js";
import { auditMessageReads } from "./audit/audit-log.js";
import { oauthRouter } from "./auth/oauth-router.js";
import { requireAdmin, requireSourceOrAdmin } from "./auth/require-admin.js";
import { directoryRouter } from "./directory/directory-router.js";
import { recipientByNpi } from "./directory/recipient-npi.js";
import { rateLimit } from "./http/rate-limit.js";
import { embeddedFileLimit } from "./http/size-limit.js";
import { requireSource } from "./auth/require-source.js";
import type { AppContext } from "./context.js";
import { errorHandler, notFoundHandler } from "./http/error-handler.js";
import { requestLog } from "./http/request-log.js";
import { authRouter } from "./routes/auth-routes.js";
import { endpointRouter } from "./routes/endpoint-routes.js";
import { docsRouter } from "./routes/docs-routes.js";
import { observabilityRouter } from "./routes/observability-routes.js";
import { healthRouter } from "./routes/health-routes.js";
import { messageRouter } from "./routes/message-routes.js";
import { webhookRouter } from "./routes/webhook-routes.js";

/** The HTTP API: routers composed in order, one error handler last. */
export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  app.use(requestLog(ctx.logger, ctx.metrics));
  // OAuth's token endpoint reads a form-encoded body (RFC 6749 §4.4), so it comes before the JSON parser.
  app.use("/v2/auth", oauthRouter(ctx));
  // The dashboard's sign-in and forms are form-encoded: it parses its own bodies, so it too comes first.
  app.use("/dashboard", dashboardRouter(ctx));
  // Any content type is read as JSON: Redox clients do not always label it, and a wrong label is no reason to drop
  // a document. What is not JSON is refused by the parser with a 400.
  app.use(express.json({ limit: ctx.config.MAX_BODY_BYTES, type: () => true, strict: false }));

  app.use("/health", healthRouter(ctx));
  app.use(docsRouter());
  app.use(observabilityRouter(ctx));
  app.use("/auth", authRouter(ctx));
  app.use("/operator", operatorRouter(ctx));
  app.use("/config", requireAdmin(ctx), configRouter(ctx));
  app.use("/directory", directoryRouter(ctx));
  app.use("/webhooks", webhookRouter(ctx));
  // Message status is for the organization's apps and for its administrators (support staff, the dashboard).
  app.use("/messages", requireSourceOrAdmin(ctx), rateLimit(ctx), auditMessageReads(ctx), messageRouter(ctx));
  app.use(requireSource(ctx.jwtSecret));
  app.use(rateLimit(ctx));
  app.use("/endpoint", embeddedFileLimit, recipientByNpi(ctx));
  app.use("/endpoint", endpointRouter(ctx));
  app.use(notFoundHandler);
  app.use(errorHandler(ctx.logger));
  return app;
}
