/** Object identifiers used in generated documents; one place, so a reader can check them against the specs. */
export const oids = {
  loinc: "2.16.840.1.113883.6.1",
  npi: "2.16.840.1.113883.4.6",
  administrativeGender: "2.16.840.1.113883.5.1",
  confidentiality: "2.16.840.1.113883.5.25",
  /** Conduit's arc for identifiers that have no OID of their own (placeholder root until a registered one exists). */
  conduitLocal: "2.16.840.1.113883.3.9999.1",
  conduitDocuments: "2.16.840.1.113883.3.9999.2",
} as const;

/** C-CDA templateIds (root), R2.1. */
export const templates = {
  usRealmHeader: "2.16.840.1.113883.10.20.22.1.1",
  continuityOfCareDocument: "2.16.840.1.113883.10.20.22.1.2",
} as const;
