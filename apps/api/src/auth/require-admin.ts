import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import type { AppContext } from "../context.js";
import { ApiError } from "../http/api-error.js";
import { verifyAccessToken, type AccessClaims } from "./access-token.js";

function bearer(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];
}

/**
 * The configuration API: an organization administrator's access token (from /v2/auth/token with the admin's client id
 * and secret). The credential and its organization are re-checked on every request, so disabling one takes effect
 * before its tokens expire.
 */
export function requireAdmin(ctx: AppContext): RequestHandler {
  return async (req, _res, next) => {
    const token = bearer(req.headers.authorization);
    if (!token) return next(ApiError.unauthorized());
    const claims = verifyAccessToken(token, ctx.jwtSecret);
    if (!claims) return next(ApiError.unauthorized("Authorization: the access token is invalid or expired"));
    if (claims.kind !== "admin")
      return next(ApiError.unauthorized("Authorization: expected an administrator's access token"));
    const admin = await ctx.db.adminCredential.findFirst({
      where: { id: claims.sub, orgId: claims.org, disabledAt: null, organization: { disabledAt: null } },
      select: { id: true },
    });
    if (!admin) return next(ApiError.unauthorized("Authorization: this administrator is disabled or no longer exists"));
    req.auth = claims;
    next();
  };
}

/**
 * A source's or an administrator's token: routes both may use (the directory search, message status). The source or
 * credential and its organization are re-checked, so a disabled one stops reading at once.
 */
export function requireSourceOrAdmin(ctx: AppContext): RequestHandler {
  return async (req, _res, next) => {
    const token = bearer(req.headers.authorization);
    if (!token) return next(ApiError.unauthorized());
    const claims = verifyAccessToken(token, ctx.jwtSecret);
    if (!claims) return next(ApiError.unauthorized("Authorization: the access token is invalid or expired"));
    const where = { id: claims.sub, orgId: claims.org, disabledAt: null, organization: { disabledAt: null } };
    const active =
      claims.kind === "admin"
        ? await ctx.db.adminCredential.findFirst({ where, select: { id: true } })
        : await ctx.db.source.findFirst({ where, select: { id: true } });
    if (!active) return next(ApiError.unauthorized("Authorization: this credential is disabled or no longer exists"));
    req.auth = claims;
    next();
  };
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/** The operator's routes: `Authorization: Bearer <OPERATOR_TOKEN>`. Without OPERATOR_TOKEN they do not exist. */
export function requireOperator(ctx: AppContext): RequestHandler {
  return (req, _res, next) => {
    const configured = ctx.config.OPERATOR_TOKEN;
    if (!configured) return next(ApiError.notFound(`${req.method} ${req.baseUrl}${req.path}: no such route`));
    const token = bearer(req.headers.authorization);
    if (!token || !timingSafeEqual(digest(token), digest(configured))) {
      return next(ApiError.unauthorized("Authorization: expected the operator token"));
    }
    next();
  };
}

export function adminOf(req: { auth?: AccessClaims }): AccessClaims & { kind: "admin" } {
  if (req.auth?.kind !== "admin") throw ApiError.unauthorized();
  return req.auth as AccessClaims & { kind: "admin" };
}
