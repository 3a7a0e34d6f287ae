import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Service } from "../api/client";
import { atLeast, useBusiness, useServices } from "../lib/business";
import { formatMoney } from "../lib/time";
import { ErrorBox, Spinner } from "../components/ui";
import { Spots } from "./Spots";

export default function Services() {
  const b = useBusiness();
  const qc = useQueryClient();
  const services = useServices();
  const [name, setName] = useState("");
  const [minutes, setMinutes] = useState("30");
  const [price, setPrice] = useState("");
  const [editing, setEditing] = useState<string | null>(null);
  const owner = atLeast(b.level, "owner");
  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/api/v1/services", {
          body: {
            name,
            duration_minutes: Number(minutes),
            price_cents: Math.round(Number(price || "0") * 100),
          },
        }),
      ),
    onSuccess: async () => {
      setName("");
      setPrice("");
      await qc.invalidateQueries({ queryKey: ["services"] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <main className="page">
      <h1>Servicios</h1>
      <ErrorBox error={services.error} />
      {services.isPending && <Spinner />}
      <ul className="list">
        {(services.data ?? []).map((s) => (
          <li key={s.id}>
            {editing === s.id ? (
              <ServiceForm s={s} onDone={() => setEditing(null)} />
            ) : (
              <div className="item static">
                <span>
                  {s.name}
                  {!s.is_active && <span className="badge status-cancelled"> Inactivo</span>}
                </span>
                <span className="time">
                  {s.duration_minutes} min · {formatMoney(s.price_cents, s.currency, b.tz)}
                  {s.buffer_minutes ? ` · ${s.buffer_minutes} min de limpieza` : ""}
                </span>
                {owner && (
                  <button className="link" onClick={() => setEditing(s.id)} aria-label={`Editar ${s.name}`}>
                    Editar
                  </button>
                )}
              </div>
            )}
          </li>
        ))}
      </ul>
      {owner && (
        <form className="form card" onSubmit={submit}>
          <h2>Nuevo servicio</h2>
          <label>
            Nombre
            <input value={name} onChange={(e) => setName(e.target.value)} required />
          </label>
          <div className="row">
            <label>
              Minutos
              <input type="number" min={5} step={5} value={minutes} onChange={(e) => setMinutes(e.target.value)} required />
            </label>
            <label>
              Precio
              <input type="number" min={0} step="0.01" value={price} onChange={(e) => setPrice(e.target.value)} />
            </label>
          </div>
          <ErrorBox error={create.error} />
          <button type="submit" className="primary" disabled={create.isPending}>
            Agregar
          </button>
        </form>
      )}
      <Spots />
    </main>
  );
}

/** Edits one service: name, description, duration, price, cleaning minutes, active. */
function ServiceForm({ s, onDone }: { s: Service; onDone: () => void }) {
  const qc = useQueryClient();
  const [f, setF] = useState({
    name: s.name,
    description: s.description ?? "",
    minutes: String(s.duration_minutes),
    price: (s.price_cents / 100).toFixed(2),
    buffer: String(s.buffer_minutes),
    active: s.is_active,
  });
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PATCH("/api/v1/services/{id}", {
          params: { path: { id: s.id } },
          body: {
            name: f.name,
            description: f.description,
            duration_minutes: Number(f.minutes),
            price_cents: Math.round(Number(f.price || "0") * 100),
            buffer_minutes: Number(f.buffer || "0"),
            is_active: f.active,
          },
        }),
      ),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ["services"] });
      onDone();
    },
  });
  return (
    <form
      className="form card"
      aria-label={`Editar ${s.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <label>
        Nombre
        <input value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} required />
      </label>
      <label>
        Descripción (el asistente la usa para explicar el servicio)
        <textarea value={f.description} onChange={(e) => setF({ ...f, description: e.target.value })} />
      </label>
      <div className="row">
        <label>
          Minutos
          <input type="number" min={5} step={5} value={f.minutes} onChange={(e) => setF({ ...f, minutes: e.target.value })} required />
        </label>
        <label>
          Precio
          <input type="number" min={0} step="0.01" value={f.price} onChange={(e) => setF({ ...f, price: e.target.value })} />
        </label>
        <label>
          Minutos de limpieza
          <input type="number" min={0} step={5} value={f.buffer} onChange={(e) => setF({ ...f, buffer: e.target.value })} />
        </label>
      </div>
      <label className="check">
        <input type="checkbox" checked={f.active} onChange={(e) => setF({ ...f, active: e.target.checked })} />
        Se puede agendar
      </label>
      <ErrorBox error={save.error} />
      <div className="actions">
        <button type="button" onClick={onDone}>
          Cancelar
        </button>
        <button type="submit" className="primary" disabled={save.isPending}>
          Guardar
        </button>
      </div>
    </form>
  );
}
