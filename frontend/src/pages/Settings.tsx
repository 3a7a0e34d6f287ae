// Business settings: name and zone, WhatsApp connection, opening hours of
// the chosen location, closures and holidays (blocks of the whole
// business), booking policy, reminders, missed-call follow-up and the
// hand-off wait. Each block saves on its own, so a mistake in one never
// loses the others.
import { useEffect, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Location, type Schemas, type TimeBlock } from "../api/client";
import { atLeast, useBusiness, useChosenLocation } from "../lib/business";
import { addDays, formatLocalDate, localDate, parseWall, wallToInstant } from "../lib/time";
import { ErrorBox, Spinner } from "../components/ui";
import { sevenDays, toApi, WeekHours, weekProblem } from "../components/WeekHours";

type Settings = Schemas["OrgSettings"];

const ZONES = [
  "America/Mexico_City",
  "America/Monterrey",
  "America/Cancun",
  "America/Chihuahua",
  "America/Hermosillo",
  "America/Mazatlan",
  "America/Tijuana",
  "Europe/Madrid",
  "Atlantic/Canary",
];

const ORG_STATUS: Record<string, string> = {
  onboarding: "en configuración",
  active: "activo",
  suspended: "suspendido",
  churned: "dado de baja",
};

export default function SettingsPage() {
  const b = useBusiness();
  const owner = atLeast(b.level, "owner");
  return (
    <main className="page narrow">
      <h1>Ajustes del negocio</h1>
      {!owner && <p className="notice">Solo el dueño puede cambiar estos ajustes.</p>}
      <OrgForm owner={owner} />
      <OpeningHours owner={owner} />
      <Closures canEdit={atLeast(b.level, "admin")} />
    </main>
  );
}

function OrgForm({ owner }: { owner: boolean }) {
  const b = useBusiness();
  const qc = useQueryClient();
  const [name, setName] = useState(b.org.name);
  const [tz, setTz] = useState(b.org.timezone);
  const [s, setS] = useState<Settings>(b.org.settings);
  const save = useMutation({
    mutationFn: async () =>
      unwrap(await api.PATCH("/api/v1/organization", { body: { name, timezone: tz, settings: s } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["organization"] }),
  });
  const num = (v: string) => (v === "" ? 0 : Number(v));
  const booking = s.booking;
  const mc = s.missed_call;
  return (
    <form
      className="form"
      aria-label="Ajustes generales"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <fieldset disabled={!owner}>
        <legend>Negocio</legend>
        <label>
          Nombre
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          Zona horaria
          <select value={tz} onChange={(e) => setTz(e.target.value)}>
            {[...new Set([b.org.timezone, ...ZONES])].map((z) => (
              <option key={z}>{z}</option>
            ))}
          </select>
        </label>
        <label>
          Español del asistente y del panel
          <select value={s.locale ?? ""} onChange={(e) => setS({ ...s, locale: e.target.value || null })}>
            <option value="">Según la zona horaria</option>
            <option value="es-MX">De México (3:00 PM, «agendar»)</option>
            <option value="es-ES">De España (15:00, «reservar», «vale»)</option>
          </select>
        </label>
        <p className="status-line" data-testid="whatsapp-status">
          <span className={`badge ${b.org.whatsapp_number ? "status-confirmed" : "status-pending"}`}>
            WhatsApp {b.org.whatsapp_number ? "conectado" : "sin conectar"}
          </span>{" "}
          {b.org.whatsapp_number
            ? `Tus clientes escriben al ${b.org.whatsapp_number}. Negocio ${ORG_STATUS[b.org.status] ?? b.org.status}.`
            : "Aún no hay un número de WhatsApp conectado; te avisaremos en cuanto quede listo."}
        </p>
      </fieldset>
      <fieldset disabled={!owner}>
        <legend>Reglas para agendar</legend>
        <label>
          Anticipación mínima (minutos)
          <input type="number" min={0} value={booking.min_notice_minutes}
            onChange={(e) => setS({ ...s, booking: { ...booking, min_notice_minutes: num(e.target.value) } })} />
        </label>
        <label>
          Máximo de días por adelantado
          <input type="number" min={1} value={booking.max_advance_days}
            onChange={(e) => setS({ ...s, booking: { ...booking, max_advance_days: num(e.target.value) } })} />
        </label>
        <label>
          Minutos de limpieza entre citas
          <input type="number" min={0} value={booking.buffer_minutes}
            onChange={(e) => setS({ ...s, booking: { ...booking, buffer_minutes: num(e.target.value) } })} />
        </label>
        <label>
          Citas abiertas por cliente (máximo)
          <input type="number" min={1} value={booking.max_open_per_customer}
            onChange={(e) => setS({ ...s, booking: { ...booking, max_open_per_customer: num(e.target.value) } })} />
        </label>
      </fieldset>
      <fieldset disabled={!owner}>
        <legend>Recordatorios</legend>
        <label>
          Primer recordatorio (horas antes)
          <input type="number" min={1} value={s.reminder_hours_before ?? 24}
            onChange={(e) => setS({ ...s, reminder_hours_before: num(e.target.value) })} />
        </label>
        <label className="check">
          <input type="checkbox" checked={s.second_reminder_enabled}
            onChange={(e) => setS({ ...s, second_reminder_enabled: e.target.checked })} />
          Segundo recordatorio 2 horas antes
        </label>
        <label className="check">
          <input type="checkbox" checked={s.review_request_enabled}
            onChange={(e) => setS({ ...s, review_request_enabled: e.target.checked })} />
          Pedir reseña después de la cita
        </label>
        {s.review_request_enabled && (
          <label>
            Enlace para dejar la reseña (Google, Facebook…)
            <input type="url" value={s.review_link ?? ""} placeholder="https://…"
              onChange={(e) => setS({ ...s, review_link: e.target.value || null })} />
          </label>
        )}
        <label>
          Hora del resumen diario (0 a 23)
          <input type="number" min={0} max={23} value={s.daily_summary_hour ?? 8}
            onChange={(e) => setS({ ...s, daily_summary_hour: num(e.target.value) })} />
        </label>
      </fieldset>
      <fieldset disabled={!owner}>
        <legend>Llamadas perdidas</legend>
        <label className="check">
          <input type="checkbox" checked={mc.enabled}
            onChange={(e) => setS({ ...s, missed_call: { ...mc, enabled: e.target.checked } })} />
          Escribir por WhatsApp después de una llamada perdida
        </label>
        {mc.enabled && (
          <>
            <label>
              Minutos de espera antes de escribir
              <input type="number" min={0} value={mc.delay_minutes}
                onChange={(e) => setS({ ...s, missed_call: { ...mc, delay_minutes: num(e.target.value) } })} />
            </label>
            <label>
              Mensaje (vacío: el mensaje de Parlo)
              <textarea value={mc.message ?? ""} maxLength={600}
                onChange={(e) => setS({ ...s, missed_call: { ...mc, message: e.target.value || null } })} />
            </label>
          </>
        )}
      </fieldset>
      <fieldset disabled={!owner}>
        <legend>Conversaciones</legend>
        <label>
          Minutos (en horario) que un cliente espera a una persona antes de que el asistente retome
          <input type="number" min={1} max={1440} value={s.handoff_unanswered_minutes ?? 15}
            onChange={(e) => setS({ ...s, handoff_unanswered_minutes: num(e.target.value) })} />
        </label>
        <label className="check">
          <input type="checkbox" checked={s.ask_staff_preference}
            onChange={(e) => setS({ ...s, ask_staff_preference: e.target.checked })} />
          Preguntar al cliente con quién prefiere su cita (si no, el asistente asigna a alguien y se lo dice)
        </label>
      </fieldset>
      <ErrorBox error={save.error} />
      {save.isSuccess && <p role="status">Cambios guardados.</p>}
      {owner && (
        <button type="submit" className="primary" disabled={save.isPending}>
          Guardar cambios
        </button>
      )}
    </form>
  );
}

/** The chosen location's opening hours (the header's switch picks it). */
function OpeningHours({ owner }: { owner: boolean }) {
  const { location, count } = useChosenLocation();
  if (!location) return <Spinner />;
  return <HoursForm key={location.id} location={location} owner={owner} many={count > 1} />;
}

function HoursForm({ location, owner, many }: { location: Location; owner: boolean; many: boolean }) {
  const qc = useQueryClient();
  const [days, setDays] = useState(() => sevenDays(location.business_hours.days));
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => setDays(sevenDays(location.business_hours.days)), [location.business_hours]);
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PATCH("/api/v1/locations/{id}", {
          params: { path: { id: location.id } },
          body: { business_hours: { days: toApi(days) } },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["locations"] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = weekProblem(days);
    setProblem(p);
    if (!p) save.mutate();
  };
  return (
    <form className="form card" aria-label="Horario de apertura" onSubmit={submit}>
      <h2>Horario de apertura{many ? ` · ${location.name}` : ""}</h2>
      <p className="hint">
        El asistente solo ofrece citas dentro de este horario. Para un horario partido, agrega otro turno.
      </p>
      <WeekHours days={days} onChange={setDays} disabled={!owner} label="Horario de apertura" />
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <ErrorBox error={save.error} />
      {save.isSuccess && <p role="status">Horario guardado.</p>}
      {owner && (
        <button type="submit" className="primary" disabled={save.isPending}>
          Guardar horario
        </button>
      )}
    </form>
  );
}

/** Closures and holidays: blocks of the whole business, whole days. */
function Closures({ canEdit }: { canEdit: boolean }) {
  const b = useBusiness();
  const qc = useQueryClient();
  const today = localDate(new Date(), b.tz);
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  const [reason, setReason] = useState("");
  const blocks = useQuery({
    queryKey: ["blocks", "business", today],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/availability/blocks", {
          params: { query: { from: today, to: addDays(today, 90) } },
        }),
      ).items,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ["blocks"] });
  const midnight = (d: string) => wallToInstant(parseWall(d), b.tz).toISOString();
  const add = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/api/v1/availability/blocks", {
          body: {
            start: midnight(from),
            end: midnight(addDays(to < from ? from : to, 1)),
            ...(reason.trim() ? { reason: reason.trim() } : {}),
          },
        }),
      ),
    onSuccess: async () => {
      setReason("");
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: async (id: string) =>
      unwrap(await api.DELETE("/api/v1/availability/blocks/{id}", { params: { path: { id } } })),
    onSuccess: refresh,
  });
  const closures = (blocks.data ?? []).filter((x) => !x.staff_id).sort((x, y) => x.start.localeCompare(y.start));
  const lastDay = (x: TimeBlock) => localDate(new Date(new Date(x.end).getTime() - 1), b.tz);
  return (
    <section className="card" aria-label="Cierres y días festivos">
      <h2>Cierres y días festivos</h2>
      <p className="hint">Días en que el negocio cierra completo: nadie puede agendar en ellos.</p>
      <ErrorBox error={blocks.error ?? remove.error} />
      <ul className="list">
        {closures.map((x) => {
          const first = localDate(new Date(x.start), b.tz);
          const last = lastDay(x);
          return (
            <li key={x.id} className="item static">
              <span>
                {formatLocalDate(first, b.tz)}
                {last !== first ? ` al ${formatLocalDate(last, b.tz)}` : ""}
              </span>
              <span className="time">{x.reason ?? "Cerrado"}</span>
              {canEdit && (
                <button className="link" onClick={() => remove.mutate(x.id)} disabled={remove.isPending}>
                  Quitar
                </button>
              )}
            </li>
          );
        })}
        {blocks.data && closures.length === 0 && <li className="empty">Sin cierres en los próximos 90 días.</li>}
      </ul>
      {canEdit && (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate();
          }}
        >
          <div className="row">
            <label>
              Desde
              <input type="date" value={from} min={today} onChange={(e) => setFrom(e.target.value)} required />
            </label>
            <label>
              Hasta (inclusive)
              <input type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} required />
            </label>
          </div>
          <label>
            Motivo (por ejemplo, «Navidad»)
            <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} />
          </label>
          <ErrorBox error={add.error} />
          <button type="submit" disabled={add.isPending}>
            Cerrar esos días
          </button>
        </form>
      )}
    </section>
  );
}
