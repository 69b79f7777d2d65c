import type { ErrorRequestHandler, RequestHandler } from "express";
import { requestError } from "@conduit/datamodels";
import type { Logger } from "../logger.js";
import { isDatabaseUnavailable } from "../db/database-errors.js";
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
