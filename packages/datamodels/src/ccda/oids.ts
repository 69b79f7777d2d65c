/** Object identifiers used in generated documents; one place, so a reader can check them against the specs. */
export const oids = {
  loinc: "2.16.840.1.113883.6.1",
  snomed: "2.16.840.1.113883.6.96",
  npi: "2.16.840.1.113883.4.6",
  ssn: "2.16.840.1.113883.4.1",
  administrativeGender: "2.16.840.1.113883.5.1",
  maritalStatus: "2.16.840.1.113883.5.2",
  religiousAffiliation: "2.16.840.1.113883.5.1076",
  raceAndEthnicity: "2.16.840.1.113883.6.238",
  confidentiality: "2.16.840.1.113883.5.25",
  actCode: "2.16.840.1.113883.5.4",
  actClass: "2.16.840.1.113883.5.6",
  observationInterpretation: "2.16.840.1.113883.5.83",
  observationValue: "2.16.840.1.113883.5.1063",
  roleCode: "2.16.840.1.113883.5.111",
  participationType: "2.16.840.1.113883.5.90",
  nucc: "2.16.840.1.113883.6.101",
  cdaTypeId: "2.16.840.1.113883.1.3",
} as const;

/**
 * Roots for identifiers that have no OID of their own. Conduit has no registered OID arc, so rather than invent one
 * (an OID under someone else's arc would be a false claim) these are UUIDs, which the II datatype allows as a root
 * (CDA R2 datatypes, II.root: "a DCE Universal Unique Identifier (UUID)"). Installations that own an OID pass it in
 * `RenderOptions.documentIdRoot`.
 */
export const idRoots = {
  /** Namespace of Document.ID values when the caller names no root: "Conduit document ids". */
  conduitDocuments: "9f5a2c1e-6b7d-4e3a-8c2f-1d0b5e7a9c41",
  /** Namespace for ids Conduit derives (entry ids, set ids), and for local identifier types (`MR`, `EHRID`). */
  conduitDerived: "3c8e4f60-2a9b-4d17-b5e3-7f1a0c6d2e88",
} as const;

export interface TemplateId {
  readonly root: string;
  readonly extension?: string;
}

/**
 * C-CDA templateIds used by the generator, each with the version (extension) that C-CDA R2.1 names. The parser
 * matches on root only: senders mix R1.1 (no extension) and R2.x versions.
 */
export const templates = {
  usRealmHeader: { root: "2.16.840.1.113883.10.20.22.1.1", extension: "2015-08-01" },
  continuityOfCareDocument: { root: "2.16.840.1.113883.10.20.22.1.2", extension: "2015-08-01" },
  progressNote: { root: "2.16.840.1.113883.10.20.22.1.9", extension: "2015-08-01" },
  unstructuredDocument: { root: "2.16.840.1.113883.10.20.22.1.10", extension: "2015-08-01" },
  // Entries
  allergyConcernAct: { root: "2.16.840.1.113883.10.20.22.4.30", extension: "2015-08-01" },
  allergyIntoleranceObservation: { root: "2.16.840.1.113883.10.20.22.4.7", extension: "2014-06-09" },
  reactionObservation: { root: "2.16.840.1.113883.10.20.22.4.9", extension: "2014-06-09" },
  severityObservation: { root: "2.16.840.1.113883.10.20.22.4.8", extension: "2014-06-09" },
  criticalityObservation: { root: "2.16.840.1.113883.10.20.22.4.145" },
  allergyStatusObservation: { root: "2.16.840.1.113883.10.20.22.4.28", extension: "2019-06-20" },
  problemConcernAct: { root: "2.16.840.1.113883.10.20.22.4.3", extension: "2015-08-01" },
  problemObservation: { root: "2.16.840.1.113883.10.20.22.4.4", extension: "2015-08-01" },
  problemStatus: { root: "2.16.840.1.113883.10.20.22.4.6", extension: "2019-06-20" },
  commentActivity: { root: "2.16.840.1.113883.10.20.22.4.64" },
  medicationActivity: { root: "2.16.840.1.113883.10.20.22.4.16", extension: "2014-06-09" },
  medicationInformation: { root: "2.16.840.1.113883.10.20.22.4.23", extension: "2014-06-09" },
  medicationSupplyOrder: { root: "2.16.840.1.113883.10.20.22.4.17", extension: "2014-06-09" },
  medicationFreeTextSig: { root: "2.16.840.1.113883.10.20.22.4.147" },
  indication: { root: "2.16.840.1.113883.10.20.22.4.19", extension: "2014-06-09" },
  immunizationActivity: { root: "2.16.840.1.113883.10.20.22.4.52", extension: "2015-08-01" },
  immunizationMedicationInformation: { root: "2.16.840.1.113883.10.20.22.4.54", extension: "2014-06-09" },
  vitalSignsOrganizer: { root: "2.16.840.1.113883.10.20.22.4.26", extension: "2015-08-01" },
  vitalSignObservation: { root: "2.16.840.1.113883.10.20.22.4.27", extension: "2014-06-09" },
  resultOrganizer: { root: "2.16.840.1.113883.10.20.22.4.1", extension: "2015-08-01" },
  resultObservation: { root: "2.16.840.1.113883.10.20.22.4.2", extension: "2015-08-01" },
  procedureActivityProcedure: { root: "2.16.840.1.113883.10.20.22.4.14", extension: "2014-06-09" },
  procedureActivityObservation: { root: "2.16.840.1.113883.10.20.22.4.13", extension: "2014-06-09" },
  procedureActivityAct: { root: "2.16.840.1.113883.10.20.22.4.12", extension: "2014-06-09" },
  encounterActivity: { root: "2.16.840.1.113883.10.20.22.4.49", extension: "2015-08-01" },
  encounterDiagnosis: { root: "2.16.840.1.113883.10.20.22.4.80", extension: "2015-08-01" },
  serviceDeliveryLocation: { root: "2.16.840.1.113883.10.20.22.4.32" },
  familyHistoryOrganizer: { root: "2.16.840.1.113883.10.20.22.4.45", extension: "2015-08-01" },
  familyHistoryObservation: { root: "2.16.840.1.113883.10.20.22.4.46", extension: "2015-08-01" },
  familyHistoryDeathObservation: { root: "2.16.840.1.113883.10.20.22.4.47" },
  ageObservation: { root: "2.16.840.1.113883.10.20.22.4.31" },
  socialHistoryObservation: { root: "2.16.840.1.113883.10.20.22.4.38", extension: "2015-08-01" },
  smokingStatus: { root: "2.16.840.1.113883.10.20.22.4.78", extension: "2014-06-09" },
  tobaccoUse: { root: "2.16.840.1.113883.10.20.22.4.85", extension: "2014-06-09" },
  pregnancyObservation: { root: "2.16.840.1.113883.10.20.15.3.8" },
  functionalStatusObservation: { root: "2.16.840.1.113883.10.20.22.4.67", extension: "2014-06-09" },
  goalObservation: { root: "2.16.840.1.113883.10.20.22.4.121" },
  healthConcernAct: { root: "2.16.840.1.113883.10.20.22.4.132", extension: "2015-08-01" },
  plannedObservation: { root: "2.16.840.1.113883.10.20.22.4.44", extension: "2014-06-09" },
  plannedProcedure: { root: "2.16.840.1.113883.10.20.22.4.41", extension: "2014-06-09" },
  plannedEncounter: { root: "2.16.840.1.113883.10.20.22.4.40", extension: "2014-06-09" },
  plannedMedicationActivity: { root: "2.16.840.1.113883.10.20.22.4.42", extension: "2014-06-09" },
  plannedSupply: { root: "2.16.840.1.113883.10.20.22.4.43", extension: "2014-06-09" },
  plannedAct: { root: "2.16.840.1.113883.10.20.22.4.39", extension: "2014-06-09" },
  nonMedicinalSupplyActivity: { root: "2.16.840.1.113883.10.20.22.4.50", extension: "2014-06-09" },
  productInstance: { root: "2.16.840.1.113883.10.20.22.4.37" },
  coverageActivity: { root: "2.16.840.1.113883.10.20.22.4.60", extension: "2015-08-01" },
  policyActivity: { root: "2.16.840.1.113883.10.20.22.4.61", extension: "2015-08-01" },
  advanceDirectiveObservation: { root: "2.16.840.1.113883.10.20.22.4.48", extension: "2015-08-01" },
  careTeamOrganizer: { root: "2.16.840.1.113883.10.20.22.4.500", extension: "2019-07-01" },
  careTeamMemberAct: { root: "2.16.840.1.113883.10.20.22.4.500.1", extension: "2019-07-01" },
  noteActivity: { root: "2.16.840.1.113883.10.20.22.4.202", extension: "2016-11-01" },
  hospitalAdmissionDiagnosis: { root: "2.16.840.1.113883.10.20.22.4.34", extension: "2015-08-01" },
  hospitalDischargeDiagnosis: { root: "2.16.840.1.113883.10.20.22.4.33", extension: "2015-08-01" },
  dischargeMedication: { root: "2.16.840.1.113883.10.20.22.4.35", extension: "2016-03-01" },
  instruction: { root: "2.16.840.1.113883.10.20.22.4.20", extension: "2014-06-09" },
} as const satisfies Record<string, TemplateId>;
