import { signWebhookBody, signatureHeader } from "./signature.js";

export interface WebhookTarget {
  url: string;
  verificationToken: string;
  hmacSecret?: string | null;
}

export type WebhookOutcome = { ok: true; status: number } | { ok: false; status?: number; error: string };

/** How much of a webhook's answer is read: enough for a challenge or an error line, never a flood. */
const maxResponseBytes = 64 * 1024;

async function readLimited(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxResponseBytes) {
      await reader.cancel();
      break;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * POSTs JSON to a customer's webhook with the verification token, a timestamped HMAC-SHA256 signature (when the
 * destination has a secret) and an idempotency id, within a time limit. Never throws.
 */
export async function postWebhook(
  target: WebhookTarget,
  body: string,
  options: { idempotencyKey: string; timeoutMs: number; extraHeaders?: Record<string, string> },
): Promise<WebhookOutcome & { responseText?: string }> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "Conduit-Webhooks/1",
    "verification-token": target.verificationToken,
    "idempotency-key": options.idempotencyKey,
    ...options.extraHeaders,
  };
  if (target.hmacSecret) headers[signatureHeader] = signWebhookBody(body, target.hmacSecret);
  try {
    const response = await fetch(target.url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const responseText = await readLimited(response).catch(() => "");
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status, responseText };
    return { ok: false, status: response.status, error: `HTTP ${response.status}`, responseText };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const name = (error as Error).name;
    const reason =
      name === "TimeoutError" ? `no answer within ${options.timeoutMs} ms` : (cause ?? (error as Error).message);
    return { ok: false, error: reason };
  }
}
