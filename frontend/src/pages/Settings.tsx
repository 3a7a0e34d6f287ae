import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";
import { atLeast, useBusiness } from "../lib/business";
import { ErrorBox } from "../components/ui";

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

export default function SettingsPage() {
  const b = useBusiness();
  const qc = useQueryClient();
  const [name, setName] = useState(b.org.name);
  const [tz, setTz] = useState(b.org.timezone);
  const [s, setS] = useState<Settings>(b.org.settings);
  const owner = atLeast(b.level, "owner");
  const save = useMutation({
    mutationFn: async () =>
      unwrap(await api.PATCH("/api/v1/organization", { body: { name, timezone: tz, settings: s } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["organization"] }),
  });
  const num = (v: string) => (v === "" ? 0 : Number(v));
  const booking = s.booking;
  return (
    <main className="page narrow">
      <h1>Ajustes del negocio</h1>
      <form
        className="form"
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
          <p className="hint">
            WhatsApp: {b.org.whatsapp_number ? `conectado (${b.org.whatsapp_number})` : "sin conectar"}
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
          <label>
            Hora del resumen diario
            <input type="number" min={0} max={23} value={s.daily_summary_hour ?? 8}
              onChange={(e) => setS({ ...s, daily_summary_hour: num(e.target.value) })} />
          </label>
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
          <label className="check">
            <input type="checkbox" checked={s.missed_call.enabled}
              onChange={(e) => setS({ ...s, missed_call: { ...s.missed_call, enabled: e.target.checked } })} />
            Escribir por WhatsApp después de una llamada perdida
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
    </main>
  );
}
