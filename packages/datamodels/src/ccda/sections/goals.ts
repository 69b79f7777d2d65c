import type { GoalsEntry } from "../../clinical-summary/sections/goals.js";
import { coded, fixedCode, hasCode, interval, templateIds } from "../datatypes.js";
import { oids, templates } from "../oids.js";
import { compact, readInterval, type ReadContext } from "../read-context.js";
import type { RenderContext } from "../render-context.js";
import { child, hasTemplate, type XNode } from "../xml-reader.js";
import { el, type XmlElement } from "../xml-writer.js";
import { observationValue, readObservationValue } from "./results.js";
import {
  commentActivities,
  displayOf,
  readComments,
  related,
  flattenedStatements,
  SectionBuilder,
  textRef,
  type RenderedSection,
} from "./shared.js";

const priorityPreference = { root: "2.16.840.1.113883.10.20.22.4.143" };

type Milestone = NonNullable<GoalsEntry["Milestones"]>[number];
type GoalLike = Milestone & { Milestones?: GoalLike[] | null; Comments?: GoalsEntry["Comments"] };

/** Goal Observation (4.121, moodCode GOL): the goal, its target value and dates, priority (4.143), milestones. */
function goalObservation(
  goal: GoalLike,
  context: RenderContext,
  id: (string | number)[],
  rowId?: string,
  cell?: string,
): XmlElement {
  return el(
    "observation",
    { classCode: "OBS", moodCode: "GOL" },
    templateIds(templates.goalObservation),
    context.id(...id),
    coded("code", goal, { reference: cell }),
    rowId ? textRef(rowId) : undefined,
    el("statusCode", { code: "active" }),
    goal.StartDate || goal.EndDate || goal.DateTime
      ? interval("effectiveTime", goal.StartDate ?? goal.DateTime, goal.EndDate)
      : undefined,
    observationValue({ CodedValue: goal.CodedValue, Value: goal.Value, Units: goal.Units }),
    hasCode(goal.Priority)
      ? el(
          "entryRelationship",
          { typeCode: "REFR" },
          el(
            "observation",
            { classCode: "OBS", moodCode: "EVN" },
            templateIds(priorityPreference),
            fixedCode("code", "225773000", oids.snomed, "Preference"),
            coded("value", goal.Priority, { xsiType: "CD" }),
          ),
        )
      : undefined,
    (goal.Milestones ?? []).map((milestone, index) =>
      el("entryRelationship", { typeCode: "COMP" }, goalObservation(milestone, context, [...id, "milestone", index])),
    ),
    commentActivities((goal.Comments ?? []).map((comment) => comment.Text)),
  );
}

function parseGoal(statement: XNode, context: ReadContext): GoalLike {
  const dates = readInterval(child(statement, "effectiveTime"));
  const priority = related(statement).find((item) => hasTemplate(item, priorityPreference.root));
  const value = readObservationValue(statement, context);
  return compact({
    ...(context.code(child(statement, "code")) ?? {}),
    StartDate: dates.low,
    EndDate: dates.high,
    CodedValue: value.CodedValue,
    Value: value.CodedValue ? undefined : value.Value,
    Units: value.Units,
    Priority: priority ? context.code(child(priority, "value")) : undefined,
    Milestones: related(statement, "COMP")
      .filter((item) => hasTemplate(item, templates.goalObservation.root))
      .map((item) => parseGoal(item, context)),
    Comments: readComments(statement, context).map((text) => ({ Text: text })),
  }) as GoalLike;
}

export function renderGoals(goals: readonly GoalsEntry[], context: RenderContext): RenderedSection {
  const builder = new SectionBuilder(context, "goal", "Goals", ["Goal", "Target", "Start", "End", "Priority"]);
  goals.forEach((goal, index) => {
    const { rowId, cell } = builder.row([
      displayOf(goal),
      goal.Value ?? displayOf(goal.CodedValue),
      goal.StartDate,
      goal.EndDate,
      goal.Priority?.Name,
    ]);
    builder.entry(goalObservation(goal as GoalLike, context, ["goal", index], rowId, cell(0)));
  });
  return builder.build();
}

export function parseGoals(section: XNode, context: ReadContext): GoalsEntry[] {
  return flattenedStatements(section)
    .filter(
      (statement) =>
        statement.name === "observation" || (context.warn(`Goals: a ${statement.name} entry was skipped`), false),
    )
    .map((statement) => parseGoal(statement, context) as GoalsEntry);
}
