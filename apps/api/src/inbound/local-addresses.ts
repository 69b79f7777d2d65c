import type { Database } from "../db/prisma.js";

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf("@") + 1).toLowerCase();
}

/**
 * The organization that receives mail for an address: the address itself when it is registered, otherwise its
 * domain (`@domain`) when the whole domain is.
 */
export async function organizationForAddress(db: Database, address: string): Promise<string | undefined> {
  const lower = address.toLowerCase();
  const rows = await db.directAddress.findMany({
    where: { address: { in: [lower, `@${domainOf(lower)}`] }, disabledAt: null },
    select: { address: true, orgId: true },
  });
  return (rows.find((row) => row.address === lower) ?? rows[0])?.orgId;
}

/** Every domain Conduit receives for, for the SMTP listener's relay check. */
export async function localDomains(db: Database): Promise<string[]> {
  const rows = await db.directAddress.findMany({ where: { disabledAt: null }, select: { address: true } });
  return [...new Set(rows.map((row) => domainOf(row.address)))];
}
