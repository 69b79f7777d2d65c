/**
 * Code systems by OID, with the names senders use for them. Redox payloads name a system by OID (`CodeSystem`), by
 * name (`CodeSystemName`), or both; CDA needs the OID. One table, used in both directions.
 */
export interface CodeSystem {
  readonly oid: string;
  readonly name: string;
  /** Other spellings seen in Redox payloads and C-CDA documents, compared case- and punctuation-insensitively. */
  readonly aliases: readonly string[];
}

export const codeSystems: readonly CodeSystem[] = [
  { oid: "2.16.840.1.113883.6.1", name: "LOINC", aliases: [] },
  { oid: "2.16.840.1.113883.6.96", name: "SNOMED CT", aliases: ["SNOMED", "SNOMEDCT", "SNOMED-CT", "SCT"] },
  { oid: "2.16.840.1.113883.6.88", name: "RxNorm", aliases: ["RXNORM", "RxNORM"] },
  { oid: "2.16.840.1.113883.12.292", name: "CVX", aliases: ["Vaccines administered (CVX)"] },
  { oid: "2.16.840.1.113883.6.90", name: "ICD-10-CM", aliases: ["ICD10", "ICD-10", "ICD10CM"] },
  { oid: "2.16.840.1.113883.6.103", name: "ICD-9-CM", aliases: ["ICD9", "ICD-9", "ICD9CM"] },
  { oid: "2.16.840.1.113883.6.4", name: "ICD-10-PCS", aliases: ["ICD10PCS"] },
  { oid: "2.16.840.1.113883.6.12", name: "CPT-4", aliases: ["CPT", "CPT4"] },
  { oid: "2.16.840.1.113883.6.285", name: "HCPCS", aliases: [] },
  { oid: "2.16.840.1.113883.6.69", name: "NDC", aliases: ["National Drug Code"] },
  { oid: "2.16.840.1.113883.6.8", name: "UCUM", aliases: [] },
  { oid: "2.16.840.1.113883.4.9", name: "UNII", aliases: [] },
  { oid: "2.16.840.1.113883.3.26.1.5", name: "NDF-RT", aliases: ["NDFRT"] },
  { oid: "2.16.840.1.113883.6.238", name: "CDC Race and Ethnicity", aliases: ["CDCREC", "Race & Ethnicity - CDC"] },
  { oid: "2.16.840.1.113883.6.101", name: "NUCC Provider Taxonomy", aliases: ["NUCC", "HCPT"] },
  { oid: "2.16.840.1.113883.5.1", name: "AdministrativeGender", aliases: ["HL7 AdministrativeGender"] },
  { oid: "2.16.840.1.113883.5.2", name: "MaritalStatus", aliases: ["HL7 MaritalStatus"] },
  { oid: "2.16.840.1.113883.5.4", name: "ActCode", aliases: ["HL7ActCode", "HL7 ActCode"] },
  { oid: "2.16.840.1.113883.5.6", name: "ActClass", aliases: ["HL7ActClass"] },
  { oid: "2.16.840.1.113883.5.14", name: "ActStatus", aliases: ["HL7ActStatus"] },
  { oid: "2.16.840.1.113883.5.25", name: "Confidentiality", aliases: ["HL7 Confidentiality"] },
  { oid: "2.16.840.1.113883.5.83", name: "ObservationInterpretation", aliases: ["HL7 ObservationInterpretation"] },
  { oid: "2.16.840.1.113883.5.111", name: "RoleCode", aliases: ["HL7 RoleCode", "HL7FamilyMember"] },
  { oid: "2.16.840.1.113883.5.112", name: "RouteOfAdministration", aliases: ["HL7 RouteOfAdministration"] },
  { oid: "2.16.840.1.113883.5.1063", name: "ObservationValue", aliases: ["HL7 ObservationValue"] },
  { oid: "2.16.840.1.113883.5.1076", name: "ReligiousAffiliation", aliases: [] },
  { oid: "2.16.840.1.113883.3.26.1.1", name: "NCI Thesaurus", aliases: ["NCI", "NCIT"] },
  { oid: "2.16.840.1.113883.6.259", name: "HealthcareServiceLocation", aliases: ["HSLOC"] },
  { oid: "2.16.840.1.113883.12.112", name: "DischargeDisposition", aliases: ["HL7 Discharge Disposition"] },
  { oid: "2.16.840.1.113883.3.88.12.3221.8.9", name: "Body Site Value Set", aliases: [] },
  { oid: "2.16.840.1.113883.6.301.3", name: "NUBC UB-04 FL04", aliases: [] },
  { oid: "1.0.639.1", name: "ISO 639-1", aliases: [] },
];

const normalize = (value: string) => value.replace(/[\s_\-&().]/g, "").toLowerCase();
const byName = new Map<string, CodeSystem>();
const byOid = new Map<string, CodeSystem>();
for (const system of codeSystems) {
  byOid.set(system.oid, system);
  for (const name of [system.name, ...system.aliases]) byName.set(normalize(name), system);
}

const oidPattern = /^[0-2](\.(0|[1-9]\d*))+$/;

export function isOid(value: string): boolean {
  return oidPattern.test(value);
}

/** The OID for a payload's `CodeSystem`/`CodeSystemName`, when either names a known system or is an OID itself. */
export function codeSystemOid(codeSystem?: string | null, codeSystemName?: string | null): string | undefined {
  if (codeSystem && isOid(codeSystem.trim())) return codeSystem.trim();
  for (const name of [codeSystem, codeSystemName]) {
    const system = name ? byName.get(normalize(name)) : undefined;
    if (system) return system.oid;
  }
  return undefined;
}

export function codeSystemName(oid?: string | null): string | undefined {
  return oid ? byOid.get(oid)?.name : undefined;
}
