import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, loadSession, unwrap, type Schemas, type Staff } from "../api/client";
import { atLeast, useBusiness, useServices, useSpots, useStaff } from "../lib/business";
import { LEVEL_LABEL, word } from "../lib/words";
import { addDays, formatDay, formatLocalDate, formatRange, localDate, parseWall, wallToInstant } from "../lib/time";
import { dayText, sevenDays, toApi, WeekHours, weekProblem } from "../components/WeekHours";
import { ErrorBox, Spinner } from "../components/ui";

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
  const spots = useSpots();
  const setSpot = useMutation({
    mutationFn: async (id: string | null) =>
      unwrap(
        await api.PATCH("/api/v1/staff/{id}", {
          params: { path: { id: s.id } },
          body: { default_spot_id: id },
        }),
      ),
    onSuccess: refresh,
  });
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
      {hours.data && <StaffHours s={s} hours={hours.data} canEdit={isAdmin || s.id === loadSession()?.staff?.id} />}
      {isAdmin && spots.data && spots.data.length > 0 && (
        <label>
          Lugar de siempre (silla, cama)
          <select
            value={s.default_spot_id ?? ""}
            onChange={(e) => setSpot.mutate(e.target.value || null)}
          >
            <option value="">Ninguno</option>
            {spots.data.map((sp) => (
              <option key={sp.id} value={sp.id}>
                {sp.name}
              </option>
            ))}
          </select>
        </label>
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
      {(isAdmin || s.id === loadSession()?.staff?.id) && (
        <>
          <TimeOff s={s} />
          <Blocks s={s} />
        </>
      )}
      <ErrorBox error={toggle.error ?? setServices.error ?? setLevel.error ?? setSpot.error ?? hours.error} />
      {isAdmin && (
        <button onClick={() => toggle.mutate()} disabled={toggle.isPending}>
          {s.is_active ? "Desactivar" : "Reactivar"}
        </button>
      )}
    </div>
  );
}

/** A person's weekly hours: the business's, or their own. */
function StaffHours({ s, hours, canEdit }: { s: Staff; hours: Schemas["WorkingHours"]; canEdit: boolean }) {
  const qc = useQueryClient();
  const [own, setOwn] = useState(!hours.follows_business_hours);
  const [days, setDays] = useState(() => sevenDays(hours.days));
  const [problem, setProblem] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PUT("/api/v1/staff/{id}/working-hours", {
          params: { path: { id: s.id } },
          body: { days: own ? toApi(days) : null },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["working-hours", s.id] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = own ? weekProblem(days) : null;
    setProblem(p);
    if (!p) save.mutate();
  };
  return (
    <form className="form" aria-label={`Horario de ${s.name}`} onSubmit={submit}>
      <h3>Horario</h3>
      {!canEdit ? (
        hours.follows_business_hours ? (
          <p className="hint">Sigue el horario del negocio.</p>
        ) : (
          <table className="hours">
            <tbody>
              {sevenDays(hours.days).map((d, i) => (
                <tr key={i}>
                  <th scope="row">{["Lunes", "Martes", "Miércoles", "Jueves", "Viernes", "Sábado", "Domingo"][i]}</th>
                  <td>{dayText(d, "Descansa")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : (
        <>
          <label className="check">
            <input type="checkbox" checked={!own} onChange={(e) => setOwn(!e.target.checked)} />
            Sigue el horario del negocio
          </label>
          {own && <WeekHours days={days} onChange={setDays} closedLabel="Descansa" label={`Horario de ${s.name}`} />}
          {problem && (
            <p className="error" role="alert">
              {problem}
            </p>
          )}
          <ErrorBox error={save.error} />
          {save.isSuccess && <p role="status">Horario guardado.</p>}
          <button type="submit" disabled={save.isPending}>
            Guardar horario
          </button>
        </>
      )}
    </form>
  );
}

/** Days off and special hours (exceptions) and blocked time of one person. */
function TimeOff({ s }: { s: Staff }) {
  const b = useBusiness();
  const qc = useQueryClient();
  const today = localDate(new Date(), b.tz);
  const [date, setDate] = useState(today);
  const [kind, setKind] = useState<"off" | "special">("off");
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
            is_available: kind === "special",
            ...(start && end ? { start, end } : {}),
            ...(reason.trim() ? { reason: reason.trim() } : {}),
          },
        }),
      ),
    onSuccess: async () => {
      setReason("");
      setStart("");
      setEnd("");
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: async (id: string) =>
      unwrap(await api.DELETE("/api/v1/availability/exceptions/{id}", { params: { path: { id } } })),
    onSuccess: refresh,
  });
  const upcoming = (avail.data?.exceptions ?? []).filter((x) => x.date >= today).sort((x, y) => x.date.localeCompare(y.date));
  const special = kind === "special";
  return (
    <section aria-label={`Días libres de ${s.name}`}>
      <h3>Días libres y horarios especiales</h3>
      <ul className="list">
        {upcoming.map((x) => (
          <li key={x.id} className="item static">
            <span>{formatLocalDate(x.date, b.tz)}</span>
            <span className="time">
              {x.range ? `${x.range.start.slice(0, 5)}–${x.range.end.slice(0, 5)}` : "Todo el día"}
              {x.is_available ? " (horario especial)" : " (libre)"}
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
        <fieldset className="inline">
          <legend className="sr-only">Tipo</legend>
          <label className="check">
            <input type="radio" name={`kind-${s.id}`} checked={!special} onChange={() => setKind("off")} />
            Día libre
          </label>
          <label className="check">
            <input type="radio" name={`kind-${s.id}`} checked={special} onChange={() => setKind("special")} />
            Horario especial (trabaja otro horario ese día)
          </label>
        </fieldset>
        <div className="row">
          <label>
            Fecha
            <input type="date" value={date} min={today} onChange={(e) => setDate(e.target.value)} required />
          </label>
          <label>
            {special ? "Desde" : "Desde (vacío: todo el día)"}
            <input type="time" value={start} onChange={(e) => setStart(e.target.value)} required={special} />
          </label>
          <label>
            Hasta
            <input type="time" value={end} onChange={(e) => setEnd(e.target.value)} required={special} />
          </label>
        </div>
        <label>
          Motivo (opcional)
          <input value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <ErrorBox error={add.error ?? remove.error ?? avail.error} />
        <button type="submit" disabled={add.isPending}>
          {special ? "Agregar horario especial" : "Agregar día libre"}
        </button>
      </form>
    </section>
  );
}

/** Blocked time of one person (a doctor's visit, a lunch break): no bookings then. */
function Blocks({ s }: { s: Staff }) {
  const b = useBusiness();
  const qc = useQueryClient();
  const today = localDate(new Date(), b.tz);
  const [date, setDate] = useState(today);
  const [start, setStart] = useState("14:00");
  const [end, setEnd] = useState("15:00");
  const [reason, setReason] = useState("");
  const blocks = useQuery({
    queryKey: ["blocks", "staff", today],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/availability/blocks", { params: { query: { from: today, to: addDays(today, 90) } } }))
        .items,
  });
  const at = (d: string, t: string) => wallToInstant(parseWall(`${d}T${t}`), b.tz).toISOString();
  const add = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/api/v1/availability/blocks", {
          body: { staff_id: s.id, start: at(date, start), end: at(date, end), ...(reason.trim() ? { reason: reason.trim() } : {}) },
        }),
      ),
    onSuccess: async () => {
      setReason("");
      await qc.invalidateQueries({ queryKey: ["blocks"] });
    },
  });
  const remove = useMutation({
    mutationFn: async (id: string) =>
      unwrap(await api.DELETE("/api/v1/availability/blocks/{id}", { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["blocks"] }),
  });
  const mine = (blocks.data ?? []).filter((x) => x.staff_id === s.id).sort((x, y) => x.start.localeCompare(y.start));
  return (
    <section aria-label={`Bloqueos de ${s.name}`}>
      <h3>Horas bloqueadas</h3>
      <ul className="list">
        {mine.map((x) => (
          <li key={x.id} className="item static">
            <span>{formatDay(x.start, b.tz)}</span>
            <span className="time">
              {formatRange(x.start, x.end, b.tz)}
              {x.reason ? ` · ${x.reason}` : ""}
            </span>
            <button className="link" onClick={() => remove.mutate(x.id)} disabled={remove.isPending}>
              Quitar
            </button>
          </li>
        ))}
        {blocks.data && mine.length === 0 && <li className="empty">Sin horas bloqueadas próximas.</li>}
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
            Día
            <input type="date" value={date} min={today} onChange={(e) => setDate(e.target.value)} required />
          </label>
          <label>
            De
            <input type="time" value={start} onChange={(e) => setStart(e.target.value)} required />
          </label>
          <label>
            A
            <input type="time" value={end} onChange={(e) => setEnd(e.target.value)} required />
          </label>
        </div>
        <label>
          Motivo del bloqueo (opcional)
          <input value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <ErrorBox error={add.error ?? remove.error ?? blocks.error} />
        <button type="submit" disabled={add.isPending}>
          Bloquear esas horas
        </button>
      </form>
    </section>
  );
}
