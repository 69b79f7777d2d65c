import type { CareTeamsEntry } from "../../clinical-summary/sections/care-teams.js";
import type { Identifier } from "../../common.js";
import { address, coded, fixedCode, identifier, interval, personName, phone, templateIds } from "../datatypes.js";
import { oids, templates } from "../oids.js";
import { readAddress, readIdentifier, readName, readTelecoms } from "../people.js";
import { compact, readInterval, type ReadContext } from "../read-context.js";
import type { RenderContext } from "../render-context.js";
import { actStatus } from "../value-sets.js";
import { attr, child, childrenNamed, path, textOf, type XNode } from "../xml-reader.js";
import { el } from "../xml-writer.js";
import { sectionStatements, SectionBuilder, type RenderedSection } from "./shared.js";

/** Care Team Organizer (4.500) with one Care Team Member Act (4.500.1) per member, in role, with dates. */
export function renderCareTeams(teams: readonly CareTeamsEntry[], context: RenderContext): RenderedSection {
  const builder = new SectionBuilder(context, "careteam", "Care teams", ["Team", "Member", "Role", "From", "To"]);
  teams.forEach((team, index) => {
    const members = (team.Members ?? []).map((member, memberIndex) => {
      builder.row([
        team.Name,
        [member.FirstName, member.LastName].filter(Boolean).join(" "),
        member.Roles?.[0]?.Name,
        member.StartDateTime,
        member.EndDateTime,
      ]);
      const ids = (member.Identifiers ?? []).filter((id) => id.ID);
      return el(
        "component",
        {},
        el(
          "act",
          { classCode: "PCPR", moodCode: "EVN" },
          templateIds(templates.careTeamMemberAct),
          context.id("careteam", index, memberIndex),
          fixedCode("code", "85847-2", oids.loinc, "Patient Care team information"),
          el("statusCode", { code: "active" }),
          interval("effectiveTime", member.StartDateTime, member.EndDateTime),
          el(
            "performer",
            { typeCode: "PRF" },
            member.Roles?.[0] ? coded("sdtc:functionCode", member.Roles[0]) : undefined,
            el(
              "assignedEntity",
              {},
              ids.length ? ids.map((id) => identifier(id)) : el("id", { nullFlavor: "UNK" }),
              address(member.Address, "WP"),
              (member.Telecom ?? []).map((telecom) => phone(telecom.Value, telecom.Use ?? "WP")),
              el("assignedPerson", {}, personName(member)),
            ),
          ),
        ),
      );
    });
    builder.entry(
      el(
        "organizer",
        { classCode: "CLUSTER", moodCode: "EVN" },
        templateIds(templates.careTeamOrganizer),
        context.id("careteam", index),
        fixedCode("code", "86744-0", oids.loinc, "Care team"),
        team.Name ? el("sdtc:text", {}, team.Name) : undefined,
        el("statusCode", { code: actStatus(team.Status, "active") }),
        members.length ? members : undefined,
      ),
    );
  });
  return builder.build();
}

export function parseCareTeams(section: XNode, context: ReadContext): CareTeamsEntry[] {
  return sectionStatements(section)
    .filter(
      (statement) =>
        statement.name === "organizer" || (context.warn(`Care teams: a ${statement.name} entry was skipped`), false),
    )
    .map(
      (organizer) =>
        compact({
          Name: textOf(child(organizer, "sdtc:text")) || undefined,
          Status: attr(child(organizer, "statusCode"), "code"),
          Members: childrenNamed(organizer, "component")
            .map((component) => child(component, "act"))
            .filter((act): act is XNode => !!act)
            .map((act) => {
              const entity = path(act, "performer", "assignedEntity");
              const dates = readInterval(child(act, "effectiveTime"));
              const role = context.code(path(act, "performer", "sdtc:functionCode"));
              const { phones } = readTelecoms(childrenNamed(entity, "telecom"));
              return compact({
                Identifiers: childrenNamed(entity, "id")
                  .map(readIdentifier)
                  .filter((id): id is Identifier => !!id),
                ...readName(path(entity, "assignedPerson", "name")),
                Address: readAddress(child(entity, "addr")),
                Telecom: phones.map((item) => compact({ Value: item.value, Use: item.use })),
                StartDateTime: dates.low,
                EndDateTime: dates.high,
                Roles: role ? [role] : [],
              });
            }),
        }) as CareTeamsEntry,
    );
}
