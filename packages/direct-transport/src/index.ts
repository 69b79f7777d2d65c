export type { HispTransport, OutboundDirectMessage, SendResult } from "./hisp/transport.js";
export { FileTransport, type FileTransportOptions } from "./hisp/file-transport.js";
export { composeOriginalMessage, type DirectAttachment, type OriginalMessageInput } from "./mime/compose-original.js";
export { DirectSecurityError, isDirectSecurityError, type DirectSecurityErrorCode } from "./errors.js";
export { OID } from "./oids.js";
export {
  sealMessage,
  signEntity,
  envelopeContent,
  createDetachedSignature,
  type SealOptions,
  type SealRecipient,
  type ContentEncryption,
} from "./smime/seal.js";
export type { KeyTransport, OaepHash, ReceivedKeyTransport } from "./smime/rsa-key-transport.js";
export {
  loadCertificates,
  loadPrivateKey,
  certificatesFromPkcs7,
  certificateFacts,
  splitAddress,
  type CertificateFacts,
} from "./trust/certificates.js";
export { credentialsFromPem, CredentialStore, type DirectCredentials } from "./trust/credentials.js";
export { TrustAnchors } from "./trust/trust-anchors.js";
export {
  validateCertificatePath,
  certificateBindsAddress,
  checkSenderBinding,
  type ValidationPolicy,
  type CertificatePurpose,
} from "./trust/validate-certificate.js";
export {
  openMessage,
  decryptEnvelopedData,
  verifySignedEntity,
  type OpenOptions,
  type OpenedMessage,
  type SmtpEnvelope,
  type VerifiedContent,
} from "./smime/open.js";
export { parseEntity, splitMultipart, parseContentType, addressesIn, type MimeEntity } from "./mime/entity.js";
export {
  CertificateDiscovery,
  ConfiguredCertificates,
  type CertificateSource,
  type DiscoveredCertificates,
  type CertificateDiscoveryOptions,
} from "./discovery/cert-discovery.js";
export { SmtpTransport, type SmtpTransportOptions } from "./hisp/smtp-transport.js";
export { SmtpEdgeTransport, type SmtpEdgeTransportOptions } from "./hisp/smtp-edge-transport.js";
export { deliverOverSmtp, smtpFailure, type SmtpHop } from "./hisp/smtp-delivery.js";
export {
  startSmtpListener,
  type SmtpListener,
  type SmtpListenerOptions,
  type InboundEnvelope,
} from "./inbound/smtp-listener.js";
export { credentialsFromPkcs12 } from "./trust/pkcs12.js";
export { DnsCertSource, CERT_TYPE, certRdata, type DnsCertSourceOptions } from "./discovery/dns-cert.js";
export { LdapCertSource, type LdapCertSourceOptions } from "./discovery/ldap-cert.js";
export { issueCertificate, type CertificateRequest } from "./trust/certificate-issuer.js";
export {
  DirectAgent,
  createDirectAgent,
  createHispTransport,
  type DirectAgentSettings,
  type IdentitySettings,
  type HispSettings,
} from "./agent.js";
export {
  buildMdn,
  requestsFinalDelivery,
  mdnReturnAddress,
  FINAL_DESTINATION_DELIVERY,
  type MdnInput,
  type MdnDisposition,
  type ReceivedDisposition,
} from "./notifications/mdn.js";
export {
  parseNotification,
  isNotification,
  type ParsedNotification,
  type ParsedMdn,
  type ParsedDsn,
  type DsnRecipient,
  type DsnAction,
} from "./notifications/parse-notification.js";
export { readXdm, type XdmDocument, type XdmPackage, type XdmLimits } from "./xdm/read-xdm.js";
export { XdmError, isXdmError, type XdmErrorCode } from "./xdm/errors.js";
export type { XdmDocumentEntry, XdmMetadata, XdmSubmissionSet, XdsAuthor, XdsCode } from "./xdm/metadata.js";
export type { XdmSubmissionSetContent } from "./xdm/read-xdm.js";
export { CrlRevocation, type CrlRevocationOptions } from "./trust/revocation.js";
