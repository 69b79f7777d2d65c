import type { SecretBox } from "../crypto/secret-box.js";

/**
 * A destination's adapter secrets, opened. The worker merges them over the destination's settings when it builds the
 * adapter (`{...settings, ...destinationSecrets(ctx.secrets, destination)}`); nothing else should open them, and they
 * must never be logged or returned.
 */
export function destinationSecrets(
  box: SecretBox,
  destination: { secretsEncrypted: string | null },
): Record<string, string> {
  if (!destination.secretsEncrypted) return {};
  return JSON.parse(box.open(destination.secretsEncrypted)) as Record<string, string>;
}

export function sealDestinationSecrets(box: SecretBox, secrets: Record<string, string>): string | null {
  return Object.keys(secrets).length ? box.seal(JSON.stringify(secrets)) : null;
}
