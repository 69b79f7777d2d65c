/** Whether an error means the database cannot be reached (so the answer is 503, not 500). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { message?: string; code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
  // Raw queries report the driver's failure as P2010 with the adapter's error kind in `meta`.
  const text = `${e?.message ?? ""} ${e?.code ?? ""} ${e?.meta?.driverAdapterError?.cause?.kind ?? ""}`;
  return /ECONNREFUSED|ETIMEDOUT|ENOTFOUND|Connection terminated|connection timeout|timeout exceeded when trying to connect|P1001|P1002|P1017|DatabaseNotReachable|ConnectionClosed|SocketTimeout|Can't reach database server|the database system is (starting up|shutting down)|terminating connection/i.test(
    text,
  );
}
