import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compressLargeValuesWithLz4 } from "../src/db/value-compression.js";
import { createTestEnv, type TestEnv } from "./support/test-env.js";

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
});

afterAll(async () => {
  await env?.cleanup();
});

async function compressionOf(table: string, column: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ compression: string }>(
      "SELECT attcompression::text AS compression FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2",
      [table, column],
    );
    return rows[0]?.compression;
  } finally {
    await client.end();
  }
}

describe("payload columns", () => {
  it("are compressed with lz4 once migrated, and a second run changes nothing", async () => {
    // The test database is a clone of one migrated by migrateDatabase, which applies this after the migrations.
    expect(await compressionOf("messages", "payload")).toBe("l");
    expect(await compressionOf("inbound_items", "payload")).toBe("l");
    expect(await compressionOf("raw_messages", "data")).toBe("l");
    expect(await compressLargeValuesWithLz4(env.databaseUrl)).toBe("lz4");
    expect(await compressionOf("messages", "payload")).toBe("l");
  });
});
