// Dates and times in the business's zone (never the browser's): the API
// gives instants in UTC plus the business's IANA zone and its locale; the
// dashboard shows the business's wall clock in es-MX (12-hour) or es-ES
// (24-hour times). The locale is the API's (`organization.locale`, the same
// value the chat and notifications follow); a zone without one known falls
// back to the API's own default (Europe/* and Atlantic/Canary: es-ES).

export type Region = "MX" | "ES";

const regionOfZone = new Map<string, Region>();

/** The API's locale for a business in `timezone` ("es-ES" / "es-MX"). */
export function registerLocale(timezone: string, locale: string | null | undefined): Region {
  const region: Region = locale === "es-ES" ? "ES" : locale === "es-MX" ? "MX" : zoneRegion(timezone);
  regionOfZone.set(timezone, region);
  return region;
}

function zoneRegion(timezone: string): Region {
  return timezone.startsWith("Europe/") || timezone === "Atlantic/Canary" ? "ES" : "MX";
}

export function regionOf(timezone: string): Region {
  return regionOfZone.get(timezone) ?? zoneRegion(timezone);
}

export function localeOf(timezone: string): string {
  return regionOf(timezone) === "ES" ? "es-ES" : "es-MX";
}

const partsCache = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timezone: string): Intl.DateTimeFormat {
  let f = partsCache.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    partsCache.set(timezone, f);
  }
  return f;
}

export interface Wall {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall clock in `timezone` at `instant`. */
export function wallAt(instant: Date, timezone: string): Wall {
  const get = (parts: Intl.DateTimeFormatPart[], t: string) =>
    Number(parts.find((p) => p.type === t)?.value ?? "0");
  const parts = partsFormatter(timezone).formatToParts(instant);
  return {
    year: get(parts, "year"),
    month: get(parts, "month"),
    day: get(parts, "day"),
    hour: get(parts, "hour") % 24,
    minute: get(parts, "minute"),
    second: get(parts, "second"),
  };
}

/** Minutes east of UTC of `timezone` at `instant` (Mexico City: −360). */
export function offsetMinutes(instant: Date, timezone: string): number {
  const w = wallAt(instant, timezone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
}

/**
 * The instant a wall clock in `timezone` shows. A time skipped by a DST
 * jump maps forward (02:30 on Madrid's spring day is 03:30); a repeated
 * one maps to its first occurrence.
 */
export function wallToInstant(w: Wall, timezone: string): Date {
  const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const day = 86_400_000;
  // The zone's offsets a day before and after: one of them is right.
  const before = naive - offsetMinutes(new Date(naive - day), timezone) * 60000;
  const after = naive - offsetMinutes(new Date(naive + day), timezone) * 60000;
  const shows = (t: number) => {
    const x = wallAt(new Date(t), timezone);
    return x.day === w.day && x.hour === w.hour && x.minute === w.minute;
  };
  const valid = [before, after].filter(shows).sort((a, b) => a - b);
  // None shows it: a time skipped by the jump, moved forward.
  return new Date(valid[0] ?? before);
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** `YYYY-MM-DD` of the business's day at `instant`. */
export function localDate(instant: Date, timezone: string): string {
  const w = wallAt(instant, timezone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** `YYYY-MM-DDTHH:MM:SS`, no offset: the business's wall clock (the calendar's floating time). */
export function localIso(instant: Date, timezone: string): string {
  const w = wallAt(instant, timezone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

export function parseWall(iso: string): Wall {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(iso);
  if (!m) throw new Error(`not a local date-time: ${iso}`);
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
  };
}

/** `YYYY-MM-DD` plus `n` days (calendar arithmetic, no zone). */
export function addDays(date: string, n: number): string {
  const w = parseWall(date);
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day + n));
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Monday of the week of `date`. */
export function weekStart(date: string): string {
  const w = parseWall(date);
  const dow = (new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay() + 6) % 7;
  return addDays(date, -dow);
}

/** «10:00 a.m.» (es-MX) or «10:00» (es-ES), in the business's zone. */
export function formatTime(instant: Date | string, timezone: string): string {
  const d = typeof instant === "string" ? new Date(instant) : instant;
  return new Intl.DateTimeFormat(localeOf(timezone), {
    timeZone: timezone,
    hour: "numeric",
    minute: "2-digit",
    hour12: regionOf(timezone) === "MX",
  }).format(d);
}

/** «martes, 8 de enero» in the business's zone. */
export function formatDay(instant: Date | string, timezone: string): string {
  const d = typeof instant === "string" ? new Date(instant) : instant;
  return new Intl.DateTimeFormat(localeOf(timezone), {
    timeZone: timezone,
    weekday: "long",
    day: "numeric",
    month: "long",
  }).format(d);
}

/** A local date `YYYY-MM-DD` as «martes, 8 de enero» (noon avoids any DST edge). */
export function formatLocalDate(date: string, timezone: string): string {
  const w = parseWall(date);
  return formatDay(wallToInstant({ ...w, hour: 12, minute: 0, second: 0 }, timezone), timezone);
}

export function formatRange(start: string, end: string, timezone: string): string {
  return `${formatTime(start, timezone)} – ${formatTime(end, timezone)}`;
}

/** The currency a business in `region` charges in when no service says it (totals). */
export function currencyOf(region: Region): string {
  return region === "ES" ? "EUR" : "MXN";
}

export function formatMoney(cents: number, currency: string, timezone: string): string {
  return new Intl.NumberFormat(localeOf(timezone), { style: "currency", currency }).format(
    cents / 100,
  );
}

/** The offset of the business's zone now as `±HH:MM` (the calendar's timeZone option). */
export function offsetString(instant: Date, timezone: string): string {
  const m = offsetMinutes(instant, timezone);
  const sign = m < 0 ? "-" : "+";
  const a = Math.abs(m);
  return `${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/**
 * «10:00 – 10:30 a. m.» (es-MX) or «10:00 – 10:30» (es-ES). The calendar
 * hands over the wall clock as the Date's local fields.
 */
export function eventTime(start: Date, end: Date | undefined, h12: boolean): string {
  const hm = (d: Date) => {
    const m = String(d.getMinutes()).padStart(2, "0");
    return h12 ? `${d.getHours() % 12 || 12}:${m}` : `${String(d.getHours()).padStart(2, "0")}:${m}`;
  };
  const half = (d: Date) => (d.getHours() < 12 ? "a. m." : "p. m.");
  if (!h12) return end ? `${hm(start)} – ${hm(end)}` : hm(start);
  if (!end) return `${hm(start)} ${half(start)}`;
  return half(start) === half(end)
    ? `${hm(start)} – ${hm(end)} ${half(end)}`
    : `${hm(start)} ${half(start)} – ${hm(end)} ${half(end)}`;
}
