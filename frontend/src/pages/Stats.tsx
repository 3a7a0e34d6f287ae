import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";
import { useBusiness } from "../lib/business";
import { addDays, currencyOf, formatMoney, localDate } from "../lib/time";
import { ErrorBox, Spinner } from "../components/ui";

export default function Stats() {
  const b = useBusiness();
  const today = localDate(new Date(), b.tz);
  const [from, setFrom] = useState(addDays(today, -29));
  const [to, setTo] = useState(today);
  const stats = useQuery({
    queryKey: ["stats", from, to],
    queryFn: async () => unwrap(await api.GET("/api/v1/stats", { params: { query: { from, to } } })),
  });
  const t = stats.data?.totals;
  return (
    <main className="page">
      <h1>Estadísticas</h1>
      <div className="row">
        <label>
          Desde
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          Hasta
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
      </div>
      <ErrorBox error={stats.error} />
      {stats.isPending && <Spinner />}
      {t && stats.data && (
        <>
          <dl className="totals">
            <div><dt>Citas</dt><dd>{t.bookings}</dd></div>
            <div><dt>Completadas</dt><dd>{t.completed}</dd></div>
            <div><dt>No asistieron</dt><dd>{t.no_shows}</dd></div>
            <div><dt>Canceladas</dt><dd>{t.cancellations}</dd></div>
            <div><dt>Ingresos</dt><dd>{formatMoney(t.revenue_cents, currencyOf(b.region), b.tz)}</dd></div>
          </dl>
          <DayBars
            caption="Citas por día (verde: completadas, naranja: no asistieron, rojo: canceladas, gris: por atender)"
            label={`Citas por día del ${from} al ${to}`}
            days={stats.data.by_day}
            parts={[
              ["completed", "#0f766e", "completadas"],
              ["no_shows", "#b45309", "no asistieron"],
              ["cancellations", "#be123c", "canceladas"],
              ["open", "#94a3b8", "por atender"],
            ]}
          />
          <DayBars
            caption="Ingresos por día (citas completadas)"
            label={`Ingresos por día del ${from} al ${to}`}
            days={stats.data.by_day}
            parts={[["revenue", "#1d4ed8", "ingresos"]]}
            format={(v) => formatMoney(v, currencyOf(b.region), b.tz)}
          />
        </>
      )}
    </main>
  );
}

type Day = Schemas["StatsDay"];
type Part = "completed" | "no_shows" | "cancellations" | "open" | "revenue";
const value = (d: Day, p: Part) =>
  p === "open"
    ? Math.max(0, d.bookings - d.completed - d.no_shows - d.cancellations)
    : p === "revenue"
      ? d.revenue_cents
      : d[p];

/** One bar per day, its parts stacked; each bar's tooltip says the figures. */
function DayBars({
  caption,
  label,
  days,
  parts,
  format = String,
}: {
  caption: string;
  label: string;
  days: Day[];
  parts: [Part, string, string][];
  format?: (v: number) => string;
}) {
  const max = Math.max(1, ...days.map((d) => parts.reduce((sum, [p]) => sum + value(d, p), 0)));
  return (
    <figure className="chart">
      <figcaption>{caption}</figcaption>
      <svg viewBox={`0 0 ${days.length * 12} 100`} preserveAspectRatio="none" role="img" aria-label={label}>
        {days.map((d, i) => {
          let y = 100;
          return (
            <g key={d.date}>
              <title>{`${d.date}: ${parts.map(([p, , name]) => `${format(value(d, p))} ${name}`).join(", ")}`}</title>
              {parts.map(([p, color]) => {
                const h = (value(d, p) / max) * 100;
                y -= h;
                return <rect key={p} x={i * 12 + 1} y={y} width={10} height={h} fill={color} />;
              })}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
