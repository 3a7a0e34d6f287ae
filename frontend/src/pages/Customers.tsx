import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { atLeast, useBusiness, useServices } from "../lib/business";
import { formatDay, formatTime } from "../lib/time";
import { STATUS_LABEL } from "../lib/words";
import { ErrorBox, Spinner } from "../components/ui";

export default function Customers() {
  const [q, setQ] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ["customers", "list", q],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/customers", {
          params: { query: { limit: "50", ...(q.trim() ? { q: q.trim() } : {}) } },
        }),
      ).items,
  });
  return (
    <main className="page split">
      <section className={selected ? "pane hide-narrow" : "pane"} aria-label="Clientes">
        <h1>Clientes</h1>
        <label>
          Buscar por nombre o número
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <ErrorBox error={list.error} />
        {list.isPending && <Spinner />}
        <ul className="list">
          {(list.data ?? []).map((c) => (
            <li key={c.id}>
              <button className="item" aria-current={c.id === selected} onClick={() => setSelected(c.id)}>
                <span>{c.name ?? "Sin nombre"}</span>
                <span className="time">{c.phone}</span>
              </button>
            </li>
          ))}
          {list.data?.length === 0 && <li className="empty">Nadie con ese nombre o número.</li>}
        </ul>
      </section>
      {selected && <CustomerDetail id={selected} onBack={() => setSelected(null)} />}
    </main>
  );
}

function CustomerDetail({ id, onBack }: { id: string; onBack: () => void }) {
  const b = useBusiness();
  const qc = useQueryClient();
  const services = useServices();
  const d = useQuery({
    queryKey: ["customer", id],
    queryFn: async () => unwrap(await api.GET("/api/v1/customers/{id}", { params: { path: { id } } })),
  });
  const [edit, setEdit] = useState<{ name: string; email: string; notes: string } | null>(null);
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PATCH("/api/v1/customers/{id}", {
          params: { path: { id } },
          body: { name: edit!.name, email: edit!.email || undefined, notes: edit!.notes },
        }),
      ),
    onSuccess: async () => {
      setEdit(null);
      await qc.invalidateQueries({ queryKey: ["customer", id] });
      await qc.invalidateQueries({ queryKey: ["customers"] });
    },
  });
  if (d.isPending) return <Spinner />;
  if (d.isError) return <ErrorBox error={d.error} />;
  const { customer: c } = d.data;
  return (
    <section className="pane" aria-label="Detalle del cliente">
      <button className="link show-narrow" onClick={onBack}>
        ‹ Volver
      </button>
      <h2>{c.name ?? "Sin nombre"}</h2>
      <p>
        {c.phone}
        {c.email ? ` · ${c.email}` : ""}
      </p>
      <p>
        {d.data.total_appointments} citas · {d.data.completed} completadas · {d.data.no_shows} no asistió ·{" "}
        {d.data.cancellations} canceladas
      </p>
      {c.notes && <p className="notes">Notas: {c.notes}</p>}
      {atLeast(b.level, "staff") &&
        (edit ? (
          <div className="form">
            <label>
              Nombre
              <input value={edit.name} onChange={(e) => setEdit({ ...edit, name: e.target.value })} />
            </label>
            <label>
              Correo
              <input type="email" value={edit.email} onChange={(e) => setEdit({ ...edit, email: e.target.value })} />
            </label>
            <label>
              Notas
              <textarea value={edit.notes} onChange={(e) => setEdit({ ...edit, notes: e.target.value })} />
            </label>
            <ErrorBox error={save.error} />
            <div className="actions">
              <button onClick={() => setEdit(null)}>Cancelar</button>
              <button className="primary" onClick={() => save.mutate()} disabled={save.isPending}>
                Guardar
              </button>
            </div>
          </div>
        ) : (
          <button onClick={() => setEdit({ name: c.name ?? "", email: c.email ?? "", notes: c.notes ?? "" })}>
            Editar
          </button>
        ))}
      <h3>Historial</h3>
      <ul className="list">
        {d.data.appointments.map((a) => (
          <li key={a.id} className="item static">
            <span>
              {formatDay(a.start, b.tz)} {formatTime(a.start, b.tz)}
            </span>
            <span>{services.data?.find((s) => s.id === a.service_id)?.name ?? "Cita"}</span>
            <span className={`badge status-${a.status}`}>{STATUS_LABEL[a.status]}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
