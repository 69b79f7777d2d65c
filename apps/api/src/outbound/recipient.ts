import type { RedoxMessage } from "@conduit/datamodels";

/** Where the payload keeps its Direct addresses, per data model. */
export function directAddressPaths(message: RedoxMessage): { from: string; to: string } {
  return message.dataModel === "Media"
    ? { from: "Media.DirectAddressFrom", to: "Media.DirectAddressTo" }
    : { from: "Header.DirectAddressFrom", to: "Header.DirectAddressTo" };
}

export function recipientOf(message: RedoxMessage): string | undefined {
  const to =
    message.dataModel === "Media" ? message.payload.Media.DirectAddressTo : message.payload.Header.DirectAddressTo;
  return to ?? undefined;
}

/** A copy of the payload with DirectAddressFrom set to the destination's address, whatever the caller sent. */
export function withDirectAddressFrom(message: RedoxMessage, address: string): RedoxMessage["payload"] {
  const payload = structuredClone(message.payload);
  if (message.dataModel === "Media") (payload as typeof message.payload).Media.DirectAddressFrom = address;
  else
    (payload as Extract<RedoxMessage, { dataModel: "Clinical Summary" }>["payload"]).Header.DirectAddressFrom = address;
  return payload;
}
