import type { RequestHandler } from "express";
import { ApiError } from "../http/api-error.js";
import { verifyAccessToken, type AccessClaims } from "./access-token.js";

declare module "express-serve-static-core" {
  interface Request {
    auth?: AccessClaims;
  }
}

/** Every route but health and auth needs `Authorization: Bearer <access token>`. */
export function requireSource(jwtSecret: string): RequestHandler {
  return (req, _res, next) => {
    const header = req.headers.authorization ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return next(ApiError.unauthorized());
    const claims = verifyAccessToken(match[1]!, jwtSecret);
    if (!claims) return next(ApiError.unauthorized("Authorization: the access token is invalid or expired"));
    if (claims.kind !== "source") return next(ApiError.unauthorized("Authorization: expected a source's access token"));
    req.auth = claims;
    next();
  };
}

export function authOf(req: { auth?: AccessClaims }): AccessClaims {
  if (!req.auth) throw ApiError.unauthorized();
  return req.auth;
}
