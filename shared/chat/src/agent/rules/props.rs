//! No text can panic the rule agent's extractors (issue 11, item 4): names,
//! keywords, targets, phones, prices, durations, weekdays, levels, ratings,
//! onboarding's service lists and WhatsApp splitting, over arbitrary Unicode
//! (pure noise and noise mixed with the words they look for, including
//! characters whose lowercase has another byte length: "İ", "K").
//! 10,000 cases per property.

use proptest::prelude::*;

use super::customer::{name_in, rating_in};
use super::extract::{clean_name, duration_in, price_in, weekdays_in};
use super::staff::{after_keyword, appointment_change, command_intent, phone_in};
use super::staff_appointments::split_target;

const PIECES: &[&str] = &[
    "İ",
    "K",
    "ẞ",
    "Ñoño",
    "ñ",
    "á",
    "\u{301}",
    "🙂",
    "\u{0}",
    "\n",
    " ",
    ",",
    ".",
    "¿",
    "?",
    "!",
    "$",
    "me llamo ",
    "mi nombre es ",
    "a nombre de ",
    "soy ",
    "es ",
    "no ",
    "se llama ",
    "historial de",
    "dile a ",
    "mensaje a ",
    "dile que",
    " para el ",
    " para ",
    " al ",
    " a las ",
    "cancela la cita de",
    "mueve",
    "reagenda",
    "bloquea",
    "lunes",
    "sábado",
    "de 10 a 8",
    "150",
    "$200",
    "45 min",
    "1 hora",
    "hora y media",
    "+52 55 1234 5678",
    "5512345678",
    "4294967295",
    "99999999999999999999",
    "$99999999999999999",
    "99999999999999999 pesos",
    "cuesta ",
    "admin",
    "dueño",
    "5 estrellas",
    "Corte 150 30min",
    "Barba, $100, 20 minutos",
];

fn texty() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(
            prop_oneof![
                prop::sample::select(PIECES).prop_map(str::to_string),
                "\\PC{0,3}",
            ],
            0..12,
        )
        .prop_map(|v| v.concat()),
    ]
}

fn cfg() -> ProptestConfig {
    ProptestConfig {
        cases: 10_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

#[test]
fn the_reported_panic_is_gone() {
    assert_eq!(name_in("İ me llamo Ñoño").as_deref(), Some("Ñoño"));
    assert!(after_keyword("İ historial de Ñoño", &["historial de"]).is_some());
    let (who, when) = split_target("İİ cita de Ñoño para el lunes");
    assert!(who.contains("Ñoño") && when.is_some());
    let _ = clean_name("İ se llama Ñoño");
    assert_eq!(clean_name("Se llama Ñoño"), "Ñoño");
    // Found by the properties below: numbers that overflowed.
    assert_eq!(duration_in("4294967295 horas"), None);
    assert_eq!(duration_in("1 hora y media"), Some(90));
    assert_eq!(price_in("$99999999999999999"), None);
    assert_eq!(price_in("$180"), Some(18_000));
}

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn name_and_keyword_extractors_never_panic(text in texty()) {
        let _ = name_in(&text);
        let _ = clean_name(&text);
        let _ = after_keyword(&text, &["historial de", "dile a ", "mensaje a ", "dile que"]);
        let _ = split_target(&text);
    }

    #[test]
    fn number_and_phone_extractors_never_panic(text in texty()) {
        let _ = phone_in(&text);
        let _ = price_in(&text);
        let _ = duration_in(&text);
        let _ = weekdays_in(&text);
        let words = parlo_core::es::intent::message_words(&text);
        let _ = rating_in(&text, &words);
    }

    #[test]
    fn commands_and_onboarding_parsers_never_panic(text in texty()) {
        let _ = command_intent(&text);
        let _ = appointment_change(&text);
        let _ = super::onboarding::parse_services(&text);
        let _ = parlo_core::es::hours::parse_weekly_hours(&text);
        let _ = parlo_core::phone::Zone::named_in(&text);
        let _ = super::dashboard_link::asks(&text);
        let _ = crate::agent::llm::split_for_whatsapp(&text, 1600);
        let _ = crate::agent::llm::split_for_whatsapp(&text, 7);
    }
}
