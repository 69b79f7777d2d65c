import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { crc32, deflateRawSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isXdmError, XdmError } from "../src/xdm/errors.js";
import { readXdm } from "../src/xdm/read-xdm.js";

const fixtures = fileURLToPath(new URL("../../../../shared/fixtures/direct/", import.meta.url));
const sampleXdm = readFileSync(`${fixtures}samplexdm.zip`);

interface ZipEntrySpec {
  name: string | Buffer;
  data: Buffer;
  /** 0 stored, 8 deflated (default). */
  method?: number;
  flags?: number;
  /** Lie about the inflated size. */
  declaredSize?: number;
  crc?: number;
  /** Write no data: point the central directory at the local header of this earlier entry (overlapping entries). */
  pointTo?: number;
}

/** A minimal ZIP writer, so tests can build archives no well-behaved tool would write. */
function buildZip(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const written: { offset: number; body: Buffer; crc: number; size: number }[] = [];
  for (const entry of entries) {
    const name = typeof entry.name === "string" ? Buffer.from(entry.name, "utf8") : entry.name;
    const method = entry.method ?? 8;
    const target = entry.pointTo === undefined ? undefined : written[entry.pointTo]!;
    const body = target?.body ?? (method === 8 ? deflateRawSync(entry.data) : entry.data);
    const crc = target?.crc ?? entry.crc ?? crc32(entry.data);
    const size = target?.size ?? entry.declaredSize ?? entry.data.length;
    const flags = (entry.flags ?? 0) | 0x800;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(target?.offset ?? offset, 42);
    centrals.push(central, name);
    written.push({ offset: target?.offset ?? offset, body, crc, size });
    if (target) continue;
    locals.push(local, name, body);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function metadataXml(documents: { id: string; uri?: string; mimeType: string; hash?: string }[]): string {
  const entries = documents
    .map(
      (d) =>
        `<rim:ExtrinsicObject id="${d.id}" mimeType="${d.mimeType}" objectType="urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1">` +
        (d.uri
          ? `<rim:Slot name="URI"><rim:ValueList><rim:Value>${d.uri}</rim:Value></rim:ValueList></rim:Slot>`
          : "") +
        (d.hash
          ? `<rim:Slot name="hash"><rim:ValueList><rim:Value>${d.hash}</rim:Value></rim:ValueList></rim:Slot>`
          : "") +
        `<rim:Name><rim:LocalizedString value="Summary &amp; plan"/></rim:Name>` +
        `</rim:ExtrinsicObject>`,
    )
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<lcm:SubmitObjectsRequest xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0">` +
    `<rim:RegistryObjectList>${entries}<rim:RegistryPackage id="ss1"/></rim:RegistryObjectList></lcm:SubmitObjectsRequest>`
  );
}

async function refusal(promise: Promise<unknown>): Promise<XdmError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(XdmError);
  return error as XdmError;
}

describe("readXdm on the Direct reference sample", () => {
  it("yields the CCD with the metadata METADATA.xml gives it", async () => {
    const { submissionSets, warnings } = await readXdm(sampleXdm);
    expect(submissionSets).toHaveLength(1);
    const [set] = submissionSets;
    expect(set!.path).toBe("samplexdm/IHE_XDM/SUBSET01");
    expect(set!.metadata.submissionSetId).toBe("1.3.6.1.4.1.21367.2005.3.9999.33");
    expect(set!.metadata.submissionSet).toMatchObject({
      entryId: "SubmissionSet01",
      sourceId: "3670984664",
      patientId: "111111111^^^&2.16.840.1.113883.4.1&ISO",
      submissionTime: "20041225235050",
      comments: "Annual physical",
      authorPerson: "Sherry Dopplemeyer",
      intendedRecipients: ["|beau@nologs.org^Smith^John^^^Dr^^^&1.3.6.1.4.1.21367.3100.1&ISO"],
    });

    const ccd = set!.documents.find((d) => d.name === "Document01.xml");
    expect(ccd).toBeDefined();
    expect(ccd!.path).toBe("samplexdm/IHE_XDM/SUBSET01/Document01.xml");
    expect(ccd!.mimeType).toBe("text/xml");
    expect(ccd!.content).toHaveLength(68226);
    expect(ccd!.content.toString("utf8")).toContain("<ClinicalDocument");
    expect(ccd!.metadata).toMatchObject({
      entryId: "Document01",
      mimeType: "text/xml",
      title: "Physical",
      patientId: "111111111^^&2.16.840.1.113883.4.1&ISO",
      sourcePatientId: "1111111111^^^&GSIHealth&ISO",
      sourcePatientInfo: [
        "PID-3|1111111111^^^&GSIHealth&ISO",
        "PID-5|Doe^John^^^",
        "PID-7|19560527",
        "PID-8|M",
        "PID-11|100 Main St^^Metropolis^Il^44130^USA",
      ],
      authorPerson: "vincent.lewis@gsihealth.com^Allscripts^Provider^^^^^^&1.3.6.1.4.1.21367.3100.1&ISO",
      creationTime: "20051224000000",
      uniqueId: "1.3.6.1.4.1.21367.2005.3.9999.32",
      hash: "2f016bdeba83855ec76bd1102d9da6a79590f1a9",
      classCode: { code: "History and Physical", codingScheme: "classCode", displayName: "History and Physical" },
      typeCode: { code: "34133-9", codingScheme: "LOINC", displayName: "Outpatient Evaluation And Management" },
      formatCode: { code: "CDAR2/IHE 1.0", codingScheme: "Connect-a-thon formatCodes" },
      confidentialityCodes: [{ code: "1.3.6.1.4.1.21367.2006.7.101", displayName: "Clinical-Staff" }],
    });
    expect(createHash("sha1").update(ccd!.content).digest("hex")).toBe(ccd!.metadata!.hash);

    // The sample has no URI slot; the document is found by its hash. The stylesheet beside it is not described.
    const xsl = set!.documents.find((d) => d.name === "CCD.xsl");
    expect(xsl).toMatchObject({ mimeType: "text/xsl" });
    expect(xsl!.metadata).toBeUndefined();
    expect(warnings).toContain(
      "samplexdm/IHE_XDM/SUBSET01/Document01.xml: matched to document Document01 by hash (no URI slot)",
    );
    expect(warnings).toContain("samplexdm/IHE_XDM/SUBSET01/CCD.xsl: not described in METADATA.XML");
    // INDEX.htm and README.txt sit outside the submission set and are not documents.
    expect(set!.documents.map((d) => d.name).sort()).toEqual(["CCD.xsl", "Document01.xml"]);
  });
});

describe("readXdm on packages senders actually write", () => {
  const ccd = Buffer.from('<?xml version="1.0"?><ClinicalDocument xmlns="urn:hl7-org:v3"/>');

  it("matches paths without regard to case and resolves URIs against the subset folder", async () => {
    const zip = buildZip([
      {
        name: "ihe_xdm/subset01/Metadata.Xml",
        data: Buffer.from(
          metadataXml([
            { id: "d1", uri: "DOC0001.XML", mimeType: "text/xml" },
            { id: "gone", uri: "DOC0002.XML", mimeType: "text/xml" },
          ]),
        ),
      },
      { name: "ihe_xdm/subset01/doc0001.xml", data: ccd },
      { name: "ihe_xdm/subset01/notes.txt", data: Buffer.from("hello") },
    ]);
    const { submissionSets, warnings } = await readXdm(zip);
    const documents = submissionSets[0]!.documents;
    expect(documents.find((d) => d.name === "doc0001.xml")).toMatchObject({
      mimeType: "text/xml",
      content: ccd,
      metadata: { entryId: "d1", uri: "DOC0001.XML", title: "Summary & plan" },
    });
    expect(documents.find((d) => d.name === "notes.txt")).toMatchObject({ mimeType: "text/plain" });
    expect(warnings).toEqual([
      "ihe_xdm/subset01: document gone (DOC0002.XML) is not in the archive",
      "ihe_xdm/subset01/notes.txt: not described in METADATA.XML",
    ]);
    expect(submissionSets[0]!.metadata.submissionSetId).toBe("ss1");
  });

  it("reads each submission set of a package with several", async () => {
    const zip = buildZip([
      {
        name: "IHE_XDM/SUBSET01/METADATA.XML",
        data: Buffer.from(metadataXml([{ id: "a", uri: "A.XML", mimeType: "text/xml" }])),
      },
      { name: "IHE_XDM/SUBSET01/A.XML", data: ccd },
      {
        name: "IHE_XDM/SUBSET02/METADATA.XML",
        data: Buffer.from(metadataXml([{ id: "b", uri: "B.PDF", mimeType: "application/pdf" }])),
      },
      { name: "IHE_XDM/SUBSET02/B.PDF", data: Buffer.from("%PDF-1.4") },
    ]);
    const { submissionSets, warnings } = await readXdm(zip);
    expect(submissionSets.map((s) => [s.path, s.documents.map((d) => `${d.name} ${d.mimeType}`)])).toEqual([
      ["IHE_XDM/SUBSET01", ["A.XML text/xml"]],
      ["IHE_XDM/SUBSET02", ["B.PDF application/pdf"]],
    ]);
    expect(warnings).toEqual([]);
  });

  it("warns about a document whose hash does not match, and a URI that leaves the folder", async () => {
    const zip = buildZip([
      {
        name: "IHE_XDM/SUBSET01/METADATA.XML",
        data: Buffer.from(
          metadataXml([
            { id: "a", uri: "A.XML", mimeType: "text/xml", hash: "0000000000000000000000000000000000000000" },
            { id: "b", uri: "../../etc/passwd", mimeType: "text/plain" },
          ]),
        ),
      },
      { name: "IHE_XDM/SUBSET01/A.XML", data: ccd },
    ]);
    const { warnings } = await readXdm(zip);
    expect(warnings).toContain("IHE_XDM/SUBSET01/A.XML: SHA-1 does not match the hash in METADATA.XML");
    expect(warnings).toContain("IHE_XDM/SUBSET01: document b has a URI outside its folder (../../etc/passwd); ignored");
  });

  it("returns the documents without metadata when METADATA.XML has a DTD or is not XML", async () => {
    for (const metadata of [
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
      "<SubmitObjectsRequest><unclosed>",
    ]) {
      const zip = buildZip([
        { name: "IHE_XDM/SUBSET01/METADATA.XML", data: Buffer.from(metadata) },
        { name: "IHE_XDM/SUBSET01/DOC0001.XML", data: ccd },
      ]);
      const { submissionSets, warnings } = await readXdm(zip);
      expect(submissionSets[0]!.metadata.documents).toEqual([]);
      expect(submissionSets[0]!.documents).toHaveLength(1);
      expect(warnings[0]).toMatch(
        /^IHE_XDM\/SUBSET01\/METADATA\.XML: METADATA\.XML (has a DOCTYPE|is not well-formed)/,
      );
    }
  });

  it("hands a nested archive back as bytes without opening it", async () => {
    const inner = buildZip([{ name: "IHE_XDM/SUBSET01/METADATA.XML", data: Buffer.from("<x/>") }]);
    const zip = buildZip([
      { name: "IHE_XDM/SUBSET01/METADATA.XML", data: Buffer.from(metadataXml([])) },
      { name: "IHE_XDM/SUBSET01/inner.zip", data: inner, method: 0 },
    ]);
    const { submissionSets, warnings } = await readXdm(zip);
    expect(submissionSets).toHaveLength(1);
    expect(submissionSets[0]!.documents[0]).toMatchObject({
      name: "inner.zip",
      mimeType: "application/zip",
      content: inner,
    });
    expect(warnings).toContain("IHE_XDM/SUBSET01/inner.zip: a nested archive, returned as is and not opened");
  });
});

describe("readXdm refuses hostile archives", () => {
  const metadata = { name: "IHE_XDM/SUBSET01/METADATA.XML", data: Buffer.from(metadataXml([])) };

  it("refuses a zip bomb by its declared size, quickly", async () => {
    const zeros = Buffer.alloc(40 * 1024 * 1024);
    const zip = buildZip([metadata, { name: "IHE_XDM/SUBSET01/DOC.XML", data: zeros }]);
    expect(zip.length).toBeLessThan(200_000);
    const started = Date.now();
    expect((await refusal(readXdm(zip))).code).toBe("compression-ratio");
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("refuses a zip bomb that lies about its size while inflating, before inflating it all", async () => {
    const zeros = Buffer.alloc(64 * 1024 * 1024);
    const zip = buildZip([metadata, { name: "IHE_XDM/SUBSET01/DOC.XML", data: zeros, declaredSize: 1000 }]);
    const started = Date.now();
    const error = await refusal(readXdm(zip));
    expect(error.code).toBe("corrupt");
    expect(error.message).toMatch(/inflates past the 1000 bytes it declares/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("refuses an entry declared over the per-entry limit", async () => {
    const zip = buildZip([metadata, { name: "IHE_XDM/SUBSET01/DOC.XML", data: Buffer.alloc(300_000, 7) }]);
    expect((await refusal(readXdm(zip, { maxEntryBytes: 100_000 }))).code).toBe("entry-too-large");
  });

  it("refuses archives over the total, entry-count and archive-size limits", async () => {
    const many = buildZip(
      Array.from({ length: 30 }, (_, i) => ({ name: `IHE_XDM/SUBSET01/D${i}.TXT`, data: Buffer.alloc(50_000, 1) })),
    );
    expect((await refusal(readXdm(many, { maxTotalBytes: 1_000_000 }))).code).toBe("too-large");
    expect((await refusal(readXdm(many, { maxEntries: 10 }))).code).toBe("too-many-entries");
    expect((await refusal(readXdm(many, { maxArchiveBytes: 1000 }))).code).toBe("too-large");
    const directories = buildZip(
      Array.from({ length: 30 }, (_, i) => ({ name: `IHE_XDM/D${i}/`, data: Buffer.alloc(0), method: 0 })),
    );
    expect((await refusal(readXdm(directories, { maxEntries: 10 }))).code).toBe("too-many-entries");
  });

  it("refuses entries that share their data (an overlapping zip bomb)", async () => {
    const zip = buildZip([
      metadata,
      { name: "IHE_XDM/SUBSET01/A.XML", data: Buffer.alloc(500_000, 1) },
      { name: "IHE_XDM/SUBSET01/B.XML", data: Buffer.alloc(0), pointTo: 1 },
      { name: "IHE_XDM/SUBSET01/C.XML", data: Buffer.alloc(0), pointTo: 1 },
    ]);
    const error = await refusal(readXdm(zip));
    expect(error.code).toBe("corrupt");
    expect(error.message).toMatch(/overlap/);
  });

  it.each([
    "../evil.xml",
    "IHE_XDM/SUBSET01/../../evil.xml",
    "/etc/passwd",
    "C:/Windows/evil.dll",
    "IHE_XDM\\SUBSET01\\..\\..\\evil.xml",
    "IHE_XDM/SUBSET01/doc\u0000.xml",
  ])("refuses the entry name %j", async (name) => {
    const zip = buildZip([metadata, { name, data: Buffer.from("x") }]);
    const error = await refusal(readXdm(zip));
    expect(error.code).toBe("unsafe-path");
    expect(isXdmError(error, "unsafe-path")).toBe(true);
  });

  it("refuses encrypted entries", async () => {
    const zip = buildZip([metadata, { name: "IHE_XDM/SUBSET01/DOC.XML", data: Buffer.alloc(100, 1), flags: 1 }]);
    expect((await refusal(readXdm(zip))).code).toBe("encrypted");
  });

  it("refuses an entry whose bytes fail the CRC-32", async () => {
    const zip = buildZip([metadata, { name: "IHE_XDM/SUBSET01/DOC.XML", data: Buffer.from("abc"), crc: 1234 }]);
    expect((await refusal(readXdm(zip))).code).toBe("corrupt");
  });

  it("refuses garbage, an empty buffer, and a ZIP that is not XDM, saying which", async () => {
    const garbage = await refusal(readXdm(Buffer.from("This is not a zip file at all, just text.")));
    expect(garbage.code).toBe("not-zip");
    expect(garbage.message).toMatch(/^not-zip: not a ZIP archive/);
    expect((await refusal(readXdm(Buffer.alloc(0)))).code).toBe("not-zip");
    const plain = buildZip([{ name: "readme.txt", data: Buffer.from("hi") }]);
    expect((await refusal(readXdm(plain))).code).toBe("not-xdm");
  });

  it("never fails other than with an XdmError on random bytes or a damaged sample", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
        await readXdm(Buffer.from(bytes)).catch((e: unknown) => expect(e).toBeInstanceOf(XdmError));
      }),
      { numRuns: 200 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        async (edits) => {
          const damaged = Buffer.from(sampleXdm);
          for (const [position, byte] of edits) damaged[position % damaged.length] = byte;
          await readXdm(damaged).catch((e: unknown) => expect(e).toBeInstanceOf(XdmError));
        },
      ),
      { numRuns: 200 },
    );
  });
});
