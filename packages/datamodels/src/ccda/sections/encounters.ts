import type { EncountersEntry } from "../../clinical-summary/sections/encounters.js";
import type { Code, Identifier, Organization } from "../../common.js";
import { address, coded, fixedCode, hasCode, identifier, interval, phone, templateIds } from "../datatypes.js";
import { oids, templates } from "../oids.js";
import { assignedProvider, readAddress, readIdentifier, readProvider, readTelecoms } from "../people.js";
import { compact, readInterval, type ReadContext } from "../read-context.js";
import type { RenderContext } from "../render-context.js";
import { actStatus } from "../value-sets.js";
import { attr, child, childrenNamed, hasTemplate, path, textOf, type XNode } from "../xml-reader.js";
import { el } from "../xml-writer.js";
import { parseProblemObservation, problemObservation, withCommentsOnly } from "./problems.js";
import { displayOf, related, sectionStatements, SectionBuilder, textRef, type RenderedSection } from "./shared.js";

/**
 * Encounter Activity (4.49): type, dates, discharge disposition, providers as performers, locations as Service
 * Delivery Locations (4.32), reasons for visit as indications, diagnoses as Encounter Diagnosis (4.80).
 */
export function renderEncounters(encounters: readonly EncountersEntry[], context: RenderContext): RenderedSection {
  const builder = new SectionBuilder(context, "encounter", "Encounters", [
    "Encounter",
    "Date",
    "End",
    "Providers",
    "Location",
    "Diagnoses",
  ]);
  encounters.forEach((encounter, index) => {
    const { rowId, cell } = builder.row([
      displayOf(encounter.Type),
      encounter.DateTime,
      encounter.EndDateTime,
      (encounter.Providers ?? [])
        .map((provider) => [provider.FirstName, provider.LastName].filter(Boolean).join(" ") || provider.Role?.Name)
        .join(", "),
      (encounter.Locations ?? []).map((location) => location.Name).join(", "),
      (encounter.Diagnosis ?? []).map((diagnosis) => displayOf(diagnosis)).join(", "),
    ]);
    const ids = (encounter.Identifiers ?? []).filter((id) => id.ID);
    builder.entry(
      el(
        "encounter",
        { classCode: "ENC", moodCode: "EVN" },
        templateIds(templates.encounterActivity),
        ids.length ? ids.map((id) => identifier(id)) : context.id("encounter", index),
        coded("code", encounter.Type, { reference: cell(0) }),
        textRef(rowId),
        encounter.Status ? el("statusCode", { code: actStatus(encounter.Status) }) : undefined,
        interval("effectiveTime", encounter.DateTime, encounter.EndDateTime),
        hasCode(encounter.DischargeDisposition)
          ? coded("sdtc:dischargeDispositionCode", encounter.DischargeDisposition)
          : undefined,
        (encounter.Providers ?? []).map((provider) =>
          el("performer", {}, el("assignedEntity", {}, assignedProvider(provider))),
        ),
        (encounter.Locations ?? []).map((location) => serviceDeliveryLocation(location)),
        (encounter.ReasonForVisit ?? []).map((reason, reasonIndex) =>
          el(
            "entryRelationship",
            { typeCode: "RSON" },
            el(
              "observation",
              { classCode: "OBS", moodCode: "EVN" },
              templateIds(templates.indication),
              context.id("encounter", index, "reason", reasonIndex),
              fixedCode("code", "75321-0", oids.loinc, "Clinical finding"),
              el("statusCode", { code: "completed" }),
              coded("value", reason, { xsiType: "CD" }),
            ),
          ),
        ),
        (encounter.Diagnosis ?? []).map((diagnosis, diagnosisIndex) =>
          el(
            "entryRelationship",
            { typeCode: "COMP" },
            el(
              "act",
              { classCode: "ACT", moodCode: "EVN" },
              templateIds(templates.encounterDiagnosis),
              fixedCode("code", "29308-4", oids.loinc, "Diagnosis"),
              el("statusCode", { code: "completed" }),
              el(
                "entryRelationship",
                { typeCode: "SUBJ" },
                problemObservation(diagnosis, context, ["encounter", index, "diagnosis", diagnosisIndex]),
              ),
            ),
          ),
        ),
      ),
    );
  });
  return builder.build();
}

export function serviceDeliveryLocation(location: Partial<Organization> & { Name?: string | null }) {
  return el(
    "participant",
    { typeCode: "LOC" },
    el(
      "participantRole",
      { classCode: "SDLOC" },
      templateIds(templates.serviceDeliveryLocation),
      (location.Identifiers ?? []).filter((id) => id.ID).map((id) => identifier(id)),
      coded("code", location.Type),
      location.Address ? address(location.Address) : undefined,
      (location.Telecom ?? []).map((telecom) => phone(telecom.Value, telecom.Use ?? undefined)),
      location.Name ? el("playingEntity", { classCode: "PLC" }, el("name", {}, location.Name)) : undefined,
    ),
  );
}

export function readServiceDeliveryLocation(role: XNode, context: ReadContext) {
  const { phones } = readTelecoms(childrenNamed(role, "telecom"));
  return compact({
    Identifiers: childrenNamed(role, "id")
      .map(readIdentifier)
      .filter((id): id is Identifier => !!id),
    Type: context.code(child(role, "code")),
    Address: readAddress(child(role, "addr")),
    Telecom: phones.map((item) => compact({ Value: item.value, Use: item.use })),
    Name: textOf(path(role, "playingEntity", "name")) || undefined,
  });
}

export function parseEncounters(section: XNode, context: ReadContext): EncountersEntry[] {
  const out: EncountersEntry[] = [];
  for (const statement of sectionStatements(section)) {
    if (statement.name !== "encounter") {
      context.warn(`Encounters: a ${statement.name} entry was skipped`);
      continue;
    }
    const dates = readInterval(child(statement, "effectiveTime"));
    const status = attr(child(statement, "statusCode"), "code");
    const diagnoses = related(statement)
      .filter((item) => hasTemplate(item, templates.encounterDiagnosis.root))
      .flatMap((act) => related(act).filter((item) => hasTemplate(item, templates.problemObservation.root)))
      .map((observation) => withCommentsOnly(parseProblemObservation(observation, context)));
    out.push(
      compact({
        Identifiers: childrenNamed(statement, "id")
          .map(readIdentifier)
          .filter((id): id is Identifier => !!id),
        Type: context.code(child(statement, "code")),
        Status: status,
        DateTime: dates.low,
        EndDateTime: dates.high,
        DischargeDisposition: context.code(child(statement, "sdtc:dischargeDispositionCode")),
        Providers: childrenNamed(statement, "performer")
          .map((performer) => readProvider(child(performer, "assignedEntity"), context))
          .filter((provider) => !!provider),
        Locations: childrenNamed(statement, "participant")
          .filter((participant) => attr(participant, "typeCode") === "LOC")
          .map((participant) => child(participant, "participantRole"))
          .filter((role): role is XNode => !!role)
          .map((role) => readServiceDeliveryLocation(role, context)),
        Diagnosis: diagnoses,
        ReasonForVisit: related(statement, "RSON")
          .map((reason) => context.code(child(reason, "value")))
          .filter((code): code is Code => !!code),
      }) as EncountersEntry,
    );
  }
  return out;
}
