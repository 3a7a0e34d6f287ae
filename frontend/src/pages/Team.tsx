import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, loadSession, unwrap, type Staff } from "../api/client";
import { atLeast, useBusiness, useServices, useStaff } from "../lib/business";
import { LEVEL_LABEL, word } from "../lib/words";
import { formatLocalDate, localDate } from "../lib/time";
import { ErrorBox, Spinner } from "../components/ui";

const DAYS = ["Lunes", "Martes", "Miércoles", "Jueves", "Viernes", "Sábado", "Domingo"];

export default function Team() {
  const b = useBusiness();
  const qc = useQueryClient();
  const staff = useStaff();
  const [name, setName] = useState("");
  const [phone, setPhone] = useState("");
  const [open, setOpen] = useState<string | null>(null);
  const invite = useMutation({
    mutationFn: async () => unwrap(await api.POST("/api/v1/staff", { body: { name, phone } })),
    onSuccess: async () => {
      setName("");
      setPhone("");
      await qc.invalidateQueries({ queryKey: ["staff"] });
    },
  });
  const isAdmin = atLeast(b.level, "admin");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    invite.mutate();
  };
  return (
    <main className="page">
      <h1>Equipo</h1>
      <ErrorBox error={staff.error} />
      {staff.isPending && <Spinner />}
      <ul className="list">
        {(staff.data ?? []).map((s) => (
          <li key={s.id}>
            <button className="item" aria-expanded={open === s.id} onClick={() => setOpen(open === s.id ? null : s.id)}>
              <span>{s.name}</span>
              <span className="time">{s.phone}</span>
              <span className="badge">{LEVEL_LABEL[s.permission_level]}</span>
              {!s.is_active && <span className="badge status-cancelled">Inactivo</span>}
            </button>
            {open === s.id && <Member s={s} />}
          </li>
        ))}
      </ul>
      {isAdmin && (
        <form className="form card" onSubmit={submit}>
          <h2>Invitar a alguien</h2>
          <label>
            Nombre
            <input value={name} onChange={(e) => setName(e.target.value)} required />
          </label>
          <label>
            {word("phone", b.region)} (WhatsApp)
            <input type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} required />
          </label>
          <ErrorBox error={invite.error} />
          <button type="submit" className="primary" disabled={invite.isPending}>
            Invitar
          </button>
        </form>
      )}
    </main>
  );
}

function Member({ s }: { s: Staff }) {
  const b = useBusiness();
  const qc = useQueryClient();
  const services = useServices();
  const isAdmin = atLeast(b.level, "admin");
  const hours = useQuery({
    queryKey: ["working-hours", s.id],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/staff/{id}/working-hours", { params: { path: { id: s.id } } })),
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ["staff"] });
  const toggle = useMutation({
    mutationFn: async () => {
      const path = { params: { path: { id: s.id } } };
      return unwrap(
        s.is_active
          ? await api.POST("/api/v1/staff/{id}/deactivate", path)
          : await api.POST("/api/v1/staff/{id}/reactivate", path),
      );
    },
    onSuccess: refresh,
  });
  const setServices = useMutation({
    mutationFn: async (ids: string[]) =>
      unwrap(
        await api.PUT("/api/v1/staff/{id}/services", {
          params: { path: { id: s.id } },
          body: { service_ids: ids },
        }),
      ),
    onSuccess: refresh,
  });
  const setLevel = useMutation({
    mutationFn: async (level: string) =>
      unwrap(
        await api.PATCH("/api/v1/staff/{id}", {
          params: { path: { id: s.id } },
          body: { permission_level: level },
        }),
      ),
    onSuccess: refresh,
  });
  return (
    <div className="card">
      <fieldset disabled={!isAdmin}>
        <legend>Servicios que hace</legend>
        {(services.data ?? []).map((sv) => (
          <label key={sv.id} className="check">
            <input
              type="checkbox"
              checked={s.service_ids.includes(sv.id)}
              onChange={(e) =>
                setServices.mutate(
                  e.target.checked ? [...s.service_ids, sv.id] : s.service_ids.filter((x) => x !== sv.id),
                )
              }
            />
            {sv.name}
          </label>
        ))}
      </fieldset>
      <h3>Horario</h3>
      {hours.data && (
        <p className="hint">
          {hours.data.follows_business_hours ? "Sigue el horario del negocio." : "Horario propio."}
        </p>
      )}
      {hours.data && !hours.data.follows_business_hours && (
        <table className="hours">
          <tbody>
            {hours.data.days.map((d, i) => (
              <tr key={i}>
                <th scope="row">{DAYS[i]}</th>
                <td>{d.length ? d.map((r) => `${r.start.slice(0, 5)}–${r.end.slice(0, 5)}`).join(", ") : "Descansa"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {b.level === "owner" && (
        <label>
          Permisos
          <select value={s.permission_level} onChange={(e) => setLevel.mutate(e.target.value)}>
            {Object.entries(LEVEL_LABEL).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </label>
      )}
      {(isAdmin || s.id === loadSession()?.staff?.id) && <TimeOff s={s} />}
      <ErrorBox error={toggle.error ?? setServices.error ?? setLevel.error ?? hours.error} />
      {isAdmin && (
        <button onClick={() => toggle.mutate()} disabled={toggle.isPending}>
          {s.is_active ? "Desactivar" : "Reactivar"}
        </button>
      )}
    </div>
  );
}

/** Days off and special hours (exceptions) and blocked time of one person. */
function TimeOff({ s }: { s: Staff }) {
  const b = useBusiness();
  const qc = useQueryClient();
  const today = localDate(new Date(), b.tz);
  const [date, setDate] = useState(today);
  const [start, setStart] = useState("");
  const [end, setEnd] = useState("");
  const [reason, setReason] = useState("");
  const avail = useQuery({
    queryKey: ["availability", s.id],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/availability", { params: { query: { staff_id: s.id } } })),
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ["availability", s.id] });
  const add = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/api/v1/availability/exceptions", {
          body: {
            staff_id: s.id,
            date,
            is_available: false,
            ...(start && end ? { start, end } : {}),
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
      unwrap(await api.DELETE("/api/v1/availability/exceptions/{id}", { params: { path: { id } } })),
    onSuccess: refresh,
  });
  const upcoming = (avail.data?.exceptions ?? []).filter((x) => x.date >= today).sort((x, y) => x.date.localeCompare(y.date));
  return (
    <section aria-label={`Días libres de ${s.name}`}>
      <h3>Días libres y horarios especiales</h3>
      <ul className="list">
        {upcoming.map((x) => (
          <li key={x.id} className="item static">
            <span>{formatLocalDate(x.date, b.tz)}</span>
            <span className="time">
              {x.range ? `${x.range.start.slice(0, 5)}–${x.range.end.slice(0, 5)}` : "Todo el día"}
              {x.is_available ? " (trabaja)" : " (libre)"}
              {x.reason ? ` · ${x.reason}` : ""}
            </span>
            <button className="link" onClick={() => remove.mutate(x.id)} disabled={remove.isPending}>
              Quitar
            </button>
          </li>
        ))}
        {avail.data && upcoming.length === 0 && <li className="empty">Sin días libres próximos.</li>}
      </ul>
      <form
        className="form"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <div className="row">
          <label>
            Fecha
            <input type="date" value={date} min={today} onChange={(e) => setDate(e.target.value)} required />
          </label>
          <label>
            Desde (vacío: todo el día)
            <input type="time" value={start} onChange={(e) => setStart(e.target.value)} />
          </label>
          <label>
            Hasta
            <input type="time" value={end} onChange={(e) => setEnd(e.target.value)} />
          </label>
        </div>
        <label>
          Motivo (opcional)
          <input value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <ErrorBox error={add.error ?? remove.error ?? avail.error} />
        <button type="submit" disabled={add.isPending}>
          Agregar día libre
        </button>
      </form>
    </section>
  );
}
