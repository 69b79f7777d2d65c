import type { ResultsEntry } from "../../clinical-summary/sections/results.js";
import { address, coded, csUnit, hasCode, isDecimal, templateIds, time } from "../datatypes.js";
import { identifierRoot, identifierType } from "../ids.js";
import { oids, templates } from "../oids.js";
import { compact, isNegated, readInterval, readTime, type ReadContext } from "../read-context.js";
import type { RenderContext } from "../render-context.js";
import { actStatus, interpretationCode, interpretationWord, resultStatusWord } from "../value-sets.js";
import { attr, child, childrenNamed, path, textOf, type XNode } from "../xml-reader.js";
import { el, type XmlElement } from "../xml-writer.js";
import {
  commentActivities,
  displayOf,
  readComments,
  sectionStatements,
  SectionBuilder,
  textRef,
  type RenderedSection,
} from "./shared.js";
import { readAddress } from "../people.js";
import type { Code } from "../../common.js";

type ResultObservation = NonNullable<ResultsEntry["Observations"]>[number];

/** A reference range as results (strings) and functional status (numbers) carry it. */
interface ReferenceRange {
  Low?: string | number | null;
  High?: string | number | null;
  Text?: string | null;
}

/** The fields a measured observation has, whichever Redox list it comes from (results, vitals, functional status). */
export interface MeasuredObservation extends Partial<Code> {
  Status?: string | null;
  Interpretation?: string | null;
  DateTime?: string | null;
  CodedValue?: Partial<Code> | null;
  Value?: string | null;
  ValueType?: string | null;
  Units?: string | null;
  ReferenceRange?: ReferenceRange | null;
  TargetSite?: Partial<Code> | null;
  Comments?: readonly { Text?: string | null }[] | null;
  IsNegativeIndicator?: boolean | null;
}

/** Redox `ValueType` for a CDA value's `xsi:type`, and back. */
const valueTypeByXsiType: Record<string, string> = {
  PQ: "PhysicalQuantity",
  CD: "Code",
  CE: "Code",
  CO: "Code",
  CV: "Code",
  ST: "String",
  ED: "String",
  TS: "DateTime",
  INT: "Numeric",
  REAL: "Numeric",
};

/**
 * An observation value in the type its content calls for: a code (CD), a number with its unit (PQ), a date (TS) or
 * text (ST). A numeric value without a unit is a PQ with UCUM's unity `1`.
 */
export function observationValue(observation: MeasuredObservation, reference?: string): XmlElement | undefined {
  const valueType = (observation.ValueType ?? "").toLowerCase();
  if (hasCode(observation.CodedValue) && (valueType.includes("code") || valueType === "" || !observation.Value)) {
    return coded("value", observation.CodedValue, { xsiType: "CD", reference });
  }
  if (!observation.Value) return undefined;
  if (valueType.includes("date") || valueType === "time") {
    const value = time("value", observation.Value);
    if (!value.attributes.nullFlavor) return el("value", { "xsi:type": "TS", value: value.attributes.value });
  }
  if (isDecimal(observation.Value) && !valueType.includes("string")) {
    return el("value", { "xsi:type": "PQ", value: observation.Value.trim(), unit: csUnit(observation.Units) ?? "1" });
  }
  return el("value", { "xsi:type": "ST" }, observation.Value);
}

export function readObservationValue(observation: XNode, context: ReadContext): Partial<ResultObservation> {
  const value = child(observation, "value");
  if (!value || attr(value, "nullFlavor")) return {};
  const xsiType = (attr(value, "xsi:type") ?? "").replace(/^.*:/, "");
  const valueType = valueTypeByXsiType[xsiType];
  if (xsiType === "PQ" || xsiType === "INT" || xsiType === "REAL") {
    const unit = attr(value, "unit");
    return compact({
      Value: attr(value, "value"),
      Units: unit && unit !== "1" ? unit : undefined,
      ValueType: valueType,
    });
  }
  if (xsiType === "TS") return compact({ Value: readTime(value), ValueType: valueType });
  if (["CD", "CE", "CO", "CV"].includes(xsiType)) {
    const code = context.code(value);
    return compact({ CodedValue: code, Value: code?.Name ?? code?.Code ?? undefined, ValueType: valueType });
  }
  if (xsiType === "IVL_PQ") {
    const low = attr(child(value, "low"), "value");
    const high = attr(child(value, "high"), "value");
    return compact({
      Value: [low, high].filter(Boolean).join("-"),
      Units: attr(child(value, "low"), "unit"),
      ValueType: "String",
    });
  }
  return compact({ Value: textOf(value) || undefined, ValueType: valueType ?? "String" });
}

function referenceRange(
  range: ReferenceRange | null | undefined,
  units: string | null | undefined,
): XmlElement | undefined {
  if (!range || !(range.Low || range.High || range.Text)) return undefined;
  const numeric = isDecimal(range.Low) || isDecimal(range.High);
  return el(
    "referenceRange",
    {},
    el(
      "observationRange",
      {},
      range.Text ? el("text", {}, range.Text) : undefined,
      numeric
        ? el(
            "value",
            { "xsi:type": "IVL_PQ" },
            isDecimal(range.Low)
              ? el("low", { value: String(range.Low).trim(), unit: csUnit(units) ?? "1" })
              : undefined,
            isDecimal(range.High)
              ? el("high", { value: String(range.High).trim(), unit: csUnit(units) ?? "1" })
              : undefined,
          )
        : undefined,
    ),
  );
}

/** Result Observation (4.2), also the shape of functional status and other measured observations. */
export function resultObservation(
  observation: MeasuredObservation,
  context: RenderContext,
  id: (string | number)[],
  options: { rowId?: string; cell?: string; template?: { root: string; extension?: string } } = {},
): XmlElement {
  const interpretation = interpretationCode(observation.Interpretation);
  return el(
    "observation",
    { classCode: "OBS", moodCode: "EVN", negationInd: observation.IsNegativeIndicator ? "true" : undefined },
    templateIds(options.template ?? templates.resultObservation),
    context.id(...id),
    coded("code", observation, { reference: options.cell }),
    options.rowId ? textRef(options.rowId) : undefined,
    el("statusCode", { code: actStatus(observation.Status) }),
    time("effectiveTime", observation.DateTime),
    observationValue(observation),
    interpretation
      ? el("interpretationCode", {
          code: interpretation,
          codeSystem: oids.observationInterpretation,
          codeSystemName: "ObservationInterpretation",
          displayName: observation.Interpretation ?? undefined,
        })
      : undefined,
    hasCode(observation.TargetSite) ? coded("targetSiteCode", observation.TargetSite) : undefined,
    commentActivities((observation.Comments ?? []).map((comment) => comment.Text)),
    referenceRange(observation.ReferenceRange, observation.Units),
  );
}

export function parseResultObservation(
  observation: XNode,
  context: ReadContext,
): ResultObservation & { TargetSite?: Code } {
  const range = path(observation, "referenceRange", "observationRange");
  const rangeValue = child(range, "value");
  const status = attr(child(observation, "statusCode"), "code");
  const interpretation = child(observation, "interpretationCode");
  const comments = readComments(observation, context);
  return compact({
    ...(context.code(child(observation, "code")) ?? {}),
    Status: status ? (resultStatusWord[status] ?? status) : undefined,
    Interpretation: interpretation
      ? (interpretationWord(attr(interpretation, "code")) ??
        attr(interpretation, "displayName") ??
        attr(interpretation, "code"))
      : undefined,
    DateTime: readTime(child(observation, "effectiveTime")),
    ...readObservationValue(observation, context),
    ReferenceRange: range
      ? compact({
          Low: attr(child(rangeValue, "low"), "value"),
          High: attr(child(rangeValue, "high"), "value"),
          Text: context.resolveText(child(range, "text")),
        })
      : undefined,
    TargetSite: context.code(child(observation, "targetSiteCode")),
    // Not in Redox's model: an observation asserted absent must not read as present.
    IsNegativeIndicator: isNegated(observation) ? true : undefined,
    Comments: comments.map((text) => ({ Text: text })),
  }) as ResultObservation & { TargetSite?: Code };
}

/**
 * Result Organizer (4.1) per panel, with the producing lab as performer and the specimen, and one Result
 * Observation (4.2) per component: value typed by content, interpretation, reference range, comments.
 */
export function renderResults(results: readonly ResultsEntry[], context: RenderContext): RenderedSection {
  const builder = new SectionBuilder(context, "result", "Results", [
    "Test",
    "Result",
    "Units",
    "Interpretation",
    "Reference range",
    "Date",
  ]);
  results.forEach((result, index) => {
    const components = (result.Observations ?? []).map((observation, observationIndex) => {
      const { rowId, cell } = builder.row([
        displayOf(observation),
        observation.Value ?? displayOf(observation.CodedValue),
        observation.Units,
        observation.Interpretation,
        observation.ReferenceRange?.Text ??
          [observation.ReferenceRange?.Low, observation.ReferenceRange?.High].filter(Boolean).join("-"),
        observation.DateTime,
      ]);
      return el(
        "component",
        {},
        resultObservation(observation, context, ["result", index, observationIndex], { rowId, cell: cell(0) }),
      );
    });
    const dates = (result.Observations ?? [])
      .map((observation) => observation.DateTime)
      .filter((value): value is string => !!value);
    const producer = result.Producer;
    builder.entry(
      el(
        "organizer",
        { classCode: "BATTERY", moodCode: "EVN" },
        templateIds(templates.resultOrganizer),
        context.id("result", index),
        coded("code", result),
        el("statusCode", { code: actStatus(result.Status) }),
        result.Specimen?.CollectionDateTime || dates.length
          ? el(
              "effectiveTime",
              {},
              time("low", result.Specimen?.CollectionDateTime ?? dates.sort()[0]),
              dates.length > 1 ? time("high", dates.sort()[dates.length - 1]) : undefined,
            )
          : undefined,
        result.Specimen
          ? el(
              "specimen",
              {},
              el(
                "specimenRole",
                {},
                (result.Specimen.Identifiers ?? []).map((value) =>
                  el("id", { root: identifierRoot("Specimen"), extension: value }),
                ),
                hasCode(result.Specimen.Source)
                  ? el("specimenPlayingEntity", {}, coded("code", result.Specimen.Source))
                  : undefined,
              ),
            )
          : undefined,
        producer && (producer.ID || producer.Name)
          ? el(
              "performer",
              {},
              el(
                "assignedEntity",
                {},
                producer.ID
                  ? el("id", {
                      root: identifierRoot(producer.IDType),
                      extension: producer.ID,
                      assigningAuthorityName: producer.IDType ?? undefined,
                    })
                  : el("id", { nullFlavor: "UNK" }),
                producer.Address ? address(producer.Address, "WP") : undefined,
                producer.Name ? el("representedOrganization", {}, el("name", {}, producer.Name)) : undefined,
              ),
            )
          : undefined,
        components.length ? components : undefined,
      ),
    );
  });
  return builder.build();
}

export function parseResults(section: XNode, context: ReadContext): ResultsEntry[] {
  const out: ResultsEntry[] = [];
  for (const statement of sectionStatements(section)) {
    if (statement.name === "observation") {
      // A result without a panel: its own organizer-less entry.
      out.push(
        compact({
          ...(context.code(child(statement, "code")) ?? {}),
          Observations: [parseResultObservation(statement, context)],
        }),
      );
      continue;
    }
    if (statement.name !== "organizer") {
      context.warn(`Results: a ${statement.name} entry was skipped (expected a Result Organizer)`);
      continue;
    }
    const entity = path(statement, "performer", "assignedEntity");
    const entityId = child(entity, "id");
    const specimen = path(statement, "specimen", "specimenRole");
    const status = attr(child(statement, "statusCode"), "code");
    const observations = childrenNamed(statement, "component")
      .map((component) => child(component, "observation"))
      .filter((observation): observation is XNode => !!observation)
      .map((observation) => parseResultObservation(observation, context));
    out.push(
      compact({
        ...(context.code(child(statement, "code")) ?? {}),
        Status: status ? (resultStatusWord[status] ?? status) : undefined,
        Producer: entity
          ? compact({
              ID: attr(entityId, "extension"),
              IDType: attr(entityId, "extension")
                ? identifierType(attr(entityId, "root"), attr(entityId, "assigningAuthorityName"))
                : undefined,
              Name: textOf(path(entity, "representedOrganization", "name")) || undefined,
              Address: readAddress(child(entity, "addr")),
            })
          : undefined,
        Specimen: specimen
          ? compact({
              Identifiers: childrenNamed(specimen, "id")
                .map((id) => attr(id, "extension"))
                .filter((value): value is string => !!value),
              Source: context.code(path(specimen, "specimenPlayingEntity", "code")),
              CollectionDateTime: readInterval(child(statement, "effectiveTime")).low,
            })
          : undefined,
        Observations: observations,
      }),
    );
  }
  return out;
}
