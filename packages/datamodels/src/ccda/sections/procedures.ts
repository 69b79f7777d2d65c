import type { ProceduresSection } from "../../clinical-summary/sections/procedures.js";
import type { Code } from "../../common.js";
import { coded, hasCode, templateIds, time } from "../datatypes.js";
import { templates } from "../oids.js";
import { compact, isNegated, readTime, type ReadContext } from "../read-context.js";
import type { RenderContext } from "../render-context.js";
import { actStatus } from "../value-sets.js";
import { attr, child, hasTemplate, type XNode } from "../xml-reader.js";
import { el } from "../xml-writer.js";
import {
  commentActivities,
  displayOf,
  readComments,
  flattenedStatements,
  SectionBuilder,
  textRef,
  type RenderedSection,
} from "./shared.js";

type Performed = Partial<Code> & {
  IsNegativeIndicator?: boolean | null;
  DateTime?: string | null;
  Status?: string | null;
  TargetSite?: Partial<Code> | null;
  Comments?: readonly { Text?: string | null }[] | null;
};

/**
 * Procedures, in C-CDA's three shapes: Procedure Activity Procedure (4.14) for procedures that change the body,
 * Procedure Activity Observation (4.13) for those that only observe, Procedure Activity Act (4.12) for services.
 */
const kinds = [
  { key: "Procedures", element: "procedure", classCode: "PROC", template: templates.procedureActivityProcedure },
  { key: "Observations", element: "observation", classCode: "OBS", template: templates.procedureActivityObservation },
  { key: "Services", element: "act", classCode: "ACT", template: templates.procedureActivityAct },
] as const;

export function renderProcedures(procedures: NonNullable<ProceduresSection>, context: RenderContext): RenderedSection {
  const builder = new SectionBuilder(context, "procedure", "Procedures", [
    "Procedure",
    "Kind",
    "Date",
    "Status",
    "Site",
  ]);
  for (const kind of kinds) {
    ((procedures[kind.key] ?? []) as Performed[]).forEach((procedure, index) => {
      const { rowId, cell } = builder.row([
        displayOf(procedure),
        kind.key === "Services" ? "Service" : kind.key === "Observations" ? "Observation" : "Procedure",
        procedure.DateTime,
        procedure.Status,
        procedure.TargetSite?.Name,
      ]);
      builder.entry(
        el(
          kind.element,
          {
            classCode: kind.classCode,
            moodCode: "EVN",
            negationInd: procedure.IsNegativeIndicator ? "true" : undefined,
          },
          templateIds(kind.template),
          context.id("procedure", kind.key, index),
          coded("code", procedure, { reference: cell(0) }),
          textRef(rowId),
          el("statusCode", { code: actStatus(procedure.Status) }),
          time("effectiveTime", procedure.DateTime),
          // 4.13 requires a value; a procedure observed without a recorded result has none to give.
          kind.element === "observation" ? el("value", { "xsi:type": "CD", nullFlavor: "NA" }) : undefined,
          kind.element !== "act" && hasCode(procedure.TargetSite)
            ? coded("targetSiteCode", procedure.TargetSite)
            : undefined,
          commentActivities((procedure.Comments ?? []).map((comment) => comment.Text)),
        ),
      );
    });
  }
  return builder.build();
}

export function parseProcedures(section: XNode, context: ReadContext): NonNullable<ProceduresSection> {
  const out: Record<string, Performed[]> = { Procedures: [], Observations: [], Services: [] };
  for (const statement of flattenedStatements(section)) {
    const kind =
      kinds.find((item) => hasTemplate(statement, item.template.root)) ??
      kinds.find((item) => item.element === statement.name);
    if (!kind) {
      context.warn(`Procedures: a ${statement.name} entry was skipped`);
      continue;
    }
    const comments = readComments(statement, context);
    out[kind.key]!.push(
      compact({
        ...(context.code(child(statement, "code")) ?? {}),
        DateTime: readTime(child(statement, "effectiveTime")),
        Status: attr(child(statement, "statusCode"), "code"),
        // Not in Redox's Procedures: a procedure documented as not done must not read as done.
        IsNegativeIndicator: isNegated(statement) ? true : undefined,
        TargetSite: context.code(child(statement, "targetSiteCode")),
        Comments: comments.map((text) => ({ Text: text })),
      }),
    );
  }
  return compact(out) as NonNullable<ProceduresSection>;
}
