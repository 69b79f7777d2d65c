import { Router } from "express";
import { z } from "zod";
import { adminOf, requireAdmin, requireSourceOrAdmin } from "../auth/require-admin.js";
import { actorOf, recordAudit } from "../audit/audit-log.js";
import type { AppContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { authOf } from "../auth/require-source.js";
import { parseBody } from "../admin/request.js";
import { rateLimit } from "../http/rate-limit.js";
import { importDirectory } from "./import-directory.js";
import { parseDirectory } from "./parse-directory.js";

/** Errors listed in an import's answer; the count is always complete. */
const MAX_REPORTED_ERRORS = 1_000;

const column = z.string().trim().min(1, "expected a column name").max(200);

export const directoryImport = z
  .strictObject({
    /** The list this file replaces: `nppes`, or a HISP's name. A re-import of the same list updates it in place. */
    list: z
      .string({ error: "required: the list's name, such as nppes or the HISP's name" })
      .regex(/^[A-Za-z0-9_.-]{1,100}$/, "expected letters, digits, . _ -"),
    /** `nppes`: NPPES's endpoint file (CSV); `csv`, `xlsx`: a HISP's spreadsheet, read through `mapping`. */
    format: z.enum(["nppes", "csv", "xlsx"], { error: "expected nppes, csv or xlsx" }),
    /** The file: text for nppes and csv, base64 for xlsx. */
    data: z.string({ error: "required: the file's contents" }).min(1),
    mapping: z
      .strictObject({
        npi: column,
        directAddress: column,
        name: column.optional(),
        organizationName: column.optional(),
      })
      .optional(),
  })
  .refine((value) => value.format === "nppes" || value.mapping, {
    message: "required for csv and xlsx: which columns hold npi and directAddress",
    path: ["mapping"],
  });

export const directorySearch = z.object({
  npi: z
    .string()
    .regex(/^\d{10}$/, "expected a 10-digit NPI")
    .optional(),
  name: z.string().min(2, "expected at least 2 characters").max(200).optional(),
  organization: z.string().min(2, "expected at least 2 characters").max(200).optional(),
  address: z.string().min(3, "expected at least 3 characters").max(254).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/**
 * The provider directory: `POST /directory/imports` (administrators) loads the NPPES endpoint file or a HISP's CSV/XLSX;
 * `GET /directory` (sources and administrators) searches the organization's entries by NPI, name, organization or
 * address.
 */
export function directoryRouter(ctx: AppContext): Router {
  const router = Router();

  router.post("/imports", requireAdmin(ctx), async (req, res) => {
    const admin = adminOf(req);
    const body = parseBody(directoryImport, req.body);
    const started = Date.now();
    const parsed = await parseDirectory(body.format, body.data, body.mapping);
    const parsedAt = Date.now();
    const counts = await importDirectory(ctx.db, admin.org, body.list, parsed.rows);
    const report = {
      list: body.list,
      rows: parsed.rows.length + parsed.errors.length + parsed.skipped,
      imported: parsed.rows.length,
      skipped: parsed.skipped,
      ...counts,
      errorCount: parsed.errors.length,
      errors: parsed.errors.slice(0, MAX_REPORTED_ERRORS),
      /** Time spent reading the file, writing the database, and both. */
      parseMs: parsedAt - started,
      writeMs: Date.now() - parsedAt,
      ms: Date.now() - started,
    };
    await recordAudit(ctx, {
      orgId: admin.org,
      actor: actorOf(admin),
      action: "directory.import",
      targetType: "directory",
      targetId: body.list,
      detail: { format: body.format, ...counts, errorCount: parsed.errors.length },
    });
    ctx.logger.info({ list: body.list, ...counts, errors: parsed.errors.length, ms: report.ms }, "directory imported");
    res.json(report);
  });

  router.get("/", requireSourceOrAdmin(ctx), rateLimit(ctx), async (req, res) => {
    const auth = authOf(req);
    const query = parseBody(directorySearch, req.query);
    const where: Prisma.DirectoryEntryWhereInput = { orgId: auth.org };
    if (query.npi) where.npi = query.npi;
    if (query.name) where.name = { contains: query.name, mode: "insensitive" };
    if (query.organization) where.organizationName = { contains: query.organization, mode: "insensitive" };
    if (query.address) where.directAddress = { contains: query.address.toLowerCase() };
    const entries = await ctx.db.directoryEntry.findMany({
      where,
      orderBy: [{ npi: "asc" }, { directAddress: "asc" }],
      take: query.limit,
    });
    res.json({
      entries: entries.map((entry) => ({
        id: entry.id,
        npi: entry.npi,
        directAddress: entry.directAddress,
        name: entry.name,
        organizationName: entry.organizationName,
        list: entry.list,
        details: entry.details,
        updatedAt: entry.updatedAt,
      })),
    });
  });

  return router;
}
