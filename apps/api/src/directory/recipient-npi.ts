import type { RequestHandler } from "express";
import type { AppContext } from "../context.js";
import { ApiError } from "../http/api-error.js";
import { directAddressForNpi } from "./import-directory.js";

/** `Meta.Extensions["recipient-npi"] = {"string": "<NPI>"}`: send to this provider, addressed from the directory. */
export const RECIPIENT_NPI_EXTENSION = "recipient-npi";

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Where a data model keeps its recipient: `Header` for ClinicalSummary, `Media` for Media. */
function recipientHolder(body: Json): Json | undefined {
  const meta = body.Meta;
  if (!isObject(meta)) return undefined;
  if (meta.DataModel === "Clinical Summary") return isObject(body.Header) ? body.Header : undefined;
  if (meta.DataModel === "Media") return isObject(body.Media) ? body.Media : undefined;
  return undefined;
}

/**
 * Send by NPI. Mounted before `POST /endpoint`: when a ClinicalSummary or Media names no `DirectAddressTo` but carries
 * the `recipient-npi` extension, the Direct address the organization's directory gives for that NPI is written into
 * the payload, which is then validated and accepted as if the caller had sent it. No entry is a 400 that says so.
 */
export function recipientByNpi(ctx: AppContext): RequestHandler {
  return async (req, _res, next) => {
    const body = req.body as unknown;
    if (req.method !== "POST" || !isObject(body) || !req.auth) return next();
    const holder = recipientHolder(body);
    const extensions = isObject(body.Meta) ? body.Meta.Extensions : undefined;
    const extension = isObject(extensions) ? extensions[RECIPIENT_NPI_EXTENSION] : undefined;
    if (!holder || holder.DirectAddressTo || extension === undefined) return next();
    const field = `Meta.Extensions.${RECIPIENT_NPI_EXTENSION}`;
    const npi = isObject(extension) ? extension.string : undefined;
    if (typeof npi !== "string" || !/^\d{10}$/.test(npi.trim())) {
      return next(ApiError.badRequest(`${field}: expected {"string": "<10-digit NPI>"}`));
    }
    const address = await directAddressForNpi(ctx.db, req.auth.org, npi.trim());
    if (!address) {
      const to = (body.Meta as Json).DataModel === "Media" ? "Media.DirectAddressTo" : "Header.DirectAddressTo";
      return next(
        ApiError.badRequest(
          `${field}: no Direct address for NPI ${npi.trim()} in the provider directory (and no ${to})`,
        ),
      );
    }
    holder.DirectAddressTo = address;
    next();
  };
}
