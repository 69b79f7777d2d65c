import MailComposer from "nodemailer/lib/mail-composer/index.js";

export interface DirectAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface OriginalMessageInput {
  from: string;
  to: string[];
  subject: string;
  /** `<id@domain>` */
  messageId: string;
  date: Date;
  text: string;
  attachments: DirectAttachment[];
  /** Ask the receiving HISP for a final-delivery (dispatched) notification. */
  requestFinalDeliveryNotification?: boolean;
}

/**
 * Builds the original RFC 5322 message that a Direct security agent signs and encrypts: headers, a text part, and
 * each document as a base64 attachment.
 */
export async function composeOriginalMessage(input: OriginalMessageInput): Promise<Buffer> {
  const headers: Record<string, string | { prepared: boolean; value: string }> = {};
  if (input.requestFinalDeliveryNotification) {
    // Implementation Guide for Delivery Notification in Direct v1.0 §3.3; kept unfolded ("prepared") because some
    // HISPs match the line literally.
    headers["Disposition-Notification-Options"] = {
      prepared: true,
      value: "X-DIRECT-FINAL-DESTINATION-DELIVERY=optional,true",
    };
    headers["Disposition-Notification-To"] = input.from;
  }
  const composer = new MailComposer({
    from: input.from,
    to: input.to,
    subject: input.subject,
    messageId: input.messageId,
    date: input.date,
    text: input.text,
    headers,
    attachments: input.attachments.map((attachment) => ({
      filename: attachment.filename,
      contentType: attachment.contentType,
      content: attachment.content,
      contentTransferEncoding: "base64",
    })),
    newline: "\r\n",
  });
  return composer.compile().build();
}
