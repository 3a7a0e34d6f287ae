// Spots (chairs, beds, cabins): which services each hosts and the order
// they show in (drag on a desktop; the ↑ ↓ buttons on a phone or keyboard).
import { useEffect, useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Spot } from "../api/client";
import { atLeast, useBusiness, useServices, useSpots } from "../lib/business";
import { ErrorBox } from "../components/ui";

export function Spots() {
  const b = useBusiness();
  const qc = useQueryClient();
  const spots = useSpots();
  const services = useServices();
  const owner = atLeast(b.level, "owner");
  const [order, setOrder] = useState<Spot[]>([]);
  const [dragging, setDragging] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [name, setName] = useState("");
  useEffect(() => {
    setOrder([...(spots.data ?? [])].sort((x, y) => x.display_order - y.display_order));
  }, [spots.data]);
  const save = useMutation({
    mutationFn: async (ids: string[]) => unwrap(await api.PUT("/api/v1/spots/order", { body: { spot_ids: ids } })),
    onSettled: () => qc.invalidateQueries({ queryKey: ["spots"] }),
  });
  const create = useMutation({
    mutationFn: async () => unwrap(await api.POST("/api/v1/spots", { body: { name } })),
    onSuccess: async () => {
      setName("");
      await qc.invalidateQueries({ queryKey: ["spots"] });
    },
  });
  const moveTo = (id: string, to: number) => {
    const from = order.findIndex((s) => s.id === id);
    if (from < 0 || to < 0 || to >= order.length || from === to) return;
    const next = [...order];
    const [it] = next.splice(from, 1);
    next.splice(to, 0, it!);
    setOrder(next);
    save.mutate(next.map((s) => s.id));
  };
  const serviceNames = (ids: string[]) =>
    ids.length
      ? ids.map((id) => services.data?.find((x) => x.id === id)?.name).filter(Boolean).join(", ")
      : "Todos los servicios";
  return (
    <section aria-label="Lugares">
      <h2>Lugares (sillas, camas)</h2>
      {owner && order.length > 1 && <p className="hint">Arrastra un lugar para cambiar el orden en que aparece.</p>}
      <ErrorBox error={spots.error ?? save.error} />
      <ol className="list spots">
        {order.map((s, i) => (
          <li
            key={s.id}
            data-spot-id={s.id}
            draggable={owner}
            className={dragging === s.id ? "dragging" : undefined}
            onDragStart={(e) => {
              setDragging(s.id);
              e.dataTransfer.effectAllowed = "move";
              e.dataTransfer.setData("text/plain", s.id);
            }}
            onDragEnd={() => setDragging(null)}
            onDragOver={(e) => {
              if (dragging) e.preventDefault();
            }}
            onDrop={(e) => {
              e.preventDefault();
              const id = e.dataTransfer.getData("text/plain") || dragging;
              setDragging(null);
              if (id) moveTo(id, i);
            }}
          >
            <div className="item static">
              {owner && (
                <span className="handle" aria-hidden="true">
                  ⠿
                </span>
              )}
              <span>
                {s.name}
                {!s.is_active && <span className="badge status-cancelled"> Inactivo</span>}
              </span>
              <span className="time">{serviceNames(s.service_ids)}</span>
              {owner && (
                <span className="actions inline">
                  <button className="link" aria-label={`Subir ${s.name}`} disabled={i === 0} onClick={() => moveTo(s.id, i - 1)}>
                    ↑
                  </button>
                  <button
                    className="link"
                    aria-label={`Bajar ${s.name}`}
                    disabled={i === order.length - 1}
                    onClick={() => moveTo(s.id, i + 1)}
                  >
                    ↓
                  </button>
                  <button className="link" aria-expanded={open === s.id} onClick={() => setOpen(open === s.id ? null : s.id)}>
                    Editar
                  </button>
                </span>
              )}
            </div>
            {open === s.id && <SpotForm s={s} onDone={() => setOpen(null)} />}
          </li>
        ))}
        {spots.data?.length === 0 && <li className="empty">Sin lugares registrados.</li>}
      </ol>
      {owner && (
        <form
          className="form card"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <label>
            Nuevo lugar (por ejemplo, «Silla 3» o «Cabina»)
            <input value={name} onChange={(e) => setName(e.target.value)} required />
          </label>
          <ErrorBox error={create.error} />
          <button type="submit" disabled={create.isPending}>
            Agregar lugar
          </button>
        </form>
      )}
    </section>
  );
}

function SpotForm({ s, onDone }: { s: Spot; onDone: () => void }) {
  const qc = useQueryClient();
  const services = useServices();
  const [name, setName] = useState(s.name);
  const [ids, setIds] = useState<string[]>(s.service_ids);
  const [active, setActive] = useState(s.is_active);
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PATCH("/api/v1/spots/{id}", {
          params: { path: { id: s.id } },
          body: { name, service_ids: ids, is_active: active },
        }),
      ),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ["spots"] });
      onDone();
    },
  });
  const remove = useMutation({
    mutationFn: async () => unwrap(await api.DELETE("/api/v1/spots/{id}", { params: { path: { id: s.id } } })),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ["spots"] });
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
        <input value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <fieldset>
        <legend>Servicios que se hacen aquí (ninguno marcado: todos)</legend>
        {(services.data ?? []).map((sv) => (
          <label key={sv.id} className="check">
            <input
              type="checkbox"
              checked={ids.includes(sv.id)}
              onChange={(e) => setIds(e.target.checked ? [...ids, sv.id] : ids.filter((x) => x !== sv.id))}
            />
            {sv.name}
          </label>
        ))}
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
        En uso
      </label>
      <ErrorBox error={save.error ?? remove.error} />
      <div className="actions">
        <button type="button" className="danger" onClick={() => remove.mutate()} disabled={remove.isPending}>
          Borrar
        </button>
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
