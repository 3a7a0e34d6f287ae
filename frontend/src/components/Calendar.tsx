// @event-calendar/core (MIT) mounted in React: resource time-grid day and
// week views, one column per staff member. The calendar runs on the
// business's wall clock: events get their local times without offset
// (floating) and the calendar's zone is the business's current offset, so
// what the grid shows never depends on the browser's zone.
import { useEffect, useRef } from "react";
import {
  createCalendar,
  destroyCalendar,
  Interaction,
  ResourceTimeGrid,
  type Calendar as EC,
} from "@event-calendar/core";
import "@event-calendar/core/index.css";
// Svelte ≥ 5.5x initialises its DOM operations in this side-effect module,
// which code compiled by newer Svelte imports itself; @event-calendar/core's
// prebuilt dist does not, so without it the calendar throws
// `invalid_bundler_config` on mount.
import "svelte/internal/init-operations";

export type CalendarOptions = EC.Options;

/**
 * The calendar marks its root `role="table"` but wraps the rows in a
 * <section>/<header> and an (empty here) toolbar <nav>, which screen
 * readers and axe-core reject (aria-required-children). Those wrappers
 * (and the focusable <aside> of time labels) become presentational, so
 * the table's rows are its children.
 */
function fixTableSemantics(root: HTMLElement) {
  root.querySelectorAll<HTMLElement>(".ec-main, .ec-main > header, .ec aside").forEach((el) => {
    if (el.getAttribute("role") !== "none") el.setAttribute("role", "none");
    // The time-label column needs no focus stop: the page scrolls, not it.
    if (el.tagName === "ASIDE" && el.hasAttribute("tabindex")) el.removeAttribute("tabindex");
  });
}

export function Calendar({ options }: { options: CalendarOptions }) {
  const el = useRef<HTMLDivElement>(null);
  const cal = useRef<EC | null>(null);
  const current = useRef<CalendarOptions>({});
  useEffect(() => {
    if (!el.current) return;
    const root = el.current;
    cal.current = createCalendar(root, [ResourceTimeGrid, Interaction], options);
    current.current = options;
    fixTableSemantics(root);
    const observer = new MutationObserver(() => fixTableSemantics(root));
    observer.observe(root, { childList: true, subtree: true, attributeFilter: ["tabindex", "role"] });
    return () => {
      observer.disconnect();
      if (cal.current) void destroyCalendar(cal.current);
      cal.current = null;
    };
    // Created once; later changes go through setOption below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => {
    const c = cal.current;
    if (!c) return;
    for (const [k, v] of Object.entries(options) as [keyof CalendarOptions, unknown][]) {
      if (current.current[k] !== v) c.setOption(k, v as never);
    }
    current.current = options;
  }, [options]);
  return <div ref={el} className="calendar" data-testid="calendar" />;
}
