// A week of opening (or working) hours: seven lists of ranges, Monday first;
// an empty list is a closed day. Used by the business's opening hours
// (Ajustes) and by each person's own hours (Equipo). Split shifts (10–14 and
// 17–20, common in Spain) are two ranges of one day.
import type { Schemas } from "../api/client";

type Range = Schemas["TimeRange"];

export const DAYS = ["Lunes", "Martes", "Miércoles", "Jueves", "Viernes", "Sábado", "Domingo"];

const hm = (t: string) => t.slice(0, 5);
const hms = (t: string) => (t.length === 5 ? `${t}:00` : t);

/** Seven days, whatever the API gave (missing days are closed). */
export function sevenDays(days: Range[][] | undefined): Range[][] {
  return Array.from({ length: 7 }, (_, i) => (days?.[i] ?? []).map((r) => ({ start: hm(r.start), end: hm(r.end) })));
}

/** The editor's days as the API wants them (`HH:MM:SS`). */
export function toApi(days: Range[][]): Range[][] {
  return days.map((d) => d.map((r) => ({ start: hms(r.start), end: hms(r.end) })));
}

/** A readable summary of one day: «10:00–14:00, 17:00–20:00» or «Cerrado». */
export function dayText(d: Range[], closed = "Cerrado"): string {
  return d.length ? d.map((r) => `${hm(r.start)}–${hm(r.end)}`).join(", ") : closed;
}

/** The first problem of a week (end before start, overlapping ranges), in Spanish. */
export function weekProblem(days: Range[][]): string | null {
  for (let i = 0; i < 7; i++) {
    const sorted = [...(days[i] ?? [])].sort((a, b) => a.start.localeCompare(b.start));
    for (let k = 0; k < sorted.length; k++) {
      const r = sorted[k]!;
      if (!r.start || !r.end) return `${DAYS[i]}: falta la hora de inicio o de fin.`;
      if (r.end <= r.start) return `${DAYS[i]}: la hora de fin debe ser después de la de inicio.`;
      if (k > 0 && r.start < sorted[k - 1]!.end) return `${DAYS[i]}: dos horarios se enciman.`;
    }
  }
  return null;
}

export function WeekHours({
  days,
  onChange,
  disabled,
  closedLabel = "Cerrado",
  label,
}: {
  days: Range[][];
  onChange: (days: Range[][]) => void;
  disabled?: boolean;
  closedLabel?: string;
  label: string;
}) {
  const set = (i: number, d: Range[]) => onChange(days.map((x, k) => (k === i ? d : x)));
  return (
    <div className="week-hours" role="group" aria-label={label}>
      {days.map((d, i) => (
        <div key={i} className="day-row">
          <label className="check">
            <input
              type="checkbox"
              checked={d.length > 0}
              disabled={disabled}
              onChange={(e) => set(i, e.target.checked ? [{ start: "10:00", end: "19:00" }] : [])}
            />
            {DAYS[i]}
          </label>
          <div className="ranges">
            {d.length === 0 && <span className="hint">{closedLabel}</span>}
            {d.map((r, k) => (
              <span key={k} className="range">
                <input
                  type="time"
                  aria-label={`${DAYS[i] ?? ""}, desde`}
                  value={r.start}
                  disabled={disabled}
                  onChange={(e) => set(i, d.map((x, j) => (j === k ? { ...x, start: e.target.value } : x)))}
                />
                <span aria-hidden="true">–</span>
                <input
                  type="time"
                  aria-label={`${DAYS[i] ?? ""}, hasta`}
                  value={r.end}
                  disabled={disabled}
                  onChange={(e) => set(i, d.map((x, j) => (j === k ? { ...x, end: e.target.value } : x)))}
                />
                {d.length > 1 && (
                  <button
                    type="button"
                    className="link"
                    disabled={disabled}
                    aria-label={`Quitar el horario ${k + 1} del ${(DAYS[i] ?? "").toLowerCase()}`}
                    onClick={() => set(i, d.filter((_, j) => j !== k))}
                  >
                    Quitar
                  </button>
                )}
              </span>
            ))}
            {d.length > 0 && d.length < 3 && (
              <button
                type="button"
                className="link"
                disabled={disabled}
                aria-label={`Agregar otro horario el ${(DAYS[i] ?? "").toLowerCase()}`}
                onClick={() => {
                  const lastEnd = d[d.length - 1]?.end ?? "14:00";
                  set(i, [...d, { start: lastEnd < "16:00" ? "16:00" : lastEnd, end: "20:00" }]);
                }}
              >
                + turno
              </button>
            )}
          </div>
        </div>
      ))}
    </div>
  );
}
