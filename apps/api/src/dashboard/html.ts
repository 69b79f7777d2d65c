import type { Response } from "express";

/** Markup that is already safe: made by `html` (which escapes every value) or by the narrative sanitiser. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | bigint | Date | null | undefined | readonly HtmlValue[];

const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => entities[character]!);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value instanceof Date) return escapeHtml(value.toISOString());
  return escapeHtml(String(value));
}

/**
 * Markup with every interpolated value HTML-escaped, in text and in (quoted) attributes alike: patient names,
 * addresses, remote replies and document text are hostile input. Only `SafeHtml` passes through.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, index) => {
    out += render(value) + strings[index + 1]!;
  });
  return new SafeHtml(out);
}

/**
 * Every dashboard page: nothing loads from elsewhere, scripts and styles only from the dashboard's own files, no
 * inline script, frames only of its own (sandboxed) document views, and no framing by others.
 */
export const pageCsp = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "object-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

/**
 * A rendered clinical document or an attached file: nothing at all may load or run. `sandbox` makes it an opaque
 * origin with scripts, forms and navigation off even when opened outside its frame.
 */
export const documentCsp =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox";

export function noStore(res: Response): void {
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("X-Content-Type-Options", "nosniff");
  // Not no-referrer: with it Chromium sends `Origin: null` on the dashboard's own form POSTs, which the same-site check
  // refuses. same-origin tells other sites nothing.
  res.setHeader("Referrer-Policy", "same-origin");
}

export function sendPage(res: Response, page: SafeHtml, status = 200): void {
  noStore(res);
  res.setHeader("Content-Security-Policy", pageCsp);
  res.setHeader("X-Frame-Options", "DENY");
  res.status(status).type("html").send(page.value);
}

export interface LayoutOptions {
  title: string;
  /** The signed-in administrator and organization; absent on the sign-in page. */
  session?: { adminName: string; orgName: string; csrf: string };
  active?: "messages" | "connections" | "directory" | "certificates" | "queues";
  /** Re-read parts marked `data-live` every few seconds (progressive: the page works without it). */
  live?: boolean;
}

const nav = [
  ["messages", "/dashboard/messages", "Messages"],
  ["connections", "/dashboard/connections", "Connections"],
  ["directory", "/dashboard/directory", "Directory"],
  ["certificates", "/dashboard/certificates", "Certificates"],
  ["queues", "/dashboard/queues", "Queues"],
] as const;

export function layout(options: LayoutOptions, body: SafeHtml): SafeHtml {
  const session = options.session;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title} · Conduit</title>
        <link rel="stylesheet" href="/dashboard/assets/dashboard.css" />
        ${options.live ? html`<script src="/dashboard/assets/live.js" defer></script>` : ""}
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/dashboard/messages">Conduit</a>
          ${
            session
              ? html`<nav>
                    ${nav.map(
                      ([key, href, label]) =>
                        html`<a href="${href}" ${key === options.active ? html` aria-current="page"` : ""}
                          >${label}</a
                        >`,
                    )}
                  </nav>
                  <form class="signout" method="post" action="/dashboard/logout">
                    <input type="hidden" name="_csrf" value="${session.csrf}" /><span
                      >${session.adminName} · ${session.orgName}</span
                    >
                    <button type="submit">Sign out</button>
                  </form>`
              : ""
          }
        </header>
        <main>${body}</main>
      </body>
    </html>`;
}

/** A status as a coloured badge: green when it went well, red when it did not, grey while it is under way. */
export function badge(status: string): SafeHtml {
  const tone = ["delivered", "processed"].includes(status)
    ? "good"
    : ["failed", "timed_out", "quarantined", "dead"].includes(status)
      ? "bad"
      : status === "sent"
        ? "info"
        : "wait";
  return html`<span class="badge ${tone}" data-status="${status}">${status.replace("_", " ")}</span>`;
}

/** "3 min ago", with the exact time in the tooltip and the `datetime` attribute. */
export function age(at: Date, now = new Date()): SafeHtml {
  const seconds = Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000));
  const text =
    seconds < 60
      ? `${seconds}s ago`
      : seconds < 3600
        ? `${Math.floor(seconds / 60)} min ago`
        : seconds < 86_400
          ? `${Math.floor(seconds / 3600)} h ago`
          : `${Math.floor(seconds / 86_400)} d ago`;
  return html`<time datetime="${at}" title="${at}">${text}</time>`;
}

export function when(at: Date | null | undefined): SafeHtml {
  return at ? html`<time datetime="${at}">${at.toISOString().replace("T", " ").slice(0, 19)} UTC</time>` : html`–`;
}
