import { nameUuid } from "./ids.js";
import { idRoots } from "./oids.js";
import { el, type XmlElement } from "./xml-writer.js";

/**
 * What a section renderer needs besides its data: stable ids for the entries it writes and unique narrative IDs.
 * Entry ids are name-based UUIDs seeded by the document id, so re-rendering the same payload gives the same ids.
 */
export class RenderContext {
  private readonly used = new Map<string, number>();

  constructor(private readonly seed: string) {}

  /** An `<id>` for an entry, unique within the document and stable across renders. */
  id(...parts: (string | number)[]): XmlElement {
    return el("id", { root: nameUuid(idRoots.conduitDerived, `${this.seed}/${parts.join("/")}`) });
  }

  /** A narrative ID (an XML NCName) for a row, unique within the document. */
  narrativeId(prefix: string): string {
    const count = (this.used.get(prefix) ?? 0) + 1;
    this.used.set(prefix, count);
    return `cdt-${prefix}-${count}`;
  }
}
