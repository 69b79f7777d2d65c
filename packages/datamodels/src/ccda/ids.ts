import { hash } from "node:crypto";
import { isOid } from "./code-systems.js";
import { idRoots, oids } from "./oids.js";

const namespaces = new Map<string, Buffer>();

/**
 * A name-based UUID (RFC 9562 version 5: SHA-1 over a namespace and a name). Generated documents get ids that are
 * the same each time the same input is rendered, so a re-render is recognisably the same document and tests are
 * stable, while no two inputs share one.
 */
export function nameUuid(namespace: string, name: string): string {
  // A rendered document asks for hundreds of ids: the namespace is decoded once, and the one-shot hash is used.
  let namespaceBytes = namespaces.get(namespace);
  if (!namespaceBytes) {
    namespaceBytes = Buffer.from(namespace.replace(/-/g, ""), "hex");
    if (namespaces.size < 64) namespaces.set(namespace, namespaceBytes);
  }
  const digest = hash("sha1", Buffer.concat([namespaceBytes, Buffer.from(name, "utf8")]), "buffer");
  digest[6] = (digest[6]! & 0x0f) | 0x50;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const hex = digest.toString("hex", 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const uuidPattern = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/** Identifier types whose issuing authority has an OID everyone uses. */
const wellKnownIdentifierRoots: Record<string, string> = {
  NPI: oids.npi,
  SSN: oids.ssn,
};

/**
 * The II root for a Redox identifier type: the registered OID when the type names one (NPI, SSN, or an OID given as
 * the type), otherwise a UUID derived from the type's name, so `MR` from one sender always gets the same root. The
 * type's own name travels beside it as `assigningAuthorityName`, which is how the parser gets it back.
 */
export function identifierRoot(idType: string | null | undefined): string {
  const type = (idType ?? "").trim();
  if (!type) return idRoots.conduitDerived;
  if (isOid(type) || isUuid(type)) return type;
  return wellKnownIdentifierRoots[type.toUpperCase()] ?? nameUuid(idRoots.conduitDerived, `identifier-type:${type}`);
}

/** The Redox `IDType` for an II read from a document: the authority's name, else a known root's name, else the root. */
export function identifierType(
  root: string | undefined,
  assigningAuthorityName: string | undefined,
): string | undefined {
  if (assigningAuthorityName) return assigningAuthorityName;
  if (!root) return undefined;
  const known = Object.entries(wellKnownIdentifierRoots).find(([, oid]) => oid === root);
  return known?.[0] ?? root;
}
