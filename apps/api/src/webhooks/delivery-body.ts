import { clinicalSummaryToFhirBundle, type ClinicalSummaryPatientPush } from "@conduit/datamodels";

interface DeliveryRow {
  item: { dataModel: string; payload: unknown } | null;
  event: unknown;
  subscription: { format: string };
}

/**
 * The JSON a webhook delivery POSTs: the data model made from an inbound message (or, for a subscription that asked
 * for FHIR, a ClinicalSummary as a FHIR R4 document Bundle), or a status event of an outbound message. Built from
 * stored rows at each attempt, so every attempt sends the same body.
 */
export function deliveryBody(delivery: DeliveryRow): string {
  if (delivery.item) {
    if (delivery.subscription.format === "fhir" && delivery.item.dataModel === "Clinical Summary") {
      return JSON.stringify(clinicalSummaryToFhirBundle(delivery.item.payload as ClinicalSummaryPatientPush));
    }
    return JSON.stringify(delivery.item.payload);
  }
  if (delivery.event) return JSON.stringify(delivery.event);
  throw new Error("the delivery has neither an item nor an event");
}
