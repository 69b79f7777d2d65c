import { requestError, type RedoxError } from "@conduit/datamodels";

/** An error a route can throw; the error handler turns it into Redox's `Meta.Errors` shape with this status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: RedoxError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(errors.map((error) => error.Text).join("; "));
  }

  static badRequest(text: string, module: RedoxError["Module"] = "Request"): ApiError {
    return new ApiError(400, [requestError(1, text, module)]);
  }

  static unauthorized(text = "Authorization: expected a valid Bearer access token"): ApiError {
    return new ApiError(401, [{ ID: 1, Text: text, Type: "auth", Module: "Auth" }], {
      "WWW-Authenticate": 'Bearer realm="conduit"',
    });
  }

  static notFound(text: string): ApiError {
    return new ApiError(404, [requestError(1, text)]);
  }

  static unavailable(text: string): ApiError {
    return new ApiError(503, [{ ID: 1, Text: text, Type: "system", Module: "Server" }], { "Retry-After": "5" });
  }
}
