import express, { Router, type ErrorRequestHandler } from "express";
import { recordAudit } from "../audit/audit-log.js";
import { verifySecret } from "../auth/secret-hash.js";
import type { AppContext } from "../context.js";
import { adminPages } from "./admin-pages.js";
import { dashboardCss, liveJs } from "./assets.js";
import { html, layout, sendPage } from "./html.js";
import { messagePages, NotFound } from "./message-pages.js";
import { checkCsrf, endSession, requireSession, safeNext, sessionOf, startSession } from "./session.js";
import { countFailedSignIn, signInBlocked } from "./sign-in-throttle.js";

/** A scrypt hash to compare against when the client id is unknown, so a wrong id costs as long as a wrong secret. */
const decoyHash = "scrypt$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

function signInPage(next: string, error?: string) {
  return layout(
    { title: "Sign in" },
    html`<form class="login" method="post" action="/dashboard/login">
      <h1>Sign in</h1>
      <p class="muted">With an administrator's client id and secret of your organization.</p>
      ${error ? html`<p class="error" role="alert">${error}</p>` : ""}
      <input type="hidden" name="next" value="${next}" />
      <label for="client_id">Client id</label><input id="client_id" name="client_id" autocomplete="username" required />
      <label for="client_secret">Client secret</label
      ><input id="client_secret" name="client_secret" type="password" autocomplete="current-password" required />
      <button type="submit">Sign in</button>
    </form>`,
  );
}

/**
 * The dashboard at `/dashboard`: server-rendered pages (no build step), signed in with an organization administrator's
 * client credentials, every query scoped to that organization. Mounted before the API's JSON body parser: its forms
 * are form-encoded.
 */
export function dashboardRouter(ctx: AppContext): Router {
  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: "16kb" }));
  // Forms are posted from the dashboard's own pages only. SameSite=Strict and the CSRF token guard a session; this
  // also guards the sign-in form, which has no session yet (a browser always sends Origin on a cross-site POST).
  router.use((req, res, next) => {
    const origin = req.headers.origin;
    if (req.method !== "POST" || !origin || origin === `${req.protocol}://${req.headers.host ?? ""}`) return next();
    if (ctx.config.PUBLIC_BASE_URL && origin === ctx.config.PUBLIC_BASE_URL.replace(/\/$/, "")) return next();
    res.status(403).type("text").send("Forms are accepted from this site's own pages only.");
  });

  router.get("/assets/dashboard.css", (_req, res) => {
    res.setHeader("Cache-Control", "public, max-age=300");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.type("css").send(dashboardCss);
  });
  router.get("/assets/live.js", (_req, res) => {
    res.setHeader("Cache-Control", "public, max-age=300");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.type("js").send(liveJs);
  });

  router.get("/login", (req, res) => {
    sendPage(res, signInPage(safeNext(req.query.next)));
  });

  router.post("/login", async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const clientId = typeof body.client_id === "string" ? body.client_id.trim().slice(0, 200) : "";
    const clientSecret = typeof body.client_secret === "string" ? body.client_secret.slice(0, 500) : "";
    const next = safeNext(body.next);
    const remote = req.socket.remoteAddress ?? "";
    if (await signInBlocked(ctx, clientId, remote)) {
      sendPage(res, signInPage(next, "Too many failed attempts: wait 15 minutes and try again."), 429);
      return;
    }
    const admin = clientId
      ? await ctx.db.adminCredential.findFirst({
          where: { clientId, disabledAt: null, organization: { disabledAt: null } },
          select: { id: true, orgId: true, secretHash: true },
        })
      : null;
    const valid = await verifySecret(clientSecret, admin?.secretHash ?? decoyHash);
    if (!admin || !valid || !clientSecret) {
      await countFailedSignIn(ctx, clientId, remote);
      sendPage(res, signInPage(next, "That client id and secret do not match an active administrator."), 401);
      return;
    }
    startSession(ctx, res, admin);
    await recordAudit(ctx, {
      orgId: admin.orgId,
      actor: { kind: "admin", id: admin.id },
      action: "dashboard.sign_in",
      targetType: "admin",
      targetId: admin.id,
    });
    res.redirect(303, next);
  });

  router.use(requireSession(ctx));

  router.post("/logout", (req, res) => {
    if (!checkCsrf(req, res)) {
      res.status(403).type("text").send("The form has expired: reload the page and try again.");
      return;
    }
    endSession(ctx, res);
    res.redirect(303, "/dashboard/login");
  });

  router.get("/", (_req, res) => res.redirect(303, "/dashboard/messages"));
  router.use(messagePages(ctx));
  router.use(adminPages(ctx));

  router.use((req, res) => {
    sendPage(
      res,
      layout(
        { title: "Not found", session: sessionOf(res) },
        html`<h1>Not found</h1>
          <p>Nothing here.</p>`,
      ),
      404,
    );
  });
  const errors: ErrorRequestHandler = (error: Error, _req, res, _next) => {
    if (error instanceof NotFound) {
      sendPage(
        res,
        layout(
          { title: "Not found", session: res.locals.session },
          html`<h1>Not found</h1>
            <p>No such message or item in your organization.</p>
            <p><a href="/dashboard/messages">Messages</a></p>`,
        ),
        404,
      );
      return;
    }
    // The error's name only: its message, a stack or a query may carry patient data.
    ctx.logger.error({ err: { name: error.name } }, "dashboard request failed");
    sendPage(
      res,
      layout(
        { title: "Error" },
        html`<h1>Something went wrong</h1>
          <p>Try again in a moment.</p>`,
      ),
      500,
    );
  };
  router.use(errors);
  return router;
}
