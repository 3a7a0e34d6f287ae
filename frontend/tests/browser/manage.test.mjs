// Browser tests of the owner's management screens (settings, team, services,
// spots) and the admin panel's detail, conversations, activity and editing
// a business through the dashboard's screens, against the real local stack.
// Every change made to the demo business is undone at the end of its test.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { api, BASE, futureWeekday, launch, randomPhone, RESULTS, signIn, TZ } from "./support.mjs";

let browser;
let context;
let page;
let token;
let pedro;

before(async () => {
  browser = await launch();
  context = await browser.newContext({ baseURL: BASE, viewport: { width: 1440, height: 900 }, locale: "es-MX", timezoneId: "Asia/Tokyo" });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  token = await signIn(page);
  const staff = (await api("GET", "/api/v1/staff?limit=100", { token })).body.items;
  pedro = staff.find((s) => s.phone === "+525511112222");
  assert.ok(pedro, "the demo business has Pedro");
});

after(async () => {
  await browser?.close();
});

async function axe(p, where, problems) {
  const r = await new AxeBuilder({ page: p }).analyze();
  for (const v of r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
    problems.push(`${where}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  }
}

/** The store's value, polled until `ok` (the UI saves asynchronously). */
async function eventually(read, ok, what) {
  let last;
  for (let i = 0; i < 40; i++) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`${what}: ${JSON.stringify(last)}`);
}

/** Midnight of a local date in the business's zone, as an instant (ms). */
function localMidnight(date) {
  const guess = Date.parse(`${date}T00:00:00Z`);
  const offset = (t) => {
    const p = new Intl.DateTimeFormat("en-US", { timeZone: TZ, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }).formatToParts(new Date(t));
    const g = (k) => Number(p.find((x) => x.type === k).value);
    return Date.UTC(g("year"), g("month") - 1, g("day"), g("hour"), g("minute")) - t;
  };
  return guess - offset(guess);
}

describe("management screens", () => {
  it("settings: split opening hours are stored; a bad range is refused in Spanish before saving", async () => {
    const locations = (await api("GET", "/api/v1/locations", { token })).body.items;
    const primary = locations.find((l) => l.is_primary);
    const original = primary.business_hours;
    try {
      await page.goto("/ajustes");
      const form = page.getByRole("form", { name: "Horario de apertura" });
      await form.waitFor();
      // Saturday: 10:00–14:00 and 16:00–20:00.
      const sat = form.getByLabel("Sábado", { exact: true });
      if (!(await sat.isChecked())) await sat.check();
      await form.getByLabel("Sábado, desde").first().fill("10:00");
      await form.getByLabel("Sábado, hasta").first().fill("14:00");
      await form.getByRole("button", { name: "Agregar otro horario el sábado" }).click();
      await form.getByLabel("Sábado, desde").nth(1).fill("16:00");
      await form.getByLabel("Sábado, hasta").nth(1).fill("20:00");
      // Sunday closed.
      const sun = form.getByLabel("Domingo", { exact: true });
      if (await sun.isChecked()) await sun.uncheck();
      // A range that ends before it starts never reaches the API.
      const mon = form.getByLabel("Lunes", { exact: true });
      if (!(await mon.isChecked())) await mon.check();
      await form.getByLabel("Lunes, hasta").first().fill("08:00");
      await form.getByLabel("Lunes, desde").first().fill("09:00");
      await form.getByRole("button", { name: "Guardar horario" }).click();
      await form.getByRole("alert").filter({ hasText: "Lunes: la hora de fin debe ser después de la de inicio." }).waitFor();
      await form.getByLabel("Lunes, hasta").first().fill("19:00");
      await form.getByRole("button", { name: "Guardar horario" }).click();
      await form.getByText("Horario guardado.").waitFor();
      const saved = await eventually(
        async () => (await api("GET", `/api/v1/locations/${primary.id}`, { token })).body.business_hours.days,
        (d) => d[5]?.length === 2,
        "Saturday split",
      );
      assert.deepEqual(saved[5], [
        { start: "10:00:00", end: "14:00:00" },
        { start: "16:00:00", end: "20:00:00" },
      ]);
      assert.deepEqual(saved[6], []);
      assert.deepEqual(saved[0], [{ start: "09:00:00", end: "19:00:00" }]);
    } finally {
      const r = await api("PATCH", `/api/v1/locations/${primary.id}`, { token, body: { business_hours: original } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
  });

  it("settings: a closure closes the whole business for that day (no free slots); an over-long one reads the API's message", async () => {
    const date = futureWeekday(40);
    await page.goto("/ajustes");
    const card = page.getByRole("region", { name: "Cierres y días festivos" });
    await card.getByLabel("Desde").fill(date);
    await card.getByLabel("Hasta (inclusive)").fill(date);
    await card.getByLabel("Motivo (por ejemplo, «Navidad»)").fill("Inventario");
    await card.getByRole("button", { name: "Cerrar esos días" }).click();
    await card.getByText("Inventario").waitFor();
    const blocks = (await api("GET", `/api/v1/availability/blocks?from=${date}&to=${date}`, { token })).body.items;
    const closure = blocks.find((b) => b.staff_id == null && b.reason === "Inventario");
    assert.ok(closure, JSON.stringify(blocks));
    assert.equal(Date.parse(closure.start), localMidnight(date), "from the business's midnight");
    const services = (await api("GET", "/api/v1/services", { token })).body.items;
    const slots = await api("GET", `/api/v1/availability/slots?service_id=${services[0].id}&from=${date}&to=${date}`, { token });
    assert.equal(slots.status, 200);
    assert.equal(slots.body.slots.length, 0, "no free slot on a closed day");
    // A year-long closure: the API's own Spanish refusal on screen.
    await card.getByLabel("Desde").fill(futureWeekday(50));
    await card.getByLabel("Hasta (inclusive)").fill(futureWeekday(50 + 200));
    await card.getByRole("button", { name: "Cerrar esos días" }).click();
    const alert = card.getByRole("alert");
    await alert.waitFor();
    const text = await alert.innerText();
    assert.match(text, /92 días/, text);
    assert.doesNotMatch(text, /[{}]|error|invalid/i);
    // Remove the closure again.
    await card.getByRole("listitem").filter({ hasText: "Inventario" }).getByRole("button", { name: "Quitar" }).click();
    await card.getByText("Inventario").waitFor({ state: "detached" });
    const left = (await api("GET", `/api/v1/availability/blocks?from=${date}&to=${date}`, { token })).body.items;
    assert.ok(!left.some((b) => b.id === closure.id));
  });

  it("team: Pedro's own weekly hours, a special-hours day and a blocked hour are stored; back to the business's hours", async () => {
    const date = futureWeekday(33);
    await page.goto("/equipo");
    await page.getByRole("button", { name: /Pedro/ }).first().click();
    const hours = page.getByRole("form", { name: `Horario de ${pedro.name}` });
    await hours.getByLabel("Sigue el horario del negocio").uncheck();
    const week = hours.getByRole("group", { name: `Horario de ${pedro.name}` });
    await week.getByLabel("Lunes", { exact: true }).check();
    await week.getByLabel("Lunes, desde").fill("12:00");
    await week.getByLabel("Lunes, hasta").fill("18:00");
    for (const d of ["Martes", "Miércoles", "Jueves", "Viernes", "Sábado", "Domingo"]) {
      const box = week.getByLabel(d, { exact: true });
      if (await box.isChecked()) await box.uncheck();
    }
    await hours.getByRole("button", { name: "Guardar horario" }).click();
    await hours.getByText("Horario guardado.").waitFor();
    const wh = await eventually(
      async () => (await api("GET", `/api/v1/staff/${pedro.id}/working-hours`, { token })).body,
      (h) => !h.follows_business_hours,
      "own hours",
    );
    assert.deepEqual(wh.days[0], [{ start: "12:00:00", end: "18:00:00" }]);
    assert.deepEqual(wh.days.slice(1).flat(), []);

    // A special-hours day.
    const off = page.getByRole("region", { name: `Días libres de ${pedro.name}` });
    await off.getByLabel("Horario especial (trabaja otro horario ese día)").check();
    await off.getByLabel("Fecha").fill(date);
    await off.getByLabel("Desde", { exact: true }).fill("08:00");
    await off.getByLabel("Hasta", { exact: true }).fill("12:00");
    await off.getByLabel("Motivo (opcional)").fill("Evento de novias");
    await off.getByRole("button", { name: "Agregar horario especial" }).click();
    await off.getByText(/Evento de novias/).waitFor();
    const av = (await api("GET", `/api/v1/availability?staff_id=${pedro.id}`, { token })).body;
    const special = av.exceptions.find((x) => x.date === date && x.reason === "Evento de novias");
    assert.ok(special?.is_available, JSON.stringify(av.exceptions));
    assert.deepEqual(special.range, { start: "08:00:00", end: "12:00:00" });

    // A blocked hour.
    const blocks = page.getByRole("region", { name: `Bloqueos de ${pedro.name}` });
    await blocks.getByLabel("Día").fill(date);
    await blocks.getByLabel("De", { exact: true }).fill("09:00");
    await blocks.getByLabel("A", { exact: true }).fill("10:00");
    await blocks.getByLabel("Motivo del bloqueo (opcional)").fill("Dentista");
    await blocks.getByRole("button", { name: "Bloquear esas horas" }).click();
    await blocks.getByText(/Dentista/).waitFor();
    const stored = (await api("GET", `/api/v1/availability/blocks?from=${date}&to=${date}`, { token })).body.items;
    const block = stored.find((b) => b.staff_id === pedro.id && b.reason === "Dentista");
    assert.ok(block, JSON.stringify(stored));
    assert.equal(Date.parse(block.end) - Date.parse(block.start), 3600_000);
    assert.equal(Date.parse(block.start), localMidnight(date) + 9 * 3600_000, "09:00 on the business's clock");

    const problems = [];
    await axe(page, "equipo (Pedro abierto)", problems);
    assert.deepEqual(problems, []);

    // Undo: the block, the special day, back to the business's hours.
    await blocks.getByRole("listitem").filter({ hasText: "Dentista" }).getByRole("button", { name: "Quitar" }).click();
    await blocks.getByText(/Dentista/).waitFor({ state: "detached" });
    await off.getByRole("listitem").filter({ hasText: "Evento de novias" }).getByRole("button", { name: "Quitar" }).click();
    await off.getByText(/Evento de novias/).waitFor({ state: "detached" });
    await hours.getByLabel("Sigue el horario del negocio").check();
    await hours.getByRole("button", { name: "Guardar horario" }).click();
    await eventually(
      async () => (await api("GET", `/api/v1/staff/${pedro.id}/working-hours`, { token })).body,
      (h) => h.follows_business_hours,
      "back to the business's hours",
    );
  });

  it("services: editing a price and the cleaning minutes is stored", async () => {
    const services = (await api("GET", "/api/v1/services", { token })).body.items;
    const svc = services.find((s) => s.name === "Arreglo de barba") ?? services[0];
    try {
      await page.goto("/servicios");
      await page.getByRole("button", { name: `Editar ${svc.name}` }).click();
      const form = page.getByRole("form", { name: `Editar ${svc.name}` });
      await form.getByLabel("Precio").fill("123.50");
      await form.getByLabel("Minutos de limpieza").fill("5");
      await form.getByRole("button", { name: "Guardar" }).click();
      await form.waitFor({ state: "detached" });
      const after = (await api("GET", `/api/v1/services/${svc.id}`, { token })).body;
      assert.equal(after.price_cents, 12350);
      assert.equal(after.buffer_minutes, 5);
      await page.getByText("5 min de limpieza").waitFor();
    } finally {
      await api("PATCH", `/api/v1/services/${svc.id}`, { token, body: { price_cents: svc.price_cents, buffer_minutes: svc.buffer_minutes } });
    }
  });

  it("spots: order by drag, services hosted; the day view shows one column per spot", async () => {
    const before = (await api("GET", "/api/v1/spots", { token })).body.items.sort((a, b) => a.display_order - b.display_order);
    assert.ok(before.length >= 2, "the demo business has two chairs");
    const [first, second] = before;
    const services = (await api("GET", "/api/v1/services", { token })).body.items;
    try {
      await page.goto("/servicios");
      const list = page.getByRole("region", { name: "Lugares" });
      const a = list.locator(`li[data-spot-id="${first.id}"]`);
      const b = list.locator(`li[data-spot-id="${second.id}"]`);
      await b.dragTo(a);
      const order = await eventually(
        async () => (await api("GET", "/api/v1/spots", { token })).body.items.sort((x, y) => x.display_order - y.display_order).map((s) => s.id),
        (ids) => ids.indexOf(second.id) < ids.indexOf(first.id),
        "the second chair first",
      );
      assert.equal(order[0], second.id);
      // Services hosted by the first chair: only the haircut.
      const cut = services.find((s) => s.name === "Corte de cabello") ?? services[0];
      await a.getByRole("button", { name: "Editar" }).click();
      const form = page.getByRole("form", { name: `Editar ${first.name}` });
      for (const sv of services) {
        const box = form.getByLabel(sv.name, { exact: true });
        if ((sv.id === cut.id) !== (await box.isChecked())) await box.click();
      }
      await form.getByRole("button", { name: "Guardar" }).click();
      await form.waitFor({ state: "detached" });
      const spot = (await api("GET", `/api/v1/spots/${first.id}`, { token })).body;
      assert.deepEqual(spot.service_ids, [cut.id]);
      // The day view by spot: the chairs in their new order, then «Sin lugar».
      await page.goto(`/agenda?fecha=${futureWeekday(9)}`);
      await page.getByText("Filtros y colores").click();
      await page.getByLabel("Columnas (vista de día)").selectOption("spot");
      const heads = page.locator(".ec-col-head");
      await heads.filter({ hasText: second.name }).first().waitFor();
      const titles = await heads.allInnerTexts();
      assert.ok(titles.indexOf(second.name) < titles.indexOf(first.name), JSON.stringify(titles));
      assert.ok(titles.includes("Sin lugar"), JSON.stringify(titles));
    } finally {
      await api("PUT", "/api/v1/spots/order", { token, body: { spot_ids: before.map((s) => s.id) } });
      await api("PATCH", `/api/v1/spots/${first.id}`, { token, body: { service_ids: first.service_ids } });
    }
  });

  it("a business with two locations gets the header's switch; the settings edit the chosen one's hours", async () => {
    const created = await api("POST", "/api/v1/locations", {
      token,
      body: { name: "Sucursal Norte", business_hours: { days: [[{ start: "11:00:00", end: "15:00:00" }], [], [], [], [], [], []] } },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    try {
      await page.goto("/ajustes");
      const sw = page.getByLabel("Sucursal", { exact: true });
      await sw.selectOption({ label: "Sucursal Norte" });
      const form = page.getByRole("form", { name: "Horario de apertura" });
      await form.getByRole("heading", { name: /Sucursal Norte/ }).waitFor();
      assert.equal(await form.getByLabel("Lunes, desde").first().inputValue(), "11:00");
      assert.equal(await form.getByLabel("Martes", { exact: true }).isChecked(), false);
      await page.screenshot({ path: join(RESULTS, "ajustes-sucursales-1440.png"), fullPage: true });
    } finally {
      await page.evaluate(() => localStorage.removeItem("parlo.location"));
      await api("DELETE", `/api/v1/locations/${created.body.id}`, { token });
    }
  });

  it("Parlo out of reach: the app says so in Spanish instead of failing silently", async () => {
    const p = await context.newPage();
    await p.goto("/clientes");
    await p.getByRole("heading", { name: "Clientes" }).waitFor();
    await p.route("**/api/v1/**", (route) => route.abort("connectionrefused"));
    await p.getByLabel("Buscar por nombre o número").fill("zzz");
    await p.getByRole("alert").filter({ hasText: "Parlo no responde en este momento" }).waitFor({ timeout: 30_000 });
    await p.screenshot({ path: join(RESULTS, "sin-api-375.png") });
    await p.unroute("**/api/v1/**");
    await p.getByLabel("Buscar por nombre o número").fill("zzy");
    await p.getByRole("alert").filter({ hasText: "Parlo no responde" }).waitFor({ state: "detached", timeout: 30_000 });
    await p.close();
  });

  it("installable: the manifest and icons are served; offline, the service worker's app shell opens with a clear Spanish state", async () => {
    const manifest = await (await fetch(`${BASE}/manifest.webmanifest`)).json();
    assert.equal(manifest.lang, "es-MX");
    assert.equal(manifest.display, "standalone");
    for (const icon of manifest.icons) {
      const r = await fetch(`${BASE}${icon.src}`);
      assert.equal(r.status, 200, icon.src);
    }
    const ctx = await browser.newContext({ baseURL: BASE, viewport: { width: 375, height: 812 } });
    const p = await ctx.newPage();
    p.setDefaultTimeout(20_000);
    try {
      await signIn(p);
      await p.evaluate(() => navigator.serviceWorker.ready.then(() => true));
      await p.reload();
      await p.waitForFunction(() => !!navigator.serviceWorker.controller);
      await ctx.setOffline(true);
      // The page itself comes from the service worker's cache; the API
      // cannot answer, and the app says so in Spanish.
      await p.reload();
      await p.getByRole("alert").filter({ hasText: /Sin conexión|Parlo no responde|No pudimos conectar con Parlo/ }).first().waitFor();
      await p.screenshot({ path: join(RESULTS, "sin-conexion-375.png") });
      assert.doesNotMatch(await p.locator("body").innerText(), /ERR_|This site|No internet|Failed to fetch/i);
      await ctx.setOffline(false);
      // Back online, the app either fetches again by itself (React Query
      // refetches on reconnect while it is still retrying) or, if it had
      // given up, offers «Reintentar»: which one depends on how long the
      // page was offline, and either way the agenda comes back.
      const agenda = p.getByRole("toolbar", { name: "Agenda" });
      const retry = p.getByRole("button", { name: "Reintentar" });
      await retry.or(agenda).first().waitFor();
      if (await retry.isVisible()) await retry.click();
      await agenda.waitFor();
    } finally {
      await ctx.close();
    }
  });

  it("admin: a business's detail, its conversations by day, the activity feed linking to it, and editing it through the dashboard's screens", async () => {
    const admin = await browser.newContext({ baseURL: BASE, viewport: { width: 1440, height: 900 } });
    const a = await admin.newPage();
    a.setDefaultTimeout(20_000);
    const problems = [];
    const org = (await api("GET", "/api/v1/organization", { token })).body;
    // A customer's chat today, so the conversations page has a day to show.
    const bin = process.env.PARLO_LOCAL_BIN ?? join(import.meta.dirname ?? ".", "../../../target/debug/parlo-local");
    assert.ok(existsSync(bin), `parlo-local at ${bin} (set PARLO_LOCAL_BIN)`);
    execFileSync(
      bin,
      ["say", "--from", randomPhone(), "--to", org.whatsapp_number, "--gateway-url", BASE, "--timeout", "300", "buenas, tienen lugar mañana?"],
      { stdio: "ignore", timeout: 320_000 },
    );
    try {
      await a.goto("/admin");
      await a.getByLabel("Contraseña").fill("parlo-admin-local");
      await a.getByRole("button", { name: "Entrar" }).click();
      await a.getByLabel("Buscar (nombre o número)").fill("525500000001");
      await a.getByRole("link", { name: org.name }).click();
      await a.getByRole("heading", { level: 1, name: org.name }).waitFor();
      await a.getByText("Personal activo").waitFor();
      await axe(a, "admin: detalle", problems);
      await a.screenshot({ path: join(RESULTS, "admin-negocio-1440.png"), fullPage: true });

      // Editing through the dashboard's own settings screen.
      await a.getByRole("link", { name: /Editar el negocio/ }).click();
      await a.getByText(`Editando «${org.name}» como administrador de Parlo.`).waitFor();
      const general = a.getByRole("form", { name: "Ajustes generales" });
      await general.getByLabel("Anticipación mínima (minutos)").fill(String(org.settings.booking.min_notice_minutes + 5));
      await general.getByRole("button", { name: "Guardar cambios" }).click();
      await general.getByText("Cambios guardados.").waitFor();
      const changed = (await api("GET", "/api/v1/organization", { token })).body;
      assert.equal(changed.settings.booking.min_notice_minutes, org.settings.booking.min_notice_minutes + 5);
      const acts = [];
      // The same screens, every section reachable under the admin's session.
      await a.getByRole("link", { name: "Equipo" }).click();
      await a.getByRole("heading", { name: "Equipo" }).waitFor();
      await a.getByRole("button", { name: /Pedro/ }).first().waitFor();
      acts.push("equipo");
      await a.getByRole("link", { name: "Volver a administración" }).click();
      await a.getByRole("heading", { level: 1, name: org.name }).waitFor();

      // Conversations across businesses, by day.
      await a.getByRole("link", { name: "Conversaciones", exact: true }).click();
      const convs = a.getByRole("region", { name: "Conversaciones de todos los negocios" });
      await convs.getByRole("heading", { level: 2 }).first().waitFor();
      const first = convs.getByRole("button").first();
      await first.click();
      const thread = a.getByRole("region", { name: /Conversación con/ });
      await thread.locator(".msg .who").first().waitFor();
      const senders = await thread.locator(".msg .who").allInnerTexts();
      assert.ok(senders.every((s) => ["Cliente", "Asistente", "Negocio"].includes(s)), JSON.stringify(senders));
      await axe(a, "admin: conversaciones", problems);
      await a.screenshot({ path: join(RESULTS, "admin-conversaciones-1440.png"), fullPage: true });

      // The activity feed: the settings change just made, linking to the business.
      await a.getByRole("link", { name: "Actividad", exact: true }).click();
      const feed = a.getByRole("list", { name: "Actividad de la plataforma" });
      const link = feed.getByRole("link", { name: new RegExp(org.name) }).first();
      await link.waitFor();
      await axe(a, "admin: actividad", problems);
      await link.click();
      await a.getByRole("heading", { level: 1, name: org.name }).waitFor();
      assert.match(a.url(), new RegExp(`/admin/negocios/${org.id}$`));

      // Phone width: the admin pages fit.
      await a.setViewportSize({ width: 375, height: 812 });
      for (const [name, path] of [
        ["admin-negocio", `/admin/negocios/${org.id}`],
        ["admin-conversaciones", "/admin/conversaciones"],
        ["admin-actividad", "/admin/actividad"],
        ["admin-editar-ajustes", `/admin/negocios/${org.id}/panel/ajustes`],
      ]) {
        await a.goto(path);
        await a.locator("main").first().waitFor();
        await a.waitForLoadState("networkidle");
        await a.locator(".spinner").first().waitFor({ state: "detached" }).catch(() => {});
        const overflow = await a.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `${name}: ${overflow}px wider than the phone`);
        await a.screenshot({ path: join(RESULTS, `${name}-375.png`), fullPage: true });
        await axe(a, `${name} @375`, problems);
      }
      assert.deepEqual(problems, []);
    } finally {
      await api("PATCH", "/api/v1/organization", { token, body: { settings: org.settings } });
      await admin.close();
    }
  });

  it("the new screens at 360 px: nothing wider than the phone, no serious accessibility problem", async () => {
    const problems = [];
    await page.setViewportSize({ width: 360, height: 740 });
    for (const [name, path, open] of [
      ["ajustes", "/ajustes"],
      ["servicios", "/servicios", async () => page.getByRole("region", { name: "Lugares" }).getByRole("button", { name: "Editar" }).first().click()],
      ["equipo", "/equipo", async () => page.getByRole("button", { name: /Pedro/ }).first().click()],
    ]) {
      await page.goto(path);
      await page.locator("main").first().waitFor();
      await page.waitForLoadState("networkidle");
      if (open) await open();
      await page.locator(".spinner").first().waitFor({ state: "detached" }).catch(() => {});
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 1) problems.push(`${name}: ${overflow}px wider than 360`);
      await page.screenshot({ path: join(RESULTS, `${name}-abierto-360.png`), fullPage: true });
      await axe(page, `${name} @360`, problems);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    assert.deepEqual(problems, []);
  });
});
