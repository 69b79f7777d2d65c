import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.js";

export type Database = PrismaClient;

export function createDatabase(databaseUrl: string, poolSize = 10): Database {
  // connectionTimeoutMillis bounds how long a request waits when PostgreSQL is down, so it can answer 503 promptly.
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: 5_000 });
  // A transaction waits up to 10 s for a free connection (Prisma's default is 2 s): under a burst, with every
  // connection busy, waiting a little is better than failing the work.
  return new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 15_000 } });
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
