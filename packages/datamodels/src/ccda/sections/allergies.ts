import type { AllergiesEntry } from "../../clinical-summary/sections/allergies.js";
import { coded, fixedCode, hasCode, interval, templateIds } from "../datatypes.js";
import { oids, templates } from "../oids.js";
import { compact, isNegated, readInterval, type ReadContext } from "../read-context.js";
import type { RenderContext } from "../render-context.js";
import { concernStatus, defaultAllergyType } from "../value-sets.js";
import { attr, child, hasTemplate, path, type XNode } from "../xml-reader.js";
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

/**
 * Allergies: Allergy Concern Act (4.30) wrapping an Allergy-Intolerance Observation (4.7) with its substance,
 * reactions (4.9) with their severity (4.8), severity, criticality (4.145), status (4.28) and comments.
 * `IsNegativeIndicator` is `negationInd="true"` on the observation: "no known allergy to X", never an allergy to X.
 */
export function renderAllergies(allergies: readonly AllergiesEntry[], context: RenderContext): RenderedSection {
  const builder = new SectionBuilder(context, "allergy", "Allergies", [
    "Substance",
    "Reaction",
    "Severity",
    "Criticality",
    "Status",
    "Dates",
  ]);
  allergies.forEach((allergy, index) => {
    const reactions = (allergy.Reaction ?? [])
      .map((reaction) => reaction.Name ?? reaction.Text ?? reaction.Code)
      .filter(Boolean);
    const { rowId, cell } = builder.row([
      (allergy.IsNegativeIndicator ? "No known allergy: " : "") + displayOf(allergy.Substance),
      reactions.join(", "),
      allergy.Severity?.Name,
      allergy.Criticality?.Name,
      allergy.Status?.Name,
      [allergy.StartDate, allergy.EndDate].filter(Boolean).join(" - "),
    ]);
    const status = concernStatus(allergy.Status);
    const observation = el(
      "observation",
      { classCode: "OBS", moodCode: "EVN", negationInd: allergy.IsNegativeIndicator ? "true" : undefined },
      templateIds(templates.allergyIntoleranceObservation),
      context.id("allergy", index, "observation"),
      fixedCode("code", "ASSERTION", oids.actCode),
      textRef(rowId),
      el("statusCode", { code: "completed" }),
      interval("effectiveTime", allergy.StartDate, allergy.EndDate),
      coded("value", hasCode(allergy.Type) ? allergy.Type : defaultAllergyType, { xsiType: "CD" }),
      el(
        "participant",
        { typeCode: "CSM" },
        el(
          "participantRole",
          { classCode: "MANU" },
          el("playingEntity", { classCode: "MMAT" }, coded("code", allergy.Substance, { reference: cell(0) })),
        ),
      ),
      allergy.Status && hasCode(allergy.Status)
        ? el(
            "entryRelationship",
            { typeCode: "SUBJ", inversionInd: "true" },
            el(
              "observation",
              { classCode: "OBS", moodCode: "EVN" },
              templateIds(templates.allergyStatusObservation),
              fixedCode("code", "33999-4", oids.loinc, "Status"),
              el("statusCode", { code: "completed" }),
              coded("value", allergy.Status, { xsiType: "CE", reference: cell(4) }),
            ),
          )
        : undefined,
      (allergy.Reaction ?? []).map((reaction, reactionIndex) =>
        el(
          "entryRelationship",
          { typeCode: "MFST", inversionInd: "true" },
          el(
            "observation",
            { classCode: "OBS", moodCode: "EVN" },
            templateIds(templates.reactionObservation),
            context.id("allergy", index, "reaction", reactionIndex),
            fixedCode("code", "ASSERTION", oids.actCode),
            reaction.Text ? el("text", {}, reaction.Text) : undefined,
            el("statusCode", { code: "completed" }),
            coded("value", reaction, { xsiType: "CD" }),
            reaction.Severity ? severity(reaction.Severity) : undefined,
          ),
        ),
      ),
      allergy.Severity ? severity(allergy.Severity, cell(2)) : undefined,
      allergy.Criticality
        ? el(
            "entryRelationship",
            { typeCode: "SUBJ", inversionInd: "true" },
            el(
              "observation",
              { classCode: "OBS", moodCode: "EVN" },
              templateIds(templates.criticalityObservation),
              fixedCode("code", "82606-5", oids.loinc, "Criticality"),
              el("statusCode", { code: "completed" }),
              coded("value", allergy.Criticality, { xsiType: "CD", reference: cell(3) }),
            ),
          )
        : undefined,
      commentActivities([allergy.Comment, ...(allergy.Comments ?? []).map((comment) => comment.Text)]),
    );
    builder.entry(
      el(
        "act",
        { classCode: "ACT", moodCode: "EVN" },
        templateIds(templates.allergyConcernAct),
        context.id("allergy", index),
        fixedCode("code", "CONC", oids.actClass, "Concern"),
        el("statusCode", { code: status }),
        interval("effectiveTime", allergy.StartDate, status === "completed" ? allergy.EndDate : undefined),
        el("entryRelationship", { typeCode: "SUBJ" }, observation),
      ),
    );
  });
  return builder.build();
}

function severity(value: AllergiesEntry["Severity"], reference?: string): XmlElement {
  return el(
    "entryRelationship",
    { typeCode: "SUBJ", inversionInd: "true" },
    el(
      "observation",
      { classCode: "OBS", moodCode: "EVN" },
      templateIds(templates.severityObservation),
      fixedCode("code", "SEV", oids.actCode, "Severity Observation"),
      el("statusCode", { code: "completed" }),
      coded("value", value, { xsiType: "CD", reference }),
    ),
  );
}

function readSeverity(statement: XNode | undefined, context: ReadContext) {
  const observation = relatedWithTemplate(statement, templates.severityObservation.root);
  return observation ? context.code(child(observation, "value")) : undefined;
}

export function parseAllergies(section: XNode, context: ReadContext): AllergiesEntry[] {
  const out: AllergiesEntry[] = [];
  for (const concern of sectionStatements(section)) {
    // A concern act wraps one or more observations; some senders put the observation directly in the entry.
    let observations = hasTemplate(concern, templates.allergyIntoleranceObservation.root)
      ? [concern]
      : related(concern, "SUBJ").filter((item) => hasTemplate(item, templates.allergyIntoleranceObservation.root));
    // Other template sets (HL7 CCD 1.0, HITSP C32) share the structure: an observation naming what was consumed.
    if (!observations.length) {
      observations = related(concern, "SUBJ").filter(
        (item) =>
          item.name === "observation" && (!!path(item, "participant", "participantRole") || !!child(item, "value")),
      );
    }
    if (!observations.length)
      context.warn(`Allergies: an entry without an Allergy-Intolerance Observation was skipped`);
    for (const observation of observations) {
      const dates = readInterval(child(observation, "effectiveTime"));
      const concernDates = readInterval(child(concern, "effectiveTime"));
      const statusObservation = relatedWithTemplate(observation, templates.allergyStatusObservation.root);
      const criticality = relatedWithTemplate(observation, templates.criticalityObservation.root);
      const reactions = related(observation, "MFST")
        .filter((item) => hasTemplate(item, templates.reactionObservation.root))
        .map((reaction) =>
          compact({
            ...(context.code(child(reaction, "value")) ?? {}),
            Severity: readSeverity(reaction, context),
            Text: context.resolveText(child(reaction, "text")),
          }),
        );
      const comments = readComments(observation, context);
      out.push(
        compact({
          Type: context.code(child(observation, "value")),
          Substance: context.code(path(observation, "participant", "participantRole", "playingEntity", "code")),
          Reaction: reactions,
          Severity: readSeverity(observation, context),
          Criticality: criticality ? context.code(child(criticality, "value")) : undefined,
          Status: statusObservation ? context.code(child(statusObservation, "value")) : concernStatusCode(concern),
          IsNegativeIndicator: attr(observation, "negationInd") ? isNegated(observation) : undefined,
          StartDate: dates.low ?? concernDates.low,
          EndDate: dates.high,
          Comment: comments[0],
          Comments: comments.slice(1).map((text) => ({ Text: text })),
        }),
      );
    }
  }
  return out;
}

/** Without a status observation, the concern's own status is the best statement of whether the allergy is current. */
function concernStatusCode(concern: XNode) {
  const status = attr(child(concern, "statusCode"), "code");
  if (status === "active")
    return { Code: "55561003", CodeSystem: oids.snomed, CodeSystemName: "SNOMED CT", Name: "Active" };
  if (status === "completed")
    return { Code: "73425007", CodeSystem: oids.snomed, CodeSystemName: "SNOMED CT", Name: "Inactive" };
  return undefined;
}
