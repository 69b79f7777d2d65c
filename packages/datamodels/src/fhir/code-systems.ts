/** FHIR canonical URIs for the code systems whose OIDs appear in C-CDA and Redox payloads (FHIR R4 terminology). */
const uriByOid: Readonly<Record<string, string>> = {
  "2.16.840.1.113883.6.1": "http://loinc.org",
  "2.16.840.1.113883.6.96": "http://snomed.info/sct",
  "2.16.840.1.113883.6.88": "http://www.nlm.nih.gov/research/umls/rxnorm",
  "2.16.840.1.113883.12.292": "http://hl7.org/fhir/sid/cvx",
  "2.16.840.1.113883.6.59": "http://hl7.org/fhir/sid/cvx",
  "2.16.840.1.113883.6.90": "http://hl7.org/fhir/sid/icd-10-cm",
  "2.16.840.1.113883.6.103": "http://hl7.org/fhir/sid/icd-9-cm",
  "2.16.840.1.113883.6.12": "http://www.ama-assn.org/go/cpt",
  "2.16.840.1.113883.6.69": "http://hl7.org/fhir/sid/ndc",
  "2.16.840.1.113883.6.8": "http://unitsofmeasure.org",
  "2.16.840.1.113883.6.238": "urn:oid:2.16.840.1.113883.6.238",
  "2.16.840.1.113883.5.1": "http://terminology.hl7.org/CodeSystem/v3-AdministrativeGender",
  "2.16.840.1.113883.5.4": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
  "2.16.840.1.113883.5.83": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
  "2.16.840.1.113883.5.111": "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
  "2.16.840.1.113883.5.1063": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
  "2.16.840.1.113883.4.6": "http://hl7.org/fhir/sid/us-npi",
  "2.16.840.1.113883.4.1": "http://hl7.org/fhir/sid/us-ssn",
  "2.16.840.1.113883.3.26.1.1": "http://ncithesaurus-stage.nci.nih.gov",
};

/** The FHIR system for an OID: its canonical URI when FHIR names one, else `urn:oid:` (FHIR R4 2.24.0.1). */
export function fhirSystem(oid: string | undefined): string | undefined {
  if (!oid) return undefined;
  if (/^[0-2](\.\d+)+$/.test(oid)) return uriByOid[oid] ?? `urn:oid:${oid}`;
  if (/^[0-9a-fA-F-]{36}$/.test(oid)) return `urn:uuid:${oid.toLowerCase()}`;
  return undefined;
}
