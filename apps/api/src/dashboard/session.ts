import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import jwt from "jsonwebtoken";
import type { AppContext } from "../context.js";

export const sessionCookie = "conduit_dashboard";
const audience = "conduit-dashboard";
const sessionSeconds = 8 * 3600;

export interface DashboardSession {
  adminId: string;
  adminName: string;
  orgId: string;
  orgName: string;
  /** The per-session token every form POST must carry (SameSite=Strict is the first line, this the second). */
  csrf: string;
}

declare module "express-serve-static-core" {
  interface Locals {
    session?: DashboardSession;
  }
}

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

function secureCookies(ctx: AppContext): boolean {
  return ctx.config.NODE_ENV === "production" || !!ctx.config.PUBLIC_BASE_URL?.startsWith("https:");
}

/**
 * Starts a session: an HS256 JWT for the dashboard's audience only (an access token is not a session and a session is
 * not an access token), in an HttpOnly, SameSite=Strict cookie scoped to /dashboard.
 */
export function startSession(ctx: AppContext, res: Response, admin: { id: string; orgId: string }): void {
  const token = jwt.sign({ org: admin.orgId, csrf: randomBytes(18).toString("base64url") }, ctx.jwtSecret, {
    algorithm: "HS256",
    subject: admin.id,
    audience,
    expiresIn: sessionSeconds,
  });
  res.setHeader(
    "Set-Cookie",
    `${sessionCookie}=${token}; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=${sessionSeconds}` +
      (secureCookies(ctx) ? "; Secure" : ""),
  );
}

export function endSession(ctx: AppContext, res: Response): void {
  res.setHeader(
    "Set-Cookie",
    `${sessionCookie}=; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=0` + (secureCookies(ctx) ? "; Secure" : ""),
  );
}

interface SessionClaims {
  sub: string;
  org: string;
  csrf: string;
}

function readClaims(ctx: AppContext, req: Request): SessionClaims | undefined {
  const token = cookieOf(req, sessionCookie);
  if (!token) return undefined;
  try {
    const claims = jwt.verify(token, ctx.jwtSecret, { algorithms: ["HS256"], audience }) as Partial<SessionClaims>;
    if (typeof claims.sub !== "string" || typeof claims.org !== "string" || typeof claims.csrf !== "string")
      return undefined;
    return claims as SessionClaims;
  } catch {
    return undefined;
  }
}

/** Where to go after signing in: only a dashboard path of this site. */
export function safeNext(value: unknown): string {
  return typeof value === "string" && /^\/dashboard(\/[A-Za-z0-9/_\-.?=&%+]*)?$/.test(value) && !value.includes("//")
    ? value
    : "/dashboard/messages";
}

/**
 * Every dashboard route but sign-in and the static assets. The administrator and the organization are re-checked on
 * every request, so disabling either ends the session at once. Without a session a page redirects to sign-in.
 */
export function requireSession(ctx: AppContext): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const claims = readClaims(ctx, req);
    const admin = claims
      ? await ctx.db.adminCredential.findFirst({
          where: { id: claims.sub, orgId: claims.org, disabledAt: null, organization: { disabledAt: null } },
          select: { id: true, name: true, orgId: true, organization: { select: { name: true } } },
        })
      : null;
    if (!claims || !admin) {
      if (req.method === "GET") {
        res.redirect(303, `/dashboard/login?next=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      res.status(401).type("text").send("Sign in again.");
      return;
    }
    res.locals.session = {
      adminId: admin.id,
      adminName: admin.name,
      orgId: admin.orgId,
      orgName: admin.organization.name,
      csrf: claims.csrf,
    };
    next();
  };
}

export function sessionOf(res: Response): DashboardSession {
  const session = res.locals.session;
  if (!session) throw new Error("dashboard route without a session");
  return session;
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/** POSTs must carry the session's CSRF token in `_csrf`. */
export function checkCsrf(req: Request, res: Response): boolean {
  const sent = (req.body as Record<string, unknown> | undefined)?._csrf;
  return typeof sent === "string" && timingSafeEqual(digest(sent), digest(sessionOf(res).csrf));
}
