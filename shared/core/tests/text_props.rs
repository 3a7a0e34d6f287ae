//! No text can panic a parser (issue 11, item 4): every Mexican-Spanish
//! parser and extractor of parlo-core, and phone normalisation, over
//! arbitrary Unicode — pure noise, and noise mixed with the words the
//! parsers look for (so the deep branches run too), including characters
//! whose lowercase has another byte length ("İ", "K" Kelvin sign).
//!
//! 10,000 cases per parser (`CASES`); all together run in a few seconds
//! (the whole reader, at about 150 µs a message, in a few more).

use chrono::{TimeZone, Utc};
use parlo_core::es::{find_ci, format, fuzzy, intent, read, when};
use parlo_core::phone::{self, Region};
use proptest::prelude::*;

const CASES: u32 = 10_000;

/// Words and characters the parsers react to, and tricky Unicode.
const PIECES: &[&str] = &[
    "İ",
    "K",
    "ẞ",
    "ß",
    "Ñoño",
    "ñ",
    "á",
    "é",
    "í",
    "ó",
    "ú",
    "ü",
    "\u{301}",
    "\u{200d}",
    "🙂",
    "👩🏽‍🦱",
    "\u{0}",
    "\n",
    "\t",
    " ",
    ",",
    ".",
    "¿",
    "?",
    "¡",
    "!",
    ":",
    "-",
    "/",
    "+",
    "hoy",
    "mañana",
    "pasado",
    "lunes",
    "sábado",
    "domingo",
    "fin de semana",
    "próxima",
    "semana",
    "mes",
    "diciembre",
    "enero",
    "de",
    "del",
    "el",
    "la",
    "las",
    "a las",
    "para el",
    "al",
    "tarde",
    "noche",
    "mañana en la",
    "temprano",
    "medio día",
    "mediodía",
    "y media",
    "y cuarto",
    "menos cuarto",
    "en punto",
    "pm",
    "am",
    "hrs",
    "horas",
    "minutos",
    "30",
    "12",
    "0",
    "99",
    "262142",
    "4294967295",
    "-1",
    "31",
    "29 de febrero",
    "me llamo",
    "a nombre de",
    "soy",
    "es",
    "no",
    "sí",
    "cita",
    "cancela",
    "cancelar",
    "mueve",
    "reagenda",
    "cambia",
    "bloquea",
    "desbloquea",
    "de 2 a 3",
    "quiero",
    "corte",
    "barba",
    "uñas",
    "tinte",
    "precio",
    "cuánto",
    "dónde",
    "horario",
    "gracias",
    "hola",
    "agenda",
    "historial de",
    "dile a",
    "mensaje a",
    "no",
    "no a las 3",
    "el 11",
    "¿le",
    "ah no",
    "mejor",
    "era",
    "+52 55 1234 5678",
    "5512345678",
    "+34 612 345 678",
    "044",
    "045",
    "01",
    "ext",
    "#",
    "*",
];

fn texty() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "\\PC{0,40}",
        prop::collection::vec(
            prop_oneof![
                prop::sample::select(PIECES).prop_map(str::to_string),
                "\\PC{0,3}",
            ],
            0..14,
        )
        .prop_map(|v| v.join(" ")),
    ]
}

fn cfg() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn intent_classify_never_panics(text in texty()) {
        let _ = intent::classify(&text);
        let _ = intent::message_words(&text);
    }

    /// The whole reader, both sides: every rule slices the text it reads
    /// (a «¿» before a refused «no» once cut a character in two).
    #[test]
    fn the_reader_never_panics(text in texty(), days in 0i64..40_000) {
        let now = chrono::NaiveDate::from_ymd_opt(2000, 1, 1)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap()
            + chrono::Duration::days(days);
        let services = ["Corte de cabello".to_string(), "Arreglo de barba".to_string()];
        let staff = ["Carlos Méndez".to_string(), "Ana Torres".to_string()];
        let cat = read::Catalogue { services: &services, staff: &staff };
        let _ = read::read_customer(&text, now, cat);
        let _ = read::read_staff(&text, now, cat);
        let _ = read::staff_when(&text, now, intent::Intent::BlockTime);
    }

    #[test]
    fn when_parse_never_panics(text in texty(), days in 0i64..40_000, secs in 0u32..86_400) {
        let base = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap();
        let now = base + chrono::Duration::days(days) + chrono::Duration::seconds(i64::from(secs));
        let w = when::parse_when(&text, now, chrono_tz::America::Mexico_City);
        let _ = w.exact();
        for r in &w.matched {
            // Ranges of the original text: slicing with them is safe.
            prop_assert!(r.start <= r.end && r.end <= text.len());
            prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        }
        let _ = w.is_empty();
        if let Some(d) = &w.date {
            // Whatever it found can be walked.
            let _ = d.dates().take(3).count();
        }
    }

    #[test]
    fn fuzzy_matching_never_panics(text in texty(), a in texty(), b in texty()) {
        let _ = fuzzy::normalize(&text);
        let _ = fuzzy::score(&text, &a);
        let names = [a, b, "Corte de cabello".to_string()];
        let _ = fuzzy::best_match(&text, &names, |s| s.as_str());
        let _ = fuzzy::find_in_text(&text, &names, |s| s.as_str());
    }

    #[test]
    fn phone_normalize_never_panics(text in texty()) {
        let _ = phone::normalize(&text, Region::Mexico);
        let _ = phone::normalize(&text, Region::Spain);
        let _ = format::phone(&text);
    }

    #[test]
    fn find_ci_offsets_always_slice_the_original(text in texty(), needle in texty()) {
        if let Some(r) = find_ci(&text, &needle) {
            prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            prop_assert!(r.start <= r.end);
        }
        for lead in ["me llamo ", " para ", "historial de", "es "] {
            if let Some(r) = find_ci(&text, lead) {
                let _ = &text[r.end..];
                let _ = &text[..r.start];
            }
        }
    }

    #[test]
    fn formatting_never_panics(text in texty(), items in prop::collection::vec(texty(), 0..4)) {
        let _ = format::capitalize(&text);
        let _ = format::join_and(&items);
        let _ = format::join_or(&items);
    }
}
