import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseCcda, CcdaParseError } from "../src/ccda/parse-document.js";
import { renderClinicalSummaryCda } from "../src/ccda/render-document.js";
import { fixturesDir, readFixtureText } from "./fixtures.js";
import { schemaErrors } from "./xmllint.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function parse(name: string) {
  const result = parseCcda(readFixtureText(`ccda/${name}`));
  return { ...result, payload: result.payload as Json };
}

/** Entries of one template under the section with this LOINC code in the source XML, counted without our parser. */
function sourceCount(xml: string, loinc: string, templateRoot: string): number {
  const sections = xml.split(/<section[ >]/).slice(1);
  const section = sections.find((chunk) => new RegExp(`<code code="${loinc}"`).test(chunk.slice(0, 1500)));
  if (!section) return 0;
  // One chunk per clinical statement: its templateIds follow its opening tag, before any nested statement opens.
  const statements = section
    .split("</section>")[0]!
    .split(/<(?:observation|substanceAdministration|act|organizer|encounter|procedure|supply)[ >]/);
  return statements.filter((chunk) => chunk.includes(`<templateId root="${templateRoot}"`)).length;
}

describe("C-CDA documents parse into a PatientPush", () => {
  it("CCD.xml: the right patient, its negated 'No Known Allergies', results, vitals and procedures", () => {
    const { payload, warnings, documentType } = parse("CCD.xml");
    expect(documentType?.code).toBe("34133-9");
    const demographics = payload.Header.Patient.Demographics;
    expect([demographics.FirstName, demographics.LastName, demographics.DOB, demographics.Sex]).toEqual([
      "Isabella",
      "Jones",
      "1950-12-19",
      "Female",
    ]);
    expect(payload.Header.Patient.Identifiers).toEqual([{ ID: "98765432", IDType: "1.3.6.1.4.1.16517.1" }]);
    // No Known Allergies is negationInd="true": it must never read as an allergy.
    expect(payload.Allergies).toHaveLength(1);
    expect(payload.Allergies[0].IsNegativeIndicator).toBe(true);
    expect(payload.Allergies[0].Type.Code).toBe("419199007");
    // Medications and problems are nullFlavor="NI" sections: nothing is invented.
    expect(payload.Problems).toBeUndefined();
    expect(payload.Medications).toBeUndefined();
    expect(payload.Results).toHaveLength(1);
    expect(payload.Results[0].Code).toBe("57782-5");
    expect(payload.VitalSigns[0].Observations).toHaveLength(9);
    expect(payload.VitalSigns[0].Observations[0]).toMatchObject({ Code: "8480-6", Value: "120", Units: "mm[Hg]" });
    expect(payload.SocialHistory.TobaccoUse[0].IsSmokingStatus).toBe(true);
    expect(warnings).toEqual([]);
  });

  it("keeps date precision and time zones as the document gave them", () => {
    const { payload } = parse("CCD.xml");
    expect(payload.VitalSigns[0].DateTime).toBe("2014-10-01T10:30:26-05:00");
    expect(payload.Allergies[0].StartDate).toBe("2014-10-03T10:30:26-05:00");
    expect(payload.Header.Patient.Demographics.DOB).toBe("1950-12-19");
  });

  it("Referral_Note.xml (schema-invalid) still parses, with a warning naming what is wrong", () => {
    const xml = readFixtureText("ccda/Referral_Note.xml");
    const { payload, warnings } = parse("Referral_Note.xml");
    expect(warnings[0]).toMatch(/participantRole classCode="IND" is not an HL7 RoleClassRoot code/);
    expect(payload.Header.Patient.Demographics).toMatchObject({
      FirstName: "Eve",
      LastName: "Betterhalf",
      SSN: "444222222",
    });
    expect(payload.Problems).toHaveLength(sourceCount(xml, "11450-4", "2.16.840.1.113883.10.20.22.4.4"));
    expect(payload.Problems).toHaveLength(4);
    expect(payload.Problems[0]).toMatchObject({
      Code: "190389009",
      StartDate: "2000-07-03",
      Status: { Code: "55561003" },
    });
    expect(payload.Allergies).toHaveLength(2);
    expect(payload.Allergies[0]).toMatchObject({
      Substance: { Code: "70618", Name: "Penicillin" },
      Reaction: [{ Code: "422587007", Severity: { Code: "255604002" } }],
    });
    expect(payload.Medications).toHaveLength(sourceCount(xml, "10160-0", "2.16.840.1.113883.10.20.22.4.16"));
    expect(payload.Medications[0]).toMatchObject({
      Product: { Code: "573621" },
      Frequency: { Period: "6", Unit: "h" },
      Route: { Code: "C38216" },
    });
    expect(payload.Results).toHaveLength(2);
    expect(payload.Results[0].Observations[0]).toMatchObject({
      Code: "718-7",
      Value: "13.2",
      Units: "g/dL",
      Interpretation: "Normal",
      ReferenceRange: { Low: "12.0", High: "15.5" },
      DateTime: "2013-03-11T08:30-08:00",
    });
  });

  it("Discharge_Summary.xml: problems, allergies with severities, and the sections PatientPush has no field for kept as notes", () => {
    const { payload, warnings, documentType } = parse("Discharge_Summary.xml");
    expect(documentType).toEqual({ code: "18842-5", name: "Discharge Summary" });
    expect(payload.Header.Patient.Demographics).toMatchObject({
      FirstName: "Isabella",
      LastName: "Jones",
      DOB: "2005-05-01",
    });
    expect(payload.Problems.map((problem: Json) => problem.Code)).toEqual(["35064005", "74400008"]);
    expect(payload.Allergies).toHaveLength(3);
    expect(payload.Allergies[0].Reaction[0].Severity.Name).toBe("Moderate to severe");
    const titles = payload.NoteSections.map((note: Json) => note.Title);
    expect(titles).toContain("HOSPITAL COURSE");
    expect(titles).toContain("DISCHARGE DIAGNOSIS");
    expect(warnings.some((warning) => /DISCHARGE DIAGNOSIS.*kept as narrative/.test(warning))).toBe(true);
  });

  it("Discharge_Summary.xml as a VisitPush maps the visit sections to their coded fields", () => {
    const result = parseCcda(readFixtureText("ccda/Discharge_Summary.xml"), { eventType: "VisitPush" });
    const payload = result.payload as Json;
    expect(payload.DischargeDiagnosis).toHaveLength(1);
    expect(payload.AdmissionDiagnosis).toHaveLength(1);
    expect(payload.DischargeMedications.length).toBeGreaterThan(0);
  });

  it("the replacement CCD: negated problem and medication lists, and its place in the version chain", () => {
    const { payload, version } = parse("CCD Parent Document Replace (C-CDAR2.1).xml");
    expect(version).toEqual({
      setId: "004bb033-b948-4f4c-b5bf-a8dbd7d8dd40",
      versionNumber: 2,
      relation: "RPLC",
      parentDocumentId: "TT661",
    });
    expect(payload.Problems).toEqual([expect.objectContaining({ Code: "55607006", IsNegativeIndicator: true })]);
    expect(payload.Medications[0].IsNegativeIndicator).toBe(true);
    expect(payload.Allergies[0]).toMatchObject({ IsNegativeIndicator: true, Type: { Code: "416098002" } });
    expect(payload.HealthConcerns).toEqual([expect.objectContaining({ IsNegativeIndicator: true })]);
  });

  it("accepts namespace prefixes, templateIds in any order and partial dates", () => {
    const xml = `<?xml version="1.0"?>
<v3:ClinicalDocument xmlns:v3="urn:hl7-org:v3" xmlns:x="http://www.w3.org/2001/XMLSchema-instance">
  <v3:code code="34133-9" codeSystem="2.16.840.1.113883.6.1"/>
  <v3:recordTarget><v3:patientRole><v3:id root="1.2.3" extension="MRN1"/>
    <v3:patient><v3:name><v3:given>Ann</v3:given><v3:family>Lee</v3:family></v3:name><v3:birthTime value="1970"/></v3:patient>
  </v3:patientRole></v3:recordTarget>
  <v3:component><v3:structuredBody><v3:component><v3:section>
    <v3:templateId root="9.9.9"/><v3:templateId root="2.16.840.1.113883.10.20.22.2.5.1" extension="2015-08-01"/><v3:templateId root="2.16.840.1.113883.10.20.22.2.5"/>
    <v3:code code="11450-4" codeSystem="2.16.840.1.113883.6.1"/><v3:title>Problems</v3:title><v3:text>Asthma</v3:text>
    <v3:entry><v3:act classCode="ACT" moodCode="EVN"><v3:templateId root="2.16.840.1.113883.10.20.22.4.3"/>
      <v3:code code="CONC" codeSystem="2.16.840.1.113883.5.6"/><v3:statusCode code="active"/>
      <v3:entryRelationship typeCode="SUBJ"><v3:observation classCode="OBS" moodCode="EVN">
        <v3:templateId root="2.16.840.1.113883.10.20.22.4.4"/><v3:code code="55607006" codeSystem="2.16.840.1.113883.6.96"/>
        <v3:effectiveTime><v3:low value="201203"/></v3:effectiveTime>
        <v3:value x:type="CD" code="195967001" codeSystem="2.16.840.1.113883.6.96" displayName="Asthma"/>
      </v3:observation></v3:entryRelationship></v3:act></v3:entry>
  </v3:section></v3:component></v3:structuredBody></v3:component>
</v3:ClinicalDocument>`;
    const { payload } = parseCcda(xml) as { payload: Json };
    expect(payload.Header.Patient.Demographics).toMatchObject({ FirstName: "Ann", LastName: "Lee", DOB: "1970" });
    expect(payload.Problems).toEqual([
      {
        Code: "195967001",
        CodeSystem: "2.16.840.1.113883.6.96",
        CodeSystemName: "SNOMED CT",
        Name: "Asthma",
        StartDate: "2012-03",
      },
    ]);
  });

  it("keeps an unknown section as a NoteSection with its narrative", () => {
    const xml = readFixtureText("ccda/CCD.xml")
      .replace('<code code="29762-2"', '<code code="99999-9"')
      .replaceAll('root="2.16.840.1.113883.10.20.22.2.17"', 'root="1.2.3.4.5"');
    const { payload, warnings } = parseCcda(xml) as { payload: Json; warnings: string[] };
    expect(payload.SocialHistory).toBeUndefined();
    expect(payload.NoteSections).toEqual([expect.objectContaining({ Code: "99999-9", Title: "SOCIAL HISTORY" })]);
    expect(payload.NoteSections[0].Text).toContain("<td>Current Smoking Status</td>");
    expect(warnings).toEqual([
      expect.stringMatching(/not in the PatientPush model; its 1 entries are kept as narrative/),
    ]);
  });

  it("refuses what is not a CDA document", () => {
    expect(() => parseCcda("<html><body/></html>")).toThrow(CcdaParseError);
    expect(() => parseCcda("<ClinicalDocument><unclosed></ClinicalDocument>")).toThrow(/not well-formed/);
  });
});

describe("C-CDA -> ClinicalSummary -> C-CDA", () => {
  it.each(["CCD.xml", "Referral_Note.xml", "Discharge_Summary.xml", "CCD Parent Document Replace (C-CDAR2.1).xml"])(
    "%s, read and written again, validates against CDA_SDTC.xsd",
    (name) => {
      const { payload } = parseCcda(readFixtureText(`ccda/${name}`));
      expect(
        schemaErrors(
          renderClinicalSummaryCda(payload, { fallbackDocumentId: "x", custodianName: "Conduit Test Clinic" }),
        ),
      ).toEqual([]);
    },
  );
});

describe("documents written to older template sets", () => {
  it("the HL7 CCD 1.0 document in the Direct Project's XDM sample: patient, problems, allergies, immunizations", () => {
    // Unzipped by python3 (tests only): the package has no zip reader and needs none.
    const xml = execFileSync("python3", [
      "-c",
      "import sys,zipfile;sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read('samplexdm/IHE_XDM/SUBSET01/Document01.xml'))",
      path.join(fixturesDir, "direct/samplexdm.zip"),
    ]).toString("utf8");
    const { payload } = parseCcda(xml) as { payload: Json };
    expect(payload.Header.Patient.Demographics).toMatchObject({
      FirstName: "John",
      LastName: "Doe",
      DOB: "1956-05-27",
      Sex: "Male",
    });
    expect(payload.Problems[0]).toMatchObject({ Code: "195967001", Name: "Asthma", StartDate: "1950" });
    expect(payload.Allergies[0]).toMatchObject({ Substance: { Code: "70618", Name: "Penicillin" } });
    expect(payload.Immunizations[0]).toMatchObject({ Product: { Code: "88" }, DateTime: "1999-11" });
  });
});

describe("every coded problem, allergy, medication and result of each fixture is read", () => {
  const fixtures = [
    "CCD.xml",
    "Referral_Note.xml",
    "Discharge_Summary.xml",
    "CCD Parent Document Replace (C-CDAR2.1).xml",
  ];
  const kinds = [
    { key: "Problems", loinc: "11450-4", template: "2.16.840.1.113883.10.20.22.4.4" },
    { key: "Allergies", loinc: "48765-2", template: "2.16.840.1.113883.10.20.22.4.7" },
    { key: "Medications", loinc: "10160-0", template: "2.16.840.1.113883.10.20.22.4.16" },
  ];
  it.each(fixtures)("%s", (name) => {
    const xml = readFixtureText(`ccda/${name}`);
    const { payload } = parseCcda(xml) as { payload: Json };
    for (const kind of kinds) {
      expect([kind.key, payload[kind.key]?.length ?? 0]).toEqual([
        kind.key,
        sourceCount(xml, kind.loinc, kind.template),
      ]);
    }
    const resultObservations = (payload.Results ?? []).flatMap((result: Json) => result.Observations);
    expect(resultObservations).toHaveLength(sourceCount(xml, "30954-2", "2.16.840.1.113883.10.20.22.4.2"));
  });

  it("interpretation codes, severities and statuses come through", () => {
    const { payload } = parse("Discharge_Summary.xml");
    const vitals = payload.VitalSigns.flatMap((panel: Json) => panel.Observations);
    expect(vitals.filter((observation: Json) => observation.Interpretation)).toHaveLength(4);
    expect(payload.Allergies.map((allergy: Json) => allergy.Status?.Name)).toEqual(expect.arrayContaining(["Active"]));
  });
});

describe("negation is kept wherever the document states it", () => {
  it("a procedure documented as not done reads as not done, and goes out again as not done", () => {
    const xml = readFixtureText("ccda/CCD.xml").replace(
      '<procedure moodCode="EVN" classCode="PROC">',
      '<procedure classCode="PROC" moodCode="EVN" negationInd="true">',
    );
    const { payload } = parseCcda(xml) as { payload: Json };
    expect(payload.Procedures.Procedures[0].IsNegativeIndicator).toBe(true);
    const again = renderClinicalSummaryCda(payload as never, {
      fallbackDocumentId: "x",
      custodianName: "Conduit Test Clinic",
    });
    expect(again).toMatch(/<procedure classCode="PROC" moodCode="EVN" negationInd="true">/);
  });
});
