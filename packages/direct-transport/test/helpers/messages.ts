import { composeOriginalMessage } from "../../src/index.js";

/** An original message as the outbound worker builds it: text part plus a C-CDA attachment. */
export function originalMessage(from: string, to: string[], subject = "Referral for Jane Doe"): Promise<Buffer> {
  return composeOriginalMessage({
    from,
    to,
    subject,
    messageId: `<${Math.random().toString(36).slice(2)}@${from.split("@")[1]}>`,
    date: new Date("2026-11-24T10:00:00Z"),
    text: "Please see the attached summary of care.",
    attachments: [
      {
        filename: "ccd.xml",
        contentType: "application/xml",
        content: Buffer.from('<?xml version="1.0"?><ClinicalDocument xmlns="urn:hl7-org:v3"/>'),
      },
    ],
    requestFinalDeliveryNotification: true,
  });
}
