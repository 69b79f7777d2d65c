import { Router } from "express";
import type { AppContext } from "../context.js";
import { age, badge, html, layout, sendPage, when } from "./html.js";
import { sessionOf } from "./session.js";

const expiryWarningDays = 30;
const dayMs = 86_400_000;
const one = (value: unknown): string => (typeof value === "string" ? value.trim().slice(0, 200) : "");

/** Connections, the provider directory, certificates and queue health. */
export function adminPages(ctx: AppContext): Router {
  const router = Router();

  router.get("/connections", async (req, res) => {
    const session = sessionOf(res);
    const orgId = session.orgId;
    const since = new Date(Date.now() - dayMs);
    const [destinations, outcomes, webhooks, deliveryCounts, dead] = await Promise.all([
      ctx.db.destination.findMany({ where: { orgId }, orderBy: { createdAt: "asc" } }),
      ctx.db.message.groupBy({
        by: ["destinationId", "status"],
        where: { orgId, direction: "outbound", createdAt: { gte: since } },
        _count: { _all: true },
      }),
      ctx.db.webhookDestination.findMany({
        where: { orgId },
        orderBy: { createdAt: "asc" },
        include: { subscriptions: { where: { disabledAt: null }, select: { kind: true, dataModels: true } } },
      }),
      ctx.db.webhookDelivery.groupBy({
        by: ["webhookDestinationId", "status"],
        where: { webhookDestination: { orgId } },
        _count: { _all: true },
        _max: { deliveredAt: true },
      }),
      ctx.db.webhookDelivery.findMany({
        where: { status: "dead", webhookDestination: { orgId } },
        orderBy: { updatedAt: "desc" },
        take: 100,
        include: { webhookDestination: { select: { name: true } } },
      }),
    ]);
    const countOf = <K extends string>(
      rows: ({ _count: { _all: number } } & Record<K, unknown>)[],
      key: K,
      id: string,
      status: string,
    ) =>
      rows.find((row) => row[key] === id && (row as unknown as { status: string }).status === status)?._count._all ?? 0;
    const replayed = one(req.query.replayed);
    const body = html`<h1>Connections</h1>
      ${replayed ? html`<p class="notice" role="status">Delivery ${replayed} queued again.</p>` : ""}
      <h2>Destinations</h2>
      <table class="grid">
        <thead>
          <tr>
            <th>Name</th>
            <th>Adapter</th>
            <th>Direct address</th>
            <th>Last 24 h</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          ${destinations.map((destination) => {
            const statuses = ["delivered", "processed", "sent", "queued", "failed", "timed_out"].filter(
              (status) => countOf(outcomes, "destinationId", destination.id, status) > 0,
            );
            return html`<tr>
              <td>${destination.name}</td>
              <td>${destination.adapter}</td>
              <td>${destination.directAddressFrom}</td>
              <td>
                ${
                  statuses.length
                    ? statuses.map(
                        (status) =>
                          html`${badge(status)} ${countOf(outcomes, "destinationId", destination.id, status)} `,
                      )
                    : html`<span class="muted">no messages</span>`
                }
              </td>
              <td>${destination.disabledAt ? badge("disabled") : html`<span class="badge good">active</span>`}</td>
            </tr>`;
          })}
        </tbody>
      </table>
      <h2>Webhook destinations</h2>
      <table class="grid" id="webhooks">
        <thead>
          <tr>
            <th>Name</th>
            <th>URL</th>
            <th>Subscriptions</th>
            <th>Health</th>
            <th>Last delivered</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          ${webhooks.map((webhook) => {
            const deadCount = countOf(deliveryCounts, "webhookDestinationId", webhook.id, "dead");
            const pending = countOf(deliveryCounts, "webhookDestinationId", webhook.id, "pending");
            const delivered = countOf(deliveryCounts, "webhookDestinationId", webhook.id, "delivered");
            const last = deliveryCounts
              .filter((row) => row.webhookDestinationId === webhook.id)
              .map((row) => row._max.deliveredAt)
              .filter((value): value is Date => !!value)
              .sort((a, b) => b.getTime() - a.getTime())[0];
            return html`<tr>
              <td>${webhook.name}</td>
              <td>${webhook.url}</td>
              <td>
                ${webhook.subscriptions.map(
                  (subscription) => html`${subscription.kind}: ${subscription.dataModels.join(", ")}<br />`,
                )}
              </td>
              <td>
                ${deadCount ? html`<span class="badge bad">${deadCount} dead</span>` : html`<span class="badge good">healthy</span>`}
                ${pending} pending, ${delivered} delivered
              </td>
              <td>${last ? age(last) : "–"}</td>
              <td>
                ${webhook.disabledAt ? badge("disabled") : webhook.verifiedAt ? html`<span class="badge good">verified</span>` : badge("unverified")}
              </td>
            </tr>`;
          })}
        </tbody>
      </table>
      <h2>Dead letters</h2>
      <table class="grid" id="dead-letters">
        <thead>
          <tr>
            <th>Webhook</th>
            <th>Message</th>
            <th>Attempts</th>
            <th>Last answer</th>
            <th>Since</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${
            dead.length
              ? dead.map(
                  (delivery) =>
                    html`<tr data-delivery-id="${delivery.id}">
                      <td>${delivery.webhookDestination.name}</td>
                      <td><a href="/dashboard/messages/${delivery.messageId}">${delivery.messageId.slice(0, 8)}</a></td>
                      <td>${delivery.attempts}</td>
                      <td>${delivery.lastStatusCode ?? ""} ${delivery.lastError ?? ""}</td>
                      <td>${when(delivery.updatedAt)}</td>
                      <td>
                        <form method="post" action="/dashboard/deliveries/${delivery.id}/replay">
                          <input type="hidden" name="_csrf" value="${session.csrf}" /><input
                            type="hidden"
                            name="back"
                            value="connections"
                          /><button type="submit">Replay</button>
                        </form>
                      </td>
                    </tr>`,
                )
              : html`<tr>
                  <td colspan="6" class="muted">No dead letters.</td>
                </tr>`
          }
        </tbody>
      </table>`;
    sendPage(res, layout({ title: "Connections", session, active: "connections" }, body));
  });

  router.get("/directory", async (req, res) => {
    const session = sessionOf(res);
    const q = one(req.query.q);
    const entries = q
      ? await ctx.db.directoryEntry.findMany({
          where: {
            orgId: session.orgId,
            OR: [
              { npi: q },
              { directAddress: { contains: q.toLowerCase() } },
              { name: { contains: q, mode: "insensitive" } },
              { organizationName: { contains: q, mode: "insensitive" } },
            ],
          },
          orderBy: [{ name: "asc" }, { npi: "asc" }],
          take: 100,
        })
      : [];
    const total = await ctx.db.directoryEntry.count({ where: { orgId: session.orgId } });
    const body = html`<h1>Directory</h1>
      <form class="filters" method="get" action="/dashboard/directory">
        <label>NPI, name, organization or Direct address<input type="search" name="q" value="${q}" size="40" /></label>
        <button type="submit">Search</button>
      </form>
      <p class="muted">${total} entries imported.</p>
      ${
        q
          ? html`<table class="grid" id="directory-results">
              <thead>
                <tr>
                  <th>NPI</th>
                  <th>Name</th>
                  <th>Organization</th>
                  <th>Direct address</th>
                  <th>List</th>
                  <th>Updated</th>
                </tr>
              </thead>
              <tbody>
                ${
                  entries.length
                    ? entries.map(
                        (entry) =>
                          html`<tr>
                            <td>${entry.npi}</td>
                            <td>${entry.name ?? "–"}</td>
                            <td>${entry.organizationName ?? "–"}</td>
                            <td>${entry.directAddress}</td>
                            <td>${entry.list}</td>
                            <td>${age(entry.updatedAt)}</td>
                          </tr>`,
                      )
                    : html`<tr>
                        <td colspan="6" class="muted">Nothing matches.</td>
                      </tr>`
                }
              </tbody>
            </table>`
          : ""
      }`;
    sendPage(res, layout({ title: "Directory", session, active: "directory" }, body));
  });

  router.get("/certificates", async (_req, res) => {
    const session = sessionOf(res);
    const now = Date.now();
    const certificates = await ctx.db.certificate.findMany({
      where: { orgId: session.orgId },
      orderBy: [{ notAfter: "asc" }],
      select: {
        id: true,
        use: true,
        scope: true,
        subject: true,
        issuer: true,
        notBefore: true,
        notAfter: true,
        disabledAt: true,
      },
    });
    const expiring = certificates.filter(
      (certificate) => !certificate.disabledAt && certificate.notAfter.getTime() - now < expiryWarningDays * dayMs,
    ).length;
    const body = html`<h1>Certificates</h1>
      ${expiring ? html`<p class="error" role="alert">${expiring} certificate(s) expired or expiring within ${expiryWarningDays} days.</p>` : ""}
      <table class="grid" id="certificates">
        <thead>
          <tr>
            <th>Use</th>
            <th>Scope</th>
            <th>Subject</th>
            <th>Issuer</th>
            <th>Valid from</th>
            <th>Valid until</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          ${certificates.map((certificate) => {
            const left = certificate.notAfter.getTime() - now;
            const state = certificate.disabledAt
              ? html`<span class="badge wait">disabled</span>`
              : left < 0
                ? html`<span class="badge bad">expired</span>`
                : left < expiryWarningDays * dayMs
                  ? html`<span class="badge bad">expires in ${Math.ceil(left / dayMs)} d</span>`
                  : html`<span class="badge good">valid</span>`;
            return html`<tr>
              <td>${certificate.use}</td>
              <td>${certificate.scope}</td>
              <td>${certificate.subject}</td>
              <td>${certificate.issuer}</td>
              <td>${when(certificate.notBefore)}</td>
              <td>${when(certificate.notAfter)}</td>
              <td>${state}</td>
            </tr>`;
          })}
        </tbody>
      </table>`;
    sendPage(res, layout({ title: "Certificates", session, active: "certificates" }, body));
  });

  router.get("/queues", async (_req, res) => {
    const session = sessionOf(res);
    const states = ["waiting", "active", "delayed", "prioritized", "waiting-children", "failed", "completed"] as const;
    const queues = [
      ["Outbound messages", ctx.outboundQueue],
      ["Inbound messages", ctx.inboundQueue],
      ["Webhook deliveries", ctx.webhookQueue],
    ] as const;
    const counts = await Promise.all(
      queues.map(async ([name, queue]) => {
        try {
          return { name, queue: queue.name, counts: await queue.getJobCounts(...states), error: undefined };
        } catch (error) {
          return { name, queue: queue.name, counts: undefined, error: (error as Error).message };
        }
      }),
    );
    const body = html`<h1>Queues</h1>
      <p class="muted">BullMQ queues of the whole installation (counts only).</p>
      <table class="grid" id="queues" data-live>
        <thead>
          <tr>
            <th>Queue</th>
            ${states.map((state) => html`<th>${state}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${counts.map(
            (row) =>
              html`<tr data-queue="${row.queue}">
                <td>${row.name} <span class="muted">(${row.queue})</span></td>
                ${
                  row.counts
                    ? states.map(
                        (state) =>
                          html`<td class="${state === "failed" && row.counts![state] ? "warn" : ""}">
                            ${row.counts![state] ?? 0}
                          </td>`,
                      )
                    : html`<td colspan="${states.length}" class="warn">Redis unreachable: ${row.error}</td>`
                }
              </tr>`,
          )}
        </tbody>
      </table>`;
    sendPage(res, layout({ title: "Queues", session, active: "queues", live: true }, body));
  });

  return router;
}
