import type { MedicalEquipmentEntry } from "../../clinical-summary/sections/medical-equipment.js";
import type { Code } from "../../common.js";
import { coded, interval, isDecimal, templateIds } from "../datatypes.js";
import { identifierRoot } from "../ids.js";
import { templates } from "../oids.js";
import { compact, readInterval, type ReadContext } from "../read-context.js";
import type { RenderContext } from "../render-context.js";
import { actStatus } from "../value-sets.js";
import { attr, child, childrenNamed, path, type XNode } from "../xml-reader.js";
import { el, type XmlElement } from "../xml-writer.js";
import {
  commentActivities,
  displayOf,
  readComments,
  flattenedStatements,
  SectionBuilder,
  textRef,
  type RenderedSection,
} from "./shared.js";

/** FDA's UDI issuing-agency root for device identifiers (C-CDA Product Instance 4.37). */
const udiRoot = "2.16.840.1.113883.3.3719";

type SupplyLike = {
  Product?: (Partial<Code> & { DeviceID?: string | null }) | null;
  Status?: string | null;
  StartDate?: string | null;
  Quantity?: string | number | null;
  Comments?: readonly { Text?: string | null }[] | null;
};

/** Non-Medicinal Supply Activity (4.50) with the device as a Product Instance (4.37). */
export function supplyActivity(
  supply: SupplyLike,
  context: RenderContext,
  id: (string | number)[],
  rowId?: string,
  cell?: string,
): XmlElement {
  return el(
    "supply",
    { classCode: "SPLY", moodCode: "EVN" },
    templateIds(templates.nonMedicinalSupplyActivity),
    context.id(...id),
    rowId ? textRef(rowId) : undefined,
    el("statusCode", { code: actStatus(supply.Status) }),
    supply.StartDate ? interval("effectiveTime", supply.StartDate, undefined, { xsiType: "IVL_TS" }) : undefined,
    isDecimal(supply.Quantity) ? el("quantity", { value: String(supply.Quantity).trim() }) : undefined,
    el(
      "participant",
      { typeCode: "PRD" },
      el(
        "participantRole",
        { classCode: "MANU" },
        templateIds(templates.productInstance),
        supply.Product?.DeviceID
          ? el("id", { root: udiRoot, extension: supply.Product.DeviceID })
          : el("id", { nullFlavor: "UNK" }),
        el("playingDevice", {}, coded("code", supply.Product, { reference: cell })),
        el("scopingEntity", {}, el("id", { root: identifierRoot("DeviceIssuer") })),
      ),
    ),
    commentActivities((supply.Comments ?? []).map((comment) => comment.Text)),
  );
}

export function parseSupply(statement: XNode, context: ReadContext): SupplyLike {
  const role = childrenNamed(statement, "participant")
    .map((participant) => child(participant, "participantRole"))
    .find((item) => !!child(item, "playingDevice"));
  const product = path(statement, "product", "manufacturedProduct", "manufacturedMaterial", "code");
  const deviceId = attr(child(role, "id"), "extension");
  const comments = readComments(statement, context);
  return compact({
    Product: compact({
      ...(context.code(path(role, "playingDevice", "code")) ?? context.code(product) ?? {}),
      DeviceID: deviceId,
    }),
    Status: attr(child(statement, "statusCode"), "code"),
    StartDate: readInterval(child(statement, "effectiveTime")).low,
    Quantity: attr(child(statement, "quantity"), "value"),
    Comments: comments.map((text) => ({ Text: text })),
  });
}

export function renderMedicalEquipment(
  equipment: readonly MedicalEquipmentEntry[],
  context: RenderContext,
): RenderedSection {
  const builder = new SectionBuilder(context, "equipment", "Medical equipment", [
    "Device",
    "Quantity",
    "Status",
    "Since",
  ]);
  equipment.forEach((item, index) => {
    const { rowId, cell } = builder.row([displayOf(item.Product), item.Quantity, item.Status, item.StartDate]);
    builder.entry(supplyActivity(item, context, ["equipment", index], rowId, cell(0)));
  });
  return builder.build();
}

export function parseMedicalEquipment(section: XNode, context: ReadContext): MedicalEquipmentEntry[] {
  const out: MedicalEquipmentEntry[] = [];
  for (const statement of flattenedStatements(section)) {
    if (statement.name !== "supply") {
      // Devices are also recorded as procedures (a pacemaker implanted); the procedure is what the model can hold.
      const code = context.code(child(statement, "code"));
      if (statement.name === "procedure" && code)
        out.push(compact({ Procedure: code, Status: attr(child(statement, "statusCode"), "code") }));
      else context.warn(`Medical equipment: a ${statement.name} entry was skipped`);
      continue;
    }
    out.push(parseSupply(statement, context) as MedicalEquipmentEntry);
  }
  return out;
}
