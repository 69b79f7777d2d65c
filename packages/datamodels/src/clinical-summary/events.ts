import { z } from "zod";
import { metaSchema } from "../envelope.js";
import { optionalText } from "../primitives.js";
import { clinicalSummaryHeaderSchema } from "./header.js";
import { admissionDiagnosisSchema } from "./sections/admission-diagnosis.js";
import { advanceDirectivesSchema } from "./sections/advance-directives.js";
import { allergiesSchema } from "./sections/allergies.js";
import { assessmentSchema } from "./sections/assessment.js";
import { careTeamsSchema } from "./sections/care-teams.js";
import { dischargeDiagnosisSchema } from "./sections/discharge-diagnosis.js";
import { dischargeMedicationsSchema } from "./sections/discharge-medications.js";
import { encountersSchema } from "./sections/encounters.js";
import { familyHistorySchema } from "./sections/family-history.js";
import { functionalStatusSchema } from "./sections/functional-status.js";
import { goalsSchema } from "./sections/goals.js";
import { healthConcernsSchema } from "./sections/health-concerns.js";
import { immunizationsSchema } from "./sections/immunizations.js";
import { instructionsSchema } from "./sections/instructions.js";
import { insurancesSchema } from "./sections/insurances.js";
import { medicalEquipmentSchema } from "./sections/medical-equipment.js";
import { medicationsAdministeredSchema } from "./sections/medications-administered.js";
import { medicationsSchema } from "./sections/medications.js";
import { noteSectionsSchema } from "./sections/note-sections.js";
import { planOfCareSchema } from "./sections/plan-of-care.js";
import { problemsSchema } from "./sections/problems.js";
import { proceduresSchema } from "./sections/procedures.js";
import { reasonForVisitSchema } from "./sections/reason-for-visit.js";
import { resolvedProblemsSchema } from "./sections/resolved-problems.js";
import { resultsSchema } from "./sections/results.js";
import { socialHistorySchema } from "./sections/social-history.js";
import { vitalSignsSchema } from "./sections/vital-signs.js";

/**
 * The sections of a ClinicalSummary, keyed as Redox keys them. Each `...Text` field is the sender's own narrative
 * (usually an HTML table) for the section of that name.
 */
export const patientPushSections = {
  AdvanceDirectivesText: optionalText,
  AdvanceDirectives: advanceDirectivesSchema,
  AllergyText: optionalText,
  Allergies: allergiesSchema,
  CareTeams: careTeamsSchema,
  EncountersText: optionalText,
  Encounters: encountersSchema,
  FamilyHistoryText: optionalText,
  FamilyHistory: familyHistorySchema,
  FunctionalStatusText: optionalText,
  FunctionalStatus: functionalStatusSchema,
  GoalsText: optionalText,
  Goals: goalsSchema,
  HealthConcernsText: optionalText,
  HealthConcerns: healthConcernsSchema,
  ImmunizationText: optionalText,
  Immunizations: immunizationsSchema,
  InsurancesText: optionalText,
  Insurances: insurancesSchema,
  MedicalHistoryText: optionalText,
  MedicalEquipmentText: optionalText,
  MedicalEquipment: medicalEquipmentSchema,
  MedicationsText: optionalText,
  Medications: medicationsSchema,
  NoteSections: noteSectionsSchema,
  PlanOfCareText: optionalText,
  PlanOfCare: planOfCareSchema,
  ProblemsText: optionalText,
  Problems: problemsSchema,
  ProceduresText: optionalText,
  Procedures: proceduresSchema,
  ResolvedProblemsText: optionalText,
  ResolvedProblems: resolvedProblemsSchema,
  ResultText: optionalText,
  Results: resultsSchema,
  SocialHistoryText: optionalText,
  SocialHistory: socialHistorySchema,
  VitalSignsText: optionalText,
  VitalSigns: vitalSignsSchema,
};

/** VisitPush carries every PatientPush section plus the visit's own (admission/discharge diagnoses, chief complaint...). */
export const visitPushSections = {
  AdmissionDiagnosisText: optionalText,
  AdmissionDiagnosis: admissionDiagnosisSchema,
  AdvanceDirectivesText: optionalText,
  AdvanceDirectives: advanceDirectivesSchema,
  AllergyText: optionalText,
  Allergies: allergiesSchema,
  AssessmentText: optionalText,
  Assessment: assessmentSchema,
  CareTeams: careTeamsSchema,
  ChiefComplaintText: optionalText,
  DischargeDiagnosisText: optionalText,
  DischargeDiagnosis: dischargeDiagnosisSchema,
  DischargeMedicationsText: optionalText,
  DischargeMedications: dischargeMedicationsSchema,
  EncountersText: optionalText,
  Encounters: encountersSchema,
  FamilyHistoryText: optionalText,
  FamilyHistory: familyHistorySchema,
  FunctionalStatusText: optionalText,
  FunctionalStatus: functionalStatusSchema,
  GoalsText: optionalText,
  Goals: goalsSchema,
  HealthConcernsText: optionalText,
  HealthConcerns: healthConcernsSchema,
  HistoryOfPresentIllnessText: optionalText,
  ImmunizationText: optionalText,
  Immunizations: immunizationsSchema,
  InstructionsText: optionalText,
  Instructions: instructionsSchema,
  InsurancesText: optionalText,
  Insurances: insurancesSchema,
  InterventionsText: optionalText,
  MedicalEquipmentText: optionalText,
  MedicalEquipment: medicalEquipmentSchema,
  MedicalHistoryText: optionalText,
  MedicationsText: optionalText,
  Medications: medicationsSchema,
  MedicationsAdministeredText: optionalText,
  MedicationsAdministered: medicationsAdministeredSchema,
  NoteSections: noteSectionsSchema,
  ObjectiveText: optionalText,
  PhysicalExamText: optionalText,
  PlanOfCareText: optionalText,
  PlanOfCare: planOfCareSchema,
  ProblemsText: optionalText,
  Problems: problemsSchema,
  ProceduresText: optionalText,
  Procedures: proceduresSchema,
  ReasonForReferralText: optionalText,
  ReasonForVisitText: optionalText,
  ReasonForVisit: reasonForVisitSchema,
  ResolvedProblemsText: optionalText,
  ResolvedProblems: resolvedProblemsSchema,
  ResultText: optionalText,
  Results: resultsSchema,
  ReviewOfSystemsText: optionalText,
  SocialHistoryText: optionalText,
  SocialHistory: socialHistorySchema,
  SubjectiveText: optionalText,
  VitalSignsText: optionalText,
  VitalSigns: vitalSignsSchema,
};

export const clinicalSummaryPatientPushSchema = z.looseObject({
  Meta: metaSchema,
  Header: clinicalSummaryHeaderSchema,
  ...patientPushSections,
});

export const clinicalSummaryVisitPushSchema = z.looseObject({
  Meta: metaSchema,
  Header: clinicalSummaryHeaderSchema,
  ...visitPushSections,
});

export type ClinicalSummaryPatientPush = z.infer<typeof clinicalSummaryPatientPushSchema>;
export type ClinicalSummaryVisitPush = z.infer<typeof clinicalSummaryVisitPushSchema>;
