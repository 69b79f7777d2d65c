import type { AssessmentSection } from "../../clinical-summary/sections/assessment.js";
import type { InstructionsEntry } from "../../clinical-summary/sections/instructions.js";
import type { ReasonForVisitEntry } from "../../clinical-summary/sections/reason-for-visit.js";
import type { Code } from "../../common.js";
import { coded, fixedCode, templateIds } from "../datatypes.js";
import { oids, templates } from "../oids.js";
import { compact, type ReadContext } from "../read-context.js";
import type { RenderContext } from "../render-context.js";
import { child, type XNode } from "../xml-reader.js";
import { el } from "../xml-writer.js";
import { parseProblemObservation, problemObservation, withCommentsOnly } from "./problems.js";
import { displayOf, sectionStatements, SectionBuilder, textRef, type RenderedSection } from "./shared.js";

/** VisitPush's own sections: reasons for the visit, instructions given, and the assessment's diagnoses. */

export function renderReasonForVisit(reasons: readonly ReasonForVisitEntry[], context: RenderContext): RenderedSection {
  const builder = new SectionBuilder(context, "reason", "Reasons for visit", ["Reason", "Category"]);
  reasons.forEach((reason, index) => {
    const { rowId, cell } = builder.row([displayOf(reason), displayOf(reason.Category)]);
    builder.entry(
      el(
        "observation",
        { classCode: "OBS", moodCode: "EVN" },
        context.id("reason", index),
        reason.Category ? coded("code", reason.Category) : fixedCode("code", "29299-5", oids.loinc, "Reason for visit"),
        textRef(rowId),
        el("statusCode", { code: "completed" }),
        coded("value", reason, { xsiType: "CD", reference: cell(0) }),
      ),
    );
  });
  return builder.build();
}

export function parseReasonForVisit(section: XNode, context: ReadContext): ReasonForVisitEntry[] {
  return sectionStatements(section).map((statement) => {
    const category = context.code(child(statement, "code"));
    return compact({
      ...(context.code(child(statement, "value")) ?? context.code(child(statement, "code")) ?? {}),
      Category: category?.Code === "29299-5" ? undefined : category,
    }) as ReasonForVisitEntry;
  });
}

export function renderInstructions(
  instructions: readonly InstructionsEntry[],
  context: RenderContext,
): RenderedSection {
  const builder = new SectionBuilder(context, "instruction", "Instructions", ["Instruction", "Text"]);
  instructions.forEach((instruction, index) => {
    builder.row([displayOf(instruction), instruction.Text]);
    builder.entry(
      el(
        "act",
        { classCode: "ACT", moodCode: "INT" },
        templateIds(templates.instruction),
        context.id("instruction", index),
        coded("code", instruction),
        instruction.Text ? el("text", {}, instruction.Text) : undefined,
        el("statusCode", { code: "completed" }),
      ),
    );
  });
  return builder.build();
}

export function parseInstructions(section: XNode, context: ReadContext): InstructionsEntry[] {
  return sectionStatements(section).map(
    (statement) =>
      compact({
        ...(context.code(child(statement, "code")) ?? {}),
        Text: context.resolveText(child(statement, "text")),
      }) as InstructionsEntry,
  );
}

type Diagnosis = NonNullable<NonNullable<AssessmentSection>["Diagnoses"]>[number];

/** The assessment's diagnoses as Problem Observations: the first code is the value, the others its translations. */
export function renderAssessment(assessment: NonNullable<AssessmentSection>, context: RenderContext): RenderedSection {
  const builder = new SectionBuilder(context, "assessment", "Assessment", ["Diagnosis", "Codes", "Date"]);
  (assessment.Diagnoses ?? []).forEach((diagnosis, index) => {
    const [first, ...others] = diagnosis.Codes ?? [];
    const { rowId, cell } = builder.row([
      (diagnosis.IsNegativeIndicator ? "Not: " : "") + (diagnosis.Value ?? ""),
      (diagnosis.Codes ?? []).map((code) => displayOf(code)).join(", "),
      diagnosis.DateTime,
    ]);
    builder.entry(
      problemObservation(
        {
          ...(first ?? {}),
          Name: first?.Name ?? diagnosis.Value,
          AltCodes: others,
          StartDate: diagnosis.DateTime,
          IsNegativeIndicator: diagnosis.IsNegativeIndicator,
          Comments: diagnosis.Comments,
        },
        context,
        ["assessment", index],
        rowId,
        cell(0),
      ),
    );
  });
  return builder.build();
}

export function parseAssessment(section: XNode, context: ReadContext): NonNullable<AssessmentSection> {
  const diagnoses = sectionStatements(section)
    .filter((statement) => statement.name === "observation")
    .map((observation) => {
      const problem = withCommentsOnly(parseProblemObservation(observation, context));
      const codes = [
        problem.Code
          ? {
              Code: problem.Code,
              CodeSystem: problem.CodeSystem,
              CodeSystemName: problem.CodeSystemName,
              Name: problem.Name,
            }
          : undefined,
        ...(problem.AltCodes ?? []),
      ].filter((code): code is Code => !!code);
      return compact({
        Value: problem.Name ?? undefined,
        DateTime: problem.StartDate ?? undefined,
        IsNegativeIndicator: problem.IsNegativeIndicator ?? undefined,
        Codes: codes.map((code) => compact({ ...code })),
        Comments: problem.Comments ?? undefined,
      }) as Diagnosis;
    });
  return compact({ Diagnoses: diagnoses });
}
