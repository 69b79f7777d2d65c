export type { HispTransport, OutboundDirectMessage, SendResult } from "./hisp/transport.js";
export { FileTransport, type FileTransportOptions } from "./hisp/file-transport.js";
export { composeOriginalMessage, type DirectAttachment, type OriginalMessageInput } from "./mime/compose-original.js";
