import type { KeyObject, X509Certificate } from "node:crypto";
import { Router } from "express";
import {
  certificateFacts,
  certificatesFromPkcs7,
  credentialsFromPem,
  credentialsFromPkcs12,
  loadCertificates,
} from "@conduit/direct-transport";
import { adminOf } from "../auth/require-admin.js";
import { actorOf, recordAudit } from "../audit/audit-log.js";
import type { AppContext } from "../context.js";
import { Prisma, type Certificate } from "../generated/prisma/client.js";
import { ApiError } from "../http/api-error.js";
import { checkId, notFound, parseBody } from "./request.js";
import { certificateCreate } from "./schemas.js";

/** Certificates that expire within this many days are flagged `expiresSoon`. */
export const EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 86_400_000;

/** Node writes a subject one attribute per line; shown on one line, as OpenSSL does. */
const oneLine = (name: string) => name.split("\n").filter(Boolean).join(", ");

export function certificateView(certificate: Certificate, now = new Date()) {
  return {
    id: certificate.id,
    use: certificate.use,
    scope: certificate.scope,
    subject: certificate.subject,
    subjectAltNames: certificate.subjectAltNames,
    issuer: certificate.issuer,
    serialNumber: certificate.serialNumber,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    fingerprint: certificate.fingerprint,
    /** The private key itself is never returned. */
    hasPrivateKey: certificate.privateKeyEncrypted !== null,
    expired: certificate.notAfter.getTime() < now.getTime(),
    expiresSoon: certificate.notAfter.getTime() < now.getTime() + EXPIRY_WARNING_DAYS * DAY_MS,
    createdAt: certificate.createdAt,
    disabledAt: certificate.disabledAt,
  };
}

interface Parsed {
  certificates: X509Certificate[];
  privateKey?: KeyObject;
  /** For `own`: the intermediates sent along with signatures, kept after the leaf in its PEM. */
  chain?: X509Certificate[];
}

function binary(data: string): Buffer {
  const cleaned = data.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(cleaned)) throw ApiError.badRequest("data: expected base64");
  return Buffer.from(cleaned, "base64");
}

/** Reads what was uploaded; anything unreadable is a 400 naming `data` (or `password`, `privateKey`). */
async function parseUpload(body: ReturnType<typeof certificateCreate.parse>): Promise<Parsed> {
  const wantsKey = body.use === "own";
  if (!wantsKey && (body.privateKey || body.format === "pkcs12")) {
    throw ApiError.badRequest(`${body.privateKey ? "privateKey" : "format"}: a private key is only for use "own"`);
  }
  try {
    switch (body.format) {
      case "pkcs12": {
        const credentials = await credentialsFromPkcs12(binary(body.data), body.password ?? "");
        return {
          certificates: [credentials.certificate],
          privateKey: credentials.privateKey,
          chain: credentials.chain,
        };
      }
      case "pkcs7": {
        const certificates = body.data.includes("-----BEGIN")
          ? loadCertificates(body.data)
          : certificatesFromPkcs7(binary(body.data));
        return { certificates };
      }
      case "pem":
      case "der": {
        const input = body.format === "pem" ? body.data : binary(body.data);
        if (wantsKey) {
          const privateKey =
            body.privateKey ?? (body.format === "pem" && /PRIVATE KEY-----/.test(body.data) ? body.data : undefined);
          if (!privateKey) throw ApiError.badRequest('privateKey: required for use "own" (PEM, PKCS#1 or PKCS#8)');
          const credentials = credentialsFromPem({ certificate: input, privateKey });
          return {
            certificates: [credentials.certificate],
            privateKey: credentials.privateKey,
            chain: credentials.chain,
          };
        }
        return { certificates: loadCertificates(input) };
      }
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const message = (error as Error).message ?? "";
    if (body.format === "pkcs12") {
      throw ApiError.badRequest(`data: not a readable PKCS#12 file, or password is wrong (${message})`);
    }
    if (/private key/i.test(message) || /key/.test(message)) throw ApiError.badRequest(`privateKey: ${message}`);
    throw ApiError.badRequest(`data: not a ${body.format.toUpperCase()} certificate or bundle (${message})`);
  }
}

/** `/config/certificates`: Conduit's own certificates, trust anchors and bundles, and configured peer certificates. */
export function certificateRouter(ctx: AppContext): Router {
  const router = Router();

  router.post("/", async (req, res) => {
    const admin = adminOf(req);
    const body = parseBody(certificateCreate, req.body);
    const parsed = await parseUpload(body);
    if (!parsed.certificates.length) throw ApiError.badRequest("data: holds no certificate");
    const privateKeyEncrypted = parsed.privateKey
      ? ctx.secrets.seal(parsed.privateKey.export({ format: "pem", type: "pkcs8" }).toString())
      : null;
    const stored: Certificate[] = [];
    for (const certificate of parsed.certificates) {
      const facts = certificateFacts(certificate);
      const data = {
        orgId: admin.org,
        use: body.use,
        scope: body.scope,
        subject: oneLine(certificate.subject),
        subjectAltNames: [...facts.emails.map((e) => `email:${e}`), ...facts.dnsNames.map((d) => `DNS:${d}`)],
        issuer: oneLine(certificate.issuer),
        serialNumber: certificate.serialNumber,
        notBefore: new Date(certificate.validFrom),
        notAfter: new Date(certificate.validTo),
        fingerprint: certificate.fingerprint256,
        certificatePem: [certificate, ...(parsed.chain ?? [])].map((c) => c.toString()).join(""),
        privateKeyEncrypted,
      };
      try {
        stored.push(await ctx.db.certificate.create({ data }));
      } catch (error) {
        if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
        // Uploaded again: the stored one is kept (and re-enabled), with a new private key if one came along.
        stored.push(
          await ctx.db.certificate.update({
            where: {
              orgId_use_scope_fingerprint: {
                orgId: admin.org,
                use: body.use,
                scope: body.scope,
                fingerprint: data.fingerprint,
              },
            },
            data: { disabledAt: null, ...(privateKeyEncrypted ? { privateKeyEncrypted } : {}) },
          }),
        );
      }
    }
    await recordAudit(ctx, {
      orgId: admin.org,
      actor: actorOf(admin),
      action: "certificate.create",
      targetType: "certificate",
      targetId: stored[0]!.id,
      detail: { use: body.use, scope: body.scope, format: body.format, fingerprints: stored.map((c) => c.fingerprint) },
    });
    res.status(201).json({ certificates: stored.map((c) => certificateView(c)) });
  });

  router.get("/", async (req, res) => {
    const admin = adminOf(req);
    const where: Prisma.CertificateWhereInput = { orgId: admin.org };
    if (typeof req.query.scope === "string") where.scope = req.query.scope.toLowerCase().replace(/^@/, "");
    if (req.query.use === "own" || req.query.use === "anchor" || req.query.use === "recipient")
      where.use = req.query.use;
    if (req.query.expiringSoon === "true") where.notAfter = { lt: new Date(Date.now() + EXPIRY_WARNING_DAYS * DAY_MS) };
    const certificates = await ctx.db.certificate.findMany({ where, orderBy: [{ scope: "asc" }, { notAfter: "asc" }] });
    res.json({ certificates: certificates.map((c) => certificateView(c)) });
  });

  async function own(org: string, id: string) {
    checkId("certificate", id);
    const certificate = await ctx.db.certificate.findFirst({ where: { id, orgId: org } });
    if (!certificate) throw notFound("certificate", id);
    return certificate;
  }

  router.get("/:id", async (req, res) => {
    const admin = adminOf(req);
    const certificate = await own(admin.org, req.params.id);
    res.json({ ...certificateView(certificate), certificatePem: certificate.certificatePem });
  });

  for (const [verb, disabledAt] of [
    ["disable", () => new Date()],
    ["enable", () => null],
  ] as const) {
    router.post(`/:id/${verb}`, async (req, res) => {
      const admin = adminOf(req);
      const certificate = await own(admin.org, req.params.id);
      const updated = await ctx.db.certificate.update({
        where: { id: certificate.id },
        data: { disabledAt: disabledAt() },
      });
      await recordAudit(ctx, {
        orgId: admin.org,
        actor: actorOf(admin),
        action: `certificate.${verb}`,
        targetType: "certificate",
        targetId: certificate.id,
      });
      res.json(certificateView(updated));
    });
  }

  return router;
}
