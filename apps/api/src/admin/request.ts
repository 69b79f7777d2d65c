import type { z } from "zod";
import { redoxErrorsFromZod, requestError } from "@conduit/datamodels";
import { ApiError } from "../http/api-error.js";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A body checked against its schema; a failure is a 400 with one `Meta.Errors` entry per field, each naming it. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new ApiError(400, redoxErrorsFromZod(parsed.error));
  return parsed.data;
}

/**
 * An id from the path. Anything that is not one of the caller's organization's objects is the same 404, whether it does
 * not exist or belongs to another organization: ids of others are not confirmed.
 */
export function notFound(what: string, id: string): ApiError {
  return ApiError.notFound(`id: no ${what} ${id}`);
}

export function checkId(what: string, id: string): string {
  if (!uuidPattern.test(id)) throw notFound(what, id);
  return id;
}

export function conflict(text: string): ApiError {
  return new ApiError(409, [requestError(1, text)]);
}
