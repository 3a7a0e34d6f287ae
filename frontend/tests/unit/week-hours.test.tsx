import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { dayText, sevenDays, toApi, WeekHours, weekProblem } from "../../src/components/WeekHours";

const closed = () => Array.from({ length: 7 }, () => [] as { start: string; end: string }[]);

describe("the weekly hours editor", () => {
  it("reads the API's HH:MM:SS into seven days and writes them back", () => {
    const days = sevenDays([[{ start: "10:00:00", end: "14:00:00" }, { start: "16:00:00", end: "20:00:00" }]]);
    expect(days).toHaveLength(7);
    expect(days[0]).toEqual([{ start: "10:00", end: "14:00" }, { start: "16:00", end: "20:00" }]);
    expect(days[6]).toEqual([]);
    expect(toApi(days)[0]).toEqual([{ start: "10:00:00", end: "14:00:00" }, { start: "16:00:00", end: "20:00:00" }]);
    expect(dayText(days[0]!)).toBe("10:00–14:00, 16:00–20:00");
    expect(dayText(days[1]!, "Descansa")).toBe("Descansa");
  });

  it("names the first problem of a week in Spanish", () => {
    const week = closed();
    expect(weekProblem(week)).toBeNull();
    week[2] = [{ start: "18:00", end: "10:00" }];
    expect(weekProblem(week)).toBe("Miércoles: la hora de fin debe ser después de la de inicio.");
    week[2] = [{ start: "16:00", end: "20:00" }, { start: "10:00", end: "17:00" }];
    expect(weekProblem(week)).toBe("Miércoles: dos horarios se enciman.");
    week[2] = [{ start: "10:00", end: "14:00" }, { start: "14:00", end: "20:00" }];
    expect(weekProblem(week)).toBeNull();
  });

  it("labels every time input by its day (screen readers, tests)", () => {
    const week = closed();
    week[5] = [{ start: "10:00", end: "14:00" }];
    const html = renderToStaticMarkup(<WeekHours days={week} onChange={() => {}} label="Horario" />);
    expect(html).toContain('aria-label="Sábado, desde"');
    expect(html).toContain('aria-label="Sábado, hasta"');
    expect(html.match(/Cerrado/g)).toHaveLength(6);
  });
});

describe("the calendar's event times (the wall clock it hands over)", () => {
  it("es-MX: 12-hour with a. m. / p. m.; es-ES: 24-hour", async () => {
    const { eventTime } = await import("../../src/lib/time");
    const at = (h: number, m: number) => new Date(2030, 0, 7, h, m);
    expect(eventTime(at(10, 0), at(10, 30), true)).toBe("10:00 – 10:30 a. m.");
    expect(eventTime(at(11, 30), at(12, 15), true)).toBe("11:30 a. m. – 12:15 p. m.");
    expect(eventTime(at(0, 5), undefined, true)).toBe("12:05 a. m.");
    expect(eventTime(at(17, 0), at(17, 45), false)).toBe("17:00 – 17:45");
    expect(eventTime(at(9, 0), undefined, false)).toBe("09:00");
  });
});
