import { readFileSync } from "node:fs";
import path from "node:path";
import { parseCcda } from "@conduit/datamodels";
import { describe, expect, it } from "vitest";
import { deliveryBody } from "./delivery-body.js";

const ccd = readFileSync(path.resolve(import.meta.dirname, "../../../../../shared/fixtures/ccda/CCD.xml"), "utf8");

describe("deliveryBody", () => {
  const { payload } = parseCcda(ccd);
  const item = { dataModel: "Clinical Summary", payload };

  it("sends the Redox data model by default", () => {
    const body = JSON.parse(deliveryBody({ item, event: null, subscription: { format: "redox" } }));
    expect(body.Header.Patient.Demographics.LastName).toBe("Jones");
  });

  it("sends a FHIR document Bundle naming the same patient to a subscription that asked for FHIR", () => {
    const bundle = JSON.parse(deliveryBody({ item, event: null, subscription: { format: "fhir" } }));
    expect(bundle.resourceType).toBe("Bundle");
    expect(bundle.type).toBe("document");
    const patient = bundle.entry.find(
      (entry: { resource: { resourceType: string } }) => entry.resource.resourceType === "Patient",
    ).resource;
    expect(patient.name[0].family).toBe("Jones");
  });

  it("sends a status event as stored", () => {
    expect(
      JSON.parse(deliveryBody({ item: null, event: { event: "delivered" }, subscription: { format: "redox" } })),
    ).toEqual({ event: "delivered" });
  });
});
