import { createHash, randomBytes } from "node:crypto";
import { Router } from "express";
import { z } from "zod";
import { redoxErrorsFromZod } from "@conduit/datamodels";
import { issueAccessToken } from "../auth/access-token.js";
import { verifySecret } from "../auth/secret-hash.js";
import type { AppContext } from "../context.js";
import { ApiError } from "../http/api-error.js";

const authenticateBody = z.object({
  apiKey: z.string({ error: "expected the source's API key" }).min(1).max(200),
  secret: z.string({ error: "expected the source's secret" }).min(1).max(500),
});

const refreshBody = z.object({
  apiKey: z.string({ error: "expected the source's API key" }).min(1).max(200),
  refreshToken: z.string({ error: "expected the refresh token" }).min(1).max(500),
});

const hashToken = (token: string) => createHash("sha256").update(token).digest("base64url");

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new ApiError(400, redoxErrorsFromZod(parsed.error));
  return parsed.data;
}

/** Redox's legacy API-key authentication: `{apiKey, secret}` for an access token and a refresh token. */
export function authRouter(ctx: AppContext): Router {
  const router = Router();
  const invalid = () => ApiError.unauthorized("apiKey/secret: not a valid pair");

  async function issueTokens(source: { id: string; orgId: string }) {
    const access = issueAccessToken(
      { sub: source.id, org: source.orgId, kind: "source" },
      ctx.jwtSecret,
      ctx.config.ACCESS_TOKEN_TTL_SECONDS,
    );
    const refreshToken = randomBytes(32).toString("base64url");
    await ctx.db.refreshToken.create({
      data: {
        sourceId: source.id,
        tokenHash: hashToken(refreshToken),
        expiresAt: new Date(Date.now() + ctx.config.REFRESH_TOKEN_TTL_SECONDS * 1000),
      },
    });
    return { accessToken: access.token, expires: access.expiresAt.toISOString(), refreshToken };
  }

  router.post("/authenticate", async (req, res) => {
    const { apiKey, secret } = parseBody(authenticateBody, req.body);
    const source = await ctx.db.source.findUnique({ where: { apiKey }, include: { organization: true } });
    if (
      !source ||
      source.disabledAt ||
      source.organization.disabledAt ||
      !(await verifySecret(secret, source.secretHash))
    )
      throw invalid();
    res.json(await issueTokens(source));
  });

  router.post("/refreshToken", async (req, res) => {
    const { apiKey, refreshToken } = parseBody(refreshBody, req.body);
    const stored = await ctx.db.refreshToken.findUnique({
      where: { tokenHash: hashToken(refreshToken) },
      include: { source: { include: { organization: true } } },
    });
    if (
      !stored ||
      stored.source.apiKey !== apiKey ||
      stored.source.disabledAt ||
      stored.source.organization.disabledAt
    ) {
      throw invalid();
    }
    // A refresh token is used once: revoking it here means a stolen copy stops working at the next refresh.
    const revoked = await ctx.db.refreshToken.updateMany({
      where: { id: stored.id, revokedAt: null, expiresAt: { gt: new Date() } },
      data: { revokedAt: new Date() },
    });
    if (revoked.count !== 1) throw ApiError.unauthorized("refreshToken: expired or already used");
    res.json(await issueTokens(stored.source));
  });

  return router;
}
