import { createPublicKey, randomUUID, type JsonWebKey } from "node:crypto";
import { Router } from "express";
import { adminOf } from "../auth/require-admin.js";
import { generateSecret, hashSecret } from "../auth/secret-hash.js";
import { actorOf, recordAudit } from "../audit/audit-log.js";
import type { AppContext } from "../context.js";
import type { Destination, DirectAddress, Source, SourceKey } from "../generated/prisma/client.js";
import { Prisma } from "../generated/prisma/client.js";
import { TransportRegistry } from "../hisp/transport-registry.js";
import { ApiError } from "../http/api-error.js";
import { certificateRouter } from "./certificate-routes.js";
import { destinationSecrets, sealDestinationSecrets } from "./destination-secrets.js";
import { checkId, conflict, notFound, parseBody } from "./request.js";
import {
  adminCreate,
  destinationCreate,
  destinationUpdate,
  directAddressCreate,
  directAddressUpdate,
  sourceCreate,
  sourceKeyCreate,
  sourceUpdate,
  subscriptionPut,
} from "./schemas.js";

/** Adapters the direct-transport package provides, whether or not this process registered them yet. */
const KNOWN_ADAPTERS = ["file", "smtp", "smtp-edge"];

export function sourceView(source: Source) {
  return {
    id: source.id,
    name: source.name,
    /** The client id of JWT assertions (`iss`/`sub`) and the legacy apiKey. */
    clientId: source.apiKey,
    jwksUrl: source.jwksUrl,
    hasAssertionSecret: source.assertionSecretEncrypted !== null,
    rateLimit: source.rateLimit,
    createdAt: source.createdAt,
    disabledAt: source.disabledAt,
  };
}

function keyView(key: SourceKey) {
  return { id: key.id, kid: key.kid, alg: key.alg, jwk: key.jwk, createdAt: key.createdAt, disabledAt: key.disabledAt };
}

function destinationView(destination: Destination, secretNames: string[]) {
  return {
    id: destination.id,
    name: destination.name,
    adapter: destination.adapter,
    settings: destination.settings,
    /** Names of the secrets set; their values are never returned. */
    secretNames,
    directAddressFrom: destination.directAddressFrom,
    peerOptions: destination.peerOptions,
    createdAt: destination.createdAt,
    disabledAt: destination.disabledAt,
  };
}

function addressView(address: DirectAddress) {
  return {
    id: address.id,
    address: address.address,
    kind: address.kind,
    displayName: address.displayName,
    createdAt: address.createdAt,
    disabledAt: address.disabledAt,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/** A JWK of the public key, checked against the algorithm it will verify. */
function publicJwk(input: { kid: string; alg: "RS384" | "ES384"; jwk?: object; publicKeyPem?: string }): JsonWebKey {
  let key;
  try {
    key = input.jwk
      ? createPublicKey({ key: input.jwk as JsonWebKey, format: "jwk" })
      : createPublicKey(input.publicKeyPem!);
  } catch {
    throw ApiError.badRequest(`${input.jwk ? "jwk" : "publicKeyPem"}: not a valid public key`);
  }
  if (key.type !== "public") throw ApiError.badRequest("jwk: expected a public key");
  const field = input.jwk ? "jwk" : "publicKeyPem";
  if (
    input.alg === "RS384" &&
    (key.asymmetricKeyType !== "rsa" || (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)
  ) {
    throw ApiError.badRequest(`${field}: RS384 needs an RSA key of at least 2048 bits`);
  }
  if (
    input.alg === "ES384" &&
    (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "secp384r1")
  ) {
    throw ApiError.badRequest(`${field}: ES384 needs an EC key on P-384`);
  }
  return { ...key.export({ format: "jwk" }), kid: input.kid, alg: input.alg, use: "sig" };
}

/**
 * The configuration API (`/config/*`), for an organization's administrators. Every query is scoped to the caller's
 * organization; another organization's ids answer 404 like ids that do not exist. Secrets are write-only. Each change
 * is recorded in the audit log with the names (never the values) of the fields it set.
 */
export function configRouter(ctx: AppContext): Router {
  const router = Router();
  const adapters = new Set([...KNOWN_ADAPTERS, ...new TransportRegistry(ctx.config).kinds()]);

  async function ownSource(org: string, id: string) {
    checkId("source", id);
    const source = await ctx.db.source.findFirst({ where: { id, orgId: org } });
    if (!source) throw notFound("source", id);
    return source;
  }
  async function ownDestination(org: string, id: string) {
    checkId("destination", id);
    const destination = await ctx.db.destination.findFirst({ where: { id, orgId: org } });
    if (!destination) throw notFound("destination", id);
    return destination;
  }
  async function ownAddress(org: string, id: string) {
    checkId("Direct address", id);
    const address = await ctx.db.directAddress.findFirst({ where: { id, orgId: org } });
    if (!address) throw notFound("Direct address", id);
    return address;
  }
  const secretNames = (destination: Destination) => Object.keys(destinationSecrets(ctx.secrets, destination)).sort();
  const audit = (
    req: Parameters<typeof adminOf>[0],
    action: string,
    targetType: string,
    targetId: string,
    detail?: object,
  ) => {
    const admin = adminOf(req);
    return recordAudit(ctx, {
      orgId: admin.org,
      actor: actorOf(admin),
      action,
      targetType,
      targetId,
      detail: detail as Prisma.InputJsonValue,
    });
  };

  /** An address (or its domain) registered to another organization cannot be sent as. */
  async function checkSendingAddress(org: string, address: string) {
    const domain = address.slice(address.lastIndexOf("@") + 1);
    const taken = await ctx.db.directAddress.findFirst({
      where: { address: { in: [address, `@${domain}`] }, orgId: { not: org } },
      select: { id: true },
    });
    if (taken)
      throw ApiError.badRequest(`directAddressFrom: ${address} is not one of this organization's Direct addresses`);
  }

  /** Settings are shown back; a secret put there by mistake would be too. */
  function checkSettings(settings: Record<string, unknown> | undefined) {
    for (const key of Object.keys(settings ?? {})) {
      if (/pass(word)?|secret|token|private.?key|api.?key|credential/i.test(key)) {
        throw ApiError.badRequest(`settings.${key}: looks like a secret; put it in "secrets" (write-only) instead`);
      }
    }
  }

  /** Conduit fetches this URL; in production only over HTTPS. */
  function checkJwksUrl(url: string | null | undefined) {
    if (url && ctx.config.NODE_ENV === "production" && !url.startsWith("https://")) {
      throw ApiError.badRequest("jwksUrl: expected an https:// URL");
    }
  }

  function checkAdapter(adapter: string | undefined) {
    if (adapter !== undefined && !adapters.has(adapter)) {
      throw ApiError.badRequest(
        `adapter: unknown HISP adapter "${adapter}" (expected one of ${[...adapters].join(", ")})`,
      );
    }
  }

  // ---- sources and their keys -----------------------------------------------------------------------------------

  router.post("/sources", async (req, res) => {
    const { org } = adminOf(req);
    const body = parseBody(sourceCreate, req.body);
    checkJwksUrl(body.jwksUrl);
    const secret = generateSecret();
    const source = await ctx.db.source.create({
      data: {
        orgId: org,
        name: body.name,
        apiKey: randomUUID(),
        secretHash: await hashSecret(secret),
        jwksUrl: body.jwksUrl ?? null,
        assertionSecretEncrypted: body.assertionSecret ? ctx.secrets.seal(body.assertionSecret) : null,
        rateLimit: body.rateLimit ?? null,
      },
    });
    await audit(req, "source.create", "source", source.id, { fields: Object.keys(body) });
    // The legacy secret (POST /auth/authenticate) is shown this once; only its hash is kept.
    res.status(201).json({ ...sourceView(source), secret });
  });

  router.get("/sources", async (req, res) => {
    const { org } = adminOf(req);
    const sources = await ctx.db.source.findMany({ where: { orgId: org }, orderBy: { createdAt: "asc" } });
    res.json({ sources: sources.map(sourceView) });
  });

  router.get("/sources/:id", async (req, res) => {
    const { org } = adminOf(req);
    res.json(sourceView(await ownSource(org, req.params.id)));
  });

  router.patch("/sources/:id", async (req, res) => {
    const { org } = adminOf(req);
    const source = await ownSource(org, req.params.id);
    const body = parseBody(sourceUpdate, req.body);
    checkJwksUrl(body.jwksUrl);
    const updated = await ctx.db.source.update({
      where: { id: source.id },
      data: {
        name: body.name,
        jwksUrl: body.jwksUrl,
        rateLimit: body.rateLimit,
        assertionSecretEncrypted:
          body.assertionSecret === undefined
            ? undefined
            : body.assertionSecret
              ? ctx.secrets.seal(body.assertionSecret)
              : null,
      },
    });
    await audit(req, "source.update", "source", source.id, { fields: Object.keys(body) });
    res.json(sourceView(updated));
  });

  for (const [verb, disabledAt] of [
    ["disable", () => new Date()],
    ["enable", () => null],
  ] as const) {
    router.post(`/sources/:id/${verb}`, async (req, res) => {
      const { org } = adminOf(req);
      const source = await ownSource(org, req.params.id);
      const updated = await ctx.db.source.update({ where: { id: source.id }, data: { disabledAt: disabledAt() } });
      await audit(req, `source.${verb}`, "source", source.id);
      res.json(sourceView(updated));
    });
  }

  router.post("/sources/:id/secret", async (req, res) => {
    const { org } = adminOf(req);
    const source = await ownSource(org, req.params.id);
    const secret = generateSecret();
    await ctx.db.$transaction([
      ctx.db.source.update({ where: { id: source.id }, data: { secretHash: await hashSecret(secret) } }),
      ctx.db.refreshToken.updateMany({
        where: { sourceId: source.id, revokedAt: null },
        data: { revokedAt: new Date() },
      }),
    ]);
    await audit(req, "source.rotate_secret", "source", source.id);
    res.json({ ...sourceView(source), secret });
  });

  router.get("/sources/:id/keys", async (req, res) => {
    const { org } = adminOf(req);
    const source = await ownSource(org, req.params.id);
    const keys = await ctx.db.sourceKey.findMany({ where: { sourceId: source.id }, orderBy: { createdAt: "asc" } });
    res.json({ keys: keys.map(keyView) });
  });

  router.post("/sources/:id/keys", async (req, res) => {
    const { org } = adminOf(req);
    const source = await ownSource(org, req.params.id);
    const body = parseBody(sourceKeyCreate, req.body);
    const jwk = publicJwk(body);
    try {
      const key = await ctx.db.sourceKey.create({
        data: { sourceId: source.id, kid: body.kid, alg: body.alg, jwk: jwk as Prisma.InputJsonValue },
      });
      await audit(req, "source_key.create", "source", source.id, { kid: body.kid, alg: body.alg });
      res.status(201).json(keyView(key));
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`kid: this source already has a key "${body.kid}"`);
      throw error;
    }
  });

  router.delete("/sources/:id/keys/:keyId", async (req, res) => {
    const { org } = adminOf(req);
    const source = await ownSource(org, req.params.id);
    checkId("key", req.params.keyId);
    const disabled = await ctx.db.sourceKey.updateMany({
      where: { id: req.params.keyId, sourceId: source.id, disabledAt: null },
      data: { disabledAt: new Date() },
    });
    if (!disabled.count) throw notFound("key", req.params.keyId);
    await audit(req, "source_key.disable", "source", source.id, { keyId: req.params.keyId });
    res.status(204).end();
  });

  // ---- subscriptions: which data models a source may send to which destination ----------------------------------

  router.get("/sources/:id/subscriptions", async (req, res) => {
    const { org } = adminOf(req);
    const source = await ownSource(org, req.params.id);
    const rows = await ctx.db.subscription.findMany({ where: { sourceId: source.id }, orderBy: { createdAt: "asc" } });
    const byDestination = new Map<string, string[]>();
    for (const row of rows)
      byDestination.set(row.destinationId, [...(byDestination.get(row.destinationId) ?? []), row.dataModel]);
    res.json({
      subscriptions: [...byDestination].map(([destinationId, dataModels]) => ({ destinationId, dataModels })),
    });
  });

  router.put("/sources/:id/subscriptions/:destinationId", async (req, res) => {
    const { org } = adminOf(req);
    const source = await ownSource(org, req.params.id);
    const destination = await ownDestination(org, req.params.destinationId);
    const { dataModels } = parseBody(subscriptionPut, req.body);
    await ctx.db.$transaction([
      ctx.db.subscription.deleteMany({ where: { sourceId: source.id, destinationId: destination.id } }),
      ctx.db.subscription.createMany({
        data: [...new Set(dataModels)].map((dataModel) => ({
          sourceId: source.id,
          destinationId: destination.id,
          dataModel,
        })),
      }),
    ]);
    await audit(req, "subscription.put", "source", source.id, { destinationId: destination.id, dataModels });
    res.json({ destinationId: destination.id, dataModels: [...new Set(dataModels)] });
  });

  router.delete("/sources/:id/subscriptions/:destinationId", async (req, res) => {
    const { org } = adminOf(req);
    const source = await ownSource(org, req.params.id);
    const destination = await ownDestination(org, req.params.destinationId);
    await ctx.db.subscription.deleteMany({ where: { sourceId: source.id, destinationId: destination.id } });
    await audit(req, "subscription.delete", "source", source.id, { destinationId: destination.id });
    res.status(204).end();
  });

  // ---- destinations -----------------------------------------------------------------------------------------------

  router.post("/destinations", async (req, res) => {
    const { org } = adminOf(req);
    const body = parseBody(destinationCreate, req.body);
    checkAdapter(body.adapter);
    checkSettings(body.settings);
    await checkSendingAddress(org, body.directAddressFrom);
    const destination = await ctx.db.destination.create({
      data: {
        orgId: org,
        name: body.name,
        adapter: body.adapter,
        settings: body.settings as Prisma.InputJsonValue,
        secretsEncrypted: sealDestinationSecrets(ctx.secrets, body.secrets ?? {}),
        directAddressFrom: body.directAddressFrom,
        peerOptions: body.peerOptions as Prisma.InputJsonValue,
      },
    });
    await audit(req, "destination.create", "destination", destination.id, {
      fields: Object.keys(body),
      secrets: Object.keys(body.secrets ?? {}),
    });
    res.status(201).json(destinationView(destination, Object.keys(body.secrets ?? {}).sort()));
  });

  router.get("/destinations", async (req, res) => {
    const { org } = adminOf(req);
    const destinations = await ctx.db.destination.findMany({ where: { orgId: org }, orderBy: { createdAt: "asc" } });
    res.json({ destinations: destinations.map((d) => destinationView(d, secretNames(d))) });
  });

  router.get("/destinations/:id", async (req, res) => {
    const { org } = adminOf(req);
    const destination = await ownDestination(org, req.params.id);
    res.json(destinationView(destination, secretNames(destination)));
  });

  router.patch("/destinations/:id", async (req, res) => {
    const { org } = adminOf(req);
    const destination = await ownDestination(org, req.params.id);
    const body = parseBody(destinationUpdate, req.body);
    checkAdapter(body.adapter);
    checkSettings(body.settings);
    if (body.directAddressFrom) await checkSendingAddress(org, body.directAddressFrom);
    let secretsEncrypted: string | null | undefined;
    if (body.secrets) {
      const merged = destinationSecrets(ctx.secrets, destination);
      for (const [key, value] of Object.entries(body.secrets)) {
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      secretsEncrypted = sealDestinationSecrets(ctx.secrets, merged);
    }
    const updated = await ctx.db.destination.update({
      where: { id: destination.id },
      data: {
        name: body.name,
        adapter: body.adapter,
        settings: body.settings as Prisma.InputJsonValue | undefined,
        secretsEncrypted,
        directAddressFrom: body.directAddressFrom,
        peerOptions: body.peerOptions as Prisma.InputJsonValue | undefined,
      },
    });
    await audit(req, "destination.update", "destination", destination.id, {
      fields: Object.keys(body),
      secrets: Object.keys(body.secrets ?? {}),
    });
    res.json(destinationView(updated, secretNames(updated)));
  });

  for (const [verb, disabledAt] of [
    ["disable", () => new Date()],
    ["enable", () => null],
  ] as const) {
    router.post(`/destinations/:id/${verb}`, async (req, res) => {
      const { org } = adminOf(req);
      const destination = await ownDestination(org, req.params.id);
      const updated = await ctx.db.destination.update({
        where: { id: destination.id },
        data: { disabledAt: disabledAt() },
      });
      await audit(req, `destination.${verb}`, "destination", destination.id);
      res.json(destinationView(updated, secretNames(updated)));
    });
  }

  // ---- Direct addresses -------------------------------------------------------------------------------------------

  router.post("/direct-addresses", async (req, res) => {
    const { org } = adminOf(req);
    const body = parseBody(directAddressCreate, req.body);
    try {
      const address = await ctx.db.directAddress.create({
        data: { orgId: org, address: body.address, kind: body.kind, displayName: body.displayName ?? null },
      });
      await audit(req, "direct_address.create", "direct_address", address.id, { address: address.address });
      res.status(201).json(addressView(address));
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`address: ${body.address} is already registered`);
      throw error;
    }
  });

  router.get("/direct-addresses", async (req, res) => {
    const { org } = adminOf(req);
    const addresses = await ctx.db.directAddress.findMany({ where: { orgId: org }, orderBy: { address: "asc" } });
    res.json({ directAddresses: addresses.map(addressView) });
  });

  router.get("/direct-addresses/:id", async (req, res) => {
    const { org } = adminOf(req);
    const address = await ownAddress(org, req.params.id);
    const domain = address.address.slice(address.address.lastIndexOf("@") + 1);
    const certificates = await ctx.db.certificate.findMany({
      where: { orgId: org, scope: { in: [address.address.replace(/^@/, ""), domain] }, disabledAt: null },
      select: { id: true, use: true, scope: true, subject: true, notAfter: true },
    });
    res.json({ ...addressView(address), certificates });
  });

  router.patch("/direct-addresses/:id", async (req, res) => {
    const { org } = adminOf(req);
    const address = await ownAddress(org, req.params.id);
    const body = parseBody(directAddressUpdate, req.body);
    const updated = await ctx.db.directAddress.update({
      where: { id: address.id },
      data: { kind: body.kind, displayName: body.displayName },
    });
    await audit(req, "direct_address.update", "direct_address", address.id, { fields: Object.keys(body) });
    res.json(addressView(updated));
  });

  for (const [verb, disabledAt] of [
    ["disable", () => new Date()],
    ["enable", () => null],
  ] as const) {
    router.post(`/direct-addresses/:id/${verb}`, async (req, res) => {
      const { org } = adminOf(req);
      const address = await ownAddress(org, req.params.id);
      const updated = await ctx.db.directAddress.update({
        where: { id: address.id },
        data: { disabledAt: disabledAt() },
      });
      await audit(req, `direct_address.${verb}`, "direct_address", address.id);
      res.json(addressView(updated));
    });
  }

  // ---- certificates and trust anchors -----------------------------------------------------------------------------

  router.use("/certificates", certificateRouter(ctx));

  // ---- administrators and the audit log ---------------------------------------------------------------------------

  router.get("/admins", async (req, res) => {
    const { org } = adminOf(req);
    const admins = await ctx.db.adminCredential.findMany({ where: { orgId: org }, orderBy: { createdAt: "asc" } });
    res.json({
      admins: admins.map((a) => ({
        id: a.id,
        name: a.name,
        clientId: a.clientId,
        createdAt: a.createdAt,
        disabledAt: a.disabledAt,
      })),
    });
  });

  router.post("/admins", async (req, res) => {
    const { org } = adminOf(req);
    const body = parseBody(adminCreate, req.body);
    const created = await createAdminCredential(ctx, org, body.name);
    await audit(req, "admin.create", "admin", created.id);
    res.status(201).json(created);
  });

  router.post("/admins/:id/disable", async (req, res) => {
    const admin = adminOf(req);
    checkId("administrator", req.params.id);
    const disabled = await ctx.db.adminCredential.updateMany({
      where: { id: req.params.id, orgId: admin.org },
      data: { disabledAt: new Date() },
    });
    if (!disabled.count) throw notFound("administrator", req.params.id);
    await audit(req, "admin.disable", "admin", req.params.id);
    res.status(204).end();
  });

  router.get("/audit", async (req, res) => {
    const { org } = adminOf(req);
    const limit = Math.min(Math.max(Number(req.query.limit) || 100, 1), 1000);
    const before =
      typeof req.query.before === "string" && /^\d+$/.test(req.query.before) ? BigInt(req.query.before) : undefined;
    const events = await ctx.db.auditEvent.findMany({
      where: { orgId: org, ...(before ? { id: { lt: before } } : {}) },
      orderBy: { id: "desc" },
      take: limit,
    });
    res.json({
      events: events.map((event) => ({
        id: event.id.toString(),
        at: event.createdAt,
        actor: { kind: event.actorKind, id: event.actorId },
        action: event.action,
        target: { type: event.targetType, id: event.targetId },
        detail: event.detail,
      })),
    });
  });

  return router;
}

/** A new administrator credential for an organization; the secret is in the answer and nowhere else. */
export async function createAdminCredential(ctx: AppContext, orgId: string, name: string) {
  const clientSecret = generateSecret();
  const admin = await ctx.db.adminCredential.create({
    data: { orgId, name, clientId: `admin-${randomUUID()}`, secretHash: await hashSecret(clientSecret) },
  });
  return { id: admin.id, name: admin.name, clientId: admin.clientId, clientSecret, createdAt: admin.createdAt };
}
