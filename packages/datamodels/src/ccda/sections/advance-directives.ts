import type { AdvanceDirectivesEntry } from "../../clinical-summary/sections/advance-directives.js";
import { address, coded, interval, personName, templateIds, time } from "../datatypes.js";
import { templates } from "../oids.js";
import { readAddress, readName } from "../people.js";
import { compact, readInterval, readTime, type ReadContext } from "../read-context.js";
import type { RenderContext } from "../render-context.js";
import { attr, child, childrenNamed, path, type XNode } from "../xml-reader.js";
import { el } from "../xml-writer.js";
import { displayOf, flattenedStatements, SectionBuilder, textRef, type RenderedSection } from "./shared.js";

const verifierTemplate = { root: "2.16.840.1.113883.10.20.1.58" };

/**
 * Advance Directive Observation (4.48): the directive type as code, the directive as value, who verified it
 * (participant VRF), who holds it (participant CST), and the document itself as an external reference.
 */
export function renderAdvanceDirectives(
  directives: readonly AdvanceDirectivesEntry[],
  context: RenderContext,
): RenderedSection {
  const builder = new SectionBuilder(context, "directive", "Advance directives", [
    "Directive",
    "Type",
    "Start",
    "End",
    "Verified by",
    "Document",
  ]);
  directives.forEach((directive, index) => {
    const { rowId, cell } = builder.row([
      displayOf(directive),
      displayOf(directive.Type),
      directive.StartDate,
      directive.EndDate,
      (directive.VerifiedBy ?? [])
        .map((person) => [person.Credentials, person.FirstName, person.LastName].filter(Boolean).join(" "))
        .join(", "),
      directive.ExternalReference,
    ]);
    builder.entry(
      el(
        "observation",
        { classCode: "OBS", moodCode: "EVN" },
        templateIds(templates.advanceDirectiveObservation),
        context.id("directive", index),
        coded("code", directive.Type),
        textRef(rowId),
        el("statusCode", { code: "completed" }),
        interval("effectiveTime", directive.StartDate, directive.EndDate, { highWhenAbsent: true }),
        coded("value", directive, { xsiType: "CD", reference: cell(0) }),
        (directive.VerifiedBy ?? []).map((person) =>
          el(
            "participant",
            { typeCode: "VRF" },
            templateIds(verifierTemplate),
            person.DateTime ? time("time", person.DateTime) : undefined,
            el("participantRole", {}, el("playingEntity", {}, personName(person))),
          ),
        ),
        (directive.Custodians ?? []).map((person) =>
          el(
            "participant",
            { typeCode: "CST" },
            el(
              "participantRole",
              { classCode: "AGNT" },
              person.Address ? address(person.Address) : undefined,
              el("playingEntity", {}, personName(person)),
            ),
          ),
        ),
        directive.ExternalReference
          ? el(
              "reference",
              { typeCode: "REFR" },
              el(
                "externalDocument",
                {},
                context.id("directive", index, "document"),
                el("text", {}, el("reference", { value: directive.ExternalReference })),
              ),
            )
          : undefined,
      ),
    );
  });
  return builder.build();
}

/** Credentials travel as name suffixes; Redox keeps one credentials string per person here. */
function person(node: XNode | undefined) {
  const { Credentials, ...name } = readName(path(node, "participantRole", "playingEntity", "name"));
  return { ...name, Credentials: Credentials?.join(" ") };
}

export function parseAdvanceDirectives(section: XNode, context: ReadContext): AdvanceDirectivesEntry[] {
  const out: AdvanceDirectivesEntry[] = [];
  for (const statement of flattenedStatements(section)) {
    if (statement.name !== "observation") {
      context.warn(`Advance directives: a ${statement.name} entry was skipped`);
      continue;
    }
    const dates = readInterval(child(statement, "effectiveTime"));
    const participants = childrenNamed(statement, "participant");
    out.push(
      compact({
        ...(context.code(child(statement, "value")) ?? {}),
        Type: context.code(child(statement, "code")),
        StartDate: dates.low,
        EndDate: dates.high,
        ExternalReference: attr(path(statement, "reference", "externalDocument", "text", "reference"), "value"),
        VerifiedBy: participants
          .filter((participant) => attr(participant, "typeCode") === "VRF")
          .map((participant) => compact({ ...person(participant), DateTime: readTime(child(participant, "time")) })),
        Custodians: participants
          .filter((participant) => attr(participant, "typeCode") === "CST")
          .map((participant) =>
            compact({ ...person(participant), Address: readAddress(path(participant, "participantRole", "addr")) }),
          ),
      }) as AdvanceDirectivesEntry,
    );
  }
  return out;
}
