import type { Code } from "../../common.js";
import { fixedCode, templateIds } from "../datatypes.js";
import { oids, templates } from "../oids.js";
import type { ReadContext } from "../read-context.js";
import type { RenderContext } from "../render-context.js";
import { generatedTable, type NarrativeRow } from "../narrative.js";
import { attr, child, childrenNamed, hasTemplate, type XNode } from "../xml-reader.js";
import { el, type XmlChild, type XmlElement } from "../xml-writer.js";
import { clinicalStatement } from "../read-context.js";

/** What a section renderer produces: the rows of its narrative table and its entries (same order). */
export interface RenderedSection {
  table?: XmlElement;
  entries: XmlElement[];
}

/** A table plus entries, built row by row; each entry gets the row's ID to reference. */
export class SectionBuilder {
  private readonly rows: NarrativeRow[] = [];
  readonly entries: XmlElement[] = [];

  constructor(
    private readonly context: RenderContext,
    private readonly prefix: string,
    private readonly caption: string,
    private readonly columns: readonly string[],
  ) {}

  /** Adds a row; returns its ID and the IDs of its cells (`${rowId}-c${index}`). */
  row(cells: readonly (string | null | undefined)[]): { rowId: string; cell: (index: number) => string } {
    const rowId = this.context.narrativeId(this.prefix);
    const cellIds = cells.map((_, index) => `${rowId}-c${index}`);
    this.rows.push({ id: rowId, cells, cellIds });
    return { rowId, cell: (index) => `#${cellIds[index]}` };
  }

  entry(statement: XmlElement, typeCode = "DRIV"): void {
    this.entries.push(el("entry", { typeCode }, statement));
  }

  build(): RenderedSection {
    return {
      table: this.rows.length ? generatedTable(this.caption, this.columns, this.rows) : undefined,
      entries: this.entries,
    };
  }
}

export function displayOf(code: Partial<Code> | null | undefined): string {
  if (!code) return "";
  if (code.Name && code.Code) return `${code.Name} (${code.Code})`;
  return code.Name ?? code.Code ?? "";
}

/** Comment Activity (C-CDA 4.64): free-text remarks attached to an entry. */
export function commentActivities(comments: readonly (string | null | undefined)[]): XmlElement[] {
  return comments
    .filter((text): text is string => !!text)
    .map((text) =>
      el(
        "entryRelationship",
        { typeCode: "SUBJ", inversionInd: "true" },
        el(
          "act",
          { classCode: "ACT", moodCode: "EVN" },
          templateIds(templates.commentActivity),
          fixedCode("code", "48767-8", oids.loinc, "Annotation comment"),
          el("text", {}, text),
        ),
      ),
    );
}

export function readComments(statement: XNode | undefined, context: ReadContext): string[] {
  return childrenNamed(statement, "entryRelationship")
    .map((relationship) => child(relationship, "act"))
    .filter((act) => hasTemplate(act, templates.commentActivity.root))
    .map((act) => context.resolveText(child(act, "text")))
    .filter((text): text is string => !!text);
}

/** The clinical statements of a section's entries. */
export function sectionStatements(section: XNode): XNode[] {
  return childrenNamed(section, "entry")
    .map((entry) => clinicalStatement(entry))
    .filter((statement): statement is XNode => !!statement);
}

/** The statements nested under a statement's entryRelationships (optionally of one typeCode). */
export function related(statement: XNode | undefined, typeCode?: string): XNode[] {
  return childrenNamed(statement, "entryRelationship")
    .filter((relationship) => !typeCode || attr(relationship, "typeCode") === typeCode)
    .map((relationship) => clinicalStatement(relationship))
    .filter((item): item is XNode => !!item);
}

export function relatedWithTemplate(statement: XNode | undefined, root: string): XNode | undefined {
  return related(statement).find((item) => hasTemplate(item, root));
}

/** `<text><reference/></text>` pointing at a narrative row. */
export function textRef(rowId: string): XmlChild {
  return el("text", {}, el("reference", { value: `#${rowId}` }));
}

/**
 * Statements with organizers opened up: C-CDA groups some entries in organizers (Advance Directive Organizer 4.108,
 * Functional Status Organizer 4.66, Medical Equipment Organizer 4.135) where the model keeps a flat list.
 */
export function flattenedStatements(section: XNode): XNode[] {
  return sectionStatements(section).flatMap((statement) =>
    statement.name === "organizer"
      ? childrenNamed(statement, "component")
          .map((component) => clinicalStatement(component))
          .filter((item): item is XNode => !!item)
      : [statement],
  );
}
