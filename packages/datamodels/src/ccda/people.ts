import type { Address, Identifier, Provider } from "../common.js";
import { address, coded, email, hasCode, identifier, personName, phone } from "./datatypes.js";
import { identifierType } from "./ids.js";
import type { ReadContext } from "./read-context.js";
import { compact } from "./read-context.js";
import { attr, child, childrenNamed, textOf, type XNode } from "./xml-reader.js";
import { el, type XmlChild, type XmlElement } from "./xml-writer.js";

/** People, organizations and their contact details, in both directions (CDA R2 roles and entities). */

/** The provider's own id first, then the NPI when it is given separately. */
export function providerIds(provider: Partial<Provider> | null | undefined): XmlElement[] {
  const ids = [identifier({ ID: provider?.ID, IDType: provider?.IDType })];
  if (provider?.NPI && provider.NPI !== provider.ID) ids.push(identifier({ ID: provider.NPI, IDType: "NPI" }));
  return provider?.ID || !provider?.NPI ? ids : ids.slice(1);
}

/** Contents of an assignedAuthor/assignedEntity for a Redox provider, in schema order (id, code, addr, telecom, person). */
export function assignedProvider(
  provider: Partial<Provider> | null | undefined,
  extra: { organization?: XmlChild } = {},
): XmlChild[] {
  const emails = (provider?.EmailAddresses ?? []).map((item) => (typeof item === "string" ? item : item.Address));
  const telecoms = [phone(provider?.PhoneNumber?.Office, "WP"), ...emails.map((item) => email(item, "WP"))].filter(
    Boolean,
  );
  return [
    providerIds(provider),
    hasCode(provider?.Role) ? coded("code", provider!.Role) : undefined,
    address(provider?.Address, "WP"),
    telecoms.length ? telecoms : el("telecom", { nullFlavor: "UNK" }),
    el("assignedPerson", {}, personName(provider ?? {})),
    extra.organization,
  ];
}

export function readAddress(node: XNode | undefined): Address | undefined {
  if (!node || attr(node, "nullFlavor")) return undefined;
  const lines = childrenNamed(node, "streetAddressLine")
    .map((line) => textOf(line))
    .filter(Boolean);
  const value = compact({
    StreetAddress: lines.length ? lines.join("\n") : undefined,
    City: textOf(child(node, "city")) || undefined,
    State: textOf(child(node, "state")) || undefined,
    ZIP: textOf(child(node, "postalCode")) || undefined,
    County: textOf(child(node, "county")) || undefined,
    Country: textOf(child(node, "country")) || undefined,
  });
  return Object.keys(value).length ? value : undefined;
}

export function readIdentifier(node: XNode | undefined): Identifier | undefined {
  if (!node || attr(node, "nullFlavor")) return undefined;
  const extension = attr(node, "extension");
  const root = attr(node, "root");
  // An id with only a root (a UUID or OID naming the thing itself) is its own value.
  if (!extension) return root ? { ID: root, IDType: undefined } : undefined;
  return compact({ ID: extension, IDType: identifierType(root, attr(node, "assigningAuthorityName")) });
}

export function readName(node: XNode | undefined): {
  FirstName?: string;
  MiddleName?: string;
  LastName?: string;
  Credentials?: string[];
} {
  if (!node) return {};
  const given = childrenNamed(node, "given")
    .map((item) => textOf(item))
    .filter(Boolean);
  const family = childrenNamed(node, "family")
    .map((item) => textOf(item))
    .filter(Boolean);
  const suffixes = childrenNamed(node, "suffix")
    .map((item) => textOf(item))
    .filter(Boolean);
  // A name written as plain text (`<name>Dr Henry Seven</name>`) keeps its words as the last name.
  const plain = !given.length && !family.length ? textOf(node) || undefined : undefined;
  return compact({
    FirstName: given[0],
    MiddleName: given.slice(1).join(" ") || undefined,
    LastName: family.join(" ") || plain,
    Credentials: suffixes,
  });
}

/** Telecoms split by scheme: `tel:` numbers by use, `mailto:` addresses. */
export function readTelecoms(nodes: readonly XNode[]): { phones: { use?: string; value: string }[]; emails: string[] } {
  const phones: { use?: string; value: string }[] = [];
  const emails: string[] = [];
  for (const node of nodes) {
    const value = attr(node, "value");
    if (!value) continue;
    if (/^mailto:/i.test(value)) emails.push(value.replace(/^mailto:/i, ""));
    else phones.push({ use: attr(node, "use"), value: value.replace(/^tel:/i, "") });
  }
  return { phones, emails };
}

/** A Redox provider from an assignedAuthor/assignedEntity/associatedEntity. */
export function readProvider(node: XNode | undefined, context: ReadContext): Provider | undefined {
  if (!node) return undefined;
  const ids = childrenNamed(node, "id")
    .map(readIdentifier)
    .filter((id): id is Identifier => !!id);
  const first = ids[0];
  // A second id that is an NPI is the provider's NPI beside its own id.
  const npi = ids.slice(1).find((id) => id.IDType === "NPI");
  const person =
    child(node, "assignedPerson") ?? child(node, "associatedPerson") ?? child(node, "informationRecipient");
  const { phones, emails } = readTelecoms(childrenNamed(node, "telecom"));
  return compact({
    ID: first?.ID,
    IDType: first?.IDType,
    NPI: npi?.ID,
    ...readName(child(person, "name")),
    Address: readAddress(child(node, "addr")),
    PhoneNumber: phones.length ? { Office: phones[0]!.value } : undefined,
    EmailAddresses: emails,
    Role: context.code(child(node, "code")),
  }) as Provider;
}
