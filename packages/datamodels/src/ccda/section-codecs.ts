import type { ReadContext } from "./read-context.js";
import type { RenderContext } from "./render-context.js";
import { parseAdvanceDirectives, renderAdvanceDirectives } from "./sections/advance-directives.js";
import { parseAllergies, renderAllergies } from "./sections/allergies.js";
import { parseCareTeams, renderCareTeams } from "./sections/care-teams.js";
import { parseEncounters, renderEncounters } from "./sections/encounters.js";
import { parseFamilyHistory, renderFamilyHistory } from "./sections/family-history.js";
import { parseFunctionalStatus, renderFunctionalStatus } from "./sections/functional-status.js";
import { parseGoals, renderGoals } from "./sections/goals.js";
import { parseHealthConcerns, renderHealthConcerns } from "./sections/health-concerns.js";
import { parseImmunizations, renderImmunizations } from "./sections/immunizations.js";
import { parseInsurances, renderInsurances } from "./sections/insurances.js";
import { parseMedicalEquipment, renderMedicalEquipment } from "./sections/medical-equipment.js";
import { parseMedicationList, renderMedicationList } from "./sections/medications.js";
import { parsePlanOfCare, renderPlanOfCare } from "./sections/plan-of-care.js";
import { parseProblemList, problemLists, renderProblemList, withCommentsOnly } from "./sections/problems.js";
import { parseProcedures, renderProcedures } from "./sections/procedures.js";
import { parseResults, renderResults } from "./sections/results.js";
import type { RenderedSection } from "./sections/shared.js";
import { parseSocialHistory, renderSocialHistory } from "./sections/social-history.js";
import { parseVitalSigns, renderVitalSigns } from "./sections/vital-signs.js";
import {
  parseAssessment,
  parseInstructions,
  parseReasonForVisit,
  renderAssessment,
  renderInstructions,
  renderReasonForVisit,
} from "./sections/visit.js";
import type { XNode } from "./xml-reader.js";

/**
 * For each Redox section field, how its coded entries are written and read. Payloads are validated by the zod
 * schemas before they get here, so renderers take the inferred types; the `never` casts below only erase the
 * per-section type so the table can be indexed by name.
 */
export interface SectionCodec {
  render(data: never, context: RenderContext): RenderedSection;
  parse(section: XNode, context: ReadContext): unknown;
}

const codec = <T>(
  render: (data: T, context: RenderContext) => RenderedSection,
  parse: (section: XNode, context: ReadContext) => unknown,
): SectionCodec => ({
  render: render as (data: never, context: RenderContext) => RenderedSection,
  parse,
});

export const sectionCodecs: Readonly<Record<string, SectionCodec>> = {
  Allergies: codec(renderAllergies, parseAllergies),
  Medications: codec(
    (data: Parameters<typeof renderMedicationList>[0], context) =>
      renderMedicationList(data, context, { prefix: "medication", caption: "Medications" }),
    (section, context) => parseMedicationList(section, context, "Medications"),
  ),
  Problems: codec(
    (data: Parameters<typeof renderProblemList>[0], context) => renderProblemList(data, context, problemLists.problems),
    (section, context) => parseProblemList(section, context, "Problems"),
  ),
  ResolvedProblems: codec(
    (data: Parameters<typeof renderProblemList>[0], context) => renderProblemList(data, context, problemLists.resolved),
    (section, context) => parseProblemList(section, context, "Resolved problems"),
  ),
  Results: codec(renderResults, parseResults),
  SocialHistory: codec(renderSocialHistory, parseSocialHistory),
  VitalSigns: codec(renderVitalSigns, parseVitalSigns),
  Procedures: codec(renderProcedures, parseProcedures),
  Immunizations: codec(renderImmunizations, parseImmunizations),
  Encounters: codec(renderEncounters, parseEncounters),
  FamilyHistory: codec(renderFamilyHistory, parseFamilyHistory),
  FunctionalStatus: codec(renderFunctionalStatus, parseFunctionalStatus),
  Goals: codec(renderGoals, parseGoals),
  HealthConcerns: codec(renderHealthConcerns, parseHealthConcerns),
  PlanOfCare: codec(renderPlanOfCare, parsePlanOfCare),
  MedicalEquipment: codec(renderMedicalEquipment, parseMedicalEquipment),
  Insurances: codec(renderInsurances, parseInsurances),
  AdvanceDirectives: codec(renderAdvanceDirectives, parseAdvanceDirectives),
  CareTeams: codec(renderCareTeams, parseCareTeams),
  ReasonForVisit: codec(renderReasonForVisit, parseReasonForVisit),
  Instructions: codec(renderInstructions, parseInstructions),
  Assessment: codec(renderAssessment, parseAssessment),
  AdmissionDiagnosis: codec(
    (data: Parameters<typeof renderProblemList>[0], context) =>
      renderProblemList(data, context, problemLists.admission),
    (section, context) => parseProblemList(section, context, "Admission diagnosis").map(withCommentsOnly),
  ),
  DischargeDiagnosis: codec(
    (data: Parameters<typeof renderProblemList>[0], context) =>
      renderProblemList(data, context, problemLists.discharge),
    (section, context) => parseProblemList(section, context, "Discharge diagnosis").map(withCommentsOnly),
  ),
  MedicationsAdministered: codec(
    (data: Parameters<typeof renderMedicationList>[0], context) =>
      renderMedicationList(data, context, { prefix: "administered", caption: "Medications administered" }),
    (section, context) => parseMedicationList(section, context, "Medications administered"),
  ),
  DischargeMedications: codec(
    (data: Parameters<typeof renderMedicationList>[0], context) =>
      renderMedicationList(data, context, {
        prefix: "discharge-medication",
        caption: "Discharge medications",
        dischargeWrapper: true,
      }),
    (section, context) => parseMedicationList(section, context, "Discharge medications"),
  ),
};

/** Whether a section field carries anything: a non-empty list, or an object with a non-empty list. */
export function hasSectionData(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === "object")
    return Object.values(value).some((item) => Array.isArray(item) && item.length > 0);
  return false;
}
