import type { FunctionalStatusSection } from "../../clinical-summary/sections/functional-status.js";
import { templates } from "../oids.js";
import { compact, type ReadContext } from "../read-context.js";
import type { RenderContext } from "../render-context.js";
import { hasTemplate, type XNode } from "../xml-reader.js";
import { parseResultObservation, resultObservation } from "./results.js";
import { displayOf, flattenedStatements, SectionBuilder, type RenderedSection } from "./shared.js";
import { parseSupply, supplyActivity } from "./medical-equipment.js";

type Section = NonNullable<FunctionalStatusSection>;

/** Functional Status Observations (4.67), measured like results; assistive supplies as Non-Medicinal Supply (4.50). */
export function renderFunctionalStatus(status: Section, context: RenderContext): RenderedSection {
  const builder = new SectionBuilder(context, "functional", "Functional status", ["Observation", "Value", "Date"]);
  (status.Observations ?? []).forEach((observation, index) => {
    const { rowId, cell } = builder.row([
      displayOf(observation),
      observation.Value ?? displayOf(observation.CodedValue),
      observation.DateTime,
    ]);
    builder.entry(
      resultObservation({ ...observation, Status: "completed" }, context, ["functional", index], {
        rowId,
        cell: cell(0),
        template: templates.functionalStatusObservation,
      }),
    );
  });
  (status.Supplies ?? []).forEach((supply, index) => {
    const { rowId, cell } = builder.row([displayOf(supply), supply.Status, supply.DateTime]);
    builder.entry(
      supplyActivity(
        { Product: supply, Status: supply.Status, StartDate: supply.DateTime },
        context,
        ["functional-supply", index],
        rowId,
        cell(0),
      ),
    );
  });
  return builder.build();
}

export function parseFunctionalStatus(section: XNode, context: ReadContext): Section {
  const observations: NonNullable<Section["Observations"]> = [];
  const supplies: NonNullable<Section["Supplies"]> = [];
  for (const statement of flattenedStatements(section)) {
    if (statement.name === "supply" || hasTemplate(statement, templates.nonMedicinalSupplyActivity.root)) {
      const supply = parseSupply(statement, context);
      supplies.push(compact({ ...(supply.Product ?? {}), Status: supply.Status, DateTime: supply.StartDate }));
    } else if (statement.name === "observation") {
      const parsed = parseResultObservation(statement, context);
      delete parsed.Status;
      delete parsed.ValueType;
      observations.push(parsed);
    } else {
      context.warn(`Functional status: a ${statement.name} entry was skipped`);
    }
  }
  return compact({ Observations: observations, Supplies: supplies });
}
