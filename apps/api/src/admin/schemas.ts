import { z } from "zod";
import { isDirectAddress } from "@conduit/datamodels";

/**
 * The configuration API's request bodies: validation, the handlers' types and the OpenAPI document all come from these
 * schemas. Unknown fields are refused (a misspelt `secrets` must not silently land in `settings`).
 */

const name = z.string({ error: "required: a name" }).trim().min(1, "expected a name").max(200);

/** A domain name, lower-cased. */
const domainPattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export const directMailbox = z
  .string({ error: "required: a Direct address" })
  .trim()
  .refine(isDirectAddress, {
    message: "expected a Direct address (an RFC 5321 mailbox such as jane@direct.example.org)",
  })
  .transform((value) => value.toLowerCase());

/** `jane@direct.example.org`, or `@direct.example.org` for every address of a domain. */
export const directAddressOrDomain = z
  .string({ error: "required: a Direct address or @domain" })
  .trim()
  .transform((value) => value.toLowerCase())
  .refine((value) => (value.startsWith("@") ? domainPattern.test(value.slice(1)) : isDirectAddress(value)), {
    message: "expected a Direct address (jane@direct.example.org) or a whole domain (@direct.example.org)",
  });

/** What a certificate is for: a Direct address or a domain (`direct.example.org`, without `@`). */
export const certificateScope = z
  .string({ error: "required: the Direct address or domain the certificate is for" })
  .trim()
  .transform((value) => value.toLowerCase().replace(/^@/, ""))
  .refine((value) => (value.includes("@") ? isDirectAddress(value) : domainPattern.test(value)), {
    message: "expected a Direct address (jane@direct.example.org) or a domain (direct.example.org)",
  });

const httpsUrl = z
  .string()
  .url("expected a URL")
  .refine((value) => /^https?:\/\//.test(value), { message: "expected an http(s) URL" });

export const sourceCreate = z.strictObject({
  name,
  /** Where the source publishes the public keys of its JWT client assertions. */
  jwksUrl: httpsUrl.nullish(),
  /** HS384 shared secret for client assertions. Write-only. */
  assertionSecret: z.string().min(32, "expected at least 32 characters").max(512).nullish(),
  /** Requests per rate-limit window; null uses RATE_LIMIT_REQUESTS. */
  rateLimit: z.number().int().min(1).max(10_000_000).nullish(),
});
export const sourceUpdate = sourceCreate.partial();

const jwkSchema = z.looseObject({
  kty: z.enum(["RSA", "EC"], { error: "expected an RSA or EC key" }),
  kid: z.string().optional(),
});

export const sourceKeyCreate = z
  .strictObject({
    kid: z.string({ error: "required: the key id the assertions name in their header" }).min(1).max(200),
    alg: z.enum(["RS384", "ES384"], { error: "expected RS384 or ES384" }),
    /** The public key as a JWK... */
    jwk: jwkSchema.optional(),
    /** ...or as PEM (SPKI). */
    publicKeyPem: z
      .string()
      .includes("-----BEGIN PUBLIC KEY-----", { message: "expected a PEM public key" })
      .optional(),
  })
  .refine((value) => Boolean(value.jwk) !== Boolean(value.publicKeyPem), {
    message: "give exactly one of jwk and publicKeyPem",
    path: ["jwk"],
  });

export const dataModelName = z.enum(["Clinical Summary", "Media"], { error: 'expected "Clinical Summary" or "Media"' });

export const subscriptionPut = z.strictObject({
  dataModels: z.array(dataModelName).min(1, "expected at least one data model"),
});

export const peerOption = z.strictObject({
  keyTransport: z.enum(["rsa-oaep-sha256", "rsa-oaep-sha1", "rsa-pkcs1-v1_5"]).optional(),
  contentEncryption: z.enum(["aes-128-cbc", "aes-256-cbc"]).optional(),
});

const adapterKind = z
  .string({ error: "required: the HISP adapter" })
  .regex(/^[a-z0-9][a-z0-9-]*$/, "expected an adapter name such as file or smtp");

export const destinationCreate = z.strictObject({
  name,
  adapter: adapterKind,
  /** Non-secret adapter settings (host, port, folder...). */
  settings: z.record(z.string(), z.unknown()).default({}),
  /** Adapter secrets (passwords, tokens). Write-only: encrypted at rest, never returned; only their names are shown. */
  secrets: z.record(z.string(), z.string()).optional(),
  /** The Direct address this destination sends as (DirectAddressFrom). */
  directAddressFrom: directMailbox,
  /** Per recipient address or domain: the key transport and content encryption it needs. */
  peerOptions: z.record(z.string(), peerOption).default({}),
});
export const destinationUpdate = z.strictObject({
  name: name.optional(),
  adapter: adapterKind.optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  /** Replaces every secret; a key set to null removes that secret, other keys are kept. */
  secrets: z.record(z.string(), z.string().nullable()).optional(),
  directAddressFrom: directMailbox.optional(),
  peerOptions: z.record(z.string(), peerOption).optional(),
});

export const directAddressKind = z.enum(["person", "organization", "machine"], {
  error: "expected person, organization or machine",
});

export const directAddressCreate = z.strictObject({
  address: directAddressOrDomain,
  kind: directAddressKind.default("person"),
  displayName: z.string().trim().max(200).nullish(),
});
export const directAddressUpdate = z.strictObject({
  kind: directAddressKind.optional(),
  displayName: z.string().trim().max(200).nullish(),
});

export const certificateCreate = z.strictObject({
  /** own: Conduit's certificate and private key; anchor: trust anchors (a bundle adds one row per certificate); recipient: a peer's encryption certificate. */
  use: z.enum(["own", "anchor", "recipient"], { error: "expected own, anchor or recipient" }),
  scope: certificateScope,
  format: z.enum(["pem", "der", "pkcs12", "pkcs7"], { error: "expected pem, der, pkcs12 or pkcs7" }),
  /** PEM text for `pem`; base64 for `der`, `pkcs12` and `pkcs7`. */
  data: z.string({ error: "required: the certificate data" }).min(1).max(5_000_000),
  /** The PKCS#12 password. Write-only. */
  password: z.string().max(1_000).optional(),
  /** For `own` with `pem` or `der`: the private key (PEM, PKCS#1 or PKCS#8). Write-only. */
  privateKey: z.string().max(100_000).optional(),
});

export const adminCreate = z.strictObject({ name });

export const organizationCreate = z.strictObject({
  name,
  /** The name of the first administrator credential. */
  adminName: name.default("Administrator"),
});
