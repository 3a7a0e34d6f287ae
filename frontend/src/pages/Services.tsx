import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { atLeast, useBusiness, useServices } from "../lib/business";
import { formatMoney } from "../lib/time";
import { ErrorBox, Spinner } from "../components/ui";

export default function Services() {
  const b = useBusiness();
  const qc = useQueryClient();
  const services = useServices();
  const spots = useQuery({
    queryKey: ["spots"],
    queryFn: async () => unwrap(await api.GET("/api/v1/spots", { params: { query: { limit: "100" } } })).items,
  });
  const [name, setName] = useState("");
  const [minutes, setMinutes] = useState("30");
  const [price, setPrice] = useState("");
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
  const toggle = useMutation({
    mutationFn: async ({ id, active }: { id: string; active: boolean }) =>
      unwrap(
        await api.PATCH("/api/v1/services/{id}", {
          params: { path: { id } },
          body: { is_active: active },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["services"] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <main className="page">
      <h1>Servicios</h1>
      <ErrorBox error={services.error ?? toggle.error} />
      {services.isPending && <Spinner />}
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Servicio</th>
            <th scope="col">Duración</th>
            <th scope="col">Precio</th>
            <th scope="col">Estado</th>
          </tr>
        </thead>
        <tbody>
          {(services.data ?? []).map((s) => (
            <tr key={s.id}>
              <td>{s.name}</td>
              <td>{s.duration_minutes} min</td>
              <td>{formatMoney(s.price_cents, s.currency, b.tz)}</td>
              <td>
                {owner ? (
                  <button onClick={() => toggle.mutate({ id: s.id, active: !s.is_active })}>
                    {s.is_active ? "Activo · desactivar" : "Inactivo · activar"}
                  </button>
                ) : s.is_active ? (
                  "Activo"
                ) : (
                  "Inactivo"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
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
      <h2>Lugares (sillas, camas)</h2>
      <ErrorBox error={spots.error} />
      <ol className="list">
        {(spots.data ?? []).map((s) => (
          <li key={s.id} className="item static">
            <span>{s.name}</span>
            <span className="time">
              {s.service_ids.length
                ? s.service_ids.map((id) => services.data?.find((x) => x.id === id)?.name).filter(Boolean).join(", ")
                : "Todos los servicios"}
            </span>
          </li>
        ))}
        {spots.data?.length === 0 && <li className="empty">Sin lugares registrados.</li>}
      </ol>
    </main>
  );
}
