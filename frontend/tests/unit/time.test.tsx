import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { When } from "../../src/components/When";
import {
  addDays,
  currencyOf,
  formatMoney,
  formatTime,
  localDate,
  localIso,
  offsetMinutes,
  offsetString,
  parseWall,
  regionOf,
  registerLocale,
  wallToInstant,
  weekStart,
} from "../../src/lib/time";

// Normalise the narrow no-break spaces ICU puts in «10:00 a. m.».
const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, " ");

describe("times in the business's zone, whatever the machine's zone", () => {
  it("Mexico City: 12-hour es-MX", () => {
    const t = "2030-01-08T16:00:00Z"; // 10:00 in Mexico City (UTC−6, no DST)
    expect(plain(formatTime(t, "America/Mexico_City"))).toMatch(/^10:00 a\.\s?m\.$/);
    expect(localIso(new Date(t), "America/Mexico_City")).toBe("2030-01-08T10:00:00");
    expect(offsetString(new Date(t), "America/Mexico_City")).toBe("-06:00");
  });

  it("Madrid: 24-hour es-ES", () => {
    expect(formatTime("2030-01-08T16:00:00Z", "Europe/Madrid")).toBe("17:00");
  });

  it("the API's locale wins over the zone", () => {
    expect(regionOf("Europe/Lisbon")).toBe("ES");
    expect(registerLocale("Europe/Lisbon", "es-MX")).toBe("MX");
    expect(plain(formatTime("2030-01-08T16:00:00Z", "Europe/Lisbon"))).toMatch(/^4:00 p\.\s?m\.$/);
    expect(registerLocale("America/Bogota", "es-ES")).toBe("ES");
    expect(formatTime("2030-01-08T16:00:00Z", "America/Bogota")).toBe("11:00");
    expect(registerLocale("Europe/Madrid", undefined)).toBe("ES");
  });

  it("a Madrid DST day (spring forward, 29 March 2026): the hours around the jump", () => {
    const tz = "Europe/Madrid";
    // 00:30 UTC = 01:30 CET; 01:30 UTC = 03:30 CEST (02:00–03:00 never happens).
    expect(formatTime("2026-03-29T00:30:00Z", tz)).toBe("1:30");
    expect(formatTime("2026-03-29T01:30:00Z", tz)).toBe("3:30");
    expect(offsetMinutes(new Date("2026-03-29T00:30:00Z"), tz)).toBe(60);
    expect(offsetMinutes(new Date("2026-03-29T01:30:00Z"), tz)).toBe(120);
    // 10:00 wall clock that day is 08:00 UTC (CEST), the day before 09:00 UTC (CET).
    expect(wallToInstant(parseWall("2026-03-29T10:00"), tz).toISOString()).toBe("2026-03-29T08:00:00.000Z");
    expect(wallToInstant(parseWall("2026-03-28T10:00"), tz).toISOString()).toBe("2026-03-28T09:00:00.000Z");
    // A skipped wall time moves forward.
    expect(wallToInstant(parseWall("2026-03-29T02:30"), tz).toISOString()).toBe("2026-03-29T01:30:00.000Z");
  });

  it("a Madrid DST day (fall back, 25 October 2026): the repeated hour maps to its first occurrence", () => {
    const tz = "Europe/Madrid";
    expect(wallToInstant(parseWall("2026-10-25T02:30"), tz).toISOString()).toBe("2026-10-25T00:30:00.000Z");
    expect(wallToInstant(parseWall("2026-10-25T12:00"), tz).toISOString()).toBe("2026-10-25T11:00:00.000Z");
  });

  it("the local date is the business's, not UTC's", () => {
    // 03:00 UTC on the 9th is still the 8th in Mexico City.
    expect(localDate(new Date("2030-01-09T03:00:00Z"), "America/Mexico_City")).toBe("2030-01-08");
    expect(addDays("2026-03-28", 1)).toBe("2026-03-29");
    expect(weekStart("2026-03-29")).toBe("2026-03-23");
  });

  it("<When> renders an appointment on Madrid's DST day in local time", () => {
    const html = plain(
      renderToStaticMarkup(
        <When start="2026-03-29T08:00:00Z" end="2026-03-29T08:30:00Z" tz="Europe/Madrid" />,
      ),
    );
    expect(html).toContain('dateTime="2026-03-29T10:00:00"');
    expect(html).toContain("domingo, 29 de marzo, 10:00 – 10:30");
  });

  it("<When> renders a Mexico City appointment in 12-hour time", () => {
    const html = plain(
      renderToStaticMarkup(
        <When start="2030-01-08T16:00:00Z" end="2030-01-08T16:30:00Z" tz="America/Mexico_City" showDay={false} />,
      ),
    );
    expect(html).toMatch(/10:00 a\.\s?m\. – 10:30 a\.\s?m\./);
  });
});

describe("money in the business's currency", () => {
  it("totals of a Madrid business are euros as Spain writes them, Mexico's pesos", () => {
    expect(formatMoney(2550, currencyOf(regionOf("Europe/Madrid")), "Europe/Madrid")).toMatch(/^25,50\s€$/);
    expect(formatMoney(15000, currencyOf(regionOf("America/Mexico_City")), "America/Mexico_City")).toBe("$150.00");
  });
});
