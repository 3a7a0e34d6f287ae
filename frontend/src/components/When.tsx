import { formatDay, formatRange, localIso } from "../lib/time";

/** «martes, 8 de enero, 10:00 a.m. – 10:30 a.m.» in the business's zone. */
export function When({ start, end, tz, showDay = true }: { start: string; end: string; tz: string; showDay?: boolean }) {
  return (
    <time dateTime={localIso(new Date(start), tz)}>
      {showDay ? `${formatDay(start, tz)}, ` : ""}
      {formatRange(start, end, tz)}
    </time>
  );
}
