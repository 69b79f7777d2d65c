import type { VitalSignsEntry } from "../../clinical-summary/sections/vital-signs.js";
import { fixedCode, templateIds, time } from "../datatypes.js";
import { oids, templates } from "../oids.js";
import { compact, readTime, type ReadContext } from "../read-context.js";
import type { RenderContext } from "../render-context.js";
import { child, childrenNamed, type XNode } from "../xml-reader.js";
import { el } from "../xml-writer.js";
import { parseResultObservation, resultObservation } from "./results.js";
import { displayOf, sectionStatements, SectionBuilder, type RenderedSection } from "./shared.js";

/** Vital Signs Organizer (4.26) per measurement time, one Vital Sign Observation (4.27, LOINC, PQ) per sign. */
export function renderVitalSigns(vitalSigns: readonly VitalSignsEntry[], context: RenderContext): RenderedSection {
  const builder = new SectionBuilder(context, "vital", "Vital signs", [
    "Vital sign",
    "Value",
    "Units",
    "Interpretation",
    "Date",
  ]);
  vitalSigns.forEach((panel, index) => {
    const components = (panel.Observations ?? []).map((observation, observationIndex) => {
      const { rowId, cell } = builder.row([
        displayOf(observation),
        observation.Value,
        observation.Units,
        observation.Interpretation,
        observation.DateTime ?? panel.DateTime,
      ]);
      return el(
        "component",
        {},
        resultObservation(
          { ...observation, DateTime: observation.DateTime ?? panel.DateTime },
          context,
          ["vital", index, observationIndex],
          {
            rowId,
            cell: cell(0),
            template: templates.vitalSignObservation,
          },
        ),
      );
    });
    builder.entry(
      el(
        "organizer",
        { classCode: "CLUSTER", moodCode: "EVN" },
        templateIds(templates.vitalSignsOrganizer),
        context.id("vital", index),
        // C-CDA R2.1 4.26: SNOMED CT 46680005 with the LOINC panel code as translation.
        el(
          "code",
          { code: "46680005", codeSystem: oids.snomed, codeSystemName: "SNOMED CT", displayName: "Vital signs" },
          fixedCode(
            "translation",
            "74728-7",
            oids.loinc,
            "Vital signs, weight, height, head circumference, oximetry, BMI, and BSA panel - HL7.CCDAr1.1",
          ),
        ),
        el("statusCode", { code: "completed" }),
        time("effectiveTime", panel.DateTime),
        components.length ? components : undefined,
      ),
    );
  });
  return builder.build();
}

export function parseVitalSigns(section: XNode, context: ReadContext): VitalSignsEntry[] {
  const out: VitalSignsEntry[] = [];
  for (const statement of sectionStatements(section)) {
    const observations =
      statement.name === "organizer"
        ? childrenNamed(statement, "component")
            .map((component) => child(component, "observation"))
            .filter((item): item is XNode => !!item)
        : statement.name === "observation"
          ? [statement]
          : [];
    if (!observations.length) {
      context.warn(`Vital signs: a ${statement.name} entry without observations was skipped`);
      continue;
    }
    out.push(
      compact({
        DateTime: readTime(child(statement, "effectiveTime")),
        Observations: observations.map((observation) => {
          const parsed = parseResultObservation(observation, context);
          // Vital signs have no reference ranges and no Redox ValueType.
          delete parsed.ReferenceRange;
          delete parsed.ValueType;
          if (parsed.Status === "Final") parsed.Status = "completed";
          return parsed;
        }),
      }),
    );
  }
  return out;
}
