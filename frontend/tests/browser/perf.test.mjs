// The week view with 10 staff members and 300 appointments, from the
// production build served by the gateway, with the API answered by the
// test (page.route) so the figure is the dashboard's own work.
import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch } from "./support.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const ORG = "00000000-0000-7000-8000-000000000001";
const uuid = (n) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;
const now = new Date().toISOString();

function data(monday) {
  const staff = Array.from({ length: 10 }, (_, i) => ({
    id: uuid(100 + i), org_id: ORG, location_id: null, name: `Persona ${i + 1}`, phone: `+52155000000${String(i).padStart(2, "0")}`,
    role: "employee", permission_level: "staff", is_active: true, first_message_at: now, default_spot_id: null,
    service_ids: [], bookable: true, created_at: now, updated_at: now,
  }));
  const service = { id: uuid(7), org_id: ORG, name: "Corte", description: null, duration_minutes: 30, price_cents: 15000,
    currency: "MXN", is_active: true, buffer_minutes: 0, created_at: now, updated_at: now };
  const appts = [];
  for (let k = 0; k < 300; k++) {
    const day = k % 6; // Mon–Sat
    const s = Math.floor(k / 6) % 10;
    const slot = Math.floor(k / 60); // 0..4
    const [y, m, d] = monday.split("-").map(Number);
    const startUtc = new Date(Date.UTC(y, m - 1, d + day, 16 + slot * 2 - 6 + 6, 0)); // 10:00 + 2h·slot local (UTC−6)
    const endUtc = new Date(startUtc.getTime() + 30 * 60000);
    const local = (t) => new Date(t.getTime() - 6 * 3600000).toISOString().slice(0, 19) + "-06:00";
    appts.push({ id: uuid(1000 + k), org_id: ORG, location_id: uuid(2), customer_id: uuid(3), staff_id: staff[s].id,
      spot_id: null, service_id: service.id, start: startUtc.toISOString().replace(".000", ""), end: endUtc.toISOString().replace(".000", ""),
      buffer_minutes: 0, status: "confirmed", source: "whatsapp", notes: null, cancellation_reason: null, reminder_sent_at: null,
      price_cents: 15000, created_at: now, updated_at: now, timezone: "America/Mexico_City", start_local: local(startUtc), end_local: local(endUtc) });
  }
  const org = { id: ORG, name: "Salón Grande", whatsapp_number: "+5215500000009", timezone: "America/Mexico_City", status: "active",
    settings: { booking: { min_notice_minutes: 60, max_advance_days: 60, slot_step_minutes: 15, buffer_minutes: 0 }, business_type: null,
      reminder_hours_before: 24, second_reminder_enabled: false, review_request_enabled: false, review_link: null, daily_summary_hour: 8,
      daily_summary_staff: [], missed_call: { enabled: true, delay_minutes: 2, min_answered_seconds: 10, min_gap_hours: 24, message: null } },
    onboarding_state: null, onboarding_data: {}, last_message_at: null, created_at: now, updated_at: now };
  return { staff, service, appts, org };
}

it("week view, 10 staff × 300 appointments: time to interactive", async () => {
  const monday = "2030-01-07";
  const { staff, service, appts, org } = data(monday);
  const context = await browser.newContext({ baseURL: BASE, viewport: { width: 1440, height: 900 } });
  await context.addInitScript(() => {
    localStorage.setItem("parlo.session", JSON.stringify({ token: "t", expires_at: "2099-01-01T00:00:00Z", permission_level: "owner" }));
  });
  const json = (body) => ({ status: 200, contentType: "application/json", body: JSON.stringify(body) });
  await context.route("**/api/v1/**", (route) => {
    const u = new URL(route.request().url());
    if (u.pathname === "/api/v1/organization") return route.fulfill(json(org));
    if (u.pathname === "/api/v1/staff") return route.fulfill(json({ items: staff, next_cursor: null }));
    if (u.pathname === "/api/v1/services") return route.fulfill(json({ items: [service], next_cursor: null }));
    if (u.pathname === "/api/v1/appointments") {
      const from = u.searchParams.get("from");
      const items = from === monday ? appts : [];
      return route.fulfill(json({ items, next_cursor: null }));
    }
    return route.fulfill(json({ items: [], next_cursor: null }));
  });
  const page = await context.newPage();
  // Warm the HTTP cache (the service worker / browser cache on a real visit).
  await page.goto(`/agenda?fecha=${monday}`);
  await page.locator("[data-testid=calendar]").waitFor();
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    await page.goto(`/agenda?fecha=${monday}`);
    await page.getByRole("button", { name: "Semana" }).click();
    await page.waitForFunction((n) => document.querySelectorAll(".ec-event").length >= n, 300, { polling: 16 });
    // Interactive: a click on an appointment opens its dialog.
    const navToWeek = Date.now() - t0;
    const t1 = Date.now();
    await page.evaluate(() => {
      const t = performance.now();
      return new Promise((r) => requestAnimationFrame(() => r(performance.now() - t)));
    });
    runs.push({ navToWeek, frame: Date.now() - t1 });
  }
  // The week view alone: switching from the day view with the data loaded
  // (the agenda fetched the week with the day), three times.
  const switches = [];
  for (let i = 0; i < 3; i++) {
    await page.getByRole("button", { name: "Día" }).click();
    await page.waitForFunction(() => document.querySelectorAll(".ec-event").length < 300);
    await page.waitForTimeout(200);
    const sw = await page.evaluate(async () => {
      const t = performance.now();
      const btn = [...document.querySelectorAll("button")].find((b) => b.textContent === "Semana");
      btn.click();
      while (document.querySelectorAll(".ec-event").length < 300) await new Promise((r) => setTimeout(r, 0));
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return performance.now() - t;
    });
    switches.push(Math.round(sw));
  }
  const best = Math.min(...runs.map((r) => r.navToWeek));
  const median = [...switches].sort((x, y) => x - y)[1];
  console.log(
    `PERF week view 10 staff × 300 appointments: load→week rendered ${runs.map((r) => r.navToWeek).join("/")} ms (best ${best}); ` +
      `day→week switch ${switches.join("/")} ms (median ${median}); load average ${(await import("node:os")).loadavg().map((l) => l.toFixed(2)).join(" ")}`,
  );
  assert.equal(await page.locator(".ec-event").count(), 300);
  await context.close();
});
