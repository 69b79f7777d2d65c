import type { MedicationsEntry } from "../../clinical-summary/sections/medications.js";
import type { Code } from "../../common.js";
import { coded, csUnit, fixedCode, interval, isCs, isDecimal, quantity, templateIds } from "../datatypes.js";
import { oids, templates, type TemplateId } from "../oids.js";
import { compact, isNegated, readInterval, type ReadContext } from "../read-context.js";
import type { RenderContext } from "../render-context.js";
import { actStatus, frequencyUnits } from "../value-sets.js";
import { attr, child, childrenNamed, hasTemplate, path, type XNode } from "../xml-reader.js";
import { el, type XmlElement } from "../xml-writer.js";
import {
  commentActivities,
  displayOf,
  readComments,
  related,
  relatedWithTemplate,
  sectionStatements,
  SectionBuilder,
  textRef,
  type RenderedSection,
} from "./shared.js";

/** The medication shape shared by Medications, DischargeMedications, MedicationsAdministered and planned ones. */
export type MedicationLike = Partial<MedicationsEntry> & { ReasonNotGiven?: string | null };

const preconditionTemplate: TemplateId = { root: "2.16.840.1.113883.10.20.22.4.25", extension: "2014-06-09" };

function doseText(medication: MedicationLike): string {
  const dose = medication.Dose?.Quantity ? `${medication.Dose.Quantity} ${medication.Dose.Units ?? ""}`.trim() : "";
  const every = medication.Frequency?.Period
    ? `every ${medication.Frequency.Period} ${medication.Frequency.Unit ?? ""}`.trim()
    : "";
  return [dose, medication.Route?.Name, every, medication.IsPRN ? "as needed" : ""].filter(Boolean).join(", ");
}

/**
 * Medication Activity (4.16) or, with `moodCode="INT"`, Planned Medication Activity (4.42): product (4.23),
 * dates, frequency as PIVL_TS, route, dose and rate, PRN as a precondition, indications (4.19), the supply order
 * (4.17) and the free-text sig (4.147).
 */
export function medicationActivity(
  medication: MedicationLike,
  context: RenderContext,
  id: (string | number)[],
  options: { planned?: boolean; rowId?: string; productCell?: string; template?: TemplateId } = {},
): XmlElement {
  const period = medication.Frequency?.Period;
  const unit = frequencyUnits[(medication.Frequency?.Unit ?? "").toLowerCase()] ?? csUnit(medication.Frequency?.Unit);
  const status = actStatus(medication.Status, options.planned ? "active" : medication.EndDate ? "completed" : "active");
  return el(
    "substanceAdministration",
    {
      classCode: "SBADM",
      moodCode: options.planned ? "INT" : "EVN",
      negationInd: medication.ReasonNotGiven || medication.IsNegativeIndicator ? "true" : undefined,
    },
    templateIds(
      options.template ?? (options.planned ? templates.plannedMedicationActivity : templates.medicationActivity),
    ),
    context.id(...id),
    options.rowId ? textRef(options.rowId) : undefined,
    el("statusCode", { code: status }),
    interval("effectiveTime", medication.StartDate, medication.EndDate, { xsiType: "IVL_TS" }),
    isDecimal(period)
      ? el(
          "effectiveTime",
          {
            "xsi:type": "PIVL_TS",
            institutionSpecified: medication.Frequency?.InstitutionSpecified ? "true" : undefined,
            operator: "A",
          },
          el("period", { value: String(period).trim(), unit }),
        )
      : isCs(medication.Frequency?.EventCode)
        ? el(
            "effectiveTime",
            { "xsi:type": "EIVL_TS", operator: "A" },
            el("event", { code: medication.Frequency!.EventCode }),
          )
        : undefined,
    medication.Route ? coded("routeCode", medication.Route) : undefined,
    medication.Dose ? quantity("doseQuantity", medication.Dose.Quantity, medication.Dose.Units) : undefined,
    medication.Rate ? quantity("rateQuantity", medication.Rate.Quantity, medication.Rate.Units) : undefined,
    el(
      "consumable",
      {},
      el(
        "manufacturedProduct",
        { classCode: "MANU" },
        templateIds(templates.medicationInformation),
        el("manufacturedMaterial", {}, coded("code", medication.Product, { reference: options.productCell })),
      ),
    ),
    (medication.Indications ?? []).map((indication, index) =>
      el(
        "entryRelationship",
        { typeCode: "RSON" },
        el(
          "observation",
          { classCode: "OBS", moodCode: "EVN" },
          templateIds(templates.indication),
          context.id(...id, "indication", index),
          fixedCode("code", "75321-0", oids.loinc, "Clinical finding"),
          el("statusCode", { code: "completed" }),
          coded("value", indication, { xsiType: "CD" }),
        ),
      ),
    ),
    medication.SupplyOrder
      ? el(
          "entryRelationship",
          { typeCode: "REFR" },
          el(
            "supply",
            { classCode: "SPLY", moodCode: "INT" },
            templateIds(templates.medicationSupplyOrder),
            context.id(...id, "supply"),
            el("statusCode", { code: "completed" }),
            interval("effectiveTime", medication.SupplyOrder.StartDate, medication.SupplyOrder.EndDate, {
              xsiType: "IVL_TS",
            }),
            /^\d+$/.test(String(medication.SupplyOrder.NumberOfRefillsRemaining ?? "").trim())
              ? el("repeatNumber", { value: String(medication.SupplyOrder.NumberOfRefillsRemaining) })
              : undefined,
            isDecimal(medication.SupplyOrder.Quantity)
              ? el("quantity", {
                  value: String(medication.SupplyOrder.Quantity),
                  unit: csUnit(medication.SupplyOrder.Units),
                })
              : undefined,
          ),
        )
      : undefined,
    medication.FreeTextSig
      ? el(
          "entryRelationship",
          { typeCode: "COMP" },
          el(
            "substanceAdministration",
            { classCode: "SBADM", moodCode: "EVN" },
            templateIds(templates.medicationFreeTextSig),
            fixedCode("code", "76662-6", oids.loinc, "Instructions Medication"),
            el("text", {}, medication.FreeTextSig),
            el("consumable", {}, el("manufacturedProduct", {}, el("manufacturedLabeledDrug", { nullFlavor: "NA" }))),
          ),
        )
      : undefined,
    commentActivities([medication.ReasonNotGiven ? `Not given: ${medication.ReasonNotGiven}` : undefined]),
    medication.IsPRN
      ? el(
          "precondition",
          { typeCode: "PRCN" },
          templateIds(preconditionTemplate),
          el(
            "criterion",
            {},
            fixedCode("code", "ASSERTION", oids.actCode),
            el("value", { "xsi:type": "CD", nullFlavor: "NI" }),
          ),
        )
      : undefined,
  );
}

export function parseMedicationActivity(statement: XNode, context: ReadContext): MedicationLike {
  const times = childrenNamed(statement, "effectiveTime");
  const range = times.find((time) => !["PIVL_TS", "EIVL_TS"].includes(attr(time, "xsi:type") ?? "")) ?? times[0];
  const periodic = times.find((time) => attr(time, "xsi:type") === "PIVL_TS");
  const event = times.find((time) => attr(time, "xsi:type") === "EIVL_TS");
  const dates = readInterval(range);
  const supply = related(statement, "REFR").find((item) => hasTemplate(item, templates.medicationSupplyOrder.root));
  const sig = relatedWithTemplate(statement, templates.medicationFreeTextSig.root);
  const dose = child(statement, "doseQuantity");
  const rate = child(statement, "rateQuantity");
  const comments = readComments(statement, context);
  const notGiven = comments.find((text) => text.startsWith("Not given: "));
  const status = attr(child(statement, "statusCode"), "code");
  return compact({
    Product: context.code(path(statement, "consumable", "manufacturedProduct", "manufacturedMaterial", "code")),
    StartDate: dates.low,
    EndDate: dates.high,
    Status: status,
    Frequency: periodic
      ? compact({
          Period: attr(child(periodic, "period"), "value"),
          Unit: attr(child(periodic, "period"), "unit"),
          InstitutionSpecified: attr(periodic, "institutionSpecified") === "true" ? true : undefined,
        })
      : event
        ? { EventCode: attr(child(event, "event"), "code") }
        : undefined,
    Route: context.code(child(statement, "routeCode")),
    Dose:
      dose && attr(dose, "value") ? compact({ Quantity: attr(dose, "value"), Units: attr(dose, "unit") }) : undefined,
    Rate:
      rate && attr(rate, "value") ? compact({ Quantity: attr(rate, "value"), Units: attr(rate, "unit") }) : undefined,
    IsPRN: childrenNamed(statement, "precondition").length ? true : undefined,
    Indications: related(statement, "RSON")
      .map((indication) => context.code(child(indication, "value")))
      .filter((code): code is Code => !!code),
    SupplyOrder: supply
      ? compact({
          StartDate: readInterval(child(supply, "effectiveTime")).low,
          EndDate: readInterval(child(supply, "effectiveTime")).high,
          NumberOfRefillsRemaining: attr(child(supply, "repeatNumber"), "value"),
          Quantity: attr(child(supply, "quantity"), "value"),
          Units: attr(child(supply, "quantity"), "unit"),
        })
      : undefined,
    FreeTextSig: sig ? context.resolveText(child(sig, "text")) : undefined,
    ReasonNotGiven: notGiven ? notGiven.slice("Not given: ".length) : undefined,
    IsNegativeIndicator: !notGiven && isNegated(statement) ? true : undefined,
  });
}

interface MedicationListOptions {
  prefix: string;
  caption: string;
  /** Discharge medications wrap each activity in a Discharge Medication act (4.35). */
  dischargeWrapper?: boolean;
}

export function renderMedicationList(
  medications: readonly MedicationLike[],
  context: RenderContext,
  options: MedicationListOptions,
): RenderedSection {
  const builder = new SectionBuilder(context, options.prefix, options.caption, [
    "Medication",
    "Directions",
    "Start",
    "End",
    "Status",
    "Indications",
  ]);
  medications.forEach((medication, index) => {
    const { rowId, cell } = builder.row([
      (medication.ReasonNotGiven || medication.IsNegativeIndicator ? "Not taken: " : "") +
        displayOf(medication.Product),
      [medication.FreeTextSig, doseText(medication)].filter(Boolean).join("; "),
      medication.StartDate,
      medication.EndDate,
      medication.Status,
      (medication.Indications ?? []).map((indication) => displayOf(indication)).join(", "),
    ]);
    const activity = medicationActivity(medication, context, [options.prefix, index], { rowId, productCell: cell(0) });
    if (!options.dischargeWrapper) {
      builder.entry(activity);
      return;
    }
    builder.entry(
      el(
        "act",
        { classCode: "ACT", moodCode: "EVN" },
        templateIds(templates.dischargeMedication),
        context.id(options.prefix, index, "discharge"),
        fixedCode("code", "10183-2", oids.loinc, "Hospital discharge medication"),
        el("statusCode", { code: "completed" }),
        el("entryRelationship", { typeCode: "SUBJ" }, activity),
      ),
    );
  });
  return builder.build();
}

export function parseMedicationList(section: XNode, context: ReadContext, label: string): MedicationLike[] {
  const out: MedicationLike[] = [];
  for (const statement of sectionStatements(section)) {
    const activity =
      statement.name === "substanceAdministration"
        ? statement
        : related(statement).find((item) => item.name === "substanceAdministration");
    if (!activity) {
      context.warn(`${label}: an entry without a medication activity was skipped`);
      continue;
    }
    out.push(parseMedicationActivity(activity, context));
  }
  return out;
}
