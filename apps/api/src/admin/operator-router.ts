import { Router } from "express";
import { recordAudit } from "../audit/audit-log.js";
import { requireOperator } from "../auth/require-admin.js";
import type { AppContext } from "../context.js";
import { createAdminCredential } from "./config-router.js";
import { checkId, notFound, parseBody } from "./request.js";
import { adminCreate, organizationCreate } from "./schemas.js";

const operator = { kind: "operator" as const, id: "operator" };

/**
 * `/operator/*`: the operator (OPERATOR_TOKEN) creates organizations, each with a first administrator credential, and
 * can add administrators or disable an organization. It never sees an organization's configuration.
 */
export function operatorRouter(ctx: AppContext): Router {
  const router = Router();
  router.use(requireOperator(ctx));

  router.post("/organizations", async (req, res) => {
    const body = parseBody(organizationCreate, req.body);
    const organization = await ctx.db.organization.create({ data: { name: body.name } });
    const admin = await createAdminCredential(ctx, organization.id, body.adminName);
    await recordAudit(ctx, {
      orgId: organization.id,
      actor: operator,
      action: "organization.create",
      targetType: "organization",
      targetId: organization.id,
    });
    res.status(201).json({
      organization: { id: organization.id, name: organization.name, createdAt: organization.createdAt },
      admin,
    });
  });

  router.get("/organizations", async (_req, res) => {
    const organizations = await ctx.db.organization.findMany({ orderBy: { createdAt: "asc" } });
    res.json({
      organizations: organizations.map((o) => ({
        id: o.id,
        name: o.name,
        createdAt: o.createdAt,
        disabledAt: o.disabledAt,
      })),
    });
  });

  router.post("/organizations/:id/admins", async (req, res) => {
    checkId("organization", req.params.id);
    const body = parseBody(adminCreate, req.body);
    const organization = await ctx.db.organization.findUnique({ where: { id: req.params.id } });
    if (!organization) throw notFound("organization", req.params.id);
    const admin = await createAdminCredential(ctx, organization.id, body.name);
    await recordAudit(ctx, {
      orgId: organization.id,
      actor: operator,
      action: "admin.create",
      targetType: "admin",
      targetId: admin.id,
    });
    res.status(201).json(admin);
  });

  for (const [verb, disabledAt] of [
    ["disable", () => new Date()],
    ["enable", () => null],
  ] as const) {
    router.post(`/organizations/:id/${verb}`, async (req, res) => {
      checkId("organization", req.params.id);
      const updated = await ctx.db.organization.updateMany({
        where: { id: req.params.id },
        data: { disabledAt: disabledAt() },
      });
      if (!updated.count) throw notFound("organization", req.params.id);
      await recordAudit(ctx, {
        orgId: req.params.id,
        actor: operator,
        action: `organization.${verb}`,
        targetType: "organization",
        targetId: req.params.id,
      });
      res.status(204).end();
    });
  }

  return router;
}
