import type { TemplateId } from "./oids.js";

/**
 * Every C-CDA section Conduit maps, as data: the Redox field for its coded entries and for its narrative, its LOINC
 * code, its templateId (the version C-CDA R2.1 names; the entries-required variant where one exists) and the other
 * roots that identify it in documents written to R1.1 or as the entries-optional variant. The generator walks this
 * table in order; the parser looks sections up in it by LOINC code first and templateId second.
 */
export interface SectionDefinition {
  /** Redox field holding the coded entries, when the model has any for this section. */
  readonly key?: string;
  /** Redox field holding the narrative. */
  readonly textKey?: string;
  readonly loinc: string;
  readonly displayName: string;
  readonly title: string;
  readonly template: TemplateId;
  readonly otherRoots?: readonly string[];
  /** Sections a CCD SHALL contain (C-CDA R2.1 Vol. 2, 1.1.2.1); written with nullFlavor="NI" when empty. */
  readonly requiredInCcd?: boolean;
  /** Only VisitPush carries it. */
  readonly visitOnly?: boolean;
}

const ccdaSection = (id: string, extension?: string): TemplateId => ({
  root: `2.16.840.1.113883.10.20.22.2.${id}`,
  extension,
});
const iheSection = (id: string, extension?: string): TemplateId => ({
  root: `1.3.6.1.4.1.19376.1.5.3.1.${id}`,
  extension,
});

export const sectionDefinitions: readonly SectionDefinition[] = [
  {
    key: "Allergies",
    textKey: "AllergyText",
    loinc: "48765-2",
    displayName: "Allergies and adverse reactions Document",
    title: "Allergies and Intolerances",
    template: ccdaSection("6.1", "2015-08-01"),
    otherRoots: ["2.16.840.1.113883.10.20.22.2.6"],
    requiredInCcd: true,
  },
  {
    key: "Medications",
    textKey: "MedicationsText",
    loinc: "10160-0",
    displayName: "History of Medication use Narrative",
    title: "Medications",
    template: ccdaSection("1.1", "2014-06-09"),
    otherRoots: ["2.16.840.1.113883.10.20.22.2.1"],
    requiredInCcd: true,
  },
  {
    key: "Problems",
    textKey: "ProblemsText",
    loinc: "11450-4",
    displayName: "Problem list - Reported",
    title: "Problems",
    template: ccdaSection("5.1", "2015-08-01"),
    otherRoots: ["2.16.840.1.113883.10.20.22.2.5"],
    requiredInCcd: true,
  },
  {
    key: "Results",
    textKey: "ResultText",
    loinc: "30954-2",
    displayName: "Relevant diagnostic tests/laboratory data Narrative",
    title: "Results",
    template: ccdaSection("3.1", "2015-08-01"),
    otherRoots: ["2.16.840.1.113883.10.20.22.2.3"],
    requiredInCcd: true,
  },
  {
    key: "SocialHistory",
    textKey: "SocialHistoryText",
    loinc: "29762-2",
    displayName: "Social history Narrative",
    title: "Social History",
    template: ccdaSection("17", "2015-08-01"),
    requiredInCcd: true,
  },
  {
    key: "VitalSigns",
    textKey: "VitalSignsText",
    loinc: "8716-3",
    displayName: "Vital signs",
    title: "Vital Signs",
    template: ccdaSection("4.1", "2015-08-01"),
    otherRoots: ["2.16.840.1.113883.10.20.22.2.4"],
    requiredInCcd: true,
  },
  {
    key: "Procedures",
    textKey: "ProceduresText",
    loinc: "47519-4",
    displayName: "History of Procedures Document",
    title: "Procedures",
    template: ccdaSection("7.1", "2014-06-09"),
    otherRoots: ["2.16.840.1.113883.10.20.22.2.7"],
  },
  {
    key: "Immunizations",
    textKey: "ImmunizationText",
    loinc: "11369-6",
    displayName: "History of Immunization Narrative",
    title: "Immunizations",
    template: ccdaSection("2.1", "2015-08-01"),
    otherRoots: ["2.16.840.1.113883.10.20.22.2.2"],
  },
  {
    key: "Encounters",
    textKey: "EncountersText",
    loinc: "46240-8",
    displayName: "History of Hospitalizations+Outpatient visits Narrative",
    title: "Encounters",
    template: ccdaSection("22.1", "2015-08-01"),
    otherRoots: ["2.16.840.1.113883.10.20.22.2.22"],
  },
  {
    key: "ResolvedProblems",
    textKey: "ResolvedProblemsText",
    loinc: "11348-0",
    displayName: "History of Past illness Narrative",
    title: "Resolved Problems",
    template: ccdaSection("20", "2015-08-01"),
  },
  {
    textKey: "MedicalHistoryText",
    loinc: "11348-0",
    displayName: "History of Past illness Narrative",
    title: "Past Medical History",
    template: ccdaSection("20", "2015-08-01"),
  },
  {
    key: "FamilyHistory",
    textKey: "FamilyHistoryText",
    loinc: "10157-6",
    displayName: "History of family member diseases Narrative",
    title: "Family History",
    template: ccdaSection("15", "2015-08-01"),
  },
  {
    key: "FunctionalStatus",
    textKey: "FunctionalStatusText",
    loinc: "47420-5",
    displayName: "Functional status assessment note",
    title: "Functional Status",
    template: ccdaSection("14", "2014-06-09"),
  },
  {
    key: "Goals",
    textKey: "GoalsText",
    loinc: "61146-7",
    displayName: "Goals Narrative",
    title: "Goals",
    template: ccdaSection("60"),
  },
  {
    key: "HealthConcerns",
    textKey: "HealthConcernsText",
    loinc: "75310-3",
    displayName: "Health concerns Document",
    title: "Health Concerns",
    template: ccdaSection("58", "2015-08-01"),
  },
  {
    key: "PlanOfCare",
    textKey: "PlanOfCareText",
    loinc: "18776-5",
    displayName: "Plan of care note",
    title: "Plan of Treatment",
    template: ccdaSection("10", "2014-06-09"),
  },
  {
    key: "MedicalEquipment",
    textKey: "MedicalEquipmentText",
    loinc: "46264-8",
    displayName: "History of medical device use",
    title: "Medical Equipment",
    template: ccdaSection("23", "2014-06-09"),
  },
  {
    key: "Insurances",
    textKey: "InsurancesText",
    loinc: "48768-6",
    displayName: "Payment sources Document",
    title: "Insurance Providers",
    template: ccdaSection("18", "2015-08-01"),
  },
  {
    key: "AdvanceDirectives",
    textKey: "AdvanceDirectivesText",
    loinc: "42348-3",
    displayName: "Advance directives",
    title: "Advance Directives",
    template: ccdaSection("21.1", "2015-08-01"),
    otherRoots: ["2.16.840.1.113883.10.20.22.2.21"],
  },
  // The Care Teams Section is from the C-CDA R2.1 Companion Guide (4th edition); older receivers ignore it.
  {
    key: "CareTeams",
    loinc: "85847-2",
    displayName: "Patient Care team information",
    title: "Care Teams",
    template: ccdaSection("500", "2019-07-01"),
  },
  // VisitPush
  {
    textKey: "ReasonForReferralText",
    loinc: "42349-1",
    displayName: "Reason for referral Narrative",
    title: "Reason for Referral",
    template: iheSection("3.1", "2014-06-09"),
    visitOnly: true,
  },
  {
    key: "ReasonForVisit",
    textKey: "ReasonForVisitText",
    loinc: "29299-5",
    displayName: "Reason for visit Narrative",
    title: "Reason for Visit",
    template: ccdaSection("12"),
    visitOnly: true,
  },
  {
    textKey: "ChiefComplaintText",
    loinc: "10154-3",
    displayName: "Chief complaint Narrative - Reported",
    title: "Chief Complaint",
    template: iheSection("1.13.2.1"),
    visitOnly: true,
  },
  {
    textKey: "HistoryOfPresentIllnessText",
    loinc: "10164-2",
    displayName: "History of Present illness Narrative",
    title: "History of Present Illness",
    template: iheSection("3.4"),
    visitOnly: true,
  },
  {
    textKey: "ReviewOfSystemsText",
    loinc: "10187-3",
    displayName: "Review of systems Narrative - Reported",
    title: "Review of Systems",
    template: iheSection("3.18"),
    visitOnly: true,
  },
  {
    textKey: "PhysicalExamText",
    loinc: "29545-1",
    displayName: "Physical findings Narrative",
    title: "Physical Exam",
    template: ccdaSection("2.10", "2015-08-01"),
    visitOnly: true,
  },
  {
    textKey: "SubjectiveText",
    loinc: "61150-9",
    displayName: "Subjective Narrative",
    title: "Subjective",
    template: { root: "2.16.840.1.113883.10.20.21.2.2" },
    visitOnly: true,
  },
  {
    textKey: "ObjectiveText",
    loinc: "61149-1",
    displayName: "Objective Narrative",
    title: "Objective",
    template: { root: "2.16.840.1.113883.10.20.21.2.1" },
    visitOnly: true,
  },
  {
    key: "Assessment",
    textKey: "AssessmentText",
    loinc: "51848-0",
    displayName: "Evaluation note",
    title: "Assessment",
    template: ccdaSection("8"),
    visitOnly: true,
  },
  {
    key: "AdmissionDiagnosis",
    textKey: "AdmissionDiagnosisText",
    loinc: "46241-6",
    displayName: "Hospital admission diagnosis Narrative - Reported",
    title: "Admission Diagnosis",
    template: ccdaSection("43", "2015-08-01"),
    visitOnly: true,
  },
  {
    key: "DischargeDiagnosis",
    textKey: "DischargeDiagnosisText",
    loinc: "11535-2",
    displayName: "Hospital discharge Dx Narrative",
    title: "Discharge Diagnosis",
    template: ccdaSection("24", "2015-08-01"),
    visitOnly: true,
  },
  {
    key: "MedicationsAdministered",
    textKey: "MedicationsAdministeredText",
    loinc: "29549-3",
    displayName: "Medication administered Narrative",
    title: "Medications Administered",
    template: ccdaSection("38", "2014-06-09"),
    visitOnly: true,
  },
  {
    key: "DischargeMedications",
    textKey: "DischargeMedicationsText",
    loinc: "10183-2",
    displayName: "Hospital discharge medications Narrative",
    title: "Discharge Medications",
    template: ccdaSection("11.1", "2015-08-01"),
    otherRoots: ["2.16.840.1.113883.10.20.22.2.11"],
    visitOnly: true,
  },
  {
    key: "Instructions",
    textKey: "InstructionsText",
    loinc: "69730-0",
    displayName: "Instructions",
    title: "Instructions",
    template: ccdaSection("45", "2014-06-09"),
    visitOnly: true,
  },
  {
    textKey: "InterventionsText",
    loinc: "62387-6",
    displayName: "Interventions Provided",
    title: "Interventions",
    template: ccdaSection("21.2.3", "2015-08-01"),
    visitOnly: true,
  },
];

/** C-CDA R2.1 document types: LOINC code, name and templateId, for writing and for reading inbound documents. */
export interface DocumentType {
  readonly loinc: string;
  readonly name: string;
  readonly template: TemplateId;
}

const documentTemplate = (id: string): TemplateId => ({
  root: `2.16.840.1.113883.10.20.22.1.${id}`,
  extension: "2015-08-01",
});

export const documentTypes: readonly DocumentType[] = [
  { loinc: "34133-9", name: "Summarization of Episode Note", template: documentTemplate("2") },
  { loinc: "11506-3", name: "Progress Note", template: documentTemplate("9") },
  { loinc: "18842-5", name: "Discharge Summary", template: documentTemplate("8") },
  { loinc: "57133-1", name: "Referral Note", template: documentTemplate("14") },
  { loinc: "18761-7", name: "Transfer Summary", template: documentTemplate("13") },
  { loinc: "34117-2", name: "History and Physical Note", template: documentTemplate("3") },
  { loinc: "11488-4", name: "Consultation Note", template: documentTemplate("4") },
  { loinc: "28570-0", name: "Procedure Note", template: documentTemplate("6") },
  { loinc: "11504-8", name: "Surgical Operation Note", template: documentTemplate("7") },
  { loinc: "18748-4", name: "Diagnostic Imaging Report", template: documentTemplate("5") },
];

export function documentTypeByLoinc(code: string | null | undefined): DocumentType | undefined {
  return code ? documentTypes.find((type) => type.loinc === code) : undefined;
}
