import express, { Router, type ErrorRequestHandler, type Request } from "express";
import type { AppContext } from "../context.js";
import { issueAccessToken } from "./access-token.js";
import {
  AssertionError,
  JWT_BEARER_ASSERTION_TYPE,
  verifyClientAssertion,
  type AssertionClient,
  unverifiedClientId,
} from "./client-assertion.js";
import { JwksCache } from "./jwks-cache.js";
import { verifySecret } from "./secret-hash.js";

type OAuthErrorCode = "invalid_request" | "invalid_client" | "unsupported_grant_type" | "invalid_grant";

/** RFC 6749 §5.2 error response: `{error, error_description}`; 401 for client authentication failures. */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
  ) {
    super(description);
  }

  get status(): number {
    return this.error === "invalid_client" ? 401 : 400;
  }
}

export const TOKEN_PATH = "/v2/auth/token";

/** The URL a client assertion's `aud` must name: PUBLIC_BASE_URL's, or this request's own when that is unset. */
export function tokenUrl(ctx: AppContext, req: Request): string {
  return `${ctx.config.PUBLIC_BASE_URL ?? `${req.protocol}://${req.get("host") ?? "localhost"}`}${TOKEN_PATH}`;
}

function field(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (Array.isArray(value)) throw new OAuthError("invalid_request", `${name}: given more than once`);
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** `Authorization: Basic` client credentials (RFC 6749 §2.3.1), form-urlencoded id and secret. */
function basicCredentials(req: Request): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) throw new OAuthError("invalid_request", "Authorization: malformed Basic credentials");
  return {
    clientId: decodeURIComponent(decoded.slice(0, colon)),
    clientSecret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}

/**
 * `POST /v2/auth/token`: OAuth 2.0 client credentials. Sources (apps) authenticate as Redox's do, with a signed JWT
 * client assertion (RFC 7523: RS384 or ES384 with a registered key or a JWKS URL, or HS384 with a shared secret);
 * organization administrators with their client id and secret (`client_secret_post` or Basic). Either way the answer is
 * `{access_token, token_type: "Bearer", expires_in}`.
 */
export function oauthRouter(ctx: AppContext): Router {
  const router = Router();
  const jwks = new JwksCache(ctx.config.JWKS_CACHE_SECONDS);
  const ttl = ctx.config.OAUTH_TOKEN_TTL_SECONDS;

  async function findClient(clientId: string): Promise<AssertionClient | undefined> {
    const source = await ctx.db.source.findUnique({
      where: { apiKey: clientId },
      include: { keys: { where: { disabledAt: null } }, organization: { select: { disabledAt: true } } },
    });
    if (!source || source.disabledAt || source.organization.disabledAt) return undefined;
    return {
      id: source.id,
      keys: source.keys,
      jwksUrl: source.jwksUrl,
      sharedSecret: source.assertionSecretEncrypted ? ctx.secrets.open(source.assertionSecretEncrypted) : undefined,
    };
  }

  router.use(express.urlencoded({ extended: false, limit: "64kb", type: () => true }));

  router.post("/token", async (req, res) => {
    res.set("Cache-Control", "no-store");
    const body = (req.body ?? {}) as Record<string, unknown>;
    const grantType = field(body, "grant_type");
    if (!grantType) throw new OAuthError("invalid_request", "grant_type: required (client_credentials)");
    if (grantType !== "client_credentials") {
      throw new OAuthError("unsupported_grant_type", "grant_type: only client_credentials is supported");
    }
    const assertion = field(body, "client_assertion");
    const assertionType = field(body, "client_assertion_type");
    let token: string;

    if (assertion || assertionType) {
      if (assertionType !== JWT_BEARER_ASSERTION_TYPE) {
        throw new OAuthError("invalid_request", `client_assertion_type: must be ${JWT_BEARER_ASSERTION_TYPE}`);
      }
      if (!assertion) throw new OAuthError("invalid_request", "client_assertion: required");
      // RFC 7521 §4.2: client_id may be sent along; then it must name the assertion's client.
      const clientIdParam = field(body, "client_id");
      const unverifiedIssuer = (token: string) => {
        try {
          return unverifiedClientId(token);
        } catch {
          return undefined;
        }
      };
      if (clientIdParam !== undefined && clientIdParam !== unverifiedIssuer(assertion)) {
        throw new OAuthError("invalid_client", "client_id: does not match the assertion's iss");
      }
      let client: AssertionClient;
      try {
        client = await verifyClientAssertion(
          { findClient, jwks, redis: ctx.redis, prefix: ctx.config.QUEUE_PREFIX },
          assertion,
          tokenUrl(ctx, req),
        );
      } catch (error) {
        if (error instanceof AssertionError) throw new OAuthError(error.error, error.description);
        throw error;
      }
      const source = await ctx.db.source.findUniqueOrThrow({ where: { id: client.id } });
      token = issueAccessToken({ sub: source.id, org: source.orgId, kind: "source" }, ctx.jwtSecret, ttl).token;
      ctx.logger.info({ sourceId: source.id }, "token issued to source");
    } else {
      const basic = basicCredentials(req);
      const clientId = basic?.clientId ?? field(body, "client_id");
      const clientSecret = basic?.clientSecret ?? field(body, "client_secret");
      if (!clientId || !clientSecret) {
        throw new OAuthError("invalid_request", "client_assertion: required (or client_id and client_secret)");
      }
      const admin = await ctx.db.adminCredential.findUnique({
        where: { clientId },
        include: { organization: { select: { disabledAt: true } } },
      });
      const valid =
        admin &&
        !admin.disabledAt &&
        !admin.organization.disabledAt &&
        (await verifySecret(clientSecret, admin.secretHash));
      if (!valid) throw new OAuthError("invalid_client", "client_id/client_secret: not a valid pair");
      token = issueAccessToken({ sub: admin.id, org: admin.orgId, kind: "admin" }, ctx.jwtSecret, ttl).token;
      ctx.logger.info({ adminId: admin.id }, "token issued to admin");
    }
    res.json({ access_token: token, token_type: "Bearer", expires_in: ttl });
  });

  const oauthErrors: ErrorRequestHandler = (error: unknown, req, res, next) => {
    if (error instanceof OAuthError) {
      ctx.logger.info({ path: req.path, error: error.error, reason: error.description }, "token refused");
      res
        .status(error.status)
        .set("Cache-Control", "no-store")
        .json({ error: error.error, error_description: error.description });
      return;
    }
    const type = (error as { type?: string })?.type;
    if (typeof type === "string" && /^(entity|encoding|charset|request)\./.test(type)) {
      res.status(400).json({ error: "invalid_request", error_description: "(body): expected a form-encoded body" });
      return;
    }
    next(error);
  };
  router.use(oauthErrors);
  return router;
}
