import type { RequestHandler } from "express";
import { maxMediaFileBytes, requestError } from "@conduit/datamodels";
import { ApiError } from "./api-error.js";

/** Decoded size of base64 text, without decoding it. */
function decodedLength(base64: string): number {
  const padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}

/**
 * An embedded file larger than 10 MB (decoded) is a 413, as a body over MAX_BODY_BYTES is: the request is too large,
 * not malformed. Mounted before `POST /endpoint`, after the JSON parser; upload references (URLs) pass.
 */
export const embeddedFileLimit: RequestHandler = (req, _res, next) => {
  const media = (req.body as { Media?: { FileContents?: unknown } } | undefined)?.Media;
  const contents = typeof media === "object" && media !== null ? media.FileContents : undefined;
  if (req.method === "POST" && typeof contents === "string" && !/^https:\/\//.test(contents)) {
    if (decodedLength(contents.trim()) > maxMediaFileBytes) {
      return next(
        new ApiError(413, [
          requestError(1, `Media.FileContents: the file is larger than ${maxMediaFileBytes / 1024 / 1024} MB`),
        ]),
      );
    }
  }
  next();
};
