import { randomUUID } from "node:crypto";
import { issueAccessToken } from "../../src/auth/access-token.js";
import { generateSecret, hashSecret } from "../../src/auth/secret-hash.js";
import type { AppContext } from "../../src/context.js";

/** An administrator of an organization made directly in the database, and an access token for it. */
export async function adminToken(ctx: AppContext, orgId: string): Promise<string> {
  const admin = await ctx.db.adminCredential.create({
    data: { orgId, name: "Test admin", clientId: randomUUID(), secretHash: await hashSecret(generateSecret()) },
  });
  return issueAccessToken({ sub: admin.id, org: orgId, kind: "admin" }, ctx.jwtSecret, 3600).token;
}
