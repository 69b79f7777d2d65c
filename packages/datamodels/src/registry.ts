import { z } from "zod";
import {
  clinicalSummaryPatientPushSchema,
  clinicalSummaryVisitPushSchema,
  type ClinicalSummaryPatientPush,
  type ClinicalSummaryVisitPush,
} from "./clinical-summary.js";
import { metaSchema, type RedoxError } from "./envelope.js";
import { redoxErrorsFromZod, requestError } from "./errors.js";
import {
  mediaDeleteEventSchema,
  mediaNewSchema,
  mediaReplaceEventSchema,
  type MediaDelete,
  type MediaNew,
  type MediaReplace,
} from "./media.js";

export type DataModelName = "Clinical Summary" | "Media";

export type RedoxMessage =
  | { dataModel: "Clinical Summary"; eventType: "PatientPush"; payload: ClinicalSummaryPatientPush }
  | { dataModel: "Clinical Summary"; eventType: "VisitPush"; payload: ClinicalSummaryVisitPush }
  | { dataModel: "Media"; eventType: "New"; payload: MediaNew }
  | { dataModel: "Media"; eventType: "Replace"; payload: MediaReplace }
  | { dataModel: "Media"; eventType: "Delete"; payload: MediaDelete };

interface EventDefinition {
  schema: z.ZodType;
}

/** Every data model and event Conduit accepts, keyed by canonical name. */
export const dataModels: Record<DataModelName, Record<string, EventDefinition>> = {
  "Clinical Summary": {
    PatientPush: { schema: clinicalSummaryPatientPushSchema },
    VisitPush: { schema: clinicalSummaryVisitPushSchema },
  },
  Media: {
    New: { schema: mediaNewSchema },
    Replace: { schema: mediaReplaceEventSchema },
    Delete: { schema: mediaDeleteEventSchema },
  },
};

const canonicalName = (value: string) => value.replace(/[\s_-]/g, "").toLowerCase();

function findDataModel(name: string): DataModelName | undefined {
  return (Object.keys(dataModels) as DataModelName[]).find((model) => canonicalName(model) === canonicalName(name));
}

export function supportedEvents(): { dataModel: DataModelName; eventType: string }[] {
  return (Object.keys(dataModels) as DataModelName[]).flatMap((dataModel) =>
    Object.keys(dataModels[dataModel]).map((eventType) => ({ dataModel, eventType })),
  );
}

export type ParseResult = { ok: true; message: RedoxMessage } | { ok: false; errors: RedoxError[] };

/**
 * Validates a Redox request body: first the envelope, then the data model its `Meta` names. Every failing field is
 * reported with its path.
 */
export function parseRedoxRequest(body: unknown): ParseResult {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, errors: [requestError(1, "(body): expected a JSON object with Meta")] };
  }
  const envelope = z.object({ Meta: metaSchema }).safeParse(body);
  if (!envelope.success) return { ok: false, errors: redoxErrorsFromZod(envelope.error) };
  const meta = envelope.data.Meta;
  const dataModel = findDataModel(meta.DataModel);
  if (!dataModel) {
    const known = Object.keys(dataModels).map((name) => `"${name}"`);
    return {
      ok: false,
      errors: [
        requestError(1, `Meta.DataModel: "${meta.DataModel}" is not supported; expected one of ${known.join(", ")}`),
      ],
    };
  }
  const events = dataModels[dataModel];
  const eventType = Object.keys(events).find((event) => canonicalName(event) === canonicalName(meta.EventType));
  if (!eventType) {
    const known = Object.keys(events).map((name) => `"${name}"`);
    return {
      ok: false,
      errors: [
        requestError(
          1,
          `Meta.EventType: "${meta.EventType}" is not supported for ${dataModel}; expected one of ${known.join(", ")}`,
        ),
      ],
    };
  }
  const parsed = events[eventType]!.schema.safeParse(body);
  if (!parsed.success) return { ok: false, errors: redoxErrorsFromZod(parsed.error) };
  const payload = parsed.data as { Meta: Record<string, unknown> };
  payload.Meta.DataModel = dataModel;
  payload.Meta.EventType = eventType;
  return { ok: true, message: { dataModel, eventType, payload } as RedoxMessage };
}
