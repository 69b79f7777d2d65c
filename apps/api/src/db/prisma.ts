import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.js";

export type Database = PrismaClient;

const pools = new WeakMap<Database, pg.Pool>();

/**
 * The connection pool under a client, for the few statements on the hottest path (accepting a message): plain SQL on
 * it skips Prisma's request pipeline, which serialized and re-parsed every parameter (the whole payload) once more.
 */
export function poolOf(db: Database): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error("this client was not made by createDatabase");
  return pool;
}

export function createDatabase(databaseUrl: string, poolSize = 10): Database {
  // connectionTimeoutMillis bounds how long a request waits when PostgreSQL is down, so it can answer 503 promptly.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: 5_000 });
  // An idle connection that breaks (PostgreSQL restarted) must not crash the process; the next query reconnects.
  pool.on("error", () => undefined);
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  // A transaction waits up to 10 s for a free connection (Prisma's default is 2 s): under a burst, with every
  // connection busy, waiting a little is better than failing the work.
  const db = new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 15_000 } });
  pools.set(db, pool);
  return db;
}

/** True when PostgreSQL answers a trivial query within the time given. */
export async function isDatabaseUp(db: Database, timeoutMs = 2_000): Promise<boolean> {
  return withTimeout(db.$queryRaw`SELECT 1`, timeoutMs).then(
    () => true,
    () => false,
  );
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
