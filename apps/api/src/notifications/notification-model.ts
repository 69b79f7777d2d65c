/**
 * Delivery notifications Conduit sends (MDNs) travel as outbound messages of this pseudo data model, so they get the
 * same sealing, retries and timeline as documents. Their payload is `{ raw: <base64 of the built MDN> }`.
 */
export const notificationDataModel = "Notification";
