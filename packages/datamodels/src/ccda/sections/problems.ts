import type { ProblemsEntry } from "../../clinical-summary/sections/problems.js";
import type { Code } from "../../common.js";
import { coded, fixedCode, hasCode, interval, templateIds } from "../datatypes.js";
import { oids, templates, type TemplateId } from "../oids.js";
import { compact, isNegated, readInterval, type ReadContext } from "../read-context.js";
import type { RenderContext } from "../render-context.js";
import { concernStatus, defaultProblemType } from "../value-sets.js";
import { attr, child, hasTemplate, type XNode } from "../xml-reader.js";
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

/** A problem as every problem-like Redox list carries it (Problems, ResolvedProblems, diagnoses). */
export type ProblemLike = Partial<ProblemsEntry> & {
  Status?: Partial<Code> | null;
  HealthStatus?: Partial<Code> | null;
};

const healthStatusObservation: TemplateId = { root: "2.16.840.1.113883.10.20.22.4.5", extension: "2014-06-09" };

/**
 * Problem Observation (4.4): the problem is the value, its category the code (C-CDA Problem Type), its onset and
 * resolution the effectiveTime, with Problem Status (4.6) and Health Status (4.5) when known. A negated problem
 * ("no history of X") keeps `negationInd="true"`.
 */
export function problemObservation(
  problem: ProblemLike,
  context: RenderContext,
  id: (string | number)[],
  rowId?: string,
  cell?: string,
): XmlElement {
  const category: Partial<Code> = hasCode(problem.Category)
    ? problem.Category!
    : { Code: defaultProblemType.code, CodeSystem: oids.snomed, Name: defaultProblemType.displayName };
  return el(
    "observation",
    { classCode: "OBS", moodCode: "EVN", negationInd: problem.IsNegativeIndicator ? "true" : undefined },
    templateIds(templates.problemObservation),
    context.id(...id, "observation"),
    coded("code", category),
    rowId ? textRef(rowId) : undefined,
    el("statusCode", { code: "completed" }),
    interval("effectiveTime", problem.StartDate, problem.EndDate),
    coded("value", problem, { xsiType: "CD", reference: cell }),
    problem.Status && hasCode(problem.Status)
      ? el(
          "entryRelationship",
          { typeCode: "REFR" },
          el(
            "observation",
            { classCode: "OBS", moodCode: "EVN" },
            templateIds(templates.problemStatus),
            fixedCode("code", "33999-4", oids.loinc, "Status"),
            el("statusCode", { code: "completed" }),
            coded("value", problem.Status, { xsiType: "CD" }),
          ),
        )
      : undefined,
    problem.HealthStatus && hasCode(problem.HealthStatus)
      ? el(
          "entryRelationship",
          { typeCode: "REFR" },
          el(
            "observation",
            { classCode: "OBS", moodCode: "EVN" },
            templateIds(healthStatusObservation),
            fixedCode("code", "11323-3", oids.loinc, "Health status"),
            el("statusCode", { code: "completed" }),
            coded("value", problem.HealthStatus, { xsiType: "CD" }),
          ),
        )
      : undefined,
    commentActivities([problem.Comment, ...(problem.Comments ?? []).map((comment) => comment.Text)]),
  );
}

export function parseProblemObservation(observation: XNode, context: ReadContext): ProblemLike {
  const dates = readInterval(child(observation, "effectiveTime"));
  const status = relatedWithTemplate(observation, templates.problemStatus.root);
  const health = relatedWithTemplate(observation, healthStatusObservation.root);
  const comments = readComments(observation, context);
  const category = context.code(child(observation, "code"));
  return compact({
    ...(context.code(child(observation, "value")) ?? {}),
    StartDate: dates.low,
    EndDate: dates.high,
    // The default Problem Type says only "this is a problem"; a generated document writes it when none was given.
    Category: category?.Code === defaultProblemType.code ? undefined : category,
    Status: status ? context.code(child(status, "value")) : undefined,
    HealthStatus: health ? context.code(child(health, "value")) : undefined,
    IsNegativeIndicator: attr(observation, "negationInd") ? isNegated(observation) : undefined,
    Comment: comments[0],
    Comments: comments.slice(1).map((text) => ({ Text: text })),
  });
}

interface ProblemListOptions {
  prefix: string;
  caption: string;
  /** The act that wraps each observation: Problem Concern Act, or an admission/discharge/encounter diagnosis act. */
  wrapper: { template: TemplateId; code: { code: string; system: string; displayName: string } };
}

const concern = { code: "CONC", system: oids.actClass, displayName: "Concern" };

export const problemLists = {
  problems: {
    prefix: "problem",
    caption: "Problems",
    wrapper: { template: templates.problemConcernAct, code: concern },
  },
  resolved: {
    prefix: "resolved",
    caption: "Resolved problems",
    wrapper: { template: templates.problemConcernAct, code: concern },
  },
  admission: {
    prefix: "admission-dx",
    caption: "Admission diagnoses",
    wrapper: {
      template: templates.hospitalAdmissionDiagnosis,
      code: { code: "46241-6", system: oids.loinc, displayName: "Hospital admission diagnosis" },
    },
  },
  discharge: {
    prefix: "discharge-dx",
    caption: "Discharge diagnoses",
    wrapper: {
      template: templates.hospitalDischargeDiagnosis,
      code: { code: "11535-2", system: oids.loinc, displayName: "Hospital discharge diagnosis" },
    },
  },
} satisfies Record<string, ProblemListOptions>;

export function renderProblemList(
  problems: readonly ProblemLike[],
  context: RenderContext,
  options: ProblemListOptions,
): RenderedSection {
  const builder = new SectionBuilder(context, options.prefix, options.caption, [
    "Problem",
    "Status",
    "Onset",
    "Resolved",
    "Comments",
  ]);
  problems.forEach((problem, index) => {
    const { rowId, cell } = builder.row([
      (problem.IsNegativeIndicator ? "No history of: " : "") + displayOf(problem),
      problem.Status?.Name ?? problem.Status?.Code,
      problem.StartDate,
      problem.EndDate,
      [problem.Comment, ...(problem.Comments ?? []).map((comment) => comment.Text)].filter(Boolean).join("; "),
    ]);
    const isConcern = options.wrapper.code.code === "CONC";
    const status = isConcern ? concernStatus(problem.Status) : "completed";
    builder.entry(
      el(
        "act",
        { classCode: "ACT", moodCode: "EVN" },
        templateIds(options.wrapper.template),
        context.id(options.prefix, index),
        fixedCode("code", options.wrapper.code.code, options.wrapper.code.system, options.wrapper.code.displayName),
        el("statusCode", { code: status }),
        interval("effectiveTime", problem.StartDate, status === "completed" ? problem.EndDate : undefined),
        el(
          "entryRelationship",
          { typeCode: "SUBJ" },
          problemObservation(problem, context, [options.prefix, index], rowId, cell(0)),
        ),
      ),
    );
  });
  return builder.build();
}

/** Every Problem Observation under a section's entries, whatever act wraps it. */
export function parseProblemList(section: XNode, context: ReadContext, label: string): ProblemLike[] {
  const out: ProblemLike[] = [];
  for (const statement of sectionStatements(section)) {
    let observations = hasTemplate(statement, templates.problemObservation.root)
      ? [statement]
      : related(statement).filter((item) => hasTemplate(item, templates.problemObservation.root));
    // Documents written to other templates (HL7 CCD 1.0, HITSP C32) share the structure: an observation with a value.
    if (!observations.length) {
      observations =
        statement.name === "observation" && child(statement, "value")
          ? [statement]
          : related(statement).filter((item) => item.name === "observation" && !!child(item, "value"));
    }
    if (!observations.length) context.warn(`${label}: an entry without a Problem Observation was skipped`);
    for (const observation of observations) out.push(parseProblemObservation(observation, context));
  }
  return out;
}

/** For lists whose Redox shape has only `Comments` (diagnoses): every comment there, none in `Comment`. */
export function withCommentsOnly(problem: ProblemLike): ProblemLike {
  const { Comment, ...rest } = problem;
  const comments = [...(Comment ? [{ Text: Comment }] : []), ...(problem.Comments ?? [])];
  return compact({ ...rest, Comments: comments });
}
