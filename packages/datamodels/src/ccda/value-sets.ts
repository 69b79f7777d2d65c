import { oids } from "./oids.js";

/**
 * Value sets and the translations between Redox's words and CDA's codes, as data. Each table is used in both
 * directions; where Redox has several words for one code, the first is what the parser gives back.
 */

/** CDA ActStatus for a Redox status word (`Active`, `Final`, `Request`...). */
const actStatusByWord: Record<string, string> = {
  active: "active",
  "in progress": "active",
  inprogress: "active",
  preliminary: "active",
  pending: "active",
  request: "active",
  intent: "active",
  ordered: "active",
  new: "new",
  completed: "completed",
  complete: "completed",
  final: "completed",
  corrected: "completed",
  resolved: "completed",
  inactive: "completed",
  aborted: "aborted",
  cancelled: "cancelled",
  canceled: "cancelled",
  held: "held",
  suspended: "suspended",
  nullified: "nullified",
  obsolete: "obsolete",
};

export function actStatus(word: string | null | undefined, fallback = "completed"): string {
  if (!word) return fallback;
  return actStatusByWord[word.trim().toLowerCase()] ?? fallback;
}

/** Result statuses, as Redox words them, for a CDA ActStatus read back. */
export const resultStatusWord: Record<string, string> = {
  completed: "Final",
  active: "Preliminary",
  aborted: "Cancelled",
  cancelled: "Cancelled",
};

/** Problem, allergy and concern status (SNOMED CT; C-CDA value set Problem Status 2.16.840.1.113883.3.88.12.80.68). */
export const clinicalStatus = {
  active: { Code: "55561003", Name: "Active" },
  inactive: { Code: "73425007", Name: "Inactive" },
  resolved: { Code: "413322009", Name: "Resolved" },
} as const;

/** A concern act is active while its problem is; anything else closes the concern (C-CDA R2.1 4.3 and 4.30). */
export function concernStatus(status: { Code?: string | null; Name?: string | null } | null | undefined): string {
  if (!status) return "active";
  const word = (status.Name ?? "").toLowerCase();
  if (status.Code === clinicalStatus.active.Code || word === "active") return "active";
  if (status.Code === clinicalStatus.inactive.Code || status.Code === clinicalStatus.resolved.Code) return "completed";
  return actStatus(word, "active");
}

/** HL7 ObservationInterpretation codes by Redox word. */
export const interpretationCodes: readonly { code: string; words: readonly string[] }[] = [
  { code: "N", words: ["Normal"] },
  { code: "A", words: ["Abnormal"] },
  { code: "L", words: ["Low", "Below low normal"] },
  { code: "H", words: ["High", "Above high normal"] },
  { code: "LL", words: ["Critically low", "Critical low"] },
  { code: "HH", words: ["Critically high", "Critical high"] },
  { code: "AA", words: ["Critically abnormal", "Critical abnormal"] },
  { code: "R", words: ["Resistant"] },
  { code: "S", words: ["Susceptible"] },
  { code: "I", words: ["Intermediate"] },
  { code: "POS", words: ["Positive"] },
  { code: "NEG", words: ["Negative"] },
];

export function interpretationCode(word: string | null | undefined): string | undefined {
  if (!word) return undefined;
  const normalized = word.trim().toLowerCase();
  return interpretationCodes.find(
    (entry) => entry.code.toLowerCase() === normalized || entry.words.some((item) => item.toLowerCase() === normalized),
  )?.code;
}

export function interpretationWord(code: string | undefined): string | undefined {
  return code ? interpretationCodes.find((entry) => entry.code === code)?.words[0] : undefined;
}

/** Administrative gender (HL7 AdministrativeGender) from Redox's `Sex`. */
export const administrativeGender: Record<string, { code: string; displayName: string }> = {
  male: { code: "M", displayName: "Male" },
  m: { code: "M", displayName: "Male" },
  female: { code: "F", displayName: "Female" },
  f: { code: "F", displayName: "Female" },
  unknown: { code: "UN", displayName: "Undifferentiated" },
  u: { code: "UN", displayName: "Undifferentiated" },
  undifferentiated: { code: "UN", displayName: "Undifferentiated" },
};

/** Redox's words for an administrative gender code read back. */
export const sexWord: Record<string, string> = { M: "Male", F: "Female", UN: "Unknown" };

/** HL7 MaritalStatus. */
export const maritalStatus: readonly { code: string; word: string }[] = [
  { code: "A", word: "Annulled" },
  { code: "D", word: "Divorced" },
  { code: "I", word: "Interlocutory" },
  { code: "L", word: "Legally Separated" },
  { code: "M", word: "Married" },
  { code: "P", word: "Polygamous" },
  { code: "S", word: "Single" },
  { code: "T", word: "Domestic partner" },
  { code: "W", word: "Widowed" },
  { code: "U", word: "Unknown" },
];

/** OMB race and ethnicity categories (CDC Race & Ethnicity code system), for payloads that give only the word. */
export const raceCodes: readonly { code: string; word: string }[] = [
  { code: "1002-5", word: "American Indian or Alaska Native" },
  { code: "2028-9", word: "Asian" },
  { code: "2054-5", word: "Black or African American" },
  { code: "2076-8", word: "Native Hawaiian or Other Pacific Islander" },
  { code: "2106-3", word: "White" },
  { code: "2131-1", word: "Other Race" },
];

export const ethnicityCodes: readonly { code: string; word: string }[] = [
  { code: "2135-2", word: "Hispanic or Latino" },
  { code: "2186-5", word: "Not Hispanic or Latino" },
];

/** UCUM time units for medication frequencies (`Frequency.Unit`). */
export const frequencyUnits: Record<string, string> = {
  s: "s",
  sec: "s",
  second: "s",
  min: "min",
  minute: "min",
  h: "h",
  hr: "h",
  hour: "h",
  d: "d",
  day: "d",
  wk: "wk",
  week: "wk",
  mo: "mo",
  month: "mo",
  a: "a",
  year: "a",
};

/** Allergy category (SNOMED CT; C-CDA Allergy and Intolerance Type value set), used when a payload names none. */
export const defaultAllergyType = {
  Code: "419199007",
  CodeSystem: oids.snomed,
  CodeSystemName: "SNOMED CT",
  Name: "Allergy to substance",
};

/** The C-CDA "Problem Type" used for problem observations when the payload gives no Category. */
export const defaultProblemType = { code: "55607006", displayName: "Problem" };

/**
 * Roles that a `participantRole/@classCode` may take (HL7 RoleClassRoot, voc.xsd). Used only to warn: a document
 * using another value is schema-invalid, yet still read.
 */
export const roleClassRoot = new Set([
  "ROL",
  "AFFL",
  "AGNT",
  "ASSIGNED",
  "COMPAR",
  "CON",
  "ECON",
  "NOK",
  "SGNOFF",
  "GUARD",
  "CIT",
  "COVPTY",
  "CLAIM",
  "NAMED",
  "DEPEN",
  "INDIV",
  "SUBSCR",
  "PROG",
  "CRINV",
  "CRSPNSR",
  "EMP",
  "MIL",
  "GUAR",
  "INVSBJ",
  "CASEBJ",
  "RESBJ",
  "LIC",
  "NOT",
  "PROV",
  "PAT",
  "PAYEE",
  "PAYOR",
  "POLHOLD",
  "QUAL",
  "SPNSR",
  "STD",
  "UNDWRT",
  "CAREGIVER",
  "PRS",
  "ACCESS",
  "ADJY",
  "CONC",
  "BOND",
  "CONY",
  "ADMM",
  "BIRTHPL",
  "DEATHPLC",
  "DST",
  "RET",
  "EXLOC",
  "SDLOC",
  "DSDLOC",
  "ISDLOC",
  "EXPR",
  "HLD",
  "HLTHCHRT",
  "IDENT",
  "MANU",
  "THER",
  "MNT",
  "OWN",
  "RGPR",
  "TERR",
  "USED",
  "WRTE",
  "EQUIV",
  "SAME",
  "SUBY",
  "GEN",
  "GRIC",
  "INST",
  "SUBS",
  "CHILD",
  "CRED",
  "NURPRAC",
  "NURS",
  "PA",
  "PHYS",
  "ACTI",
  "ACTM",
  "ADTV",
  "BASE",
  "CNTM",
  "IACT",
  "COLR",
  "FLVR",
  "PRSV",
  "STBL",
  "MECH",
  "LOCE",
  "STOR",
  "MBR",
  "PART",
  "ACTM",
  "SPEC",
  "ALQT",
  "ISLT",
]);
