//! Table-driven tests for `parlo_core::es::when`.
//!
//! Unless a row says otherwise, `now` is **Wednesday 2026-11-25 10:00
//! America/Mexico_City** (16:00 UTC).
//!
//! Expectation mini-language:
//! * date: `""` none, `"2026-11-26"` one day, `"2026-11-30..2026-12-06"` an
//!   inclusive range.
//! * time: `""` none, `"16:00"` exact, `"~early"`/`"~morning"`/
//!   `"~afternoon"`/`"~evening"` part of day, `"15:00-17:00"` between,
//!   `">17:00"` after, `"<14:00"` before.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use parlo_core::es::when::{
    local_now, next_day_of_month, next_month_day, next_weekday, parse_when, DateSpec, PartOfDay,
    TimeSpec, When,
};

const MX: Tz = chrono_tz::America::Mexico_City;
const MADRID: Tz = chrono_tz::Europe::Madrid;

fn at(tz: Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    tz.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("unambiguous local time")
        .with_timezone(&Utc)
}

/// Wednesday 2026-11-25 10:00 in Mexico City.
fn now() -> DateTime<Utc> {
    at(MX, 2026, 11, 25, 10, 0)
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect(s)
}

fn time(s: &str) -> NaiveTime {
    NaiveTime::parse_from_str(s, "%H:%M").expect(s)
}

fn exp_date(s: &str) -> Option<DateSpec> {
    if s.is_empty() {
        return None;
    }
    Some(match s.split_once("..") {
        Some((a, b)) => DateSpec::Range {
            first: date(a),
            last: date(b),
        },
        None => DateSpec::Day(date(s)),
    })
}

fn exp_time(s: &str) -> Option<TimeSpec> {
    if s.is_empty() {
        return None;
    }
    Some(match s {
        "~early" => TimeSpec::Part(PartOfDay::Early),
        "~morning" => TimeSpec::Part(PartOfDay::Morning),
        "~afternoon" => TimeSpec::Part(PartOfDay::Afternoon),
        "~evening" => TimeSpec::Part(PartOfDay::Evening),
        _ if s.starts_with('>') => TimeSpec::After(time(&s[1..])),
        _ if s.starts_with('<') => TimeSpec::Before(time(&s[1..])),
        _ => match s.split_once('-') {
            Some((a, b)) => TimeSpec::Between(time(a), time(b)),
            None => TimeSpec::At(time(s)),
        },
    })
}

fn check(rows: &[(&str, &str, &str)], now: DateTime<Utc>, tz: Tz) -> usize {
    let mut failures = Vec::new();
    for &(text, d, t) in rows {
        let got = parse_when(text, now, tz);
        let (ed, et) = (exp_date(d), exp_time(t));
        if got.date != ed || got.time != et {
            failures.push(format!(
                "{text:?}: expected date {ed:?} time {et:?}, got date {:?} time {:?}",
                got.date, got.time
            ));
        }
        assert_eq!(
            got.is_empty(),
            got.matched.is_empty(),
            "{text:?}: spans {:?} disagree with the result",
            got.matched
        );
        for r in &got.matched {
            assert!(text.get(r.clone()).is_some(), "{text:?}: bad span {r:?}");
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
    rows.len()
}

/// now = Wednesday 2026-11-25 10:00 America/Mexico_City.
const MAIN: &[(&str, &str, &str)] = &[
    // --- negatives: nothing to understand -------------------------------
    ("hola", "", ""),
    ("gracias", "", ""),
    ("quiero 2 cortes", "", ""),
    ("tengo 15 años", "", ""),
    ("somos 3 personas", "", ""),
    ("los lunes cierran?", "", ""),
    ("buenas tardes", "", ""),
    ("buenas noches, gracias", "", ""),
    ("tarda 2 hrs?", "", ""),
    ("cuesta 150 pesos", "", ""),
    ("son 2 y 3 años", "", ""),
    ("tengo 2 hijos de 15 años", "", ""),
    ("a las 25", "", ""),
    ("el 30/02", "", ""),
    ("Hola buen día 👋", "", ""),
    // --- whole WhatsApp sentences ---------------------------------------
    (
        "Hola, quiero una cita para un corte mañana en la tarde",
        "2026-11-26",
        "~afternoon",
    ),
    ("¿tienes algo el sábado a las 11?", "2026-11-28", "11:00"),
    ("el lunes 4 y media", "2026-11-30", "16:30"),
    ("para el 15 de enero a las 5", "2027-01-15", "17:00"),
    ("pasado mañana temprano", "2026-11-27", "~early"),
    (
        "¿Me agendas el viernes 27 a las 6 de la tarde? Gracias!",
        "2026-11-27",
        "18:00",
    ),
    (
        "Buenas! Para el lunes a las 10:30 si se puede",
        "2026-11-30",
        "10:30",
    ),
    (
        "Hola buen día, ¿hay lugar pasado mañana después de las 4?",
        "2026-11-27",
        ">16:00",
    ),
    (
        "Quisiera agendar un tinte para la próxima semana, de preferencia el jueves en la tarde",
        "2026-12-03",
        "~afternoon",
    ),
    ("¿Mañana a la 1 tienes?", "2026-11-26", "13:00"),
    ("MAÑANA A LAS 5", "2026-11-26", "17:00"),
    ("hoy mismo en la tarde porfa", "2026-11-25", "~afternoon"),
    ("el viernes entre 3 y 5", "2026-11-27", "15:00-17:00"),
    ("el sábado después de la una", "2026-11-28", ">13:00"),
    ("a las 5:00 pm del sábado", "2026-11-28", "17:00"),
    (
        "¿tienes espacio el domingo 29 al mediodía?",
        "2026-11-29",
        "12:00",
    ),
    ("quiero 2 cortes para mañana a las 2", "2026-11-26", "14:00"),
    ("¿Tienes lugar hoy?", "2026-11-25", ""),
    ("el lunes 7 de diciembre a las 11", "2026-12-07", "11:00"),
    ("para hoy en la tarde a las 5", "2026-11-25", "17:00"),
    ("el 12 a las 12", "2026-12-12", "12:00"),
    ("mañana 10am", "2026-11-26", "10:00"),
    ("¿Hay chance el jueves 26 tipo 7?", "2026-11-26", "19:00"),
    ("el martes 3", "2026-12-01", ""),
    // --- relative days ----------------------------------------------------
    ("hoy", "2026-11-25", ""),
    ("mañana", "2026-11-26", ""),
    ("manana a las 10", "2026-11-26", "10:00"),
    ("mañana en la mañana", "2026-11-26", "~morning"),
    ("mañana en la manana porfa", "2026-11-26", "~morning"),
    ("mañana a las 10 de la mañana", "2026-11-26", "10:00"),
    ("pasado manana", "2026-11-27", ""),
    ("mañana tipo 6", "2026-11-26", "18:00"),
    ("hoy en la noche", "2026-11-25", "~evening"),
    ("esta tarde", "2026-11-25", "~afternoon"),
    ("esta noche a las 8", "2026-11-25", "20:00"),
    // --- weekdays ---------------------------------------------------------
    ("el miércoles", "2026-12-02", ""),
    ("el miercoles a las 6", "2026-12-02", "18:00"),
    ("este miércoles", "2026-11-25", ""),
    ("el jueves", "2026-11-26", ""),
    ("jueves a las 4", "2026-11-26", "16:00"),
    ("el viernes en la tarde", "2026-11-27", "~afternoon"),
    ("este sábado", "2026-11-28", ""),
    ("este sabado a las 12", "2026-11-28", "12:00"),
    ("el sábado temprano", "2026-11-28", "~early"),
    ("el domingo", "2026-11-29", ""),
    ("el próximo martes", "2026-12-01", ""),
    ("el martes que viene", "2026-12-01", ""),
    ("el martes próximo", "2026-12-01", ""),
    ("el jueves de la próxima semana", "2026-12-03", ""),
    ("el jueves de la semana que entra", "2026-12-03", ""),
    ("la próxima semana el jueves", "2026-12-03", ""),
    ("el sábado 28", "2026-11-28", ""),
    (
        "el sábado 28 de noviembre a las 4:30",
        "2026-11-28",
        "16:30",
    ),
    // --- weeks and weekends -----------------------------------------------
    ("la próxima semana", "2026-11-30..2026-12-06", ""),
    ("la semana que entra", "2026-11-30..2026-12-06", ""),
    (
        "la semana que viene en la tarde",
        "2026-11-30..2026-12-06",
        "~afternoon",
    ),
    ("la otra semana", "2026-11-30..2026-12-06", ""),
    ("esta semana", "2026-11-25..2026-11-29", ""),
    ("este fin de semana", "2026-11-28..2026-11-29", ""),
    ("el fin de semana", "2026-11-28..2026-11-29", ""),
    ("el fin de semana que viene", "2026-11-28..2026-11-29", ""),
    (
        "el finde en la mañana",
        "2026-11-28..2026-11-29",
        "~morning",
    ),
    // --- day of month ---------------------------------------------------
    ("el 15", "2026-12-15", ""),
    ("para el 30", "2026-11-30", ""),
    ("el día 25", "2026-11-25", ""),
    ("para el día 3", "2026-12-03", ""),
    ("el 31", "2026-12-31", ""),
    ("el 1ro de diciembre", "2026-12-01", ""),
    ("el primero de diciembre", "2026-12-01", ""),
    ("el 4 y media", "", "16:30"),
    ("el 15 del mes que viene", "2026-12-15", ""),
    ("el 27 de este mes a las 11", "2026-11-27", "11:00"),
    // --- explicit dates -------------------------------------------------
    ("15 de enero", "2027-01-15", ""),
    ("el 15 de enero", "2027-01-15", ""),
    ("enero 15", "2027-01-15", ""),
    ("15 ene", "2027-01-15", ""),
    ("15/01", "2027-01-15", ""),
    ("15/1/2027", "2027-01-15", ""),
    ("el 2/12 a las 4", "2026-12-02", "16:00"),
    ("3/12/26", "2026-12-03", ""),
    ("28 de noviembre a las 10 am", "2026-11-28", "10:00"),
    ("el 5 de diciembre de 2027", "2027-12-05", ""),
    ("el 2 de enero a las 11 am", "2027-01-02", "11:00"),
    ("el 29 de febrero", "2028-02-29", ""),
    ("el 24 de noviembre", "2027-11-24", ""),
    // --- months -------------------------------------------------------------
    ("en enero", "2027-01-01..2027-01-31", ""),
    ("para diciembre", "2026-12-01..2026-12-31", ""),
    ("en noviembre", "2026-11-25..2026-11-30", ""),
    // --- relative instants ----------------------------------------------
    ("en una hora", "2026-11-25", "11:00"),
    ("en media hora", "2026-11-25", "10:30"),
    ("en 2 horas", "2026-11-25", "12:00"),
    ("en 30 minutos", "2026-11-25", "10:30"),
    ("en 3 días", "2026-11-28", ""),
    ("dentro de una semana", "2026-12-02", ""),
    // --- clock times ------------------------------------------------------
    ("a las 4", "", "16:00"),
    ("a las cuatro", "", "16:00"),
    ("a las once y media", "", "11:30"),
    ("4 y media", "", "16:30"),
    ("a las 4 y media", "", "16:30"),
    ("a las 4 y 20", "", "16:20"),
    ("16:30", "", "16:30"),
    ("4pm", "", "16:00"),
    ("4:15 pm", "", "16:15"),
    ("a las 10 de la mañana", "", "10:00"),
    ("al mediodía", "", "12:00"),
    ("a mediodia", "", "12:00"),
    ("al medio día", "", "12:00"),
    ("a las 12", "", "12:00"),
    ("a la una", "", "13:00"),
    ("a la 1", "", "13:00"),
    ("cuarto para las 5", "", "16:45"),
    ("cuarto para la una", "", "12:45"),
    ("diez para las 5", "", "16:50"),
    ("5 menos cuarto", "", "16:45"),
    ("5 y cuarto", "", "17:15"),
    ("a las 4 de la tarde", "", "16:00"),
    ("a las 8 de la noche", "", "20:00"),
    ("a las siete de la noche", "", "19:00"),
    ("a las 9 de la mañana", "", "09:00"),
    ("a las 3 de la madrugada", "", "03:00"),
    ("9am", "", "09:00"),
    ("9 a.m.", "", "09:00"),
    ("4 p.m.", "", "16:00"),
    ("16 hrs", "", "16:00"),
    ("16h", "", "16:00"),
    ("a las 16:00 hrs", "", "16:00"),
    ("a las 8", "", "08:00"),
    ("a las 7", "", "19:00"),
    ("a las 11", "", "11:00"),
    ("8:30", "", "08:30"),
    ("3:30", "", "15:30"),
    ("a las 12 de la noche", "", "00:00"),
    ("medianoche", "", "00:00"),
    ("tipo 5", "", "17:00"),
    ("las 10:30 está bien", "", "10:30"),
    // --- part of day overriding the hour heuristic -------------------------
    ("en la noche a las 8", "", "20:00"),
    ("en la mañana a las 7", "", "07:00"),
    ("a las 4 en la tarde", "", "16:00"),
    // --- parts of day and windows -------------------------------------------
    ("en la mañana", "", "~morning"),
    ("en la noche", "", "~evening"),
    ("por la tarde", "", "~afternoon"),
    ("temprano", "", "~early"),
    ("después de las 5", "", ">17:00"),
    ("despues de la 1", "", ">13:00"),
    ("a partir de las 3", "", ">15:00"),
    ("desde las 6", "", ">18:00"),
    ("antes de las 2", "", "<14:00"),
    ("antes del mediodía", "", "<12:00"),
    ("después del mediodía", "", ">12:00"),
    ("entre 3 y 5", "", "15:00-17:00"),
    ("entre las 11 y la 1", "", "11:00-13:00"),
    ("de 10 a 2", "", "10:00-14:00"),
    ("de 9 a 11 de la mañana", "", "09:00-11:00"),
    ("entre 7 y 9 de la noche", "", "19:00-21:00"),
    ("abro de 12 a 8 de la noche", "", "12:00-20:00"),
    (
        "bloquea la semana del 4 al 10 de enero",
        "2027-01-04..2027-01-10",
        "",
    ),
    ("la semana del 7 de diciembre", "2026-12-07..2026-12-13", ""),
    ("de 4 a 6 de la tarde", "", "16:00-18:00"),
    ("de 11 a 2 de la tarde", "", "11:00-14:00"),
    ("desde las 3 hasta las 5", "", "15:00-17:00"),
];

#[test]
fn main_table_mexico_city() {
    let n = check(MAIN, now(), MX);
    assert!(n >= 110, "table has only {n} rows");
}

/// now = Wednesday 2026-12-30 10:00 America/Mexico_City: year end.
const YEAR_END: &[(&str, &str, &str)] = &[
    ("el 2", "2027-01-02", ""),
    ("15 de enero", "2027-01-15", ""),
    ("el lunes", "2027-01-04", ""),
    ("mañana", "2026-12-31", ""),
    ("pasado mañana", "2027-01-01", ""),
    ("la próxima semana", "2027-01-04..2027-01-10", ""),
    ("el 30", "2026-12-30", ""),
    ("el 31 a las 4", "2026-12-31", "16:00"),
    ("este fin de semana", "2027-01-02..2027-01-03", ""),
    ("en enero", "2027-01-01..2027-01-31", ""),
    ("15/1", "2027-01-15", ""),
    ("el 29 de diciembre", "2027-12-29", ""),
    ("en 3 días a las 11", "2027-01-02", "11:00"),
];

#[test]
fn year_end_table() {
    check(YEAR_END, at(MX, 2026, 12, 30, 10, 0), MX);
}

/// now = Saturday 2026-11-28 12:00 America/Mexico_City: weekday edges.
const SATURDAY: &[(&str, &str, &str)] = &[
    ("el sábado", "2026-12-05", ""),
    ("este sábado", "2026-11-28", ""),
    ("hoy a las 5", "2026-11-28", "17:00"),
    ("este fin de semana", "2026-11-28..2026-11-29", ""),
    ("el próximo fin de semana", "2026-12-05..2026-12-06", ""),
    ("el domingo", "2026-11-29", ""),
    ("la próxima semana", "2026-11-30..2026-12-06", ""),
    ("esta semana", "2026-11-28..2026-11-29", ""),
];

#[test]
fn saturday_table() {
    check(SATURDAY, at(MX, 2026, 11, 28, 12, 0), MX);
}

#[test]
fn the_business_zone_decides_today() {
    // 2026-11-25 23:30 UTC: Thursday 00:30 in Madrid, Wednesday 17:30 in
    // Mexico City.
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 23, 30, 0).unwrap();
    let madrid: &[(&str, &str, &str)] = &[
        ("hoy", "2026-11-26", ""),
        ("mañana a las 10", "2026-11-27", "10:00"),
        ("el jueves", "2026-12-03", ""),
        ("este jueves", "2026-11-26", ""),
        ("en una hora", "2026-11-26", "01:30"),
    ];
    let mexico: &[(&str, &str, &str)] = &[
        ("hoy", "2026-11-25", ""),
        ("mañana a las 10", "2026-11-26", "10:00"),
        ("el jueves", "2026-11-26", ""),
        ("en una hora", "2026-11-25", "18:30"),
    ];
    check(madrid, now, MADRID);
    check(mexico, now, MX);
    assert_eq!(
        local_now(now, MADRID),
        date("2026-11-26").and_time(time("00:30"))
    );
}

#[test]
fn matched_spans_point_at_the_understood_words() {
    let text = "Hola, ¿mañana a las 4 y media? Gracias";
    let w = parse_when(text, now(), MX);
    let parts: Vec<&str> = w.matched.iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(parts, ["mañana", "a las 4 y media"]);

    let text = "Para el sábado en la tarde, después de las 5";
    let w = parse_when(text, now(), MX);
    let parts: Vec<&str> = w.matched.iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(parts, ["el sábado", "la tarde", "después de las 5"]);
    // The most specific time wins over the part of day.
    assert_eq!(w.time, Some(TimeSpec::After(time("17:00"))));

    assert!(parse_when("hola", now(), MX).matched.is_empty());
}

#[test]
fn exact_and_window_helpers() {
    let w = parse_when("el viernes a las 6", now(), MX);
    assert_eq!(w.exact(), Some(date("2026-11-27").and_time(time("18:00"))));
    assert_eq!(parse_when("el viernes", now(), MX).exact(), None);
    assert_eq!(
        parse_when("la próxima semana a las 4", now(), MX).exact(),
        None
    );
    assert_eq!(When::default(), parse_when("gracias", now(), MX));

    let tarde = TimeSpec::Part(PartOfDay::Afternoon);
    assert_eq!(tarde.window(), (Some(time("12:00")), Some(time("19:00"))));
    assert!(tarde.admits(time("16:00")));
    assert!(!tarde.admits(time("11:30")));
    assert!(TimeSpec::After(time("17:00")).admits(time("19:30")));
    assert!(!TimeSpec::Before(time("14:00")).admits(time("15:00")));
    assert_eq!(TimeSpec::At(time("16:00")).exact(), Some(time("16:00")));

    let week = parse_when("la próxima semana", now(), MX).date.unwrap();
    let days: Vec<NaiveDate> = week.dates().collect();
    assert_eq!(days.len(), 7);
    assert_eq!(days[0], date("2026-11-30"));
    assert!(week.contains(date("2026-12-06")));
    assert!(!week.contains(date("2026-12-07")));
    assert_eq!(week.day(), None);
    assert_eq!(
        DateSpec::Day(date("2026-12-01")).day(),
        Some(date("2026-12-01"))
    );
}

#[test]
fn resolver_helpers() {
    let wed = date("2026-11-25");
    assert_eq!(
        next_weekday(wed, chrono::Weekday::Wed, false),
        date("2026-12-02")
    );
    assert_eq!(next_weekday(wed, chrono::Weekday::Wed, true), wed);
    assert_eq!(next_day_of_month(wed, 31), Some(date("2026-12-31")));
    assert_eq!(
        next_day_of_month(date("2027-01-31"), 30),
        Some(date("2027-03-30"))
    );
    assert_eq!(next_month_day(wed, 2, 29), Some(date("2028-02-29")));
    assert_eq!(next_month_day(wed, 13, 1), None);
}

#[test]
fn odd_input_does_not_panic() {
    for text in [
        "",
        "   ",
        "¿¿??",
        "a las",
        "a la",
        "el",
        "cuarto para las",
        "entre 3 y",
        "99999999999999999999 de enero",
        "el 0",
        "0/0/0",
        "a las 4:",
        "ÁÉÍÓÚ ñ 🙂 İ",
        "de de de la la la",
        "en 99999 días",
    ] {
        let w = parse_when(text, now(), MX);
        for r in &w.matched {
            assert!(text.get(r.clone()).is_some());
        }
    }
    assert!(parse_when("el 0", now(), MX).is_empty());
    assert!(parse_when("en 99999 días", now(), MX).date.is_none());
}

/// 24-hour times and Spain's phrasings, in both zones alike (Wednesday
/// 2026-11-25 10:00 local).
#[test]
fn twenty_four_hour_times_and_spain_phrasings() {
    let rows: &[(&str, &str, &str)] = &[
        ("a las 17:30", "", "17:30"),
        ("a las 17h", "", "17:00"),
        ("mañana a las 17h", "2026-11-26", "17:00"),
        ("me viene mejor a las 18:00", "", "18:00"),
        ("el jueves a las 15:00", "2026-11-26", "15:00"),
        (
            "quería pedir cita para cortarme el pelo mañana por la tarde",
            "2026-11-26",
            "~afternoon",
        ),
        (
            "¿tenéis hueco el viernes por la mañana?",
            "2026-11-27",
            "~morning",
        ),
        ("¿me la podéis cambiar al jueves?", "2026-11-26", ""),
    ];
    check(rows, at(MADRID, 2026, 11, 25, 10, 0), MADRID);
    check(rows, at(MX, 2026, 11, 25, 10, 0), MX);
}

/// How people count days and hours on WhatsApp (Wednesday 2026-11-25
/// 10:00): «el otro sábado», «de hoy en 8», typed weekdays, day spans, a
/// small hour said «temprano».
#[test]
fn days_and_hours_as_people_count_them() {
    let rows: &[(&str, &str, &str)] = &[
        // «el otro sábado»: the one after the coming one.
        ("el otro sabado", "2026-12-05", ""),
        ("el otro lunes a las 4", "2026-12-07", "16:00"),
        ("otro sabado", "2026-11-28", ""),
        // Said on the day itself: not today, nor the coming one.
        ("el otro miercoles", "2026-12-09", ""),
        // A weekday counted in a month, and the month's end.
        ("el primer sabado de diciembre", "2026-12-05", ""),
        ("el ultimo viernes de diciembre", "2026-12-25", ""),
        ("fin de mes cerramos", "2026-11-30", ""),
        // A move's new day with its month; a span across two months.
        ("pasala al 16 de diciembre", "2026-12-16", ""),
        (
            "del 25 de diciembre al 3 de enero",
            "2026-12-25..2027-01-03",
            "",
        ),
        (
            "no viene ni jueves ni viernes",
            "2026-11-26..2026-11-27",
            "",
        ),
        // Holidays, their next time (Easter 2027 is 28 March).
        ("el viernes santo", "2027-03-26", ""),
        ("en semana santa", "2027-03-22..2027-03-28", ""),
        ("para navidad", "2026-12-25", ""),
        ("para san valentin", "2027-02-14", ""),
        ("la cita del 16 sigue en pie?", "2026-12-16", ""),
        ("cancela la cita del 14 de febrero", "2027-02-14", ""),
        // «del lunes»; «pasado», alone (as in «mañana no, pasado»).
        ("cuesta 250 a partir del lunes", "2026-11-30", ""),
        ("pasado", "2026-11-27", ""),
        // A shop closes in the evening.
        ("cerramos a las 8", "", "20:00"),
        ("hoy cerramos temprano, a las 7", "2026-11-25", "19:00"),
        // «de hoy en ocho»: a week from that day.
        ("de hoy en 8", "2026-12-02", ""),
        ("de mañana en ocho", "2026-12-03", ""),
        ("de hoy en quince", "2026-12-09", ""),
        ("a primera hora", "", "~early"),
        ("mañana a primera hora", "2026-11-26", "~early"),
        // Typed weekdays.
        ("corte el biernes", "2026-11-27", ""),
        ("el miercole a las 5", "2026-12-02", "17:00"),
        ("sab 10am", "2026-11-28", "10:00"),
        ("el juebes", "2026-11-26", ""),
        // A number after «las» is an hour, not minutes before the next.
        ("cambia la de las 11 para las 12", "", "11:00"),
        ("cuarto para las 5", "", "16:45"),
        ("a las cuarto para las 5", "", "16:45"),
        // «temprano» with a small hour: no shop works at 4 am.
        ("salgo temprano, a las 4", "", "16:00"),
        ("cerramos temprano a las 6", "", "18:00"),
        ("en la mañana a las 7", "", "07:00"),
        ("a las 6 de la mañana", "", "06:00"),
        // The narrower part of day wins.
        ("en la mañana temprano", "", "~early"),
        // Day spans.
        ("del 20 al 25", "2026-12-20..2026-12-25", ""),
        ("del 28 al 3", "2026-11-28..2026-12-03", ""),
        ("del 1 al 5 de diciembre", "2026-12-01..2026-12-05", ""),
        ("del lunes al miercoles", "2026-11-30..2026-12-02", ""),
        ("de 3 a 5", "", "15:00-17:00"),
        // Either hour: a window.
        ("a las 4 o 5", "", "16:00-17:00"),
        ("mañana a las 4 o a las 5", "2026-11-26", "16:00-17:00"),
        ("a las 10 u 11 de la mañana", "", "10:00-11:00"),
        ("a las 4 y media o 5", "", "16:30-17:00"),
        // A weekday gone by.
        ("el sabado pasado", "2026-11-21", ""),
        ("el miercoles pasado", "2026-11-18", ""),
        ("el lunes pasado mañana", "2026-11-30", ""),
        // Two days, the month said once.
        (
            "cerramos el 24 y 25 de diciembre",
            "2026-12-24..2026-12-25",
            "",
        ),
        ("bloquea el 24 y el 25", "2026-12-24..2026-12-25", ""),
        ("el 24 y el 31 de diciembre", "2026-12-24", ""),
        ("tengo 2 y 3 años", "", ""),
        // Hour and minutes run together after «a las»/«tipo».
        ("a las 1130", "", "11:30"),
        ("a las 930", "", "09:30"),
        ("tipo 1630", "", "16:30"),
        ("a las 445 pm", "", "16:45"),
        ("a las 1575", "", ""),
        ("de 150 a 200 pesos", "", ""),
        ("930", "", ""),
    ];
    check(rows, now(), MX);
}
