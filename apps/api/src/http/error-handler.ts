import type { ErrorRequestHandler, RequestHandler } from "express";
import { requestError } from "@conduit/datamodels";
import type { Logger } from "../logger.js";
import { ApiError } from "./api-error.js";

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

/** Errors raised by body-parser for what the caller sent, mapped to the status and text the caller can act on. */
function fromBodyParser(error: BodyParserError): ApiError | undefined {
  switch (error.type) {
    case "entity.too.large":
      return new ApiError(413, [requestError(1, `(body): larger than the limit of ${error.limit} bytes`)]);
    case "entity.parse.failed":
      return ApiError.badRequest("(body): not valid JSON");
    case "encoding.unsupported":
    case "charset.unsupported":
      return new ApiError(415, [requestError(1, "(body): expected UTF-8 JSON")]);
    case "request.aborted":
      return ApiError.badRequest("(body): the request was aborted before it was complete");
    case "request.size.invalid":
      return ApiError.badRequest("(body): its length does not match Content-Length");
    default:
      return undefined;
  }
}

/** Whether an error means the database cannot be reached (so the answer is 503, not 500). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { message?: string; code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
  // Raw queries report the driver's failure as P2010 with the adapter's error kind in `meta`.
  const text = `${e?.message ?? ""} ${e?.code ?? ""} ${e?.meta?.driverAdapterError?.cause?.kind ?? ""}`;
  return /ECONNREFUSED|ETIMEDOUT|ENOTFOUND|Connection terminated|connection timeout|timeout exceeded when trying to connect|P1001|P1002|P1017|DatabaseNotReachable|ConnectionClosed|SocketTimeout|Can't reach database server|the database system is (starting up|shutting down)|terminating connection/i.test(
    text,
  );
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    let apiError = error instanceof ApiError ? error : fromBodyParser(error as BodyParserError);
    if (!apiError && isDatabaseUnavailable(error)) {
      logger.warn({ path: req.path, err: { message: (error as Error).message } }, "database unavailable");
      apiError = ApiError.unavailable("The message store is unavailable; nothing was accepted. Retry later.");
    }
    if (!apiError) {
      logger.error(
        { path: req.path, err: { message: (error as Error)?.message, stack: (error as Error)?.stack } },
        "unhandled error",
      );
      apiError = new ApiError(500, [
        { ID: 1, Text: "Internal error; nothing was accepted", Type: "system", Module: "Server" },
      ]);
    }
    res
      .status(apiError.status)
      .set(apiError.headers)
      .json({ Meta: { Errors: apiError.errors } });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(ApiError.notFound(`${req.method} ${req.path}: no such route`));
};
