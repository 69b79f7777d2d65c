import type { InsurancesEntry } from "../../clinical-summary/sections/insurances.js";
import { address, fixedCode, identifier, interval, personName, phone, templateIds, time } from "../datatypes.js";
import { oids, templates } from "../oids.js";
import { readAddress, readIdentifier, readName, readTelecoms } from "../people.js";
import { compact, readInterval, readTime, type ReadContext } from "../read-context.js";
import type { RenderContext } from "../render-context.js";
import { administrativeGender, sexWord } from "../value-sets.js";
import { attr, child, childrenNamed, hasTemplate, path, textOf, type XNode } from "../xml-reader.js";
import { el } from "../xml-writer.js";
import { related, sectionStatements, SectionBuilder, textRef, type RenderedSection } from "./shared.js";

const payerPerformer = { root: "2.16.840.1.113883.10.20.22.4.87" };
const coveredParty = { root: "2.16.840.1.113883.10.20.22.4.89" };
const policyHolder = { root: "2.16.840.1.113883.10.20.22.4.90" };

/**
 * Coverage Activity (4.60) wrapping a Policy Activity (4.61): the policy and group numbers as ids, the payer as
 * performer (4.87), the member as covered party (4.89) with the coverage dates, the insured as policy holder (4.90),
 * and the plan as a referenced act.
 */
export function renderInsurances(insurances: readonly InsurancesEntry[], context: RenderContext): RenderedSection {
  const builder = new SectionBuilder(context, "insurance", "Insurance", [
    "Payer",
    "Plan",
    "Member number",
    "Group",
    "Effective",
    "Expires",
  ]);
  insurances.forEach((insurance, index) => {
    const { rowId } = builder.row([
      insurance.Company?.Name,
      insurance.Plan?.Name,
      insurance.MemberNumber,
      [insurance.GroupName, insurance.GroupNumber].filter(Boolean).join(" "),
      insurance.EffectiveDate,
      insurance.ExpirationDate,
    ]);
    const insured = insurance.Insured;
    const gender = administrativeGender[(insured?.Sex ?? "").toLowerCase()];
    const policyIds = [
      insurance.PolicyNumber ? identifier({ ID: insurance.PolicyNumber, IDType: "PolicyNumber" }) : undefined,
      insurance.GroupNumber ? identifier({ ID: insurance.GroupNumber, IDType: "GroupNumber" }) : undefined,
    ].filter(Boolean);
    const policy = el(
      "act",
      { classCode: "ACT", moodCode: "EVN" },
      templateIds(templates.policyActivity),
      policyIds.length ? policyIds : context.id("insurance", index, "policy"),
      insurance.CoverageType
        ? el("code", { nullFlavor: "OTH" }, el("originalText", {}, insurance.CoverageType))
        : el("code", { nullFlavor: "UNK" }),
      textRef(rowId),
      el("statusCode", { code: "completed" }),
      el(
        "performer",
        { typeCode: "PRF" },
        templateIds(payerPerformer),
        el(
          "assignedEntity",
          {},
          identifier({ ID: insurance.Company?.ID, IDType: insurance.Company?.IDType ?? "PayerID" }),
          insurance.Company?.Address ? address(insurance.Company.Address, "WP") : undefined,
          phone(insurance.Company?.PhoneNumber, "WP"),
          insurance.Company?.Name
            ? el("representedOrganization", {}, el("name", {}, insurance.Company.Name))
            : undefined,
        ),
      ),
      el(
        "participant",
        { typeCode: "COV" },
        templateIds(coveredParty),
        interval("time", insurance.EffectiveDate, insurance.ExpirationDate),
        el(
          "participantRole",
          {},
          insurance.MemberNumber
            ? identifier({ ID: insurance.MemberNumber, IDType: "MemberNumber" })
            : el("id", { nullFlavor: "UNK" }),
          insured?.Relationship
            ? el("code", { nullFlavor: "OTH" }, el("originalText", {}, insured.Relationship))
            : undefined,
          insured?.Address ? address(insured.Address, "HP") : undefined,
          insured
            ? el(
                "playingEntity",
                {},
                personName(insured),
                insured.DOB ? time("sdtc:birthTime", insured.DOB) : undefined,
              )
            : undefined,
        ),
      ),
      insured && (insured.Identifiers?.length || gender)
        ? el(
            "participant",
            { typeCode: "HLD" },
            templateIds(policyHolder),
            el(
              "participantRole",
              {},
              (insured.Identifiers ?? []).map((id) => identifier(id)),
              gender
                ? el("code", {
                    code: gender.code,
                    codeSystem: oids.administrativeGender,
                    displayName: gender.displayName,
                  })
                : undefined,
            ),
          )
        : undefined,
      insurance.Plan
        ? el(
            "entryRelationship",
            { typeCode: "REFR" },
            el(
              "act",
              { classCode: "ACT", moodCode: "DEF" },
              identifier({ ID: insurance.Plan.ID, IDType: insurance.Plan.IDType }),
              insurance.Plan.Type
                ? el("code", { nullFlavor: "OTH" }, el("originalText", {}, insurance.Plan.Type))
                : el("code", { nullFlavor: "UNK" }),
              insurance.Plan.Name ? el("text", {}, insurance.Plan.Name) : undefined,
            ),
          )
        : undefined,
    );
    builder.entry(
      el(
        "act",
        { classCode: "ACT", moodCode: "EVN" },
        templateIds(templates.coverageActivity),
        context.id("insurance", index),
        fixedCode("code", "48768-6", oids.loinc, "Payment sources"),
        el("statusCode", { code: "completed" }),
        el(
          "entryRelationship",
          { typeCode: "COMP" },
          insurance.Priority && /^\d+$/.test(insurance.Priority)
            ? el("sequenceNumber", { value: insurance.Priority })
            : undefined,
          policy,
        ),
      ),
    );
  });
  return builder.build();
}

function originalText(node: XNode | undefined): string | undefined {
  return textOf(child(node, "originalText")) || attr(node, "displayName") || undefined;
}

export function parseInsurances(section: XNode, context: ReadContext): InsurancesEntry[] {
  const out: InsurancesEntry[] = [];
  for (const coverage of sectionStatements(section)) {
    const policies = hasTemplate(coverage, templates.policyActivity.root)
      ? [coverage]
      : related(coverage).filter((item) => hasTemplate(item, templates.policyActivity.root));
    if (!policies.length) context.warn("Insurances: an entry without a Policy Activity was skipped");
    const sequence = attr(path(coverage, "entryRelationship", "sequenceNumber"), "value");
    for (const policy of policies) {
      const ids = childrenNamed(policy, "id").map(readIdentifier);
      const payer = path(policy, "performer", "assignedEntity");
      const payerId = readIdentifier(child(payer, "id"));
      const participants = childrenNamed(policy, "participant");
      const covered = participants.find((participant) => attr(participant, "typeCode") === "COV");
      const holder = participants.find((participant) => attr(participant, "typeCode") === "HLD");
      const member = readIdentifier(path(covered, "participantRole", "id"));
      const insuredEntity = path(covered, "participantRole", "playingEntity");
      const { Credentials: _credentials, ...insuredName } = readName(child(insuredEntity, "name"));
      const dates = readInterval(child(covered, "time"));
      const plan = related(policy, "REFR").find((item) => attr(item, "moodCode") === "DEF");
      const planId = readIdentifier(child(plan, "id"));
      const holderGender = attr(path(holder, "participantRole", "code"), "code");
      const { phones } = readTelecoms(childrenNamed(payer, "telecom"));
      const insured = compact({
        ...insuredName,
        Identifiers: childrenNamed(path(holder, "participantRole"), "id")
          .map(readIdentifier)
          .filter((id) => !!id),
        Relationship: originalText(path(covered, "participantRole", "code")),
        DOB: readTime(child(insuredEntity, "sdtc:birthTime")),
        Sex: holderGender ? (sexWord[holderGender] ?? holderGender) : undefined,
        Address: readAddress(path(covered, "participantRole", "addr")),
      });
      out.push(
        compact({
          PolicyNumber: ids.find((id) => id?.IDType === "PolicyNumber")?.ID,
          GroupNumber: ids.find((id) => id?.IDType === "GroupNumber")?.ID,
          CoverageType: originalText(child(policy, "code")),
          Company: payer
            ? compact({
                ID: payerId?.ID,
                IDType: payerId?.IDType === "PayerID" ? undefined : payerId?.IDType,
                Name: textOf(path(payer, "representedOrganization", "name")) || undefined,
                Address: readAddress(child(payer, "addr")),
                PhoneNumber: phones[0]?.value,
              })
            : undefined,
          MemberNumber: member?.IDType === "MemberNumber" || member?.ID ? member?.ID : undefined,
          EffectiveDate: dates.low,
          ExpirationDate: dates.high,
          Priority: sequence,
          Plan: plan
            ? compact({
                ID: planId?.ID,
                IDType: planId?.IDType,
                Name: context.resolveText(child(plan, "text")),
                Type: originalText(child(plan, "code")),
              })
            : undefined,
          Insured: Object.keys(insured).length ? insured : undefined,
        }) as InsurancesEntry,
      );
    }
  }
  return out;
}
