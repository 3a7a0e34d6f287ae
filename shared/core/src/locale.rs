//! Which Spanish a business speaks: Mexico's (the default) or Spain's.
//!
//! One value per business ([`crate::Organization::locale`]: stored in its
//! settings, derived from its zone when unset) decides how times are
//! written ("3:00 PM" or "15:00"), the template language and the few
//! phrases where the two Spanishes differ. Texts are written once, in
//! Mexican Spanish; only the differing phrases have a Spain variant
//! ([`Locale::words`]). Prices follow their currency ([`format::price`]:
//! "$150", "25 €", "12,50 €"). Pure: no clock, no I/O.

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

use crate::es::format;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    /// Mexican Spanish, 12-hour times.
    #[default]
    #[serde(rename = "es-MX")]
    EsMx,
    /// Spain's Spanish, 24-hour times.
    #[serde(rename = "es-ES")]
    EsEs,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::EsMx, Locale::EsEs];

    /// The default for a business in `tz`: Spain's Spanish in Europe.
    pub fn for_timezone(tz: &str) -> Locale {
        if tz.starts_with("Europe/") || tz.starts_with("Atlantic/Canary") {
            Locale::EsEs
        } else {
            Locale::EsMx
        }
    }

    /// The BCP 47 tag ("es-MX"), as the API and the dashboard use it.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::EsMx => "es-MX",
            Locale::EsEs => "es-ES",
        }
    }

    /// Parses a tag, "es-ES" / "es_es" / "ES" alike.
    pub fn parse(s: &str) -> Option<Locale> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "es-mx" | "mx" => Some(Locale::EsMx),
            "es-es" | "es" => Some(Locale::EsEs),
            _ => None,
        }
    }

    /// The WhatsApp template language of the catalogue ("es_MX").
    pub fn template_language(self) -> &'static str {
        match self {
            Locale::EsMx => "es_MX",
            Locale::EsEs => "es_ES",
        }
    }

    /// Uses the 24-hour clock.
    pub fn is_24h(self) -> bool {
        self == Locale::EsEs
    }

    /// "3:00 PM" in Mexico, "15:00" in Spain.
    pub fn time(self, t: NaiveTime) -> String {
        match self {
            Locale::EsMx => format::time_12h(t),
            Locale::EsEs => format!("{:02}:{:02}", t.hour(), t.minute()),
        }
    }

    /// "2:00 PM - 3:00 PM" / "14:00 - 15:00".
    pub fn time_range(self, start: NaiveTime, end: NaiveTime) -> String {
        format!("{} - {}", self.time(start), self.time(end))
    }

    /// "a las 4:00 PM" / "a las 16:00"; one o'clock takes the singular
    /// article ("a la 1:00 PM", "a la 01:00", but "a las 13:00").
    pub fn at_time(self, t: NaiveTime) -> String {
        let one = match self {
            Locale::EsMx => t.hour12().1 == 1,
            Locale::EsEs => t.hour() == 1,
        };
        format!("{} {}", if one { "a la" } else { "a las" }, self.time(t))
    }

    /// A local slot relative to `today`: "mañana a las 4:00 PM" /
    /// "mañana a las 16:00" (see [`format::slot_label`]).
    pub fn slot_label(self, local: NaiveDateTime, today: NaiveDate) -> String {
        format!(
            "{} {}",
            format::day_label(local.date(), today),
            self.at_time(local.time())
        )
    }

    /// The one text for both, or Spain's variant where they differ.
    pub fn pick<'a>(self, mx: &'a str, es: &'a str) -> &'a str {
        match self {
            Locale::EsMx => mx,
            Locale::EsEs => es,
        }
    }

    /// A text written in Mexican Spanish as this locale says it: unchanged
    /// in Mexico; in Spain the Mexicanisms of [`SPAIN_WORDS`] replaced
    /// (whole words only, the first letter's case kept). Only Parlo's own
    /// sentences go through here, never what a person typed.
    pub fn words(self, text: &str) -> Cow<'_, str> {
        if self == Locale::EsMx {
            return Cow::Borrowed(text);
        }
        let mut out = Cow::Borrowed(text);
        for (mx, es) in SPAIN_WORDS {
            if out.contains(mx) {
                out = Cow::Owned(replace_words(&out, mx, es));
            }
            let (mx_up, es_up) = (format::capitalize(mx), format::capitalize(es));
            if mx_up != *mx && out.contains(mx_up.as_str()) {
                out = Cow::Owned(replace_words(&out, &mx_up, &es_up));
            }
        }
        out
    }

    /// The language instructions of the LLM's system prompt.
    pub fn prompt_language(self) -> &'static str {
        match self {
            Locale::EsMx => {
                "Escribe en español de México, cálido y breve. Horas en formato de 12 horas \
                 (\"4:00 PM\")."
            }
            Locale::EsEs => {
                "Escribe en español de España, cálido y breve: «vale», «móvil», «reservar» o \
                 «pedir cita», «por la tarde»; nunca mexicanismos («ahorita», «platicar», \
                 «checar», «¿mande?», «agendar», «celular», «cuate»). Tutea al cliente y usa \
                 «vosotros» para el plural. Horas en formato de 24 horas (\"16:00\"), precios \
                 en euros como se escriben en España (\"25 €\", \"12,50 €\")."
            }
        }
    }
}

/// Mexican phrase → Spain's, longest first so a phrase wins over its
/// words. Only what Parlo itself writes.
pub const SPAIN_WORDS: &[(&str, &str)] = &[
    ("¿Te gustaría agendar una cita?", "¿Quieres pedir cita?"),
    (
        "¿Te gustaría agendar otra fecha?",
        "¿Quieres pedir cita para otro día?",
    ),
    ("¿Te ayudo a agendar una cita?", "¿Te ayudo a pedir cita?"),
    ("¿Te gustaría agendar", "¿Quieres reservar"),
    ("agenda tu cita", "pide tu cita"),
    ("quedó agendada", "queda reservada"),
    ("te agendó una cita", "te ha reservado una cita"),
    ("¡Con gusto!", "¡De nada!"),
    ("¡Listo!", "¡Hecho!"),
    ("Listo ✓", "Hecho ✓"),
    ("Listo,", "Vale,"),
    ("Listo.", "Hecho."),
    ("Va,", "Vale,"),
    ("¿Cuál te funciona mejor?", "¿Cuál te viene mejor?"),
    ("te funciona", "te viene bien"),
    ("con sus 10 dígitos", "con sus 9 dígitos"),
    ("con lada", "completo"),
    ("55 1111 2222", "612 34 56 78"),
    ("te acomoda", "te viene bien"),
    ("te acomode", "te venga bien"),
    ("en la mañana", "por la mañana"),
    ("en la tarde", "por la tarde"),
    ("en la noche", "por la noche"),
    ("reagendar", "cambiar la cita"),
    ("agendarán", "reservarán"),
    ("agendadas", "reservadas"),
    ("agendada", "reservada"),
    ("agendado", "reservado"),
    ("agendando", "reservando"),
    ("agendar", "reservar"),
    ("agenden", "reserven"),
    ("agendé", "reservé"),
    ("agendo", "reservo"),
    ("agendó", "reservó"),
    ("celulares", "móviles"),
    ("celular", "móvil"),
    ("ahorita", "ahora"),
    ("checar", "mirar"),
    ("platicar", "hablar"),
    ("¿mande?", "¿perdona?"),
    ("cuate", "amigo"),
];

fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// Replaces each whole-word occurrence of `from` (its edges at a non-letter
/// or the text's ends, when the edge itself is a letter).
fn replace_words(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let first_is_word = is_word_char(from.chars().next());
    let last_is_word = is_word_char(from.chars().next_back());
    while let Some(at) = rest.find(from) {
        out.push_str(&rest[..at]);
        let prev = out.chars().next_back();
        let next = rest[at + from.len()..].chars().next();
        let glued = (first_is_word && is_word_char(prev)) || (last_is_word && is_word_char(next));
        let whole = !glued;
        out.push_str(if whole { to } else { from });
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn derived_from_the_zone_and_parsed_from_tags() {
        assert_eq!(Locale::for_timezone("Europe/Madrid"), Locale::EsEs);
        assert_eq!(Locale::for_timezone("Atlantic/Canary"), Locale::EsEs);
        assert_eq!(Locale::for_timezone("America/Mexico_City"), Locale::EsMx);
        assert_eq!(Locale::for_timezone(""), Locale::EsMx);
        assert_eq!(Locale::parse("es-ES"), Some(Locale::EsEs));
        assert_eq!(Locale::parse(" es_mx "), Some(Locale::EsMx));
        assert_eq!(Locale::parse("fr-FR"), None);
        assert_eq!(Locale::EsEs.template_language(), "es_ES");
        assert_eq!(Locale::EsMx.tag(), "es-MX");
        assert_eq!(serde_json::to_string(&Locale::EsEs).unwrap(), "\"es-ES\"");
        let back: Locale = serde_json::from_str("\"es-MX\"").unwrap();
        assert_eq!(back, Locale::EsMx);
    }

    #[test]
    fn times_are_12_hour_in_mexico_and_24_hour_in_spain() {
        let (mx, es) = (Locale::EsMx, Locale::EsEs);
        assert_eq!(mx.time(t(15, 0)), "3:00 PM");
        assert_eq!(es.time(t(15, 0)), "15:00");
        assert_eq!(es.time(t(9, 5)), "09:05");
        assert_eq!(es.time(t(0, 0)), "00:00");
        assert_eq!(es.time_range(t(14, 0), t(15, 30)), "14:00 - 15:30");
        assert_eq!(mx.time_range(t(14, 0), t(15, 30)), "2:00 PM - 3:30 PM");
        assert_eq!(mx.at_time(t(13, 0)), "a la 1:00 PM");
        assert_eq!(es.at_time(t(13, 0)), "a las 13:00");
        assert_eq!(es.at_time(t(1, 0)), "a la 01:00");
        let today = d(2026, 1, 14);
        let at = |day: NaiveDate, h, m| day.and_time(t(h, m));
        assert_eq!(
            es.slot_label(at(d(2026, 1, 15), 18, 0), today),
            "mañana a las 18:00"
        );
        assert_eq!(
            es.slot_label(at(d(2026, 1, 23), 17, 30), today),
            "viernes 23 de enero a las 17:30"
        );
        // Mexico's label is exactly format::slot_label's.
        for (day, h, m) in [
            (d(2026, 1, 15), 13, 0),
            (today, 10, 30),
            (d(2026, 1, 23), 17, 30),
        ] {
            assert_eq!(
                mx.slot_label(at(day, h, m), today),
                format::slot_label(at(day, h, m), today)
            );
        }
    }

    #[test]
    fn prices_follow_the_currency() {
        assert_eq!(format::price(2_500, "EUR"), "25 €");
        assert_eq!(format::price(1_250, "EUR"), "12,50 €");
        assert_eq!(format::price(15_000, "MXN"), "$150");
    }

    #[test]
    fn spain_words_replace_mexicanisms_and_leave_mexico_alone() {
        let mx = "¡Listo! Tu cita quedó agendada. ¿Te gustaría agendar otra fecha? Mándame tu celular ahorita.";
        assert_eq!(Locale::EsMx.words(mx), mx);
        assert_eq!(
            Locale::EsEs.words(mx),
            "¡Hecho! Tu cita queda reservada. ¿Quieres pedir cita para otro día? Mándame tu móvil ahora."
        );
        assert_eq!(
            Locale::EsEs.words("Te agendo corte mañana en la tarde. ¿Lo confirmo?"),
            "Te reservo corte mañana por la tarde. ¿Lo confirmo?"
        );
        assert_eq!(
            Locale::EsEs.words("Listo, agendé a Ana ✓"),
            "Vale, reservé a Ana ✓"
        );
        // Whole words only: "agenda" (the noun) and names stay.
        assert_eq!(
            Locale::EsEs.words("Aquí está tu agenda, Agendario."),
            "Aquí está tu agenda, Agendario."
        );
        assert_eq!(Locale::EsEs.words("Celular: 612"), "Móvil: 612");
        assert_eq!(
            Locale::EsEs.words("Tengo 16:00 y 17:00. ¿Cuál te funciona mejor?"),
            "Tengo 16:00 y 17:00. ¿Cuál te viene mejor?"
        );
        assert_eq!(
            Locale::EsEs.words("Escríbelo con lada, por ejemplo «Pedro 55 1111 2222»."),
            "Escríbelo completo, por ejemplo «Pedro 612 34 56 78»."
        );
        assert_eq!(Locale::EsEs.words("sinceluları"), "sinceluları");
        // Nothing Mexican left in what the table produces.
        for (_, es) in SPAIN_WORDS {
            for (mx, _) in SPAIN_WORDS {
                if mx.chars().all(char::is_alphanumeric) {
                    assert!(!es.contains(mx), "{es} still says {mx}");
                }
            }
        }
    }

    #[test]
    fn prompts_say_which_spanish() {
        assert!(Locale::EsEs.prompt_language().contains("24 horas"));
        assert!(Locale::EsMx.prompt_language().contains("12 horas"));
    }
}
