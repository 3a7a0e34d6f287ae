//! A day's agenda as a WhatsApp message, in the style of spec/001
//! Example 4:
//!
//! ```text
//! Hola Pedro, aquí está tu agenda para hoy viernes:
//!
//! ⏰ 10:00 AM - Corte - Juan Pérez
//! 🍽️ 2:00 PM - 3:00 PM - Bloqueado (comida)
//! ⏰ 4:00 PM - Disponible
//! ⏰ 5:00 PM - Corte - Roberto García
//!
//! Tienes 2 citas y un espacio libre a las 4.
//! ```
//!
//! Everything here is pure: the caller loads the [`Schedule`] with
//! [`crate::day::read`] and, if it wants free gaps listed, computes them with
//! [`free_gaps`] from the working windows it knows. The staff agent
//! ("¿Qué tengo hoy?") and the owner's daily summary share it.

use chrono::{NaiveDate, NaiveTime, Timelike};
use chrono_tz::Tz;
use parlo_core::es::format;
use parlo_core::time::utc_to_local;
use parlo_core::{AppointmentStatus, Locale};

use crate::day::{Schedule, ScheduleItem, ScheduleItemKind};

/// A free stretch of the day (local wall clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreeGap {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// Whose agenda is shown: it decides "Tienes" / "Hay" and whether each
/// appointment names its staff member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// One staff member's own day ("tu agenda", "Tienes 5 citas").
    Own,
    /// The whole business ("la agenda del negocio", "Hay 5 citas"), each
    /// appointment followed by "(con Pedro)".
    Business,
}

/// What one agenda message shows.
#[derive(Debug, Clone)]
pub struct Agenda<'a> {
    pub schedule: &'a Schedule,
    /// The business's timezone, to show items on its wall clock.
    pub tz: Tz,
    /// The business's today, for "hoy viernes" / "mañana sábado".
    pub today: NaiveDate,
    /// The reader's first name, for the greeting; `None`: no greeting.
    pub reader: Option<&'a str>,
    pub audience: Audience,
    /// Free gaps to list between the items (from [`free_gaps`]).
    pub gaps: &'a [FreeGap],
    /// How times are written ("4:00 PM" / "16:00").
    pub locale: Locale,
}

/// The whole message: greeting line, one line per item and gap by time,
/// and the closing count.
pub fn render(agenda: &Agenda) -> String {
    let day = format::day_label_with_weekday(agenda.schedule.date, agenda.today);
    let whose = match agenda.audience {
        Audience::Own => "tu agenda",
        Audience::Business => "la agenda del negocio",
    };
    let heading = match agenda.reader {
        Some(name) => format!("Hola {name}, aquí está {whose} para {day}:"),
        None => format::capitalize(&format!("{whose} para {day}:")),
    };
    let lines = agenda_lines(agenda);
    let closing = closing_line(agenda);
    if lines.is_empty() {
        return format!("{heading}\n\n{closing}");
    }
    format!("{heading}\n\n{}\n\n{closing}", lines.join("\n"))
}

/// One line per schedule item and gap, in time order (gaps after items
/// starting at the same minute).
pub fn agenda_lines(agenda: &Agenda) -> Vec<String> {
    let mut rows: Vec<(NaiveTime, u8, String)> = agenda
        .schedule
        .items
        .iter()
        .map(|item| {
            let start = utc_to_local(agenda.tz, item.start).time();
            (start, 0, item_line(item, agenda))
        })
        .chain(agenda.gaps.iter().map(|g| {
            (
                g.start,
                1,
                format!("⏰ {} - Disponible", gap_time(g, agenda.locale)),
            )
        }))
        .collect();
    rows.sort_by_key(|(t, order, _)| (*t, *order));
    rows.into_iter().map(|(_, _, line)| line).collect()
}

fn gap_time(g: &FreeGap, locale: Locale) -> String {
    // An hour or less reads as one slot; longer as a range.
    if g.end - g.start <= chrono::Duration::hours(1) {
        locale.time(g.start)
    } else {
        locale.time_range(g.start, g.end)
    }
}

fn item_line(item: &ScheduleItem, agenda: &Agenda) -> String {
    let start = utc_to_local(agenda.tz, item.start).time();
    match item.kind {
        ScheduleItemKind::Appointment => {
            let mut line = format!("⏰ {}", agenda.locale.time(start));
            if let Some(service) = &item.service {
                line.push_str(&format!(" - {service}"));
            }
            if let Some(customer) = &item.customer {
                line.push_str(&format!(" - {customer}"));
            }
            if agenda.audience == Audience::Business && !item.staff.is_empty() {
                line.push_str(&format!(" (con {})", item.staff));
            }
            match item.status {
                Some(AppointmentStatus::Completed) => line.push_str(" ✓"),
                Some(AppointmentStatus::NoShow) => line.push_str(" (no llegó)"),
                _ => {}
            }
            line
        }
        ScheduleItemKind::Block => {
            let end = utc_to_local(agenda.tz, item.end).time();
            let reason = item
                .reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty());
            let emoji = if reason.is_some_and(is_meal) {
                "🍽️"
            } else {
                "⛔"
            };
            let what = if item.staff.is_empty() {
                "Cerrado".to_string()
            } else if agenda.audience == Audience::Business {
                format!("Bloqueado {}", item.staff)
            } else {
                "Bloqueado".to_string()
            };
            let mut line = format!("{emoji} {} - {what}", agenda.locale.time_range(start, end));
            if let Some(r) = reason {
                line.push_str(&format!(" ({r})"));
            }
            line
        }
    }
}

fn is_meal(reason: &str) -> bool {
    let r = reason.to_lowercase();
    ["comida", "comer", "almuerzo", "desayuno", "cena", "lunch"]
        .iter()
        .any(|w| r.contains(w))
}

/// "Tienes 5 citas y un espacio libre a las 4." — counts appointments
/// (not blocks) and gaps; the reader sees at once what is left.
pub fn closing_line(agenda: &Agenda) -> String {
    let appts = agenda
        .schedule
        .items
        .iter()
        .filter(|i| i.kind == ScheduleItemKind::Appointment)
        .count();
    let own = agenda.audience == Audience::Own;
    let appts_part = match (appts, own) {
        (0, true) => "No tienes citas".to_string(),
        (0, false) => "No hay citas".to_string(),
        (1, true) => "Tienes 1 cita".to_string(),
        (1, false) => "Hay 1 cita".to_string(),
        (n, true) => format!("Tienes {n} citas"),
        (n, false) => format!("Hay {n} citas"),
    };
    let at: Vec<String> = agenda
        .gaps
        .iter()
        .map(|g| at_hour_in(agenda.locale, g.start))
        .collect();
    match at.len() {
        0 => format!("{appts_part}."),
        1 if appts == 0 => format!("{appts_part}; hay un espacio libre {}.", at[0]),
        1 => format!("{appts_part} y un espacio libre {}.", at[0]),
        n if appts == 0 => format!(
            "{appts_part}; hay {n} espacios libres: {}.",
            format::join_and(&at)
        ),
        n => format!(
            "{appts_part} y {n} espacios libres: {}.",
            format::join_and(&at)
        ),
    }
}

/// The spoken hour: "a las 4", "a la 1", "a las 4:30".
pub fn at_hour(t: NaiveTime) -> String {
    at_hour_in(Locale::EsMx, t)
}

/// [`at_hour`] in a locale: Spain counts 24 hours ("a las 16", "a las
/// 16:30", "a la 1" only at one in the morning).
pub fn at_hour_in(locale: Locale, t: NaiveTime) -> String {
    let h = if locale.is_24h() {
        t.hour()
    } else {
        t.hour12().1
    };
    let article = if h == 1 { "a la" } else { "a las" };
    if t.minute() == 0 {
        format!("{article} {h}")
    } else {
        format!("{article} {h}:{:02}", t.minute())
    }
}

/// Free stretches of at least `min_minutes` inside the working `windows`
/// not covered by `busy` intervals (all local wall-clock times of one
/// day), starting no earlier than `not_before` (e.g. now, for today).
/// Overlapping and unsorted inputs are fine.
pub fn free_gaps(
    windows: &[(NaiveTime, NaiveTime)],
    busy: &[(NaiveTime, NaiveTime)],
    not_before: Option<NaiveTime>,
    min_minutes: u32,
) -> Vec<FreeGap> {
    let mut busy: Vec<(NaiveTime, NaiveTime)> = busy.to_vec();
    busy.sort();
    let mut windows: Vec<(NaiveTime, NaiveTime)> = windows.to_vec();
    windows.sort();
    let min = chrono::Duration::minutes(i64::from(min_minutes.max(1)));
    let mut gaps = Vec::new();
    for (w_start, w_end) in windows {
        let mut cursor = match not_before {
            Some(nb) if nb > w_start => nb,
            _ => w_start,
        };
        for &(b_start, b_end) in &busy {
            if b_end <= cursor || b_start >= w_end {
                continue;
            }
            if b_start > cursor && b_start - cursor >= min {
                gaps.push(FreeGap {
                    start: cursor,
                    end: b_start,
                });
            }
            cursor = cursor.max(b_end);
        }
        if w_end > cursor && w_end - cursor >= min {
            gaps.push(FreeGap {
                start: cursor,
                end: w_end,
            });
        }
    }
    gaps
}

/// The busy intervals of a schedule on the local wall clock, for
/// [`free_gaps`].
pub fn busy_intervals(schedule: &Schedule, tz: Tz) -> Vec<(NaiveTime, NaiveTime)> {
    schedule
        .items
        .iter()
        .map(|i| {
            let s = utc_to_local(tz, i.start);
            let e = utc_to_local(tz, i.end);
            // An item running past midnight ends the day.
            let end = if e.date() > schedule.date {
                NaiveTime::from_hms_opt(23, 59, 59).expect("valid time")
            } else {
                e.time()
            };
            (s.time(), end)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use parlo_core::time::local_to_utc;

    const TZ: Tz = chrono_tz::America::Mexico_City;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn day() -> NaiveDate {
        // A Friday, as in Example 4.
        NaiveDate::from_ymd_opt(2030, 1, 11).unwrap()
    }

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        local_to_utc(TZ, day().and_time(t(h, m))).unwrap()
    }

    fn appt(h: u32, m: u32, minutes: i64, service: &str, customer: &str) -> ScheduleItem {
        ScheduleItem {
            kind: ScheduleItemKind::Appointment,
            id: uuid::Uuid::new_v4(),
            time: String::new(),
            start: at(h, m),
            end: at(h, m) + chrono::Duration::minutes(minutes),
            staff: "Pedro".into(),
            service: Some(service.into()),
            customer: Some(customer.into()),
            status: Some(AppointmentStatus::Confirmed),
            reason: None,
        }
    }

    fn block(h: u32, end_h: u32, reason: Option<&str>) -> ScheduleItem {
        ScheduleItem {
            kind: ScheduleItemKind::Block,
            id: uuid::Uuid::new_v4(),
            time: String::new(),
            start: at(h, 0),
            end: at(end_h, 0),
            staff: "Pedro".into(),
            service: None,
            customer: None,
            status: None,
            reason: reason.map(Into::into),
        }
    }

    fn example4() -> Schedule {
        Schedule {
            date: day(),
            label: "viernes 11 de enero".into(),
            items: vec![
                appt(10, 0, 30, "Corte", "Juan Pérez"),
                appt(11, 0, 60, "Corte y barba", "Miguel Sánchez"),
                appt(12, 30, 30, "Corte", "Luis Ramírez"),
                block(14, 15, Some("comida")),
                appt(15, 0, 60, "Barba", "Carlos Mendoza"),
                appt(17, 0, 60, "Corte", "Roberto García"),
            ],
        }
    }

    #[test]
    fn renders_example_4() {
        let schedule = example4();
        let gaps = [FreeGap {
            start: t(16, 0),
            end: t(17, 0),
        }];
        let text = render(&Agenda {
            schedule: &schedule,
            tz: TZ,
            today: day(),
            reader: Some("Pedro"),
            audience: Audience::Own,
            gaps: &gaps,
            locale: Locale::EsMx,
        });
        assert_eq!(
            text,
            "Hola Pedro, aquí está tu agenda para hoy viernes:\n\n\
             ⏰ 10:00 AM - Corte - Juan Pérez\n\
             ⏰ 11:00 AM - Corte y barba - Miguel Sánchez\n\
             ⏰ 12:30 PM - Corte - Luis Ramírez\n\
             🍽️ 2:00 PM - 3:00 PM - Bloqueado (comida)\n\
             ⏰ 3:00 PM - Barba - Carlos Mendoza\n\
             ⏰ 4:00 PM - Disponible\n\
             ⏰ 5:00 PM - Corte - Roberto García\n\n\
             Tienes 5 citas y un espacio libre a las 4."
        );
    }

    #[test]
    fn business_view_names_staff_and_says_hay() {
        let mut schedule = example4();
        schedule.items.truncate(1);
        schedule.items[0].status = Some(AppointmentStatus::Completed);
        let text = render(&Agenda {
            schedule: &schedule,
            tz: TZ,
            today: day() - chrono::Days::new(1),
            reader: None,
            audience: Audience::Business,
            gaps: &[],
            locale: Locale::EsMx,
        });
        assert_eq!(
            text,
            "La agenda del negocio para mañana viernes:\n\n\
             ⏰ 10:00 AM - Corte - Juan Pérez (con Pedro) ✓\n\n\
             Hay 1 cita."
        );
    }

    #[test]
    fn empty_day_and_several_gaps() {
        let schedule = Schedule {
            date: day(),
            label: String::new(),
            items: vec![],
        };
        let gaps = [
            FreeGap {
                start: t(9, 0),
                end: t(10, 0),
            },
            FreeGap {
                start: t(13, 30),
                end: t(18, 0),
            },
        ];
        let agenda = Agenda {
            schedule: &schedule,
            tz: TZ,
            today: day(),
            reader: Some("Ana"),
            audience: Audience::Own,
            gaps: &gaps,
            locale: Locale::EsMx,
        };
        assert_eq!(
            closing_line(&agenda),
            "No tienes citas; hay 2 espacios libres: a las 9 y a la 1:30."
        );
        assert_eq!(
            agenda_lines(&agenda),
            vec![
                "⏰ 9:00 AM - Disponible",
                "⏰ 1:30 PM - 6:00 PM - Disponible"
            ]
        );
        let none = Agenda {
            gaps: &[],
            ..agenda
        };
        assert_eq!(
            render(&none),
            "Hola Ana, aquí está tu agenda para hoy viernes:\n\nNo tienes citas."
        );
    }

    #[test]
    fn blocks_without_reason_and_closures() {
        let mut schedule = example4();
        schedule.items = vec![block(9, 10, None), block(18, 20, Some("  "))];
        schedule.items[1].staff.clear();
        let agenda = Agenda {
            schedule: &schedule,
            tz: TZ,
            today: day(),
            reader: None,
            audience: Audience::Own,
            gaps: &[],
            locale: Locale::EsMx,
        };
        assert_eq!(
            agenda_lines(&agenda),
            vec![
                "⛔ 9:00 AM - 10:00 AM - Bloqueado",
                "⛔ 6:00 PM - 8:00 PM - Cerrado"
            ]
        );
    }

    #[test]
    fn free_gaps_between_busy_items() {
        let schedule = example4();
        let busy = busy_intervals(&schedule, TZ);
        // Pedro works 10-1 and 2-6.
        let windows = [(t(10, 0), t(13, 0)), (t(14, 0), t(18, 0))];
        let gaps = free_gaps(&windows, &busy, None, 60);
        assert_eq!(
            gaps,
            vec![FreeGap {
                start: t(16, 0),
                end: t(17, 0)
            }]
        );
        // Shorter minimum: the half hours show up too.
        let gaps = free_gaps(&windows, &busy, None, 30);
        let starts: Vec<NaiveTime> = gaps.iter().map(|g| g.start).collect();
        assert_eq!(starts, vec![t(10, 30), t(12, 0), t(16, 0)]);
        // Now is 4:20 PM: the past is not free any more.
        let gaps = free_gaps(&windows, &busy, Some(t(16, 20)), 30);
        assert_eq!(
            gaps,
            vec![FreeGap {
                start: t(16, 20),
                end: t(17, 0)
            }]
        );
        assert_eq!(free_gaps(&windows, &busy, Some(t(16, 40)), 30), vec![]);
        // Split windows and overlapping busy intervals.
        let gaps = free_gaps(
            &[(t(14, 0), t(18, 0)), (t(9, 0), t(13, 0))],
            &[
                (t(9, 0), t(10, 0)),
                (t(9, 30), t(11, 0)),
                (t(15, 0), t(16, 0)),
            ],
            None,
            60,
        );
        assert_eq!(
            gaps,
            vec![
                FreeGap {
                    start: t(11, 0),
                    end: t(13, 0)
                },
                FreeGap {
                    start: t(14, 0),
                    end: t(15, 0)
                },
                FreeGap {
                    start: t(16, 0),
                    end: t(18, 0)
                },
            ]
        );
    }

    #[test]
    fn spoken_hours() {
        assert_eq!(at_hour(t(16, 0)), "a las 4");
        assert_eq!(at_hour(t(13, 0)), "a la 1");
        assert_eq!(at_hour(t(10, 30)), "a las 10:30");
        assert_eq!(at_hour(t(12, 0)), "a las 12");
        assert_eq!(at_hour_in(Locale::EsEs, t(16, 0)), "a las 16");
        assert_eq!(at_hour_in(Locale::EsEs, t(13, 0)), "a las 13");
        assert_eq!(at_hour_in(Locale::EsEs, t(16, 30)), "a las 16:30");
    }
}
