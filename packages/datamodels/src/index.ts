export * from "./primitives.js";
export * from "./envelope.js";
export * from "./common.js";
export * from "./clinical-summary.js";
export * from "./media.js";
export * from "./media-types.js";
export * from "./media-delivery.js";
export * from "./errors.js";
export * from "./registry.js";
export {
  renderClinicalSummaryCda,
  buildClinicalDocument,
  nextDocumentVersion,
  documentIdFor,
  type RenderOptions,
  type DocumentVersion,
} from "./ccda/render-document.js";
export { renderUnstructuredDocument, type UnstructuredOptions } from "./ccda/render-unstructured.js";
export { parseCcda, CcdaParseError, type ParseCcdaOptions, type ParsedCcda } from "./ccda/parse-document.js";
export { XmlSecurityError, XmlSyntaxError, type XmlReadLimits } from "./ccda/xml-reader.js";
export { toHl7Time, fromHl7Time } from "./ccda/hl7-time.js";
export { sectionDefinitions, documentTypes, type SectionDefinition, type DocumentType } from "./ccda/section-codes.js";
export { codeSystems, codeSystemOid, codeSystemName } from "./ccda/code-systems.js";
export { buildOpenApiDocument, redoxErrorSchema, redoxResponseSchema } from "./openapi.js";
export { clinicalSummaryToFhirBundle, fhirDateTime, type FhirBundleOptions } from "./fhir/bundle.js";
