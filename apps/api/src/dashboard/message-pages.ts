import { Router, type Request } from "express";
import type { AppContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { enqueueWebhookDelivery } from "../queues/webhook-queue.js";
import { recordAudit } from "../audit/audit-log.js";
import { clinicalSummaryPage, mediaFileOf, previewImageTypes } from "./document-view.js";
import { age, badge, documentCsp, html, layout, noStore, sendPage, when, type SafeHtml } from "./html.js";
import { checkCsrf, sessionOf } from "./session.js";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const messageStatuses = [
  "queued",
  "sent",
  "processed",
  "delivered",
  "failed",
  "timed_out",
  "received",
  "quarantined",
] as const;
const pageSize = 50;
const readAuditWindowMs = 10 * 60_000;
/** Images larger than this are offered as a link rather than inlined as a data: URL. */
const inlineImageBytes = 5 * 1024 * 1024;

export class NotFound extends Error {
  override readonly name = "NotFound";
}

const one = (value: unknown): string => (typeof value === "string" ? value.trim() : "");

function tone(type: string): string {
  if (/failed|timed_out|dead|quarantin/.test(type)) return "bad";
  if (/dispatched|delivered|mdn_processed/.test(type)) return "good";
  if (/sent|handed|rendered|accepted|replayed/.test(type)) return "info";
  return "";
}

/** An event's or a recipient's detail (JSON) as short key/value pairs, every value escaped. */
function detailOf(detail: unknown): SafeHtml {
  if (detail === null || detail === undefined) return html``;
  if (typeof detail !== "object") return html`<div class="detail">${String(detail as string | number | boolean)}</div>`;
  const entries = Object.entries(detail as Record<string, unknown>);
  if (!entries.length) return html``;
  return html`<dl class="detail">
    ${entries.map(
      ([key, value]) =>
        html`<dt>${key}</dt>
          <dd>${typeof value === "string" ? value : JSON.stringify(value)}</dd> `,
    )}
  </dl>`;
}

interface ListQuery {
  q: string;
  status: string;
  direction: string;
  dataModel: string;
  page: number;
}

function listQuery(req: Request): ListQuery {
  const status = one(req.query.status);
  const direction = one(req.query.direction);
  const dataModel = one(req.query.dataModel);
  return {
    q: one(req.query.q).slice(0, 200),
    status: (messageStatuses as readonly string[]).includes(status) ? status : "",
    direction: ["inbound", "outbound"].includes(direction) ? direction : "",
    dataModel: ["Clinical Summary", "Media"].includes(dataModel) ? dataModel : "",
    page: Math.min(Math.max(Number.parseInt(one(req.query.page), 10) || 1, 1), 1000),
  };
}

function where(orgId: string, query: ListQuery): Prisma.MessageWhereInput {
  const q = query.q;
  return {
    orgId,
    ...(query.status ? { status: query.status as (typeof messageStatuses)[number] } : {}),
    ...(query.direction ? { direction: query.direction as "inbound" | "outbound" } : {}),
    ...(query.dataModel ? { dataModel: query.dataModel } : {}),
    ...(q
      ? {
          OR: [
            ...(uuidPattern.test(q) ? [{ id: q }] : []),
            { directFrom: { contains: q, mode: "insensitive" as const } },
            { directTo: { has: q.toLowerCase() } },
            { recipients: { some: { address: { contains: q, mode: "insensitive" as const } } } },
            { rfcMessageId: { contains: q } },
            { lastError: { contains: q, mode: "insensitive" as const } },
          ],
        }
      : {}),
  };
}

function pageLink(query: ListQuery, page: number): string {
  const params = new URLSearchParams();
  for (const key of ["q", "status", "direction", "dataModel"] as const) if (query[key]) params.set(key, query[key]);
  if (page > 1) params.set("page", String(page));
  const text = params.toString();
  return `/dashboard/messages${text ? `?${text}` : ""}`;
}

function select(name: string, label: string, current: string, options: readonly string[]): SafeHtml {
  return html`<label
    >${label}<select name="${name}">
      <option value="">any</option>
      ${options.map(
        (option) => html`<option value="${option}" ${option === current ? html` selected` : ""}>${option}</option>`,
      )}
    </select></label
  >`;
}

/** Messages: the list with live status, one message with its timeline, its document and attachments, and replay. */
export function messagePages(ctx: AppContext): Router {
  const router = Router();

  /**
   * Who read which message (the page, its document or its file), as the API's reads are recorded. One record per
   * administrator and message per window: the page re-reading itself every few seconds is not another read.
   */
  async function auditRead(session: { orgId: string; adminId: string }, messageId: string): Promise<void> {
    const recent = await ctx.db.auditEvent.findFirst({
      where: {
        orgId: session.orgId,
        actorKind: "admin",
        actorId: session.adminId,
        action: "message.read",
        targetId: messageId,
        createdAt: { gte: new Date(Date.now() - readAuditWindowMs) },
      },
      select: { id: true },
    });
    if (recent) return;
    await recordAudit(ctx, {
      orgId: session.orgId,
      actor: { kind: "admin", id: session.adminId },
      action: "message.read",
      targetType: "message",
      targetId: messageId,
      detail: { via: "dashboard" },
    });
  }

  router.get("/messages", async (req, res) => {
    const session = sessionOf(res);
    const query = listQuery(req);
    const rows = await ctx.db.message.findMany({
      where: where(session.orgId, query),
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      skip: (query.page - 1) * pageSize,
      take: pageSize + 1,
      select: {
        id: true,
        direction: true,
        dataModel: true,
        eventType: true,
        status: true,
        directFrom: true,
        directTo: true,
        createdAt: true,
        recipients: { select: { address: true, status: true }, orderBy: { address: "asc" } },
      },
    });
    const more = rows.length > pageSize;
    const now = new Date();
    const body = html`<h1>Messages</h1>
      <form class="filters" method="get" action="/dashboard/messages">
        <label
          >Search<input type="search" name="q" value="${query.q}" placeholder="address, Message-ID, id, error"
        /></label>
        ${select("status", "Status", query.status, messageStatuses)}
        ${select("direction", "Direction", query.direction, ["outbound", "inbound"])}
        ${select("dataModel", "Data model", query.dataModel, ["Clinical Summary", "Media"])}
        <button type="submit">Filter</button> <a href="/dashboard/messages">clear</a>
      </form>
      <table class="grid" id="messages" data-live>
        <thead>
          <tr>
            <th>Status</th>
            <th>Direction</th>
            <th>Data model</th>
            <th>From</th>
            <th>To</th>
            <th>Recipients</th>
            <th>Age</th>
          </tr>
        </thead>
        <tbody>
          ${
            rows.length
              ? rows.slice(0, pageSize).map(
                  (row) =>
                    html`<tr data-message-id="${row.id}">
                      <td><a href="/dashboard/messages/${row.id}">${badge(row.status)}</a></td>
                      <td>${row.direction}</td>
                      <td>
                        <a href="/dashboard/messages/${row.id}">${row.dataModel}</a>
                        <span class="muted">${row.eventType}</span>
                      </td>
                      <td>${row.directFrom}</td>
                      <td>${row.directTo.join(", ")}</td>
                      <td>
                        ${row.recipients.map((recipient) => html`<span title="${recipient.address}">${badge(recipient.status)}</span>`)}
                      </td>
                      <td>${age(row.createdAt, now)}</td>
                    </tr>`,
                )
              : html`<tr>
                  <td colspan="7" class="muted">No messages match.</td>
                </tr>`
          }
        </tbody>
      </table>
      <p>
        ${query.page > 1 ? html`<a href="${pageLink(query, query.page - 1)}">← newer</a> ` : ""}${
          more ? html`<a href="${pageLink(query, query.page + 1)}">older →</a>` : ""
        }
      </p>`;
    sendPage(res, layout({ title: "Messages", session, active: "messages", live: true }, body));
  });

  async function findMessage(orgId: string, id: string) {
    if (!uuidPattern.test(id)) throw new NotFound();
    const message = await ctx.db.message.findFirst({
      where: { id, orgId },
      include: {
        events: { orderBy: { id: "asc" } },
        recipients: { orderBy: { address: "asc" } },
        deliveries: { orderBy: { createdAt: "asc" }, include: { webhookDestination: { select: { name: true } } } },
        items: { orderBy: { position: "asc" } },
        destination: { select: { name: true, adapter: true } },
        source: { select: { name: true } },
      },
    });
    if (!message) throw new NotFound();
    return message;
  }

  /** The data models a message carries: its payload (outbound) or its inbound items, by position. */
  function documentsOf(message: Awaited<ReturnType<typeof findMessage>>) {
    if (message.direction === "outbound")
      return message.payload && typeof message.payload === "object"
        ? [{ position: 0, dataModel: message.dataModel, payload: message.payload as Record<string, unknown> }]
        : [];
    return message.items.map((item) => ({
      position: item.position,
      dataModel: item.dataModel,
      payload: item.payload as Record<string, unknown>,
    }));
  }

  router.get("/messages/:id", async (req, res) => {
    const session = sessionOf(res);
    const message = await findMessage(session.orgId, req.params.id);
    await auditRead(session, message.id);
    const replayed = one(req.query.replayed);
    const documents = documentsOf(message);
    const base = `/dashboard/messages/${message.id}`;
    const documentViews = documents.map((doc) => {
      if (doc.dataModel === "Clinical Summary")
        return html`<h3>Clinical Summary${documents.length > 1 ? html` #${doc.position + 1}` : ""}</h3>
          <iframe class="document" sandbox title="Clinical document" src="${base}/documents/${doc.position}"></iframe>
          <p>
            <a href="${base}/documents/${doc.position}" target="_blank" rel="noopener noreferrer"
              >Open the document alone</a
            >
          </p>`;
      const file = mediaFileOf(doc.payload);
      if (!file) return html`<p class="muted">A ${doc.dataModel} without a file.</p>`;
      const fileUrl = `${base}/documents/${doc.position}/file`;
      const preview =
        file.mime === "application/pdf"
          ? html`<object class="pdf" type="application/pdf" data="${fileUrl}">
              <p>This browser does not show PDFs here: <a href="${fileUrl}?download=1">download the PDF</a>.</p>
            </object>`
          : previewImageTypes.has(file.mime) && file.bytes.length <= inlineImageBytes
            ? html`<img
                class="preview"
                alt="${file.fileName}"
                src="data:${file.mime};base64,${file.bytes.toString("base64")}"
              />`
            : file.mime === "text/plain"
              ? html`<pre>${file.bytes.toString("utf8").slice(0, 200_000)}</pre>`
              : html`<p class="muted">No preview for ${file.fileType}.</p>`;
      return html`<h3>
          Media: ${file.fileName} <span class="muted">(${file.fileType}, ${file.bytes.length} bytes)</span>
        </h3>
        ${preview}
        <p><a href="${fileUrl}?download=1">Download ${file.fileName}</a></p>`;
    });

    const body = html`<p><a href="/dashboard/messages">← Messages</a></p>
      <h1>${message.dataModel} <span class="muted">${message.eventType}</span> ${badge(message.status)}</h1>
      ${replayed ? html`<p class="notice" role="status">Delivery ${replayed} queued again.</p>` : ""}
      <div class="cols">
        <div>
          <h2>Message</h2>
          <dl class="facts" id="facts" data-live>
            <dt>Id</dt>
            <dd>${message.id}</dd>
            <dt>Status</dt>
            <dd>${badge(message.status)}</dd>
            <dt>Direction</dt>
            <dd>${message.direction}</dd>
            <dt>From</dt>
            <dd>${message.directFrom}</dd>
            <dt>To</dt>
            <dd>${message.directTo.join(", ")}</dd>
            <dt>Message-ID</dt>
            <dd>${message.rfcMessageId}</dd>
            ${
              message.destination
                ? html`<dt>Destination</dt>
                    <dd>${message.destination.name} (${message.destination.adapter})</dd>`
                : ""
            }
            ${
              message.source
                ? html`<dt>Source</dt>
                    <dd>${message.source.name}</dd>`
                : ""
            }
            <dt>Accepted</dt>
            <dd>${when(message.createdAt)}</dd>
            <dt>Sent</dt>
            <dd>${when(message.sentAt)}</dd>
            <dt>Final delivery asked</dt>
            <dd>${message.finalDeliveryRequested ? "yes" : "no"}</dd>
            ${
              message.lastError
                ? html`<dt>Last error</dt>
                    <dd class="warn">${message.lastError}</dd>`
                : ""
            }
            ${
              message.quarantineReason
                ? html`<dt>Quarantined</dt>
                    <dd class="warn">${message.quarantineReason}</dd>`
                : ""
            }
          </dl>
          <h2>Recipients</h2>
          <table class="grid" id="recipients" data-live>
            <thead>
              <tr>
                <th>Recipient</th>
                <th>State</th>
                <th>Final at</th>
                <th>Remote reply</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              ${
                message.recipients.length
                  ? message.recipients.map(
                      (recipient) =>
                        html`<tr>
                          <td>${recipient.address}</td>
                          <td>${badge(recipient.status)}</td>
                          <td>${when(recipient.finalAt)}</td>
                          <td class="remote-reply">${recipient.remoteReply ?? "–"}</td>
                          <td>${recipient.detail ?? "–"}</td>
                        </tr>`,
                    )
                  : html`<tr>
                      <td colspan="5" class="muted">No recipient rows.</td>
                    </tr>`
              }
            </tbody>
          </table>
          <h2>Webhook deliveries</h2>
          <table class="grid" id="deliveries" data-live>
            <thead>
              <tr>
                <th>Webhook</th>
                <th>State</th>
                <th>Attempts</th>
                <th>Last answer</th>
                <th>Created</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              ${
                message.deliveries.length
                  ? message.deliveries.map(
                      (delivery) =>
                        html`<tr data-delivery-id="${delivery.id}">
                          <td>${delivery.webhookDestination.name}</td>
                          <td>${badge(delivery.status)}</td>
                          <td>${delivery.attempts}</td>
                          <td>${delivery.lastStatusCode ?? ""} ${delivery.lastError ?? ""}</td>
                          <td>${when(delivery.createdAt)}</td>
                          <td>
                            ${
                              delivery.status === "pending"
                                ? ""
                                : html`<form method="post" action="/dashboard/deliveries/${delivery.id}/replay">
                                    <input type="hidden" name="_csrf" value="${session.csrf}" /><input
                                      type="hidden"
                                      name="back"
                                      value="message"
                                    /><button type="submit" class="${delivery.status === "dead" ? "" : "secondary"}">
                                      Replay
                                    </button>
                                  </form>`
                            }
                          </td>
                        </tr>`,
                    )
                  : html`<tr>
                      <td colspan="6" class="muted">No webhook deliveries.</td>
                    </tr>`
              }
            </tbody>
          </table>
        </div>
        <div>
          <h2>Timeline</h2>
          <ol class="timeline" id="timeline" data-live>
            ${message.events.map(
              (event) =>
                html`<li class="${tone(event.type)}" data-event="${event.type}">
                  <span class="event-type">${event.type.replace(/_/g, " ")}</span
                  ><span class="event-at">${when(event.createdAt)}</span>${detailOf(event.detail)}
                </li>`,
            )}
          </ol>
        </div>
      </div>
      <h2>Document</h2>
      ${documentViews.length ? documentViews : html`<p class="muted">No document is kept for this message.</p>`}`;
    sendPage(
      res,
      layout({ title: `${message.dataModel} ${message.status}`, session, active: "messages", live: true }, body),
    );
  });

  async function documentAt(orgId: string, id: string, position: string) {
    const message = await findMessage(orgId, id);
    const doc = documentsOf(message).find((item) => String(item.position) === position);
    if (!doc) throw new NotFound();
    return { message, doc };
  }

  router.get("/messages/:id/documents/:position", async (req, res) => {
    const session = sessionOf(res);
    const { message, doc } = await documentAt(session.orgId, req.params.id, req.params.position);
    if (doc.dataModel !== "Clinical Summary") throw new NotFound();
    await auditRead(session, message.id);
    const page = clinicalSummaryPage(doc.payload, { messageId: message.id, custodianName: session.orgName });
    noStore(res);
    res.setHeader("Content-Security-Policy", documentCsp);
    res.type("html").send(page.value);
  });

  router.get("/messages/:id/documents/:position/file", async (req, res) => {
    const session = sessionOf(res);
    const { message, doc } = await documentAt(session.orgId, req.params.id, req.params.position);
    const file = mediaFileOf(doc.payload);
    if (!file) throw new NotFound();
    await auditRead(session, message.id);
    const download = req.query.download === "1";
    noStore(res);
    // A PDF shown in place needs the browser's viewer, which a `sandbox` policy turns off; it still loads nothing.
    res.setHeader(
      "Content-Security-Policy",
      file.mime === "application/pdf" && !download ? "default-src 'none'; frame-ancestors 'self'" : documentCsp,
    );
    const name = file.fileName.replace(/[^\w.-]+/g, "_").slice(0, 100) || "file";
    // HTML, XML and anything not previewed is only ever downloaded: never rendered as a page of this site.
    const inline =
      !download && (file.mime === "application/pdf" || previewImageTypes.has(file.mime) || file.mime === "text/plain");
    res.setHeader("Content-Disposition", `${inline ? "inline" : "attachment"}; filename="${name}"`);
    res.type(inline ? file.mime : "application/octet-stream").send(file.bytes);
  });

  router.post("/deliveries/:id/replay", async (req, res) => {
    const session = sessionOf(res);
    if (!checkCsrf(req, res)) {
      res.status(403).type("text").send("The form has expired: go back, reload the page and try again.");
      return;
    }
    const id = req.params.id;
    const delivery = uuidPattern.test(id)
      ? await ctx.db.webhookDelivery.findFirst({ where: { id, webhookDestination: { orgId: session.orgId } } })
      : null;
    if (!delivery) throw new NotFound();
    const back =
      one((req.body as Record<string, unknown>).back) === "connections"
        ? "/dashboard/connections"
        : `/dashboard/messages/${delivery.messageId}`;
    if (delivery.status !== "pending") {
      // The same steps as POST /webhooks/deliveries/:id/replay: a new retry window, an event on the timeline.
      await ctx.db.$transaction([
        ctx.db.webhookDelivery.update({
          where: { id },
          data: { status: "pending", windowStartedAt: new Date(), lastError: null },
        }),
        ctx.db.messageEvent.create({
          data: {
            messageId: delivery.messageId,
            type: "webhook_replayed",
            detail: { deliveryId: id, previousStatus: delivery.status, via: "dashboard" },
          },
        }),
      ]);
      await recordAudit(ctx, {
        orgId: session.orgId,
        actor: { kind: "admin", id: session.adminId },
        action: "webhook_delivery.replay",
        targetType: "webhook_delivery",
        targetId: id,
      });
      await ctx.webhookQueue.remove(id).catch(() => undefined);
      await enqueueWebhookDelivery(ctx.webhookQueue, id);
    }
    res.redirect(303, `${back}?replayed=${encodeURIComponent(id)}`);
  });

  return router;
}
