import type { Database } from "../db/prisma.js";
import type { DirectoryRow } from "./parse-directory.js";

export interface ImportCounts {
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
}

const CHUNK = 5_000;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}

const keyOf = (npi: string, address: string) => `${npi} ${address}`;

/** A stable form of the details object, so that a column order change is not a change. */
function canonical(details: unknown): string {
  const entries = Object.entries((details ?? {}) as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(entries);
}

/**
 * Replaces one list of an organization's directory with the rows of a new import, in place: rows already there (same
 * NPI and address) are updated when their other columns changed, new ones added, and those no longer in the list
 * removed. One transaction, serialized per list by an advisory lock, so two imports of one list cannot interleave.
 * Written in bulk (INSERT and UPDATE from unnest, one statement per 5,000 rows): 10,000 rows take seconds.
 */
export async function importDirectory(
  db: Database,
  orgId: string,
  list: string,
  rows: DirectoryRow[],
): Promise<ImportCounts> {
  const wanted = new Map<string, DirectoryRow>();
  for (const row of rows) wanted.set(keyOf(row.npi, row.directAddress), row); // a repeated row: the last one wins

  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`directory:${orgId}:${list}`}))`;
      const existing = await tx.directoryEntry.findMany({
        where: { orgId, list },
        select: { id: true, npi: true, directAddress: true, name: true, organizationName: true, details: true },
      });
      const counts: ImportCounts = { added: 0, changed: 0, removed: 0, unchanged: 0 };
      const changed: { id: string; row: DirectoryRow }[] = [];
      const removed: string[] = [];
      const seen = new Set<string>();
      for (const entry of existing) {
        const key = keyOf(entry.npi, entry.directAddress);
        const row = wanted.get(key);
        if (!row) {
          removed.push(entry.id);
          continue;
        }
        seen.add(key);
        const same =
          entry.name === row.name &&
          entry.organizationName === row.organizationName &&
          canonical(entry.details) === canonical(row.details);
        if (same) counts.unchanged++;
        else changed.push({ id: entry.id, row });
      }
      const added = [...wanted].filter(([key]) => !seen.has(key)).map(([, row]) => row);

      for (const part of chunks(added)) {
        const npis = part.map((row) => row.npi);
        const addresses = part.map((row) => row.directAddress);
        const names = part.map((row) => row.name);
        const organizations = part.map((row) => row.organizationName);
        const details = part.map((row) => JSON.stringify(row.details));
        await tx.$executeRaw`
          INSERT INTO directory_entries
                 (id, org_id, list, npi, direct_address, name, organization_name, details, created_at, updated_at)
          SELECT gen_random_uuid(), ${orgId}::uuid, ${list}, u.npi, u.direct_address, u.name, u.organization_name,
                 u.details::jsonb, now(), now()
            FROM unnest(${npis}::text[], ${addresses}::text[], ${names}::text[], ${organizations}::text[], ${details}::text[])
                 AS u(npi, direct_address, name, organization_name, details)`;
      }
      for (const part of chunks(changed)) {
        const ids = part.map((c) => c.id);
        const names = part.map((c) => c.row.name);
        const organizations = part.map((c) => c.row.organizationName);
        const details = part.map((c) => JSON.stringify(c.row.details));
        await tx.$executeRaw`
          UPDATE directory_entries AS d
             SET name = u.name, organization_name = u.organization_name, details = u.details::jsonb, updated_at = now()
            FROM unnest(${ids}::uuid[], ${names}::text[], ${organizations}::text[], ${details}::text[])
                 AS u(id, name, organization_name, details)
           WHERE d.id = u.id`;
      }
      for (const part of chunks(removed)) {
        await tx.directoryEntry.deleteMany({ where: { id: { in: part } } });
      }
      counts.added = added.length;
      counts.changed = changed.length;
      counts.removed = removed.length;
      return counts;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

/**
 * The Direct address the directory gives for an NPI in an organization, or undefined. When several lists or rows give
 * different addresses, the most recently imported one is used.
 */
export async function directAddressForNpi(db: Database, orgId: string, npi: string): Promise<string | undefined> {
  const entry = await db.directoryEntry.findFirst({
    where: { orgId, npi },
    orderBy: [{ updatedAt: "desc" }, { directAddress: "asc" }],
    select: { directAddress: true },
  });
  return entry?.directAddress;
}
