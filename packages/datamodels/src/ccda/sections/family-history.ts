import type { FamilyHistoryEntry } from "../../clinical-summary/sections/family-history.js";
import { coded, fixedCode, hasCode, isDecimal, templateIds, time } from "../datatypes.js";
import { oids, templates } from "../oids.js";
import { compact, isNegated, readTime, type ReadContext } from "../read-context.js";
import type { RenderContext } from "../render-context.js";
import { administrativeGender, sexWord } from "../value-sets.js";
import { attr, child, childrenNamed, hasTemplate, path, type XNode } from "../xml-reader.js";
import { el } from "../xml-writer.js";
import { displayOf, related, sectionStatements, SectionBuilder, textRef, type RenderedSection } from "./shared.js";

const deathObservationValue = { Code: "419099009", CodeSystem: oids.snomed, Name: "Dead" };

/**
 * Family History Organizer (4.45) per relative (relationship, sex, birth, deceased), one Family History Observation
 * (4.46) per condition, with age at onset (4.31) and, when it caused the relative's death, a Death Observation (4.47).
 */
export function renderFamilyHistory(history: readonly FamilyHistoryEntry[], context: RenderContext): RenderedSection {
  const builder = new SectionBuilder(context, "family", "Family history", [
    "Relative",
    "Condition",
    "Age at onset",
    "Cause of death",
  ]);
  history.forEach((relative, index) => {
    const gender = administrativeGender[(relative.Relation?.Demographics?.Sex ?? "").toLowerCase()];
    const components = (relative.Problems ?? []).map((problem, problemIndex) => {
      const { rowId, cell } = builder.row([
        displayOf(relative.Relation) + (relative.Relation?.IsDeceased ? " (deceased)" : ""),
        displayOf(problem),
        problem.AgeAtOnset,
        problem.IsCauseOfDeath ? "Yes" : "",
      ]);
      return el(
        "component",
        {},
        el(
          "observation",
          {
            classCode: "OBS",
            moodCode: "EVN",
            negationInd: (problem as { IsNegativeIndicator?: boolean }).IsNegativeIndicator ? "true" : undefined,
          },
          templateIds(templates.familyHistoryObservation),
          context.id("family", index, problemIndex),
          hasCode(problem.Type) ? coded("code", problem.Type) : fixedCode("code", "64572001", oids.snomed, "Condition"),
          textRef(rowId),
          el("statusCode", { code: "completed" }),
          problem.DateTime ? time("effectiveTime", problem.DateTime) : undefined,
          coded("value", problem, { xsiType: "CD", reference: cell(1) }),
          problem.IsCauseOfDeath
            ? el(
                "entryRelationship",
                { typeCode: "CAUS" },
                el(
                  "observation",
                  { classCode: "OBS", moodCode: "EVN" },
                  templateIds(templates.familyHistoryDeathObservation),
                  fixedCode("code", "ASSERTION", oids.actCode),
                  el("statusCode", { code: "completed" }),
                  coded("value", deathObservationValue, { xsiType: "CD" }),
                ),
              )
            : undefined,
          isDecimal(problem.AgeAtOnset)
            ? el(
                "entryRelationship",
                { typeCode: "SUBJ", inversionInd: "true" },
                el(
                  "observation",
                  { classCode: "OBS", moodCode: "EVN" },
                  templateIds(templates.ageObservation),
                  fixedCode("code", "445518008", oids.snomed, "Age At Onset"),
                  el("statusCode", { code: "completed" }),
                  el("value", { "xsi:type": "PQ", value: String(problem.AgeAtOnset).trim(), unit: "a" }),
                ),
              )
            : undefined,
        ),
      );
    });
    builder.entry(
      el(
        "organizer",
        { classCode: "CLUSTER", moodCode: "EVN" },
        templateIds(templates.familyHistoryOrganizer),
        context.id("family", index),
        el("statusCode", { code: "completed" }),
        el(
          "subject",
          {},
          el(
            "relatedSubject",
            { classCode: "PRS" },
            coded("code", relative.Relation),
            el(
              "subject",
              {},
              gender
                ? el("administrativeGenderCode", {
                    code: gender.code,
                    codeSystem: oids.administrativeGender,
                    displayName: gender.displayName,
                  })
                : el("administrativeGenderCode", { nullFlavor: "UNK" }),
              relative.Relation?.Demographics?.DOB ? time("birthTime", relative.Relation.Demographics.DOB) : undefined,
              typeof relative.Relation?.IsDeceased === "boolean"
                ? el("sdtc:deceasedInd", { value: String(relative.Relation.IsDeceased) })
                : undefined,
            ),
          ),
        ),
        components.length ? components : undefined,
      ),
    );
  });
  return builder.build();
}

export function parseFamilyHistory(section: XNode, context: ReadContext): FamilyHistoryEntry[] {
  const out: FamilyHistoryEntry[] = [];
  for (const statement of sectionStatements(section)) {
    if (statement.name !== "organizer") {
      context.warn(`Family history: a ${statement.name} entry was skipped`);
      continue;
    }
    const related_ = path(statement, "subject", "relatedSubject");
    const person = child(related_, "subject");
    const gender = attr(child(person, "administrativeGenderCode"), "code");
    const deceased = attr(child(person, "sdtc:deceasedInd"), "value");
    const problems = childrenNamed(statement, "component")
      .map((component) => child(component, "observation"))
      .filter((observation): observation is XNode => !!observation)
      .map((observation) => {
        const age = related(observation).find((item) => hasTemplate(item, templates.ageObservation.root));
        const cause = related(observation, "CAUS").some((item) =>
          hasTemplate(item, templates.familyHistoryDeathObservation.root),
        );
        const type = context.code(child(observation, "code"));
        return compact({
          ...(context.code(child(observation, "value")) ?? {}),
          Type: type?.Code === "64572001" ? undefined : type,
          DateTime: readTime(child(observation, "effectiveTime")),
          AgeAtOnset: attr(child(age, "value"), "value"),
          IsCauseOfDeath: cause || undefined,
          // Not in Redox's FamilyHistory: "no family history of X" must not read as a family history of X.
          IsNegativeIndicator: isNegated(observation) ? true : undefined,
        });
      });
    out.push(
      compact({
        Relation: compact({
          ...(context.code(child(related_, "code")) ?? {}),
          Demographics: person
            ? compact({
                Sex: gender ? (sexWord[gender] ?? gender) : undefined,
                DOB: readTime(child(person, "birthTime")),
              })
            : undefined,
          IsDeceased: deceased === undefined ? undefined : deceased === "true",
        }),
        Problems: problems,
      }),
    );
  }
  return out;
}
