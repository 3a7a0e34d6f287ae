// Shared by the browser tests: Debian's chromium driven by playwright-core
// against the real local stack (gateway → api function → DynamoDB Local).
import { chromium } from "playwright-core";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const BASE = process.env.PARLO_GATEWAY_URL ?? `http://127.0.0.1:${process.env.PARLO_GATEWAY_PORT ?? "3000"}`;
export const OWNER_PHONE = "+5215512345678";
export const TZ = "America/Mexico_City";
export const RESULTS = join(dirname(fileURLToPath(import.meta.url)), "../../test-results");
mkdirSync(RESULTS, { recursive: true });

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export async function api(method, path, { token, body } = {}) {
  const r = await fetch(BASE + path, {
    method,
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

/** A fresh magic link for the owner (the dev route returns it instead of sending it). */
export async function magicLink(phone = OWNER_PHONE) {
  const r = await api("POST", "/api/v1/dev/auth/magic-link", { body: { phone } });
  if (r.status !== 200 || !r.body.links?.length) throw new Error(`dev magic link: ${r.status} ${JSON.stringify(r.body)}`);
  return `${BASE}/auth?token=${encodeURIComponent(r.body.links[0].token)}`;
}

/** Signs in through the UI (magic link landing) and returns the session token. */
export async function signIn(page) {
  await page.goto(await magicLink());
  await page.waitForURL(/\/agenda/);
  return page.evaluate(() => JSON.parse(localStorage.getItem("parlo.session")).token);
}

/**
 * The stack's "now": its clock file (`parlo-local clock set`), else
 * PARLO_NOW (`PARLO_NOW=… make up`), else the system clock — booking rules
 * (minimum notice, maximum advance) count from it.
 */
export function stackNow() {
  const file = process.env.PARLO_CLOCK_FILE ?? join(dirname(fileURLToPath(import.meta.url)), "../../../.local/clock");
  const raw = (existsSync(file) ? readFileSync(file, "utf8").trim() : "") || process.env.PARLO_NOW || "";
  const t = raw ? new Date(raw) : new Date();
  return Number.isNaN(t.getTime()) ? new Date() : t;
}

/** A weekday (Mon–Fri) at least `min` days after the business's today. */
export function futureWeekday(min) {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: TZ }).format(stackNow());
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + min);
  while ([0, 6].includes(d.getUTCDay())) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** «10:00» of an instant in the business's zone, 12-hour clock without the suffix. */
export function hhmm12(instant) {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: TZ, hour: "numeric", minute: "2-digit", hour12: true }).formatToParts(new Date(instant));
  return `${parts.find((p) => p.type === "hour").value}:${parts.find((p) => p.type === "minute").value}`;
}

export function randomPhone() {
  return `+52155${String(Math.floor(10_000_000 + Math.random() * 89_999_999))}`;
}

/**
 * The element's box once it is laid out. The calendar re-renders when its
 * data arrives, so a node found by `waitFor` can be replaced before
 * `boundingBox` reads it (which then returns null); ask again until it has one.
 */
/** Scrolls to `locator`, again if the agenda re-rendered it meanwhile
 * (its 5-second poll can replace the element between finding and
 * scrolling: «Element is not attached to the DOM»). */
export async function scrollTo(locator, timeout = 10_000) {
  const until = Date.now() + timeout;
  for (;;) {
    try {
      await locator.waitFor();
      await locator.scrollIntoViewIfNeeded({ timeout: 2_000 });
      return;
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function boxOf(locator, timeout = 10_000) {
  const until = Date.now() + timeout;
  for (;;) {
    await locator.waitFor();
    const box = await locator.boundingBox();
    if (box) return box;
    if (Date.now() > until) throw new Error(`no bounding box for ${locator}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
