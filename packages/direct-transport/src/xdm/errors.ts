/** Why an XDM package was refused. Each code names one cause, so the app can tell the sender what was wrong. */
export type XdmErrorCode =
  | "not-zip" // the attachment is not a ZIP archive
  | "corrupt" // a ZIP archive whose structure or data is broken
  | "not-xdm" // a ZIP archive without an IHE_XDM/<subset>/METADATA.XML
  | "too-large" // the archive, or all its entries together, exceed the byte limit
  | "too-many-entries"
  | "entry-too-large" // one entry exceeds the per-entry byte limit
  | "compression-ratio" // an entry inflates far beyond its compressed size: a zip bomb
  | "unsafe-path" // an entry name could escape the folder it is read into (`..`, absolute, drive letter, `\`, NUL)
  | "encrypted" // encrypted entries cannot be read, and XDM (ITI TF-3 §4.2.3) does not use ZIP encryption
  | "unsupported-compression"; // only stored and deflated entries are read

export class XdmError extends Error {
  override readonly name = "XdmError";
  constructor(
    readonly code: XdmErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
  }
}

export function isXdmError(error: unknown, code?: XdmErrorCode): error is XdmError {
  return error instanceof XdmError && (code === undefined || error.code === code);
}
