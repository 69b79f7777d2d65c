import pg from "pg";

/** The columns that hold payloads: tens of kilobytes for a document, megabytes for a Media file. */
const largeValueColumns = [
  ["messages", "payload"],
  ["inbound_items", "payload"],
  ["raw_messages", "data"],
] as const;

/**
 * Compresses large values with lz4 instead of PostgreSQL's default pglz: several times less CPU to compress each
 * inserted payload and to decompress it when read, for slightly larger values. Done after the migrations rather than
 * in one: a build without lz4 (or a PostgreSQL older than 14) refuses the statement, and the migration runner cannot
 * run a guarded block. Such servers keep pglz. Column compression is not part of the Prisma schema, so migrations
 * keep it; each column is altered only while it is still on the default.
 */
export async function compressLargeValuesWithLz4(databaseUrl: string): Promise<"lz4" | "unavailable"> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const [table, column] of largeValueColumns) {
      const { rows } = await client.query<{ compression: string }>(
        "SELECT attcompression::text AS compression FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2",
        [table, column],
      );
      if (rows[0]?.compression !== "") continue;
      try {
        await client.query(`ALTER TABLE "${table}" ALTER COLUMN "${column}" SET COMPRESSION lz4`);
      } catch {
        return "unavailable";
      }
    }
    return "lz4";
  } catch {
    // pg_attribute.attcompression exists from PostgreSQL 14 on.
    return "unavailable";
  } finally {
    await client.end();
  }
}
