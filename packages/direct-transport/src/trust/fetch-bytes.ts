/**
 * GETs a small PKI object (a certificate named by an IPKIX CERT record, a CRL from a distribution point) over HTTP(S),
 * with a time limit and a size limit: the URL comes from someone else's DNS or certificate.
 */
export async function fetchBytes(
  url: string,
  options: { timeoutMs?: number; maxBytes?: number } = {},
): Promise<Buffer> {
  if (!/^https?:/i.test(url)) throw new Error(`unsupported location ${url}`);
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  if (!response.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error(`GET ${url}: larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
