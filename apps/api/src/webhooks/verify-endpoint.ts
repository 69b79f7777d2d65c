import { randomBytes } from "node:crypto";
import { postWebhook, type WebhookTarget } from "./post-webhook.js";

/**
 * Verifies a webhook endpoint the way Redox does: POST `{"verification-token", "challenge"}`; the endpoint proves it
 * is the customer's by answering 2xx with the challenge (as the body, or as `{"challenge": ...}`).
 */
export async function verifyWebhookEndpoint(
  target: WebhookTarget,
  timeoutMs: number,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const challenge = randomBytes(16).toString("hex");
  const body = JSON.stringify({ "verification-token": target.verificationToken, challenge });
  const outcome = await postWebhook(target, body, { idempotencyKey: `verify-${challenge}`, timeoutMs });
  if (!outcome.ok) return { ok: false, reason: `the verification POST failed: ${outcome.error}` };
  const text = (outcome.responseText ?? "").trim();
  let echoed = text.replace(/^"|"$/g, "");
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === "object" && "challenge" in parsed)
      echoed = String((parsed as { challenge: unknown }).challenge);
  } catch {
    // a plain-text answer
  }
  return echoed === challenge ? { ok: true } : { ok: false, reason: "the endpoint did not answer with the challenge" };
}
