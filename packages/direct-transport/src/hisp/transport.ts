/**
 * The one interface every HISP adapter implements. The worker prepares the original RFC 5322 message; the adapter
 * carries it (sealing it first when the adapter is the security agent) and says how it went.
 */
export interface OutboundDirectMessage {
  /** Conduit's id for the message, for the adapter's own bookkeeping (file names, logs). */
  id: string;
  /** The RFC 5322 Message-ID, with angle brackets. */
  messageId: string;
  /** SMTP envelope sender (the Direct address the message is from). */
  from: string;
  /** SMTP envelope recipients. */
  to: string[];
  /** The complete original message, headers and body, CRLF line endings. */
  raw: Buffer;
}

export type SendResult =
  | { outcome: "accepted"; detail: string; remoteReply?: string }
  | { outcome: "transient-failure"; reason: string; remoteReply?: string }
  | { outcome: "permanent-failure"; reason: string; remoteReply?: string };

export interface HispTransport {
  /** The adapter's kind, as configured on a destination (`file`, `smtp`, `smtp-edge`). */
  readonly kind: string;
  send(message: OutboundDirectMessage): Promise<SendResult>;
  close?(): Promise<void>;
}
