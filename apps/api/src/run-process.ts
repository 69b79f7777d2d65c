import { ConfigError, loadConfig, type Config } from "./config.js";
import { devCredentialsFile, seedDevelopmentData } from "./dev/seed.js";
import { initConduit, type Roles } from "./lifecycle.js";
import { createLogger } from "./logger.js";

function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
}

/** Starts the roles asked for, prints where things are, and shuts down cleanly on SIGINT/SIGTERM. */
export async function runProcess(roles: Roles): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL);
  let conduit;
  try {
    conduit = await initConduit(config, roles, { logger });
  } catch (error) {
    const message = (error as Error).message;
    console.error(`Conduit could not start: ${message}`);
    console.error(
      `  PostgreSQL: ${config.DATABASE_URL.replace(/\/\/[^@]*@/, "//")}  Redis: ${config.REDIS_URL.replace(/\/\/[^@]*@/, "//")}`,
    );
    process.exit(1);
  }
  if (config.SEED_DEV_DATA && roles.api) {
    const credentials = await seedDevelopmentData(conduit.ctx.db, config, conduit.ctx.secrets);
    if (credentials) {
      console.warn(
        [
          "",
          "Development data created (an organization, a source and a file-adapter destination):",
          `  apiKey:        ${credentials.apiKey}`,
          `  secret:        ${credentials.secret}`,
          `  destinationId: ${credentials.destinationId}`,
          `  admin client:  ${credentials.adminClientId} / ${credentials.adminClientSecret}`,
          `  Direct domain: ${credentials.directDomain} (inbound SMTP on ${config.INBOUND_SMTP_HOST}:${conduit.smtp?.port ?? config.INBOUND_SMTP_PORT})`,
          `  saved to ${devCredentialsFile(config)}`,
          "",
        ].join("\n"),
      );
    } else {
      console.warn(
        `Development credentials: ${devCredentialsFile(config)} (written when the database was first seeded)`,
      );
    }
  }
  const roleNames = (Object.keys(roles) as (keyof Roles)[]).filter((role) => roles[role] && role !== "migrate");
  logger.info({ roles: roleNames, port: conduit.port, outbox: config.OUTBOX_DIR }, "conduit started");
  if (conduit.port !== undefined) console.warn(`Conduit is listening on http://${config.HOST}:${conduit.port}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    // Worker.close() waits for jobs in flight to finish, so nothing is left active.
    await conduit.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}
