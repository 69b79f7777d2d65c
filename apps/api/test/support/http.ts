/** A small client for a Conduit listening on a real port. */
export class ApiClient {
  token?: string;

  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const init: RequestInit = { method, headers: { ...headers } };
    if (this.token) (init.headers as Record<string, string>).authorization = `Bearer ${this.token}`;
    if (body !== undefined) {
      init.body = typeof body === "string" ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] ??= "application/json";
    }
    const response = await fetch(this.baseUrl + path, init);
    const text = await response.text();
    let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, json, text };
  }

  async authenticate(apiKey: string, secret: string): Promise<void> {
    const response = await this.request("POST", "/auth/authenticate", { apiKey, secret });
    if (response.status !== 200) throw new Error(`authenticate: ${response.status} ${response.text}`);
    this.token = response.json.accessToken;
  }
}
