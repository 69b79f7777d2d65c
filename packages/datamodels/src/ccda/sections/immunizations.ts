import type { ImmunizationsEntry } from "../../clinical-summary/sections/immunizations.js";
import { coded, quantity, templateIds, time } from "../datatypes.js";
import { templates } from "../oids.js";
import { compact, isNegated, readTime, type ReadContext } from "../read-context.js";
import type { RenderContext } from "../render-context.js";
import { actStatus } from "../value-sets.js";
import { attr, child, hasTemplate, path, textOf, type XNode } from "../xml-reader.js";
import { el } from "../xml-writer.js";
import { displayOf, related, sectionStatements, SectionBuilder, textRef, type RenderedSection } from "./shared.js";

/**
 * Immunization Activity (4.52): the vaccine (4.54, CVX) with lot and manufacturer, date, route and dose.
 * `negationInd` is always written, as the template requires: "true" means the vaccine was not given.
 */
export function renderImmunizations(
  immunizations: readonly ImmunizationsEntry[],
  context: RenderContext,
): RenderedSection {
  const builder = new SectionBuilder(context, "immunization", "Immunizations", [
    "Vaccine",
    "Date",
    "Status",
    "Dose",
    "Lot",
    "Manufacturer",
  ]);
  immunizations.forEach((immunization, index) => {
    const { rowId, cell } = builder.row([
      (immunization.IsNegativeIndicator ? "Not given: " : "") + displayOf(immunization.Product),
      immunization.DateTime,
      immunization.Status,
      immunization.Dose?.Quantity ? `${immunization.Dose.Quantity} ${immunization.Dose.Units ?? ""}`.trim() : "",
      immunization.Product?.LotNumber,
      immunization.Product?.Manufacturer,
    ]);
    builder.entry(
      el(
        "substanceAdministration",
        { classCode: "SBADM", moodCode: "EVN", negationInd: immunization.IsNegativeIndicator ? "true" : "false" },
        templateIds(templates.immunizationActivity),
        context.id("immunization", index),
        textRef(rowId),
        el("statusCode", { code: actStatus(immunization.Status) }),
        time("effectiveTime", immunization.DateTime),
        immunization.Route ? coded("routeCode", immunization.Route) : undefined,
        immunization.Dose ? quantity("doseQuantity", immunization.Dose.Quantity, immunization.Dose.Units) : undefined,
        el(
          "consumable",
          {},
          el(
            "manufacturedProduct",
            { classCode: "MANU" },
            templateIds(templates.immunizationMedicationInformation),
            el(
              "manufacturedMaterial",
              {},
              coded("code", immunization.Product, { reference: cell(0) }),
              immunization.Product?.LotNumber ? el("lotNumberText", {}, immunization.Product.LotNumber) : undefined,
            ),
            immunization.Product?.Manufacturer
              ? el("manufacturerOrganization", {}, el("name", {}, immunization.Product.Manufacturer))
              : undefined,
          ),
        ),
      ),
    );
  });
  return builder.build();
}

export function parseImmunizations(section: XNode, context: ReadContext): ImmunizationsEntry[] {
  const out: ImmunizationsEntry[] = [];
  for (const statement of sectionStatements(section)) {
    const activity = hasTemplate(statement, templates.immunizationActivity.root)
      ? statement
      : (related(statement).find((item) => hasTemplate(item, templates.immunizationActivity.root)) ??
        // Other template sets (HL7 CCD 1.0, HITSP C32) use the same substanceAdministration under other templateIds.
        (statement.name === "substanceAdministration" ? statement : undefined));
    if (!activity) {
      context.warn("Immunizations: an entry without an Immunization Activity was skipped");
      continue;
    }
    const product = path(activity, "consumable", "manufacturedProduct");
    const dose = child(activity, "doseQuantity");
    out.push(
      compact({
        DateTime: readTime(child(activity, "effectiveTime")),
        Status: attr(child(activity, "statusCode"), "code"),
        Route: context.code(child(activity, "routeCode")),
        Product: compact({
          ...(context.code(path(product, "manufacturedMaterial", "code")) ?? {}),
          LotNumber: textOf(path(product, "manufacturedMaterial", "lotNumberText")) || undefined,
          Manufacturer: textOf(path(product, "manufacturerOrganization", "name")) || undefined,
        }),
        Dose:
          dose && attr(dose, "value")
            ? compact({ Quantity: attr(dose, "value"), Units: attr(dose, "unit") })
            : undefined,
        IsNegativeIndicator: isNegated(activity) ? true : attr(activity, "negationInd") === "false" ? false : undefined,
      }),
    );
  }
  return out;
}
