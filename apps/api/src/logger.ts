import { pino, type Logger } from "pino";

/**
 * Structured logs. Payloads, documents and patient data are never passed to the logger; the redaction list is a
 * second line of defence for fields that could carry them or secrets by mistake.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "conduit" },
    redact: {
      paths: [
        "payload",
        "body",
        "*.payload",
        "*.body",
        "secret",
        "*.secret",
        "password",
        "*.password",
        "authorization",
        "*.authorization",
        "req.headers.authorization",
        "accessToken",
        "refreshToken",
      ],
      censor: "[redacted]",
    },
  });
}

export type { Logger };
