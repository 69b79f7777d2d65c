import { z } from "zod";
import {
  clinicalSummaryPatientPushSchema,
  clinicalSummaryVisitPushSchema,
  type ClinicalSummaryPatientPush,
} from "../clinical-summary.js";
import { destinationRef, metaSchema } from "../envelope.js";
import { formatPath } from "../errors.js";
import { narrativeMarkup } from "./narrative.js";
import { readHeader, readVersion } from "./parse-header.js";
import { compact, ReadContext } from "./read-context.js";
import { hasSectionData, sectionCodecs } from "./section-codecs.js";
import { documentTypeByLoinc, sectionDefinitions, type SectionDefinition } from "./section-codes.js";
import { roleClassRoot } from "./value-sets.js";
import {
  attr,
  child,
  childrenNamed,
  elements,
  path,
  readXml,
  textOf,
  type XmlReadLimits,
  type XNode,
} from "./xml-reader.js";

export class CcdaParseError extends Error {
  override readonly name = "CcdaParseError";
}

export interface ParseCcdaOptions {
  /** PatientPush (default) keeps visit-only sections as NoteSections; VisitPush maps them to its own fields. */
  eventType?: "PatientPush" | "VisitPush";
  /** Merged into the payload's Meta. */
  meta?: Partial<z.infer<typeof metaSchema>>;
  limits?: XmlReadLimits;
}

export interface ParsedCcda {
  /** The document as a Redox ClinicalSummary payload. */
  payload: ClinicalSummaryPatientPush;
  /** What could not be read or mapped, in words; the document was still read. */
  warnings: string[];
  /** The document's type (LOINC), for routing: CCD, Referral Note, Discharge Summary... */
  documentType?: { code: string; name?: string };
  /** setId/versionNumber/parent, so a receiver can apply a replacement to the version it has. */
  version: { setId?: string; versionNumber?: number; relation?: string; parentDocumentId?: string };
}

/** Meta on an inbound document has no destinations of Conduit's API to name; the rest is validated as usual. */
const inboundMeta = metaSchema.extend({ Destinations: z.array(destinationRef).nullish() });
const inboundSchemas = {
  PatientPush: clinicalSummaryPatientPushSchema.extend({ Meta: inboundMeta }),
  VisitPush: clinicalSummaryVisitPushSchema.extend({ Meta: inboundMeta }),
};

function allSections(body: XNode | undefined): XNode[] {
  const out: XNode[] = [];
  const visit = (node: XNode | undefined) => {
    for (const component of childrenNamed(node, "component")) {
      const section = child(component, "section");
      if (!section) continue;
      out.push(section);
      visit(section);
    }
  };
  visit(body);
  return out;
}

function findDefinition(section: XNode, hasEntries: boolean): SectionDefinition | undefined {
  const loinc = attr(child(section, "code"), "code");
  const roots = childrenNamed(section, "templateId").map((template) => attr(template, "root"));
  const byCode = sectionDefinitions.filter((definition) => definition.loinc === loinc);
  const candidates = byCode.length
    ? byCode
    : sectionDefinitions.filter((definition) =>
        roots.some((root) => root === definition.template.root || definition.otherRoots?.includes(root ?? "")),
      );
  // History of Past Illness (11348-0) is ResolvedProblems when it has problem entries, MedicalHistoryText otherwise.
  if (candidates.length > 1)
    return candidates.find((definition) => (hasEntries ? !!definition.key : !definition.key)) ?? candidates[0];
  return candidates[0];
}

/** Structural codes the CDA schema restricts, checked so a schema-invalid document is read with a warning. */
function checkVocabulary(root: XNode, context: ReadContext): void {
  const seen = new Set<string>();
  const visit = (node: XNode) => {
    if (node.name === "participantRole") {
      const classCode = attr(node, "classCode");
      if (classCode && !roleClassRoot.has(classCode) && !seen.has(classCode)) {
        seen.add(classCode);
        context.warn(
          `participantRole classCode="${classCode}" is not an HL7 RoleClassRoot code (the document is schema-invalid); read anyway`,
        );
      }
    }
    for (const item of elements(node)) visit(item);
  };
  visit(root);
}

/**
 * Reads any C-CDA R1.1/R2.x document (CCD, Referral Note, Discharge Summary, Progress Note, ...) into a Redox
 * ClinicalSummary payload: header, patient, and the coded entries of every section the model has. A section Conduit
 * does not map is kept as a NoteSection with its narrative, never dropped; a section that fails to read is kept the
 * same way with a warning. Only unreadable or hostile XML throws.
 */
export function parseCcda(xml: string, options: ParseCcdaOptions = {}): ParsedCcda {
  let root: XNode;
  try {
    root = readXml(xml, options.limits);
  } catch (error) {
    throw new CcdaParseError((error as Error).message, { cause: error });
  }
  if (root.name !== "ClinicalDocument")
    throw new CcdaParseError(`expected an HL7 CDA ClinicalDocument, found <${root.name}>`);
  const eventType = options.eventType ?? "PatientPush";
  const context = new ReadContext();
  checkVocabulary(root, context);
  const body = path(root, "component", "structuredBody");
  const sections = allSections(body);
  for (const section of sections) context.indexNarrative(child(section, "text"));

  const payload: Record<string, unknown> = {
    Meta: compact({ DataModel: "Clinical Summary", EventType: eventType, ...options.meta }),
    Header: readHeader(root, context),
  };
  const notes: Record<string, unknown>[] = [];

  for (const section of sections) {
    const entries = childrenNamed(section, "entry");
    const definition = findDefinition(section, entries.length > 0);
    const title = textOf(child(section, "title")) || undefined;
    const keepAsNote = (reason?: string) => {
      if (reason) context.warn(reason);
      const code = context.code(child(section, "code"));
      notes.push(compact({ ...(code ?? {}), Title: title, Text: narrativeMarkup(child(section, "text")) }));
    };
    if (attr(section, "nullFlavor")) continue;
    if (!definition || (definition.visitOnly && eventType === "PatientPush")) {
      keepAsNote(
        entries.length
          ? `section "${title ?? attr(child(section, "code"), "code")}" is not in the ${eventType} model; its ${entries.length} entries are kept as narrative only (NoteSections)`
          : undefined,
      );
      continue;
    }
    const textKey = definition.textKey;
    if (textKey) {
      const narrative = narrativeMarkup(child(section, "text"), `${textKey}.`);
      if (narrative && !/^<paragraph>No information<\/paragraph>$/.test(narrative)) {
        payload[textKey] = payload[textKey] ? `${payload[textKey] as string}${narrative}` : narrative;
      }
    }
    const codec = definition.key ? sectionCodecs[definition.key] : undefined;
    if (!codec) {
      if (entries.length)
        context.warn(`section "${definition.title}": ${entries.length} entries kept as narrative only`);
      continue;
    }
    try {
      const parsed = codec.parse(section, context);
      const existing = payload[definition.key!];
      if (Array.isArray(parsed)) payload[definition.key!] = [...((existing as unknown[]) ?? []), ...parsed];
      else if (hasSectionData(parsed)) payload[definition.key!] = mergeObjects(existing, parsed);
    } catch (error) {
      keepAsNote(`section "${definition.title}" could not be read (${(error as Error).message}); kept as narrative`);
    }
  }
  if (notes.length) payload.NoteSections = notes;
  const nonXmlBody = path(root, "component", "nonXMLBody");
  if (nonXmlBody) {
    const text = child(nonXmlBody, "text");
    payload.NoteSections = [
      ...((payload.NoteSections as unknown[]) ?? []),
      compact({
        Title: textOf(child(root, "title")) || "Document",
        Notes: [
          compact({
            ContentType: attr(text, "mediaType"),
            FileContents: attr(text, "representation") === "B64" ? textOf(text).replace(/\s+/g, "") : undefined,
          }),
        ],
        Text: attr(text, "representation") === "B64" ? undefined : textOf(text),
      }),
    ];
  }

  const validated = inboundSchemas[eventType].safeParse(payload);
  if (!validated.success) {
    for (const issue of validated.error.issues)
      context.warn(`${formatPath(issue.path)}: ${issue.message} (kept as read)`);
  }
  const code = attr(child(root, "code"), "code");
  return {
    payload: (validated.success ? validated.data : payload) as ClinicalSummaryPatientPush,
    warnings: context.warnings,
    documentType: code
      ? { code, name: documentTypeByLoinc(code)?.name ?? attr(child(root, "code"), "displayName") }
      : undefined,
    version: readVersion(root),
  };
}

function mergeObjects(existing: unknown, parsed: unknown): unknown {
  if (!existing || typeof existing !== "object") return parsed;
  const out: Record<string, unknown> = { ...(existing as Record<string, unknown>) };
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    out[key] = Array.isArray(value) && Array.isArray(out[key]) ? [...(out[key] as unknown[]), ...value] : value;
  }
  return out;
}
