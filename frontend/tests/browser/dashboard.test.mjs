// Browser tests of the dashboard against the real local stack. Run by
// infra/scripts/test.sh after the cargo tests, while the stack is up:
//   PARLO_GATEWAY_URL=http://127.0.0.1:3000 node --test tests/browser/
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { api, BASE, boxOf, futureWeekday, hhmm12, launch, randomPhone, RESULTS, scrollTo, signIn } from "./support.mjs";

let browser;
let context;
let page;
let token;
let staff; // [{id, name}]
let services;

before(async () => {
  browser = await launch();
  context = await browser.newContext({ baseURL: BASE, viewport: { width: 1440, height: 900 }, locale: "es-MX", timezoneId: "Asia/Tokyo" });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
});

after(async () => {
  await browser?.close();
});

/** A slot on `date` where every staff member is free, and books it for `staffId` by API. */
async function bookByApi(date, staffId, { start } = {}) {
  const svc = services.find((s) => s.name === "Arreglo de barba") ?? services[0];
  const slots = await api("GET", `/api/v1/availability/slots?service_id=${svc.id}&from=${date}&to=${date}`, { token });
  assert.equal(slots.status, 200, JSON.stringify(slots.body));
  const free = slots.body.slots.filter((s) => staff.every((p) => s.staff_ids.includes(p.id)));
  // (Both demo barbers free, so a drag to the other column is possible.)
  const slot = start ? { start } : free[0];
  assert.ok(slot, `a slot where Carlos and Pedro are both free on ${date}`);
  const r = await api("POST", "/api/v1/appointments", {
    token,
    body: { service_id: svc.id, start: slot.start, staff_id: staffId, customer_phone: randomPhone(), customer_name: "Prueba Navegador" },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function openDay(date) {
  await page.goto(`/agenda?fecha=${date}`);
  await page.locator(".ec-col-head").first().waitFor();
}

describe("dashboard", () => {
  it("signs in by magic link and lands on the agenda", async () => {
    token = await signIn(page);
    assert.ok(token);
    await page.getByRole("heading", { level: 1 }).first().waitFor();
    assert.ok(await page.getByText("Barbería Don Carlos").first().isVisible());
    // The demo's two barbers (the cargo tests that ran before may have
    // added others to the same business).
    const everybody = (await api("GET", "/api/v1/staff?limit=100", { token })).body.items;
    staff = ["+525512345678", "+525511112222"].map((p) => everybody.find((s) => s.phone === p && s.is_active && s.bookable));
    services = (await api("GET", "/api/v1/services", { token })).body.items;
    assert.ok(staff.every(Boolean), "the demo business has Carlos and Pedro, active and bookable");
  });

  it("day view: one column per staff member, appointments at the business's local times", async () => {
    const date = futureWeekday(9);
    const appt = await bookByApi(date, staff[0].id);
    await openDay(date);
    for (const s of staff) {
      await page.locator(".ec-col-head", { hasText: s.name }).first().waitFor();
    }
    const ev = page.locator(`.appt-${appt.id}`);
    await ev.waitFor();
    // The browser runs in Tokyo; the grid shows Mexico City's wall clock.
    const text = await ev.innerText();
    assert.ok(text.includes(hhmm12(appt.start)), `event «${text}» shows ${hhmm12(appt.start)}`);
    // …in its staff member's column.
    const col = await boxOf(page.locator(".ec-col-head", { hasText: staff[0].name }).first());
    const box = await boxOf(ev);
    assert.ok(box.x >= col.x - 1 && box.x + box.width <= col.x + col.width + 1, "in the staff member's column");
    await page.screenshot({ path: join(RESULTS, "agenda-day-1440.png") });
  });

  it("books through the UI: service → free slot → new customer → confirm; the store has it", async () => {
    const date = futureWeekday(12);
    await openDay(date);
    await page.getByRole("button", { name: "Agendar cita" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByTestId("book-service").selectOption(services.find((s) => s.name === "Corte de cabello").id);
    await dialog.locator('input[type="date"]').fill(date);
    const slot = dialog.locator("button.slot").first();
    await slot.waitFor();
    await slot.click();
    await dialog.getByRole("button", { name: "Cliente nuevo" }).click();
    const phone = randomPhone();
    await dialog.getByLabel("Nombre").fill("Lucía Navegador");
    await dialog.getByLabel("Celular").fill(phone);
    await dialog.getByRole("button", { name: "Confirmar cita" }).click();
    await page.getByText(/Cita agendada/).waitFor();
    const found = await api("GET", `/api/v1/customers?q=${phone.slice(-10)}`, { token });
    assert.equal(found.status, 200);
    const customer = found.body.items.find((c) => c.phone.endsWith(phone.slice(-10)));
    assert.ok(customer, "the new customer exists");
    const detail = await api("GET", `/api/v1/customers/${customer.id}`, { token });
    assert.equal(detail.body.appointments.length, 1);
    const a = detail.body.appointments[0];
    assert.equal(a.start_local.slice(0, 10), date);
    assert.equal(a.status, "confirmed");
    // It is on the grid.
    await page.locator(`.appt-${a.id}`).waitFor();
  });

  it("drags an appointment to another staff member's column: the store has the new staff member", async () => {
    const date = futureWeekday(15);
    const appt = await bookByApi(date, staff[0].id);
    await openDay(date);
    const ev = page.locator(`.appt-${appt.id}`);
    await ev.waitFor();
    await scrollTo(ev);
    const box = await boxOf(ev);
    const target = page.locator(".ec-col-head", { hasText: staff[1].name }).first();
    const head = await boxOf(target);
    const from = { x: box.x + box.width / 2, y: box.y + 6 };
    const to = { x: head.x + head.width / 2, y: from.y };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 10, from.y, { steps: 3 });
    await page.mouse.move(to.x, to.y, { steps: 15 });
    await page.mouse.up();
    let moved;
    for (let i = 0; i < 40; i++) {
      moved = (await api("GET", `/api/v1/appointments/${appt.id}`, { token })).body;
      if (moved.staff_id === staff[1].id) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(moved.staff_id, staff[1].id, "moved to the other column");
    assert.equal(moved.start, appt.start, "same time");
  });

  it("drag onto a taken slot snaps back with «Ese horario ya se ocupó»", async () => {
    const date = futureWeekday(18);
    const mine = await bookByApi(date, staff[0].id);
    // Somebody else holds the same time in the other column.
    const theirs = await bookByApi(date, staff[1].id, { start: mine.start });
    assert.equal(theirs.start, mine.start, "both at the first time everybody is free");
    await openDay(date);
    const ev = page.locator(`.appt-${mine.id}`);
    const other = page.locator(`.appt-${theirs.id}`);
    await ev.waitFor();
    await other.waitFor();
    await scrollTo(other);
    const a = await boxOf(ev);
    const b = await boxOf(other);
    await page.mouse.move(a.x + a.width / 2, a.y + 6);
    await page.mouse.down();
    await page.mouse.move(a.x + a.width / 2 + 10, a.y + 6, { steps: 3 });
    await page.mouse.move(b.x + b.width / 2, b.y + 6, { steps: 15 });
    await page.mouse.up();
    await page.getByRole("alert").filter({ hasText: "Ese horario ya se ocupó" }).waitFor();
    const still = (await api("GET", `/api/v1/appointments/${mine.id}`, { token })).body;
    assert.equal(still.staff_id, staff[0].id);
    assert.equal(still.start, mine.start);
    // Snapped back: the event is again in its own column.
    const back = await boxOf(ev);
    assert.ok(Math.abs(back.x - a.x) < 2 && Math.abs(back.y - a.y) < 2, "snapped back");
  });


  it("a booking made elsewhere (another device, the chat) appears on the open agenda without a reload", async () => {
    const date = futureWeekday(21);
    await openDay(date);
    const appt = await bookByApi(date, staff[1].id);
    // Polled every 5 s; no navigation happens here.
    await page.locator(`.appt-${appt.id}`).waitFor({ timeout: 15_000 });
  });

  it("two browsers book the same slot at once: exactly one succeeds, the other reads the API's message", async () => {
    const date = futureWeekday(24);
    const svc = services.find((s) => s.name === "Corte de cabello");
    const pages = [];
    const contexts = [];
    for (let i = 0; i < 2; i++) {
      const ctx = await browser.newContext({ baseURL: BASE, viewport: { width: 1440, height: 900 } });
      contexts.push(ctx);
      const p = await ctx.newPage();
      p.setDefaultTimeout(20_000);
      await signIn(p);
      await p.goto(`/agenda?fecha=${date}`);
      await p.getByRole("button", { name: "Agendar cita" }).click();
      const d = p.getByRole("dialog");
      await d.getByTestId("book-service").selectOption(svc.id);
      await d.getByLabel("Con").selectOption(staff[0].id);
      await d.locator('input[type="date"]').fill(date);
      await d.locator("button.slot").first().click();
      await d.getByRole("button", { name: "Cliente nuevo" }).click();
      await d.getByLabel("Nombre").fill(`Carrera ${i}`);
      await d.getByLabel("Celular").fill(randomPhone());
      pages.push(p);
    }
    // Both pick the same (first) slot; confirm together.
    await Promise.all(pages.map((p) => p.getByRole("dialog").getByRole("button", { name: "Confirmar cita" }).click()));
    const outcome = await Promise.all(
      pages.map((p) =>
        Promise.race([
          p.getByText(/Cita agendada/).waitFor().then(() => "booked"),
          p.getByRole("dialog").getByRole("alert").waitFor().then(async () => p.getByRole("dialog").getByRole("alert").innerText()),
        ]),
      ),
    );
    assert.equal(outcome.filter((o) => o === "booked").length, 1, JSON.stringify(outcome));
    const refused = outcome.find((o) => o !== "booked");
    assert.match(refused, /Ese horario ya se ocupó/);
    for (const c of contexts) await c.close();
  });

  it("admin: «entrar como» opens the dashboard with a banner; suspending refuses the open session in Spanish", async () => {
    const admin = await browser.newContext({ baseURL: BASE, viewport: { width: 1440, height: 900 } });
    const a = await admin.newPage();
    a.setDefaultTimeout(20_000);
    await a.goto("/admin");
    await a.getByLabel("Contraseña").fill("parlo-admin-local");
    await a.getByRole("button", { name: "Entrar" }).click();
    // Other businesses (from the cargo tests) may fill the first page: search.
    await a.getByLabel("Buscar (nombre o número)").fill("525500000001");
    const row = a.getByRole("row", { name: /\+525500000001/ });
    await row.waitFor();
    await a.screenshot({ path: join(RESULTS, "admin-1440.png") });
    const [tab] = await Promise.all([admin.waitForEvent("page"), row.getByRole("button", { name: "Entrar como" }).click()]);
    await tab.getByText(/como administrador de Parlo/).waitFor({ timeout: 20_000 });
    await tab.close();
    // The owner's dashboard is open in `page`; suspend the business.
    await page.goto("/clientes");
    await page.getByRole("heading", { name: "Clientes" }).waitFor();
    try {
      await row.getByRole("button", { name: "Suspender" }).click();
      await row.getByRole("button", { name: "Reactivar" }).waitFor();
      await page.getByLabel("Buscar por nombre o número").fill("zz");
      await page.getByText(/suspend/i).first().waitFor({ timeout: 20_000 });
      assert.match(page.url(), /\/entrar/);
    } finally {
      const r = a.getByRole("row", { name: /\+525500000001/ });
      if (await r.getByRole("button", { name: "Reactivar" }).isVisible()) {
        await r.getByRole("button", { name: "Reactivar" }).click();
        await r.getByRole("button", { name: "Suspender" }).waitFor();
      }
      await admin.close();
      // The session the suspension ended: sign in again for what follows.
      token = await signIn(page);
    }
  });


  it("conversations: a customer's WhatsApp chat is listed; a reply as the business goes out through the outbox", async () => {
    const bin = process.env.PARLO_LOCAL_BIN ?? join(import.meta.dirname ?? ".", "../../../target/debug/parlo-local");
    assert.ok(existsSync(bin), `parlo-local at ${bin} (set PARLO_LOCAL_BIN)`);
    const phone = randomPhone();
    // The first turn may compile the turn function (cargo lambda watch).
    execFileSync(
      bin,
      ["say", "--from", phone, "--to", "+5215500000001", "--gateway-url", BASE, "--timeout", "300", "Hola, ¿qué horarios tienen?"],
      { stdio: "ignore", timeout: 320_000 },
    );
    await page.goto("/conversaciones");
    await page.getByRole("button", { name: new RegExp(phone.slice(-10)) }).click();
    const thread = page.getByRole("region", { name: /Conversación con/ });
    await thread.getByText("Hola, ¿qué horarios tienen?").waitFor();
    await thread.getByText("Asistente").first().waitFor();
    await page.getByLabel("Responder como el negocio").fill("Hola, te atiende Carlos desde el panel.");
    await page.getByRole("button", { name: "Enviar" }).click();
    await thread.getByText("Hola, te atiende Carlos desde el panel.").waitFor();
    await page.screenshot({ path: join(RESULTS, "conversacion-1440.png") });
    const out = await api("GET", `/api/v1/dev/outbox?to=${encodeURIComponent(phone)}`);
    assert.equal(out.status, 200);
    assert.ok(
      out.body.messages.some((m) => m.body === "Hola, te atiende Carlos desde el panel." && m.from === "+525500000001"),
      JSON.stringify(out.body.messages.map((m) => [m.from, m.body])),
    );
    // Take the chat over (the assistant pauses), then hand it back.
    await thread.getByRole("button", { name: "Atender yo" }).click();
    await thread.getByRole("button", { name: "Devolver al asistente" }).waitFor();
    const convs = await api("GET", "/api/v1/conversations?limit=100", { token });
    const conv = convs.body.items.find((c) => c.peer_phone.endsWith(phone.slice(-10)));
    assert.equal(conv?.status, "handed_off", JSON.stringify(conv));
    await thread.getByRole("button", { name: "Devolver al asistente" }).click();
    await thread.getByRole("button", { name: "Atender yo" }).waitFor();
    const after = await api("GET", "/api/v1/conversations?limit=100", { token });
    assert.equal(after.body.items.find((c) => c.id === conv.id)?.status, "active");
  });


  it("team: a day off for Pedro is stored (and the open card has no serious accessibility problem)", async () => {
    const date = futureWeekday(30);
    await page.goto("/equipo");
    await page.getByRole("button", { name: /Pedro/ }).first().click();
    const card = page.getByRole("region", { name: "Días libres de Pedro" });
    await card.getByLabel("Fecha").fill(date);
    await card.getByLabel("Motivo (opcional)").fill("Trámite");
    await card.getByRole("button", { name: "Agregar día libre" }).click();
    await card.getByText("Trámite").first().waitFor();
    const a = await api("GET", `/api/v1/availability?staff_id=${staff[1].id}`, { token });
    assert.ok(a.body.exceptions.some((x) => x.date === date && !x.is_available && x.reason === "Trámite"));
    const r = await new AxeBuilder({ page }).analyze();
    const bad = r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help}`);
    assert.deepEqual(bad, []);
  });

  const PAGES = [
    ["agenda", "/agenda"],
    ["conversaciones", "/conversaciones"],
    ["clientes", "/clientes"],
    ["equipo", "/equipo"],
    ["servicios", "/servicios"],
    ["ajustes", "/ajustes"],
    ["estadisticas", "/estadisticas"],
  ];

  it("every page: screenshots at 375×812 and 1440×900, axe-core finds no serious or critical violation", async () => {
    const problems = [];
    for (const [w, h] of [
      [375, 812],
      [1440, 900],
    ]) {
      await page.setViewportSize({ width: w, height: h });
      for (const [name, path] of PAGES) {
        await page.goto(path);
        await page.locator("main").first().waitFor();
        await page.waitForLoadState("networkidle");
        await page.locator(".spinner").first().waitFor({ state: "detached" }).catch(() => {});
        await page.screenshot({ path: join(RESULTS, `${name}-${w}.png`), fullPage: true });
        const result = await new AxeBuilder({ page }).analyze();
        for (const v of result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
          problems.push(`${name} @${w}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
        }
      }
    }
    // The sign-in page, signed out, in a fresh context.
    const anon = await browser.newContext({ baseURL: BASE, viewport: { width: 375, height: 812 } });
    const p = await anon.newPage();
    await p.goto("/entrar");
    await p.getByRole("heading", { name: "Entra a tu panel" }).waitFor();
    await p.screenshot({ path: join(RESULTS, "entrar-375.png") });
    const r = await new AxeBuilder({ page: p }).analyze();
    for (const v of r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
      problems.push(`entrar: ${v.id} (${v.impact}) ${v.help}`);
    }
    await anon.close();
    assert.deepEqual(problems, []);
  });
});
