/**
 * The JSON a webhook delivery POSTs: the data model made from an inbound message, or a status event of an outbound
 * one. Built from stored rows at each attempt, so every attempt sends the same body.
 */
export function deliveryBody(delivery: { item: { payload: unknown } | null; event: unknown }): string {
  if (delivery.item) return JSON.stringify(delivery.item.payload);
  if (delivery.event) return JSON.stringify(delivery.event);
  throw new Error("the delivery has neither an item nor an event");
}
