import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSearchParams } from "react-router-dom";
import { api, errorMessage, unwrap, type Appointment } from "../api/client";
import { atLeast, useBusiness, useChosenLocation, useServices, useSpots, useStaff, worksAt } from "../lib/business";
import {
  addDays,
  eventTime,
  formatLocalDate,
  localDate,
  offsetString,
  parseWall,
  wallToInstant,
  weekStart,
} from "../lib/time";
import { STATUS_LABEL, word } from "../lib/words";
import { When } from "../components/When";
import type { CalendarOptions } from "../components/Calendar";
import { ErrorBox, Spinner, Toast } from "../components/ui";

type View = "day" | "week" | "list";

// The calendar (and Svelte under it) loads on demand: a phone opens the
// list view first and never needs it to paint.
// The dialogs load when first opened, for the same reason.
const BookDialog = lazy(() => import("./BookDialog").then((m) => ({ default: m.BookDialog })));
const AppointmentDialog = lazy(() => import("./AppointmentDialog").then((m) => ({ default: m.AppointmentDialog })));
const loadCalendar = () => import("../components/Calendar");
const Calendar = lazy(() => loadCalendar().then((m) => ({ default: m.Calendar })));
type ColorBy = "staff" | "service" | "status";
type Columns = "staff" | "spot";

/** The column of appointments without a spot, in the spots day view. */
const NO_SPOT = "sin-lugar";

const PALETTE = ["#0f766e", "#7c3aed", "#b45309", "#be123c", "#1d4ed8", "#4d7c0f", "#a21caf", "#0e7490", "#c2410c", "#475569"];
const STATUS_COLOR: Record<string, string> = {
  pending: "#b45309",
  confirmed: "#0f766e",
  completed: "#475569",
  cancelled: "#9f1239",
  no_show: "#7c2d12",
};

/** Every appointment of a local date range (all pages). */
export function useAppointments(from: string, to: string, enabled = true) {
  return useQuery({
    queryKey: ["appointments", from, to],
    enabled,
    queryFn: async () => {
      const all: Appointment[] = [];
      let cursor: string | undefined;
      do {
        const page = unwrap(
          await api.GET("/api/v1/appointments", {
            params: { query: { from, to, limit: "100", ...(cursor ? { cursor } : {}) } },
          }),
        );
        all.push(...page.items);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return all;
    },
    // New chat bookings show up without a reload (Lambda has no sockets).
    refetchInterval: 5_000,
    // Moving to another day or week keeps the grid mounted (no flash, no
    // calendar rebuild) until the new range arrives.
    placeholderData: keepPreviousData,
  });
}

/** `next`, or the previous array when it holds the same versions of the same appointments. */
function same(last: { current: Appointment[] }, next: Appointment[]): Appointment[] {
  const prev = last.current;
  if (next.length === prev.length && next.every((a, i) => a.id === prev[i]?.id && a.updated_at === prev[i]?.updated_at)) return prev;
  last.current = next;
  return next;
}

const isPhone = () => typeof window !== "undefined" && window.matchMedia("(max-width: 700px)").matches;

export function Agenda() {
  const b = useBusiness();
  const qc = useQueryClient();
  const today = localDate(new Date(), b.tz);
  const [params] = useSearchParams();
  // `?fecha=YYYY-MM-DD` opens that day (links from chats and tests).
  const [date, setDate] = useState(() => {
    const f = params.get("fecha");
    return f && /^\d{4}-\d{2}-\d{2}$/.test(f) ? f : today;
  });
  const [view, setView] = useState<View>(() => (isPhone() ? "list" : "day"));
  const [colorBy, setColorBy] = useState<ColorBy>("staff");
  const [columns, setColumns] = useState<Columns>("staff");
  const [staffFilter, setStaffFilter] = useState("");
  const [serviceFilter, setServiceFilter] = useState("");
  const [statusFilter, setStatusFilter] = useState("active");
  const [booking, setBooking] = useState<{ date: string; time?: string; staffId?: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [toast, setToast] = useState<string | null>(null);
  const staff = useStaff();
  const services = useServices();
  const spots = useSpots();
  // The grid's code downloads while the appointments load, not after.
  useEffect(() => {
    if (view !== "list") void loadCalendar();
  }, [view]);
  const { location, count: locations } = useChosenLocation();
  const from = view === "week" ? weekStart(date) : date;
  const to = view === "week" ? addDays(from, 6) : date;
  // The grid views fetch the whole week, so day ⇄ week and the days of one
  // week switch without a request; the day alone is asked for too while
  // its week is not there yet, so the first paint waits for one day only.
  // The list (a phone's view) asks for its day alone.
  const weekFrom = weekStart(date);
  const week = useAppointments(weekFrom, addDays(weekFrom, 6), view !== "list");
  const weekReady = !!week.data && !week.isPlaceholderData;
  const day = useAppointments(date, date, view !== "week" && !weekReady);
  const appts = weekReady || view === "week" ? week : day;
  const canEdit = atLeast(b.level, "staff");

  const staffList = useMemo(
    () => (staff.data ?? []).filter((s) => s.is_active && s.bookable && worksAt(s, location, locations)),
    [staff.data, location, locations],
  );
  const staffName = useMemo(() => new Map((staff.data ?? []).map((s) => [s.id, s.name])), [staff.data]);
  const serviceName = useMemo(
    () => new Map((services.data ?? []).map((s) => [s.id, s.name])),
    [services.data],
  );
  // The same appointments as last time (the day's answer, then its week's;
  // a refetch with no change) keep the same array, so the calendar does
  // not redraw its events for nothing.
  const lastVisible = useRef<Appointment[]>([]);
  const visible = useMemo(
    () =>
      same(lastVisible, (appts.data ?? []).filter(
        (a) =>
          // Only the range on screen reaches the calendar (it would lay out
          // the whole week's events for a day view otherwise).
          a.start_local.slice(0, 10) >= from &&
          a.start_local.slice(0, 10) <= to &&
          (!staffFilter || a.staff_id === staffFilter) &&
          (locations < 2 || !location || a.location_id === location.id) &&
          (!serviceFilter || a.service_id === serviceFilter) &&
          (statusFilter === "all" ||
            (statusFilter === "active" ? a.status !== "cancelled" : a.status === statusFilter)),
      )),
    [appts.data, from, to, staffFilter, serviceFilter, statusFilter, location, locations],
  );
  const colorOf = useCallback(
    (a: Appointment) => {
      if (colorBy === "status") return STATUS_COLOR[a.status] ?? PALETTE[0];
      if (colorBy === "service") {
        const i = (services.data ?? []).findIndex((s) => s.id === a.service_id);
        return PALETTE[Math.max(i, 0) % PALETTE.length];
      }
      const i = staffList.findIndex((s) => s.id === a.staff_id);
      return PALETTE[Math.max(i, 0) % PALETTE.length];
    },
    [colorBy, services.data, staffList],
  );

  const move = useCallback(
    async (
      id: string,
      startWall: string,
      column: { staff_id?: string; spot_id?: string | null },
      revert: () => void,
    ) => {
      try {
        const start = wallToInstant(parseWall(startWall), b.tz).toISOString();
        unwrap(
          await api.PATCH("/api/v1/appointments/{id}", {
            params: { path: { id } },
            body: { start, ...column },
          }),
        );
        await qc.invalidateQueries({ queryKey: ["appointments"] });
      } catch (e) {
        revert();
        setToast(errorMessage(e));
      }
    },
    [b.tz, qc],
  );

  const byId = useMemo(() => new Map((appts.data ?? []).map((a) => [a.id, a])), [appts.data]);
  const nowOffset = offsetString(new Date(), b.tz);
  // The calendar gets each option again only when it really changed
  // (Calendar compares by identity): switching day ⇄ week re-renders the
  // grid once, not once per option.
  const latest = useRef({ byId, move, canEdit, columns });
  latest.current = { byId, move, canEdit, columns };
  const fixed: CalendarOptions = useMemo(
    () => ({
      timeZone: nowOffset,
      locale: b.region === "ES" ? "es-ES" : "es-MX",
      headerToolbar: { start: "", center: "", end: "" },
      firstDay: 1,
      allDaySlot: false,
      nowIndicator: true,
      slotMinTime: "07:00",
      slotMaxTime: "22:00",
      slotDuration: "00:30",
      snapDuration: "00:15",
      scrollTime: "09:00",
      // The page scrolls, not the calendar: no scroll region without a
      // keyboard focus stop (axe scrollable-region-focusable).
      height: "auto",
      slotLabelFormat: { hour: "numeric", minute: "2-digit", hour12: b.region === "MX" },
      // A plain function, not Intl's formatRange: that one costs ~0.5 ms
      // per event, the largest share of drawing a busy week.
      eventTimeFormat: (start: Date, end: Date | null) => eventTime(start, end ?? undefined, b.region === "MX"),
      dayHeaderFormat: { weekday: "short", day: "numeric" },
      editable: canEdit,
      eventDurationEditable: false,
      eventClick: (info) => setOpen(String(info.event.id)),
      // No eventDidMount: the calendar already makes each event a button
      // (role, tabindex, Enter and Space) because eventClick is set, and a
      // per-event callback costs a copy of the event and the view each.
      dateClick: (info) => {
        if (!latest.current.canEdit) return;
        const wall = info.dateStr.slice(0, 19);
        setBooking({
          date: wall.slice(0, 10),
          time: wall.slice(11, 16),
          staffId: info.resource?.id && latest.current.columns === "staff" ? String(info.resource.id) : undefined,
        });
      },
      eventDrop: (info) => {
        const a = latest.current.byId.get(String(info.event.id));
        if (!a) return info.revert();
        // The new wall-clock start: the old one moved by the drag's delta
        // (independent of how the calendar represents dates internally).
        const old = parseWall(a.start_local);
        const d = info.delta;
        const base = Date.UTC(old.year, old.month - 1, old.day + d.days, old.hour, old.minute) + d.seconds * 1000;
        const wall = new Date(base).toISOString().slice(0, 19);
        const to = info.newResource ? String(info.newResource.id) : undefined;
        const column =
          to === undefined
            ? {}
            : latest.current.columns === "spot"
              ? { spot_id: to === NO_SPOT ? null : to }
              : { staff_id: to };
        void latest.current.move(a.id, wall, column, info.revert);
      },
    }),
    [nowOffset, b.region, canEdit],
  );
  const bySpot = columns === "spot" && view === "day";
  const spotList = useMemo(
    () =>
      (spots.data ?? [])
        .filter((s) => s.is_active && (locations < 2 || !location || s.location_id === location.id))
        .sort((x, y) => x.display_order - y.display_order),
    [spots.data, location, locations],
  );
  const resources = useMemo(
    () =>
      bySpot
        ? [...spotList.map((s) => ({ id: s.id, title: s.name })), { id: NO_SPOT, title: "Sin lugar" }]
        : staffList
            .filter((s) => !staffFilter || s.id === staffFilter)
            .map((s, i) => ({ id: s.id, title: s.name, eventBackgroundColor: PALETTE[i % PALETTE.length] })),
    [bySpot, spotList, staffList, staffFilter],
  );
  const events = useMemo(
    () =>
      visible.map((a) => ({
        id: a.id,
        resourceIds: [bySpot ? (a.spot_id ?? NO_SPOT) : a.staff_id],
        start: a.start_local.slice(0, 19),
        end: a.end_local.slice(0, 19),
        // By spot, the column no longer says who: the title does.
        title: `${serviceName.get(a.service_id) ?? "Cita"} · ${
          bySpot ? (staffName.get(a.staff_id) ?? "") : (STATUS_LABEL[a.status] ?? a.status)
        }`,
        backgroundColor: colorOf(a),
        editable: canEdit && (a.status === "pending" || a.status === "confirmed"),
        // appt-<id>: how the browser tests find one appointment.
        classNames: [`status-${a.status}`, `appt-${a.id}`],
      })),
    [visible, serviceName, staffName, colorOf, canEdit, bySpot],
  );
  const options: CalendarOptions = useMemo(
    () => ({
      ...fixed,
      view: view === "week" ? "resourceTimeGridWeek" : "resourceTimeGridDay",
      date: `${from}T12:00:00`,
      datesAboveResources: view === "week",
      resources,
      events,
    }),
    [fixed, view, from, resources, events],
  );

  const step = view === "week" ? 7 : 1;

  return (
    <main className="page agenda">
      <div className="toolbar" role="toolbar" aria-label="Agenda">
        <div className="group">
          <button onClick={() => setDate(addDays(date, -step))} aria-label={view === "week" ? "Semana anterior" : "Día anterior"}>
            ‹
          </button>
          <button onClick={() => setDate(today)}>Hoy</button>
          <button onClick={() => setDate(addDays(date, step))} aria-label={view === "week" ? "Semana siguiente" : "Día siguiente"}>
            ›
          </button>
        </div>
        <h1 className="title" aria-live="polite">
          {view === "week"
            ? `Semana del ${formatLocalDate(from, b.tz)}`
            : formatLocalDate(date, b.tz)}
        </h1>
        <div className="group" role="group" aria-label="Vista">
          {(["day", "week", "list"] as View[]).map((v) => (
            <button key={v} aria-pressed={view === v} onClick={() => setView(v)}>
              {v === "day" ? "Día" : v === "week" ? "Semana" : "Lista"}
            </button>
          ))}
        </div>
        {canEdit && (
          <button className="primary" onClick={() => setBooking({ date })}>
            {word("newAppointment", b.region)}
          </button>
        )}
      </div>
      <details className="filters">
        <summary>Filtros y colores</summary>
        <div className="row">
          <label>
            Personal
            <select value={staffFilter} onChange={(e) => setStaffFilter(e.target.value)}>
              <option value="">Todos</option>
              {staffList.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Servicio
            <select value={serviceFilter} onChange={(e) => setServiceFilter(e.target.value)}>
              <option value="">Todos</option>
              {(services.data ?? []).map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Estado
            <select value={statusFilter} onChange={(e) => setStatusFilter(e.target.value)}>
              <option value="active">Sin canceladas</option>
              <option value="all">Todas</option>
              {Object.entries(STATUS_LABEL).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
          </label>
          {spotList.length > 0 && (
            <label>
              Columnas (vista de día)
              <select value={columns} onChange={(e) => setColumns(e.target.value as Columns)}>
                <option value="staff">Una por persona</option>
                <option value="spot">Una por lugar</option>
              </select>
            </label>
          )}
          <label>
            Color por
            <select value={colorBy} onChange={(e) => setColorBy(e.target.value as ColorBy)}>
              <option value="staff">Personal</option>
              <option value="service">Servicio</option>
              <option value="status">Estado</option>
            </select>
          </label>
        </div>
      </details>
      <ErrorBox error={appts.error ?? staff.error} />
      {appts.isPending || staff.isPending ? (
        <Spinner />
      ) : view === "list" ? (
        <AgendaList
          items={visible}
          staffName={(id) => staffList.find((s) => s.id === id)?.name ?? ""}
          serviceName={(id) => serviceName.get(id) ?? "Cita"}
          onOpen={setOpen}
        />
      ) : (
        <Suspense fallback={<Spinner label="Cargando la agenda…" />}>
          <Calendar options={options} />
        </Suspense>
      )}
      <Suspense fallback={null}>
        {booking && (
          <BookDialog
            initial={booking}
            onClose={() => setBooking(null)}
            onBooked={(m) => {
              setBooking(null);
              setToast(m);
              void qc.invalidateQueries({ queryKey: ["appointments"] });
            }}
          />
        )}
        {open && <AppointmentDialog id={open} onClose={() => setOpen(null)} />}
      </Suspense>
      <Toast message={toast} onDone={() => setToast(null)} />
    </main>
  );
}

function AgendaList({
  items,
  staffName,
  serviceName,
  onOpen,
}: {
  items: Appointment[];
  staffName: (id: string) => string;
  serviceName: (id: string) => string;
  onOpen: (id: string) => void;
}) {
  const b = useBusiness();
  if (!items.length) return <p className="empty">No hay citas en estas fechas.</p>;
  const sorted = [...items].sort((x, y) => x.start.localeCompare(y.start));
  let lastDay = "";
  return (
    <ul className="list" aria-label="Citas">
      {sorted.map((a) => {
        const day = a.start_local.slice(0, 10);
        const header = day !== lastDay ? formatLocalDate(day, b.tz) : null;
        lastDay = day;
        return (
          <li key={a.id}>
            {header && <h2 className="day">{header}</h2>}
            <button className="item" onClick={() => onOpen(a.id)}>
              <span className="time">
                <When start={a.start} end={a.end} tz={b.tz} showDay={false} />
              </span>
              <span>
                {serviceName(a.service_id)} · {staffName(a.staff_id)}
              </span>
              <span className={`badge status-${a.status}`}>{STATUS_LABEL[a.status]}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
