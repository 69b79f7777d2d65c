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
    // One query for all the columns: this runs at every start.
    const { rows } = await client.query<{ table: string; column: string }>(
      `SELECT c.relname AS table, a.attname AS column FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
       WHERE (c.relname, a.attname) IN (SELECT * FROM unnest($1::text[], $2::text[]))
         AND c.relnamespace = current_schema()::regnamespace AND a.attcompression = ''`,
      [largeValueColumns.map(([table]) => table), largeValueColumns.map(([, column]) => column)],
    );
    for (const { table, column } of rows) {
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
