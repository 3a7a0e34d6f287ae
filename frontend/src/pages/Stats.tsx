import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { useBusiness } from "../lib/business";
import { addDays, formatMoney, localDate } from "../lib/time";
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
  const max = Math.max(1, ...(stats.data?.by_day ?? []).map((d) => d.bookings));
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
            <div><dt>Ingresos</dt><dd>{formatMoney(t.revenue_cents, "MXN", b.tz)}</dd></div>
          </dl>
          <figure className="chart">
            <figcaption>Citas por día (verde: completadas)</figcaption>
            <svg viewBox={`0 0 ${stats.data.by_day.length * 12} 100`} preserveAspectRatio="none" role="img"
              aria-label={`Citas por día del ${from} al ${to}`}>
              {stats.data.by_day.map((d, i) => (
                <g key={d.date}>
                  <rect x={i * 12 + 1} y={100 - (d.bookings / max) * 100} width={10} height={(d.bookings / max) * 100} fill="#94a3b8">
                    <title>{`${d.date}: ${d.bookings} citas, ${d.completed} completadas`}</title>
                  </rect>
                  <rect x={i * 12 + 1} y={100 - (d.completed / max) * 100} width={10} height={(d.completed / max) * 100} fill="#0f766e" />
                </g>
              ))}
            </svg>
          </figure>
        </>
      )}
    </main>
  );
}
