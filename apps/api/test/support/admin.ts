import { randomBytes } from "node:crypto";
import { ApiClient } from "./http.js";

/** An operator token for test environments (`createTestEnv({ OPERATOR_TOKEN })`). */
export const testOperatorToken = () => randomBytes(24).toString("hex");

/** POSTs a form-encoded body, as OAuth clients do. */
export async function postForm(
  baseUrl: string,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  const response = await fetch(baseUrl + path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  const text = await response.text();
  let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

export interface TestOrganization {
  orgId: string;
  clientId: string;
  clientSecret: string;
  /** A client holding the organization administrator's access token. */
  admin: ApiClient;
}

/** An organization made through the operator API, with its first administrator signed in. */
export async function createOrganization(
  baseUrl: string,
  operatorToken: string,
  name: string,
): Promise<TestOrganization> {
  const operator = new ApiClient(baseUrl);
  operator.token = operatorToken;
  const created = await operator.request("POST", "/operator/organizations", { name });
  if (created.status !== 201) throw new Error(`create organization: ${created.status} ${created.text}`);
  const { clientId, clientSecret } = created.json.admin;
  const admin = new ApiClient(baseUrl);
  admin.token = await adminAccessToken(baseUrl, clientId, clientSecret);
  return { orgId: created.json.organization.id, clientId, clientSecret, admin };
}

export async function adminAccessToken(baseUrl: string, clientId: string, clientSecret: string): Promise<string> {
  const response = await postForm(baseUrl, "/v2/auth/token", {
    grant_type: "client_credentials",
    client_id: clientId,
    client_secret: clientSecret,
  });
  if (response.status !== 200) throw new Error(`admin token: ${response.status} ${response.text}`);
  return response.json.access_token;
}
