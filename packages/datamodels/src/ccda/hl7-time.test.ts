import { describe, expect, it } from "vitest";
import { fromHl7Time, toHl7Time } from "./hl7-time.js";

describe("HL7 TS <-> Redox dates keep precision and time zone", () => {
  it.each([
    ["2012-08-06T04:00:00.000Z", "20120806040000.000+0000"],
    ["2012-08-06", "20120806"],
    ["20120806", "20120806"],
    ["2012-08", "201208"],
    ["2012", "2012"],
    ["2014-10-03T10:30:26-05:00", "20141003103026-0500"],
    ["2014-10-03T10:30", "201410031030"],
  ])("%s -> %s", (redox, hl7) => expect(toHl7Time(redox)).toBe(hl7));

  it.each([
    ["2012", "2012"],
    ["201208", "2012-08"],
    ["20120806", "2012-08-06"],
    ["201208061015", "2012-08-06T10:15"],
    ["20141003103026-0500", "2014-10-03T10:30:26-05:00"],
    ["20120806040000.000+0000", "2012-08-06T04:00:00.000Z"],
    // An unzoned local time stays unzoned: it is not UTC.
    ["20141003103026", "2014-10-03T10:30:26"],
  ])("%s -> %s", (hl7, redox) => expect(fromHl7Time(hl7)).toBe(redox));

  it("refuses what is not a date", () => {
    expect(toHl7Time("06/08/2012")).toBeUndefined();
    expect(fromHl7Time("2012-08-06")).toBeUndefined();
  });
});
