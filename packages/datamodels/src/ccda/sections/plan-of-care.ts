import type { PlanOfCareSection } from "../../clinical-summary/sections/plan-of-care.js";
import type { Code, Identifier } from "../../common.js";
import { coded, identifier, templateIds, time } from "../datatypes.js";
import { templates, type TemplateId } from "../oids.js";
import { readIdentifier } from "../people.js";
import { compact, readTime, type ReadContext } from "../read-context.js";
import type { RenderContext } from "../render-context.js";
import { attr, child, childrenNamed, hasTemplate, type XNode } from "../xml-reader.js";
import { el } from "../xml-writer.js";
import { medicationActivity, parseMedicationActivity } from "./medications.js";
import { displayOf, sectionStatements, SectionBuilder, textRef, type RenderedSection } from "./shared.js";

type Section = NonNullable<PlanOfCareSection>;
type Planned = Partial<Code> & { Status?: string | null; DateTime?: string | null; Identifiers?: Identifier[] | null };

/**
 * A planned item's Redox `Status` is the CDA mood it is in: a request (RQO), an intent (INT), a proposal (PRP), a
 * promise (PRMS), an appointment (APT) or an appointment request (ARQ).
 */
const moodByStatus: Record<string, string> = {
  request: "RQO",
  intent: "INT",
  proposal: "PRP",
  promise: "PRMS",
  appointment: "APT",
  "appointment request": "ARQ",
};
const statusByMood: Record<string, string> = {
  RQO: "Request",
  INT: "Intent",
  PRP: "Proposal",
  PRMS: "Promise",
  APT: "Appointment",
  ARQ: "Appointment Request",
};

const kinds: readonly {
  key: keyof Section;
  element: string;
  classCode: string;
  template: TemplateId;
  label: string;
}[] = [
  { key: "Orders", element: "observation", classCode: "OBS", template: templates.plannedObservation, label: "Order" },
  {
    key: "Procedures",
    element: "procedure",
    classCode: "PROC",
    template: templates.plannedProcedure,
    label: "Procedure",
  },
  {
    key: "Encounters",
    element: "encounter",
    classCode: "ENC",
    template: templates.plannedEncounter,
    label: "Encounter",
  },
  { key: "Supplies", element: "supply", classCode: "SPLY", template: templates.plannedSupply, label: "Supply" },
  { key: "Services", element: "act", classCode: "ACT", template: templates.plannedAct, label: "Service" },
];

/**
 * Plan of Treatment: Planned Observation (4.44), Procedure (4.41), Encounter (4.40), Supply (4.43), Act (4.39) and
 * Medication Activity (4.42), each in the mood its status names.
 */
export function renderPlanOfCare(plan: Section, context: RenderContext): RenderedSection {
  const builder = new SectionBuilder(context, "plan", "Plan of treatment", [
    "Planned activity",
    "Kind",
    "Status",
    "Date",
  ]);
  for (const kind of kinds) {
    ((plan[kind.key] ?? []) as Planned[]).forEach((item, index) => {
      const { rowId, cell } = builder.row([displayOf(item), kind.label, item.Status, item.DateTime]);
      const mood = moodByStatus[(item.Status ?? "").toLowerCase()] ?? (kind.element === "encounter" ? "INT" : "RQO");
      const ids = (item.Identifiers ?? []).filter((id) => id.ID);
      builder.entry(
        el(
          kind.element,
          { classCode: kind.classCode, moodCode: mood },
          templateIds(kind.template),
          ids.length ? ids.map((id) => identifier(id)) : context.id("plan", kind.key, index),
          coded("code", item, { reference: cell(0) }),
          textRef(rowId),
          el("statusCode", { code: "active" }),
          item.DateTime ? time("effectiveTime", item.DateTime) : undefined,
        ),
      );
    });
  }
  (plan.MedicationAdministration ?? []).forEach((medication, index) => {
    const { rowId, cell } = builder.row([
      displayOf(medication.Product),
      "Medication",
      medication.Status,
      medication.StartDate,
    ]);
    builder.entry(
      medicationActivity({ ...medication, Status: undefined }, context, ["plan", "medication", index], {
        planned: true,
        rowId,
        productCell: cell(0),
      }),
    );
  });
  return builder.build();
}

export function parsePlanOfCare(section: XNode, context: ReadContext): Section {
  const out: Record<string, unknown[]> = {
    Orders: [],
    Procedures: [],
    Encounters: [],
    Supplies: [],
    Services: [],
    MedicationAdministration: [],
  };
  for (const statement of sectionStatements(section)) {
    const mood = attr(statement, "moodCode") ?? "";
    const status = statusByMood[mood] ?? mood;
    if (statement.name === "substanceAdministration") {
      const medication = parseMedicationActivity(statement, context);
      out.MedicationAdministration!.push(
        compact({
          Status: status,
          Dose: medication.Dose,
          Rate: medication.Rate,
          Route: medication.Route,
          StartDate: medication.StartDate,
          EndDate: medication.EndDate,
          Frequency: medication.Frequency,
          Product: medication.Product,
        }),
      );
      continue;
    }
    const kind =
      kinds.find((item) => hasTemplate(statement, item.template.root)) ??
      kinds.find((item) => item.element === statement.name);
    if (!kind) {
      context.warn(`Plan of treatment: a ${statement.name} entry was skipped`);
      continue;
    }
    const ids = childrenNamed(statement, "id")
      .map(readIdentifier)
      .filter((id): id is Identifier => !!id && !!attr(child(statement, "id"), "extension"));
    out[kind.key]!.push(
      compact({
        ...(context.code(child(statement, "code")) ?? {}),
        Status: status,
        DateTime: readTime(child(statement, "effectiveTime")),
        Identifiers: kind.key === "Encounters" ? ids : undefined,
      }),
    );
  }
  return compact(out) as Section;
}
