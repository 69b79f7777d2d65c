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

/**
 * The payload with DirectAddressFrom set to the destination's address, whatever the caller sent. Only the objects on
 * the way to the field are copied; the rest is shared with the request, which nothing changes afterwards.
 */
export function withDirectAddressFrom(message: RedoxMessage, address: string): RedoxMessage["payload"] {
  if (message.dataModel === "Media") {
    const payload = message.payload;
    return { ...payload, Media: { ...payload.Media, DirectAddressFrom: address } };
  }
  const payload = message.payload;
  return { ...payload, Header: { ...payload.Header, DirectAddressFrom: address } };
}
