import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initConduit, type Conduit } from "../src/lifecycle.js";
import { hasChromium, launchChromium, screenshotDir, type HeadlessBrowser } from "./support/dashboard-browser.js";
import { BeaconServer, seedDashboard, type DashboardSeed } from "./support/dashboard-seed.js";
import { WebhookReceiver } from "./support/peers.js";
import { createTestEnv, waitFor, type TestEnv } from "./support/test-env.js";

if (!hasChromium) {
  console.warn("dashboard browser tests skipped: /usr/bin/chromium is missing (apt-get install -y chromium)");
}

let env: TestEnv;
let conduit: Conduit;
let base: string;
let seed: DashboardSeed;
let beacon: BeaconServer;
let receiver: WebhookReceiver;
let browser: HeadlessBrowser;
let page: Page;
/** Every URL the browser asked for: none may leave this Conduit. */
const requested: string[] = [];

/**
 * The whole page. Not `fullPage`: Chromium leaves a sandboxed (out-of-process) frame blank in a full-page capture, so
 * the viewport is made as tall as the page for the shot instead.
 */
async function shot(name: string) {
  const viewport = page.viewportSize()!;
  const height = (await page.evaluate("document.documentElement.scrollHeight")) as number;
  await page.setViewportSize({ width: viewport.width, height: Math.min(Math.max(height, viewport.height), 8000) });
  await page.waitForTimeout(100);
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
  await page.setViewportSize(viewport);
}

describe.skipIf(!hasChromium)("the dashboard in a browser", () => {
  beforeAll(async () => {
    env = await createTestEnv({ WEBHOOK_BACKOFF_MS: "50" });
    conduit = await initConduit(env.config, { api: true, worker: true, migrate: false });
    base = `http://127.0.0.1:${conduit.port}`;
    beacon = new BeaconServer();
    await beacon.start();
    receiver = new WebhookReceiver();
    const webhookUrl = await receiver.start();
    seed = await seedDashboard(conduit.ctx, { webhookUrl, beaconUrl: `http://127.0.0.1:${beacon.port}` });
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on("request", (request) => requested.push(request.url()));
  });

  afterAll(async () => {
    await browser?.close();
    await conduit?.close();
    await beacon?.stop();
    await receiver?.stop();
    await env?.cleanup();
  });

  it("signs in with the administrator's client id and secret", async () => {
    await page.goto(`${base}/dashboard`);
    expect(new URL(page.url()).pathname).toBe("/dashboard/login");
    await page.fill("#client_id", seed.clientId);
    await page.fill("#client_secret", "wrong");
    await page.click("button[type=submit]");
    await expect(page.getByRole("alert").textContent()).resolves.toContain("do not match");
    await shot("01-sign-in-refused");
    await page.fill("#client_id", seed.clientId);
    await page.fill("#client_secret", seed.clientSecret);
    await page.click("button[type=submit]");
    await page.waitForURL(`${base}/dashboard/messages`);
    await expect(page.locator("#messages tbody tr").count()).resolves.toBe(6);
    await shot("02-messages");
  });

  it("finds the delivered referral and shows its timeline and its document", async () => {
    await page.selectOption("select[name=status]", "delivered");
    await page.selectOption("select[name=dataModel]", "Clinical Summary");
    await page.click("form.filters button[type=submit]");
    await page.waitForURL(/status=delivered/);
    const rows = page.locator("#messages tbody tr");
    await expect(rows.count()).resolves.toBe(1);
    await rows.first().locator("a").first().click();
    await page.waitForURL(`${base}/dashboard/messages/${seed.deliveredId}`);
    const timeline = page.locator("#timeline li");
    await expect(timeline.count()).resolves.toBe(6);
    await expect(timeline.last().getAttribute("data-event")).resolves.toBe("mdn_dispatched");
    await expect(page.locator("#recipients .remote-reply").textContent()).resolves.toContain("250 2.0.0 Ok");
    const document = page.frameLocator("iframe.document");
    await expect(document.locator(".patient-name").textContent()).resolves.toBe("Myra Jones");
    await expect(document.locator("h2").allTextContents()).resolves.toContain("Allergies and Intolerances");
    await shot("03-delivered-message");
  });

  it("finds the failed referral by searching, with the reason it failed", async () => {
    await page.goto(`${base}/dashboard/messages`);
    await page.fill("input[name=q]", "unknown-hisp");
    await page.press("input[name=q]", "Enter");
    await page.waitForURL(/q=unknown-hisp/);
    const rows = page.locator("#messages tbody tr");
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().locator(".badge").first().getAttribute("data-status")).resolves.toBe("failed");
    await rows.first().locator("a").first().click();
    await page.waitForURL(`${base}/dashboard/messages/${seed.failedId}`);
    await expect(page.locator("#timeline li").last().getAttribute("data-event")).resolves.toBe("failed");
    await expect(page.locator("#facts").textContent()).resolves.toContain("no certificate found");
    await expect(page.locator("#recipients").textContent()).resolves.toContain("550 5.1.1");
    await expect(page.frameLocator("iframe.document").locator("h1").textContent()).resolves.toBeTruthy();
    await shot("04-failed-message");
  });

  it("renders a hostile narrative without running or loading any of it", async () => {
    await page.goto(`${base}/dashboard/messages/${seed.hostileId}`);
    const frameElement = await page.waitForSelector("iframe.document");
    const frame = (await frameElement.contentFrame())!;
    await frame.waitForLoadState("load");
    await expect(frame.locator("body").textContent()).resolves.toContain("Hostile narrative follows.");
    await expect(frame.locator(".b").first().textContent()).resolves.toBe("Bold but harmless");
    // Give anything that could have run or loaded the time to do it.
    await page.waitForTimeout(1000);
    const pwned = await page.evaluate("window.pwned");
    expect(pwned).toBeUndefined();
    await expect(page.title()).resolves.not.toContain("pwned");
    await expect(frame.title()).resolves.toBe("Clinical document");
    await expect(
      frame.locator("script, img, iframe, object, embed, a, [onerror], [onmouseover]").count(),
    ).resolves.toBe(0);
    // The patient's hostile name is shown as the text it is.
    await expect(frame.locator(".patient-name").textContent()).resolves.toContain('Eve<img src="http://127.0.0.1');
    expect(beacon.hits).toEqual([]);
    expect(requested.filter((url) => !url.startsWith(base) && !url.startsWith("data:"))).toEqual([]);
    await shot("05-hostile-document");
    await frameElement.screenshot({ path: path.join(screenshotDir, "05b-hostile-document-frame.png") });
    await page.goto(`${base}/dashboard/messages/${seed.hostileId}/documents/0`);
    await shot("05c-hostile-document-alone");
  });

  it("previews a PDF and an image attachment", async () => {
    await page.goto(`${base}/dashboard/messages/${seed.pdfId}`);
    await expect(page.locator("object.pdf").getAttribute("data")).resolves.toBe(
      `/dashboard/messages/${seed.pdfId}/documents/0/file`,
    );
    await shot("06-media-pdf");
    await page.goto(`${base}/dashboard/messages/${seed.imageId}`);
    const size = await page
      .locator("img.preview")
      .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
    expect(size).toBe(2);
    await shot("07-media-image");
  });

  it("replays a dead-lettered webhook delivery and the endpoint gets it", async () => {
    await page.goto(`${base}/dashboard/connections`);
    await expect(page.locator("#webhooks").textContent()).resolves.toContain("1 dead");
    await shot("08-connections");
    await page.goto(`${base}/dashboard/messages/${seed.inboundId}`);
    const row = page.locator(`#deliveries tr[data-delivery-id="${seed.deadDeliveryId}"]`);
    await expect(row.locator(".badge").getAttribute("data-status")).resolves.toBe("dead");
    // An inbound message's document is its item, shown the same way.
    await expect(page.frameLocator("iframe.document").locator(".patient-name").textContent()).resolves.toBe(
      "Myra Jones",
    );
    await shot("09-dead-letter");
    await row.getByRole("button", { name: "Replay" }).click();
    await page.waitForURL(/replayed=/);
    await expect(page.getByRole("status").textContent()).resolves.toContain("queued again");
    const post = await waitFor(async () => receiver.posts[0], 15_000, "the replayed webhook POST");
    expect(post.headers["idempotency-key"]).toBe(seed.deadDeliveryId);
    expect(JSON.parse(post.body).Header.Patient.Demographics.LastName).toBe("Jones");
    // The live status shows the delivery delivered without a reload.
    await page.waitForSelector(
      `#deliveries tr[data-delivery-id="${seed.deadDeliveryId}"] .badge[data-status="delivered"]`,
      { timeout: 15_000 },
    );
    await expect(page.locator("#timeline li[data-event=webhook_replayed]").count()).resolves.toBe(1);
    await shot("10-replayed");
  });

  it("shows certificates with expiry warnings, the directory and the queues", async () => {
    await page.goto(`${base}/dashboard/certificates`);
    await expect(page.getByRole("alert").textContent()).resolves.toContain("expiring within 30 days");
    await shot("11-certificates");
    await page.goto(`${base}/dashboard/directory`);
    await page.fill("input[name=q]", "granite");
    await page.press("input[name=q]", "Enter");
    await expect(page.locator("#directory-results tbody tr").count()).resolves.toBe(1);
    await shot("12-directory");
    await page.goto(`${base}/dashboard/queues`);
    await expect(page.locator("#queues tbody tr").count()).resolves.toBe(3);
    await shot("13-queues");
  });

  it("signs out", async () => {
    await page.goto(`${base}/dashboard/messages`);
    await page.click(".signout button");
    await page.waitForURL(`${base}/dashboard/login`);
    await page.goto(`${base}/dashboard/messages`);
    expect(new URL(page.url()).pathname).toBe("/dashboard/login");
  });
});
