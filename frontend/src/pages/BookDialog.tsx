import { useMemo, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, errorMessage, unwrap, type Customer, type Slot } from "../api/client";
import { useBusiness, useServices, useStaff } from "../lib/business";
import { formatLocalDate, formatMoney, formatTime } from "../lib/time";
import { word } from "../lib/words";
import { Dialog, ErrorBox, Spinner } from "../components/ui";

/** New appointment: service → a real free slot → customer → confirm. */
export function BookDialog({
  initial,
  onClose,
  onBooked,
}: {
  initial: { date: string; time?: string; staffId?: string };
  onClose: () => void;
  onBooked: (message: string) => void;
}) {
  const b = useBusiness();
  const services = useServices();
  const staff = useStaff();
  const [serviceId, setServiceId] = useState("");
  const [date, setDate] = useState(initial.date);
  const [staffId, setStaffId] = useState(initial.staffId ?? "");
  const [slot, setSlot] = useState<Slot | null>(null);
  const [q, setQ] = useState("");
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [isNew, setIsNew] = useState(false);
  const [newName, setNewName] = useState("");
  const [newPhone, setNewPhone] = useState("");
  const [notes, setNotes] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One id per dialog: a retried confirm books once (the API's idempotency key).
  const bookingId = useRef(crypto.randomUUID());

  const slots = useQuery({
    queryKey: ["slots", serviceId, date, staffId],
    enabled: !!serviceId && !!date,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/availability/slots", {
          params: {
            query: { service_id: serviceId, from: date, to: date, ...(staffId ? { staff_id: staffId } : {}) },
          },
        }),
      ),
  });
  const customers = useQuery({
    queryKey: ["customers", "search", q],
    enabled: q.trim().length >= 2,
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/customers", { params: { query: { q: q.trim(), limit: "8" } } })).items,
  });
  const service = services.data?.find((s) => s.id === serviceId);
  const bookable = useMemo(() => (staff.data ?? []).filter((s) => s.is_active && s.bookable), [staff.data]);
  const staffFor = (s: Slot) => (staffId && s.staff_ids.includes(staffId) ? staffId : s.staff_ids[0]);
  const staffName = (id?: string) => bookable.find((s) => s.id === id)?.name ?? "";

  const ready = !!service && !!slot && (customer || (isNew && newName.trim() && newPhone.trim()));
  const confirm = async () => {
    if (!slot || !service) return;
    setBusy(true);
    setError(null);
    try {
      unwrap(
        await api.POST("/api/v1/appointments", {
          body: {
            id: bookingId.current,
            service_id: service.id,
            start: slot.start,
            staff_id: staffFor(slot),
            ...(customer
              ? { customer_id: customer.id }
              : { customer_name: newName.trim(), customer_phone: newPhone.trim() }),
            ...(notes.trim() ? { notes: notes.trim() } : {}),
          },
        }),
      );
      onBooked(`${word("booked", b.region)}: ${service.name}, ${formatLocalDate(date, b.tz)} a las ${formatTime(slot.start, b.tz)}.`);
    } catch (e) {
      setError(errorMessage(e));
      // The slot may be gone now: show the fresh ones.
      setSlot(null);
      void slots.refetch();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={word("newAppointment", b.region)} onClose={onClose}>
      <div className="form">
        <label>
          Servicio
          <select
            value={serviceId}
            onChange={(e) => {
              setServiceId(e.target.value);
              setSlot(null);
            }}
            data-testid="book-service"
          >
            <option value="">Elige un servicio…</option>
            {(services.data ?? [])
              .filter((s) => s.is_active)
              .map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} · {s.duration_minutes} min · {formatMoney(s.price_cents, s.currency, b.tz)}
                </option>
              ))}
          </select>
        </label>
        <div className="row">
          <label>
            Fecha
            <input type="date" value={date} onChange={(e) => { setDate(e.target.value); setSlot(null); }} required />
          </label>
          <label>
            Con
            <select value={staffId} onChange={(e) => { setStaffId(e.target.value); setSlot(null); }}>
              <option value="">Quien esté libre</option>
              {bookable.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        </div>
        {serviceId && (
          <fieldset>
            <legend>Horarios libres</legend>
            {slots.isPending ? (
              <Spinner label="Buscando horarios…" />
            ) : slots.isError ? (
              <ErrorBox error={slots.error} />
            ) : slots.data.slots.length === 0 ? (
              <p className="empty">No hay horarios libres ese día. Prueba otra fecha.</p>
            ) : (
              <div className="slots">
                {slots.data.slots.map((s) => {
                  const t = formatTime(s.start, b.tz);
                  const selected = slot?.start === s.start;
                  return (
                    <button
                      key={s.start}
                      type="button"
                      className={selected ? "slot selected" : "slot"}
                      aria-pressed={selected}
                      onClick={() => setSlot(s)}
                    >
                      {t}
                    </button>
                  );
                })}
              </div>
            )}
            {slot && <p className="hint">Con {staffName(staffFor(slot))}</p>}
          </fieldset>
        )}
        {slot && (
          <fieldset>
            <legend>Cliente</legend>
            {customer ? (
              <p>
                {customer.name ?? "Sin nombre"} · {customer.phone}{" "}
                <button type="button" className="link" onClick={() => setCustomer(null)}>
                  Cambiar
                </button>
              </p>
            ) : isNew ? (
              <>
                <label>
                  Nombre
                  <input value={newName} onChange={(e) => setNewName(e.target.value)} autoComplete="off" />
                </label>
                <label>
                  {word("phone", b.region)}
                  <input type="tel" value={newPhone} onChange={(e) => setNewPhone(e.target.value)} autoComplete="off" />
                </label>
                <button type="button" className="link" onClick={() => setIsNew(false)}>
                  Buscar un cliente existente
                </button>
              </>
            ) : (
              <>
                <label>
                  Buscar por nombre o número
                  <input type="search" value={q} onChange={(e) => setQ(e.target.value)} autoComplete="off" />
                </label>
                {customers.data && (
                  <ul className="picker">
                    {customers.data.map((c) => (
                      <li key={c.id}>
                        <button type="button" onClick={() => setCustomer(c)}>
                          {c.name ?? "Sin nombre"} · {c.phone}
                        </button>
                      </li>
                    ))}
                    {customers.data.length === 0 && <li className="empty">Nadie con ese nombre o número.</li>}
                  </ul>
                )}
                <button type="button" className="link" onClick={() => setIsNew(true)}>
                  Cliente nuevo
                </button>
              </>
            )}
            <label>
              Notas (opcional)
              <input value={notes} onChange={(e) => setNotes(e.target.value)} />
            </label>
          </fieldset>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancelar
          </button>
          <button type="button" className="primary" disabled={!ready || busy} onClick={confirm}>
            {busy ? "Guardando…" : "Confirmar cita"}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
