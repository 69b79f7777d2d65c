import type { HealthConcernsEntry } from "../../clinical-summary/sections/health-concerns.js";
import { fixedCode, interval, templateIds } from "../datatypes.js";
import { oids, templates } from "../oids.js";
import { compact, isNegated, readInterval, type ReadContext } from "../read-context.js";
import type { RenderContext } from "../render-context.js";
import { actStatus } from "../value-sets.js";
import { attr, child, hasTemplate, type XNode } from "../xml-reader.js";
import { el } from "../xml-writer.js";
import { parseProblemObservation, problemObservation } from "./problems.js";
import {
  commentActivities,
  displayOf,
  readComments,
  related,
  sectionStatements,
  SectionBuilder,
  textRef,
  type RenderedSection,
} from "./shared.js";

/** Health Concern Act (4.132) naming the concern as a Problem Observation (4.4); its status is the act's. */
export function renderHealthConcerns(
  concerns: readonly HealthConcernsEntry[],
  context: RenderContext,
): RenderedSection {
  const builder = new SectionBuilder(context, "concern", "Health concerns", ["Concern", "Status", "Start", "End"]);
  concerns.forEach((concern, index) => {
    const { rowId, cell } = builder.row([displayOf(concern), concern.Status, concern.StartDate, concern.EndDate]);
    builder.entry(
      el(
        "act",
        { classCode: "ACT", moodCode: "EVN" },
        templateIds(templates.healthConcernAct),
        context.id("concern", index),
        fixedCode("code", "75310-3", oids.loinc, "Health concern"),
        textRef(rowId),
        el("statusCode", { code: actStatus(concern.Status, "active") }),
        interval("effectiveTime", concern.StartDate, concern.EndDate),
        el(
          "entryRelationship",
          { typeCode: "REFR" },
          problemObservation(
            {
              Code: concern.Code,
              CodeSystem: concern.CodeSystem,
              CodeSystemName: concern.CodeSystemName,
              Name: concern.Name,
              AltCodes: concern.AltCodes,
              Category: concern.Category,
              StartDate: concern.StartDate,
              EndDate: concern.EndDate,
            },
            context,
            ["concern", index],
            undefined,
            cell(0),
          ),
        ),
        commentActivities((concern.Comments ?? []).map((comment) => comment.Text)),
      ),
    );
  });
  return builder.build();
}

export function parseHealthConcerns(section: XNode, context: ReadContext): HealthConcernsEntry[] {
  const out: HealthConcernsEntry[] = [];
  for (const statement of sectionStatements(section)) {
    const observation =
      related(statement).find((item) => hasTemplate(item, templates.problemObservation.root)) ??
      (statement.name === "observation" ? statement : undefined);
    if (!observation) {
      // "No known health concerns" is a negated concern act with nothing inside: kept, as a negation.
      if (isNegated(statement)) {
        out.push({
          ...(context.code(child(statement, "code")) ?? {}),
          IsNegativeIndicator: true,
        } as HealthConcernsEntry);
      } else {
        context.warn("Health concerns: an entry without a concern observation was skipped");
      }
      continue;
    }
    const problem = parseProblemObservation(observation, context);
    const dates = readInterval(child(statement, "effectiveTime"));
    out.push(
      compact({
        Code: problem.Code,
        CodeSystem: problem.CodeSystem,
        CodeSystemName: problem.CodeSystemName,
        Name: problem.Name,
        AltCodes: problem.AltCodes,
        Category: problem.Category,
        Status: statement === observation ? undefined : attr(child(statement, "statusCode"), "code"),
        StartDate: dates.low ?? problem.StartDate,
        EndDate: dates.high ?? problem.EndDate,
        Comments: readComments(statement, context).map((text) => ({ Text: text })),
      }) as HealthConcernsEntry,
    );
  }
  return out;
}
