import path from "node:path";
import { z } from "zod";

const projectRoot = path.resolve(import.meta.dirname, "../../..");

const booleanSetting = z
  .enum(["true", "false", "1", "0", "yes", "no"], { error: "expected true or false" })
  .transform((value) => value === "true" || value === "1" || value === "yes");

const integer = (min: number, max: number) =>
  z.coerce
    .number({ error: `expected a whole number from ${min} to ${max}` })
    .int(`expected a whole number from ${min} to ${max}`)
    .min(min, `expected a whole number from ${min} to ${max}`)
    .max(max, `expected a whole number from ${min} to ${max}`);

const postgresUrl = z.string().refine((value) => /^postgres(ql)?:\/\/[^/]+\/[^/?]+/.test(value), {
  message: "expected postgresql://user@host:port/database",
});

/** Every setting, from the environment, with defaults that work on a developer machine with local PostgreSQL/Redis. */
const settings = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: integer(0, 65535).default(3000),
  DATABASE_URL: postgresUrl.default("postgresql://postgres@127.0.0.1:5432/conduit"),
  REDIS_URL: z
    .string()
    .refine((value) => /^rediss?:\/\//.test(value), { message: "expected redis://host:port" })
    .default("redis://127.0.0.1:6379"),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}-]+$/, "expected letters, digits, _ - { }")
    .default("conduit"),
  /** Signs access tokens. Required in production; in development one is made and kept in var/. */
  JWT_SECRET: z.string().min(32, "expected at least 32 characters").optional(),
  /** Encrypts secrets stored in the database: base64 of 32 random bytes. Required in production. */
  SECRETS_KEY: z
    .string()
    .refine((value) => Buffer.from(value, "base64").length === 32, { message: "expected base64 of 32 random bytes" })
    .optional(),
  ACCESS_TOKEN_TTL_SECONDS: integer(60, 86_400).default(3_600),
  REFRESH_TOKEN_TTL_SECONDS: integer(300, 90 * 86_400).default(30 * 86_400),
  /** Largest request body; a 10 MB file is about 13.4 MB once base64-encoded. */
  MAX_BODY_BYTES: integer(1_024, 100 * 1024 * 1024).default(15 * 1024 * 1024),
  VAR_DIR: z.string().default(path.join(projectRoot, "var")),
  OUTBOX_DIR: z.string().optional(),
  SEED_DEV_DATA: booleanSetting.optional(),
  DEV_DIRECT_ADDRESS: z.string().default("dev-sender@direct.conduit.localhost"),
  WORKER_CONCURRENCY: integer(1, 500).default(20),
  /** PostgreSQL connections per process. Work beyond it waits for a connection (up to 10 s) rather than failing. */
  DATABASE_POOL_SIZE: integer(1, 500).default(10),
  /**
   * How long a worker holds a job before others may take it back: after a crash (SIGKILL, power loss) its jobs run
   * again this long after it died.
   */
  WORKER_LOCK_MS: integer(1_000, 600_000).default(30_000),
  SEND_ATTEMPTS: integer(1, 100).default(10),
  SEND_BACKOFF_MS: integer(10, 3_600_000).default(5_000),
  SWEEP_INTERVAL_MS: integer(100, 3_600_000).default(15_000),
  /** How long an accepted message may wait before the sweep suspects its job was lost. */
  SWEEP_GRACE_MS: integer(0, 3_600_000).default(30_000),
  /** How long after sending a recipient may stay without its final notification before it is `timed_out`. */
  NOTIFICATION_TIMEOUT_MS: integer(1_000, 30 * 86_400_000).default(3_600_000),
  WEBHOOK_TIMEOUT_MS: integer(100, 120_000).default(10_000),
  WEBHOOK_BACKOFF_MS: integer(10, 3_600_000).default(10_000),
  /** How long a failing webhook delivery is retried before it is dead-lettered. */
  WEBHOOK_RETRY_WINDOW_MS: integer(1_000, 30 * 86_400_000).default(86_400_000),
  WEBHOOK_CONCURRENCY: integer(1, 1_000).default(50),
  /** Inbound Direct over SMTP. Port 25 in production (behind a TCP load balancer); 2525 needs no privileges. */
  INBOUND_SMTP_PORT: integer(0, 65535).default(2525),
  INBOUND_SMTP_HOST: z.string().min(1).default("127.0.0.1"),
  INBOUND_MAX_BYTES: integer(1_024, 200 * 1024 * 1024).default(25 * 1024 * 1024),
  /** Refuse SMTP clients that do not STARTTLS (DirectTrust requires TLS between HISPs). */
  INBOUND_REQUIRE_TLS: booleanSetting.default(true),
  /** STARTTLS certificate and key (PEM files) of the inbound listener; a development certificate is made otherwise. */
  INBOUND_TLS_CERT_FILE: z.string().optional(),
  INBOUND_TLS_KEY_FILE: z.string().optional(),
  /** The development Direct domain `npm start` receives for, with a certificate from the development PKI. */
  DEV_DIRECT_DOMAIN: z.string().default("direct.conduit.localhost"),
  /**
   * Accept SHA-1-signed certificates in a sender's chain. Off: DirectTrust retired SHA-1. Only for peers (and the
   * Direct reference implementation's samples) that still use them.
   */
  DIRECT_ALLOW_SHA1_CERTIFICATES: booleanSetting.default(false),
  INBOUND_CONCURRENCY: integer(1, 500).default(10),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Bearer token of the operator, who creates organizations (`/operator/*`); unset turns those routes off. */
  OPERATOR_TOKEN: z.string().min(32, "expected at least 32 characters").optional(),
  /** The API's public base URL; the `aud` of JWT client assertions must be `<this>/v2/auth/token`. */
  PUBLIC_BASE_URL: z
    .string()
    .refine((value) => /^https?:\/\/[^/]+$/.test(value.replace(/\/$/, "")), {
      message: "expected http(s)://host[:port] without a path",
    })
    .transform((value) => value.replace(/\/$/, ""))
    .optional(),
  /** Lifetime of access tokens issued at /v2/auth/token. */
  OAUTH_TOKEN_TTL_SECONDS: integer(60, 3_600).default(300),
  /** How long a source's fetched JWKS is trusted before it is fetched again (an unknown kid refetches sooner). */
  JWKS_CACHE_SECONDS: integer(0, 86_400).default(300),
  /** Requests a source may make per window, across every API replica (counted in Redis). */
  RATE_LIMIT_REQUESTS: integer(1, 10_000_000).default(10_000),
  RATE_LIMIT_WINDOW_SECONDS: integer(1, 86_400).default(300),
});

export const configSchema = settings
  .transform((settings) => ({
    ...settings,
    OUTBOX_DIR: settings.OUTBOX_DIR ?? path.join(settings.VAR_DIR, "outbox"),
    SEED_DEV_DATA: settings.SEED_DEV_DATA ?? settings.NODE_ENV === "development",
  }))
  .refine((settings) => settings.NODE_ENV !== "production" || settings.JWT_SECRET, {
    message: "required when NODE_ENV=production",
    path: ["JWT_SECRET"],
  })
  .refine((settings) => settings.NODE_ENV !== "production" || settings.SECRETS_KEY, {
    message: "required when NODE_ENV=production",
    path: ["SECRETS_KEY"],
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Reads the configuration; a bad setting throws one line naming the variable and the problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const relevant = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key in settings.shape && value !== undefined && value !== ""),
  );
  const parsed = configSchema.safeParse(relevant);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const variable = String(issue.path[0] ?? "configuration");
  const shown =
    variable === "JWT_SECRET" ||
    variable === "SECRETS_KEY" ||
    variable === "OPERATOR_TOKEN" ||
    variable.endsWith("_URL")
      ? ""
      : ` (got "${env[variable] ?? ""}")`;
  throw new ConfigError(`Invalid configuration: ${variable}: ${issue.message}${shown}`);
}
