import type { SocialHistorySection } from "../../clinical-summary/sections/social-history.js";
import type { Code } from "../../common.js";
import { coded, csUnit, fixedCode, hasCode, interval, isDecimal, templateIds, time } from "../datatypes.js";
import { oids, templates } from "../oids.js";
import { compact, isNegated, readInterval, readTime, type ReadContext } from "../read-context.js";
import type { RenderContext } from "../render-context.js";
import { attr, child, hasTemplate, textOf, type XNode } from "../xml-reader.js";
import { el, type XmlElement } from "../xml-writer.js";
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

type Section = NonNullable<SocialHistorySection>;
type SocialObservation = NonNullable<Section["Observations"]>[number];
type TobaccoUse = NonNullable<Section["TobaccoUse"]>[number];
type Pregnancy = NonNullable<Section["Pregnancy"]>[number];

const pregnant = { Code: "77386006", CodeSystem: oids.snomed, Name: "Pregnant" };
const estimatedDeliveryTemplate = { root: "2.16.840.1.113883.10.20.15.3.1" };

function socialValue(observation: SocialObservation): XmlElement | undefined {
  if (hasCode(observation.Value)) return coded("value", observation.Value, { xsiType: "CD" });
  if (!observation.ValueText) return undefined;
  if (isDecimal(observation.ValueText)) {
    return el("value", {
      "xsi:type": "PQ",
      value: observation.ValueText.trim(),
      unit: csUnit(observation.Units) ?? "1",
    });
  }
  return el("value", { "xsi:type": "ST" }, observation.ValueText);
}

/**
 * Social History Observations (4.38), Smoking Status (4.78) for the tobacco entry flagged `IsSmokingStatus` and
 * Tobacco Use (4.85) for the others, and Pregnancy Observations with their estimated delivery date.
 */
export function renderSocialHistory(social: Section, context: RenderContext): RenderedSection {
  const builder = new SectionBuilder(context, "social", "Social history", ["Element", "Value", "Start", "End"]);
  (social.Observations ?? []).forEach((observation, index) => {
    const { rowId, cell } = builder.row([
      displayOf(observation),
      observation.ValueText ?? displayOf(observation.Value),
      observation.StartDate,
      observation.EndDate,
    ]);
    builder.entry(
      el(
        "observation",
        { classCode: "OBS", moodCode: "EVN" },
        templateIds(templates.socialHistoryObservation),
        context.id("social", index),
        coded("code", observation, { reference: cell(0) }),
        textRef(rowId),
        el("statusCode", { code: "completed" }),
        interval("effectiveTime", observation.StartDate, observation.EndDate),
        socialValue(observation),
        commentActivities((observation.Comments ?? []).map((comment) => comment.Text)),
      ),
    );
  });
  (social.TobaccoUse ?? []).forEach((tobacco, index) => {
    const { rowId, cell } = builder.row([
      tobacco.IsSmokingStatus ? "Smoking status" : "Tobacco use",
      displayOf(tobacco),
      tobacco.StartDate,
      tobacco.EndDate,
    ]);
    const smoking = !!tobacco.IsSmokingStatus;
    builder.entry(
      el(
        "observation",
        { classCode: "OBS", moodCode: "EVN" },
        templateIds(smoking ? templates.smokingStatus : templates.tobaccoUse),
        context.id("tobacco", index),
        smoking
          ? fixedCode("code", "72166-2", oids.loinc, "Tobacco smoking status")
          : fixedCode("code", "11367-0", oids.loinc, "History of tobacco use"),
        textRef(rowId),
        el("statusCode", { code: "completed" }),
        // Smoking Status is a point in time (4.78); Tobacco Use an interval (4.85).
        smoking && !tobacco.EndDate
          ? time("effectiveTime", tobacco.StartDate)
          : interval("effectiveTime", tobacco.StartDate, tobacco.EndDate),
        coded("value", tobacco, { xsiType: "CD", reference: cell(1) }),
        commentActivities((tobacco.Comments ?? []).map((comment) => comment.Text)),
      ),
    );
  });
  (social.Pregnancy ?? []).forEach((pregnancy, index) => {
    const { rowId } = builder.row([
      "Pregnancy",
      pregnancy.EstimatedDelivery ? `Estimated delivery ${pregnancy.EstimatedDelivery}` : "Pregnant",
      pregnancy.StartDate,
      pregnancy.EndDate,
    ]);
    const delivery = time("value", pregnancy.EstimatedDelivery);
    builder.entry(
      el(
        "observation",
        { classCode: "OBS", moodCode: "EVN" },
        templateIds(templates.pregnancyObservation),
        context.id("pregnancy", index),
        fixedCode("code", "ASSERTION", oids.actCode),
        textRef(rowId),
        el("statusCode", { code: "completed" }),
        interval("effectiveTime", pregnancy.StartDate, pregnancy.EndDate),
        coded("value", pregnant, { xsiType: "CD" }),
        !delivery.attributes.nullFlavor
          ? el(
              "entryRelationship",
              { typeCode: "REFR" },
              el(
                "observation",
                { classCode: "OBS", moodCode: "EVN" },
                templateIds(estimatedDeliveryTemplate),
                fixedCode("code", "11778-8", oids.loinc, "Delivery date Estimated"),
                el("statusCode", { code: "completed" }),
                el("value", { "xsi:type": "TS", value: delivery.attributes.value }),
              ),
            )
          : undefined,
        commentActivities((pregnancy.Comments ?? []).map((comment) => comment.Text)),
      ),
    );
  });
  return builder.build();
}

export function parseSocialHistory(section: XNode, context: ReadContext): Section {
  const observations: SocialObservation[] = [];
  const tobacco: TobaccoUse[] = [];
  const pregnancies: Pregnancy[] = [];
  for (const statement of sectionStatements(section)) {
    if (statement.name !== "observation") {
      context.warn(`Social history: a ${statement.name} entry was skipped`);
      continue;
    }
    const dates = readInterval(child(statement, "effectiveTime"));
    const comments = readComments(statement, context).map((text) => ({ Text: text }));
    const value = child(statement, "value");
    const valueType = attr(value, "xsi:type") ?? "";
    if (hasTemplate(statement, templates.smokingStatus.root) || hasTemplate(statement, templates.tobaccoUse.root)) {
      tobacco.push(
        compact({
          ...(context.code(value) ?? {}),
          IsSmokingStatus: hasTemplate(statement, templates.smokingStatus.root),
          StartDate: dates.low,
          EndDate: dates.high,
          Comments: comments,
        }),
      );
    } else if (hasTemplate(statement, templates.pregnancyObservation.root)) {
      const delivery = related(statement).find((item) => hasTemplate(item, estimatedDeliveryTemplate.root));
      pregnancies.push(
        compact({
          StartDate: dates.low,
          EndDate: dates.high,
          EstimatedDelivery: readTime(child(delivery, "value")),
          Comments: comments,
        }),
      );
    } else {
      const coded = /^(CD|CE|CO|CV)$/.test(valueType.replace(/^.*:/, ""));
      observations.push(
        compact({
          ...(context.code(child(statement, "code")) ?? {}),
          Value: coded ? context.code(value) : undefined,
          ValueText: coded ? undefined : (attr(value, "value") ?? (textOf(value) || undefined)),
          Units: valueType.endsWith("PQ") && attr(value, "unit") !== "1" ? attr(value, "unit") : undefined,
          StartDate: dates.low,
          EndDate: dates.high,
          Comments: comments,
          // Not in Redox's SocialHistory: a negated observation must not read as a positive one.
          IsNegativeIndicator: isNegated(statement) ? true : undefined,
        }) as SocialObservation & { Value?: Code },
      );
    }
  }
  return compact({ Observations: observations, TobaccoUse: tobacco, Pregnancy: pregnancies });
}
