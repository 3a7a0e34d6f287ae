import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { atLeast, useBusiness, useServices, useSpots, useStaff } from "../lib/business";
import { currencyOf, formatMoney, localIso, parseWall, wallToInstant } from "../lib/time";
import { When } from "../components/When";
import { SOURCE_LABEL, STATUS_LABEL } from "../lib/words";
import { Dialog, ErrorBox, Spinner } from "../components/ui";

/** Detail of one appointment: who, what, where, and its status actions. */
export function AppointmentDialog({ id, onClose }: { id: string; onClose: () => void }) {
  const b = useBusiness();
  const qc = useQueryClient();
  const services = useServices();
  const staff = useStaff();
  const spots = useSpots();
  const appt = useQuery({
    queryKey: ["appointment", id],
    queryFn: async () => unwrap(await api.GET("/api/v1/appointments/{id}", { params: { path: { id } } })),
  });
  const customer = useQuery({
    queryKey: ["customer", appt.data?.customer_id],
    enabled: !!appt.data,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/customers/{id}", { params: { path: { id: appt.data!.customer_id } } }),
      ),
  });
  const [reason, setReason] = useState("");
  const [cancelling, setCancelling] = useState(false);
  const [editing, setEditing] = useState(false);
  const [newStart, setNewStart] = useState("");
  const [newStaff, setNewStaff] = useState("");
  const done = async () => {
    await qc.invalidateQueries({ queryKey: ["appointments"] });
    await qc.invalidateQueries({ queryKey: ["appointment", id] });
  };
  const action = useMutation({
    mutationFn: async (what: "complete" | "no-show" | "cancel") => {
      const path = { params: { path: { id } } };
      if (what === "complete") return unwrap(await api.POST("/api/v1/appointments/{id}/complete", path));
      if (what === "no-show") return unwrap(await api.POST("/api/v1/appointments/{id}/no-show", path));
      return unwrap(
        await api.POST("/api/v1/appointments/{id}/cancel", {
          ...path,
          body: reason.trim() ? { reason: reason.trim() } : {},
        }),
      );
    },
    onSuccess: done,
  });
  // The touch-friendly way to move: a form instead of dragging.
  const moveIt = useMutation({
    mutationFn: async () => {
      const start = wallToInstant(parseWall(newStart), b.tz).toISOString();
      return unwrap(
        await api.PATCH("/api/v1/appointments/{id}", {
          params: { path: { id } },
          body: { start, ...(newStaff ? { staff_id: newStaff } : {}) },
        }),
      );
    },
    onSuccess: async () => {
      setEditing(false);
      await done();
    },
  });

  if (appt.isPending) return <Dialog title="Cita" onClose={onClose}><Spinner /></Dialog>;
  if (appt.isError) return <Dialog title="Cita" onClose={onClose}><ErrorBox error={appt.error} /></Dialog>;
  const a = appt.data;
  const service = services.data?.find((s) => s.id === a.service_id);
  const person = staff.data?.find((s) => s.id === a.staff_id);
  const c = customer.data;
  const open = a.status === "pending" || a.status === "confirmed";
  const canAct = atLeast(b.level, "staff") && open;
  return (
    <Dialog title="Cita" onClose={onClose}>
      <dl className="facts">
        <dt>Cliente</dt>
        <dd>{c ? `${c.customer.name ?? "Sin nombre"} · ${c.customer.phone}` : "…"}</dd>
        {c && (
          <>
            <dt>Historial</dt>
            <dd>
              {c.total_appointments} citas · {c.completed} completadas · {c.no_shows} no asistió ·{" "}
              {c.cancellations} canceladas
            </dd>
          </>
        )}
        <dt>Servicio</dt>
        <dd>
          {service?.name ?? "…"} · {formatMoney(a.price_cents, service?.currency ?? currencyOf(b.region), b.tz)}
        </dd>
        <dt>Cuándo</dt>
        <dd data-testid="appt-when">
          <When start={a.start} end={a.end} tz={b.tz} />
        </dd>
        <dt>Con</dt>
        <dd>{person?.name ?? "…"}</dd>
        {a.spot_id && (
          <>
            <dt>Lugar</dt>
            <dd>{spots.data?.find((x) => x.id === a.spot_id)?.name ?? "…"}</dd>
          </>
        )}
        <dt>Origen</dt>
        <dd>{SOURCE_LABEL[a.source] ?? a.source}</dd>
        <dt>Estado</dt>
        <dd>
          <span className={`badge status-${a.status}`}>{STATUS_LABEL[a.status]}</span>
          {a.cancellation_reason && ` (${a.cancellation_reason})`}
        </dd>
        {a.notes && (
          <>
            <dt>Notas</dt>
            <dd>{a.notes}</dd>
          </>
        )}
      </dl>
      <ErrorBox error={action.error ?? moveIt.error} />
      {canAct && !cancelling && !editing && (
        <div className="actions">
          <button onClick={() => action.mutate("complete")} disabled={action.isPending}>
            Completada
          </button>
          <button onClick={() => action.mutate("no-show")} disabled={action.isPending}>
            No asistió
          </button>
          <button
            onClick={() => {
              setEditing(true);
              setNewStart(localIso(new Date(a.start), b.tz).slice(0, 16));
              setNewStaff(a.staff_id);
            }}
          >
            Mover
          </button>
          <button className="danger" onClick={() => setCancelling(true)}>
            Cancelar cita
          </button>
        </div>
      )}
      {cancelling && (
        <div className="form">
          <label>
            Motivo (opcional)
            <input value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <div className="actions">
            <button onClick={() => setCancelling(false)}>Volver</button>
            <button className="danger" onClick={() => action.mutate("cancel")} disabled={action.isPending}>
              Cancelar la cita
            </button>
          </div>
        </div>
      )}
      {editing && (
        <div className="form">
          <label>
            Nuevo horario
            <input type="datetime-local" value={newStart} step={900} onChange={(e) => setNewStart(e.target.value)} />
          </label>
          <label>
            Con
            <select value={newStaff} onChange={(e) => setNewStaff(e.target.value)}>
              {(staff.data ?? [])
                .filter((s) => s.is_active && s.bookable)
                .map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
            </select>
          </label>
          <div className="actions">
            <button onClick={() => setEditing(false)}>Volver</button>
            <button className="primary" onClick={() => moveIt.mutate()} disabled={moveIt.isPending}>
              Guardar
            </button>
          </div>
        </div>
      )}
      {action.isSuccess && <p role="status">Listo.</p>}
    </Dialog>
  );
}
