//! Rendering values the way a Mexican business writes them on WhatsApp
//! (spec/001 §5.1): "$150", "viernes 15 de enero", "3:00 PM", "45 min",
//! "corte, barba y tinte", "mañana a las 4:00 PM".
//!
//! Pure: "today" is always a parameter, never read from a clock.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};

/// Lowercase Spanish weekday name: `Weekday::Fri` → "viernes".
pub fn weekday_name(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "lunes",
        Weekday::Tue => "martes",
        Weekday::Wed => "miércoles",
        Weekday::Thu => "jueves",
        Weekday::Fri => "viernes",
        Weekday::Sat => "sábado",
        Weekday::Sun => "domingo",
    }
}

/// Lowercase Spanish month name for `month` in 1..=12 ("enero" …
/// "diciembre"); out-of-range values give an empty string.
pub fn month_name(month: u32) -> &'static str {
    match month {
        1 => "enero",
        2 => "febrero",
        3 => "marzo",
        4 => "abril",
        5 => "mayo",
        6 => "junio",
        7 => "julio",
        8 => "agosto",
        9 => "septiembre",
        10 => "octubre",
        11 => "noviembre",
        12 => "diciembre",
        _ => "",
    }
}

/// Groups the integer part with `sep` every three digits: 1250 → "1,250".
fn group_thousands(n: u64, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    // Digits before the next separator; the first group may be short.
    let mut left = match digits.len() % 3 {
        0 => 3,
        r => r,
    };
    for ch in digits.chars() {
        if left == 0 {
            out.push(sep);
            left = 3;
        }
        out.push(ch);
        left -= 1;
    }
    out
}

/// A price in integer cents, as the business's customers read it.
///
/// * MXN (and an empty currency): "$150", "$1,250", "$150.50" — cents only
///   when they are not zero, no "MXN" suffix (spec 5.1.4).
/// * EUR (Spain): "150 €", "1.250 €", "150,50 €".
/// * USD: "$150 USD" (the usual way to tell dollars apart in Mexico).
/// * Anything else: "150 XYZ" with the code as given (uppercased).
///
/// Negative amounts (refunds, adjustments) get a leading minus: "-$150".
pub fn price(cents: i64, currency: &str) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let (units, rest) = (abs / 100, abs % 100);
    let code = currency.trim().to_ascii_uppercase();
    match code.as_str() {
        "" | "MXN" => {
            let mut s = format!("{sign}${}", group_thousands(units, ','));
            if rest != 0 {
                s.push_str(&format!(".{rest:02}"));
            }
            s
        }
        "EUR" => {
            let mut s = format!("{sign}{}", group_thousands(units, '.'));
            if rest != 0 {
                s.push_str(&format!(",{rest:02}"));
            }
            s.push_str(" €");
            s
        }
        _ => {
            let dollar = if code == "USD" { "$" } else { "" };
            let mut s = format!("{sign}{dollar}{}", group_thousands(units, ','));
            if rest != 0 {
                s.push_str(&format!(".{rest:02}"));
            }
            s.push(' ');
            s.push_str(&code);
            s
        }
    }
}

/// Shorthand for [`price`] in Mexican pesos: 15000 → "$150".
pub fn mxn(cents: i64) -> String {
    price(cents, "MXN")
}

/// "viernes 15 de enero", with " de 2027" appended only when the date is not
/// in `today`'s year.
pub fn date_long(date: NaiveDate, today: NaiveDate) -> String {
    let mut s = format!(
        "{} {} de {}",
        weekday_name(date.weekday()),
        date.day(),
        month_name(date.month())
    );
    if date.year() != today.year() {
        s.push_str(&format!(" de {}", date.year()));
    }
    s
}

/// "hoy", "mañana", "pasado mañana", else [`date_long`]
/// ("viernes 15 de enero"). Past dates use "ayer" for yesterday and the
/// full date otherwise.
pub fn day_label(date: NaiveDate, today: NaiveDate) -> String {
    match (date - today).num_days() {
        0 => "hoy".to_string(),
        1 => "mañana".to_string(),
        2 => "pasado mañana".to_string(),
        -1 => "ayer".to_string(),
        _ => date_long(date, today),
    }
}

/// Like [`day_label`] but names the weekday after the relative word, the
/// way the examples in the spec talk: "hoy viernes", "mañana sábado",
/// "pasado mañana domingo"; other dates as [`date_long`].
pub fn day_label_with_weekday(date: NaiveDate, today: NaiveDate) -> String {
    match (date - today).num_days() {
        0..=2 => format!(
            "{} {}",
            day_label(date, today),
            weekday_name(date.weekday())
        ),
        _ => date_long(date, today),
    }
}

/// 12-hour clock with AM/PM as the spec writes it: "3:00 PM", "10:30 AM",
/// "12:00 PM" (noon), "12:00 AM" (midnight). Seconds are ignored.
pub fn time_12h(time: NaiveTime) -> String {
    let (pm, hour12) = time.hour12();
    format!(
        "{}:{:02} {}",
        hour12,
        time.minute(),
        if pm { "PM" } else { "AM" }
    )
}

/// "2:00 PM - 3:00 PM".
pub fn time_range(start: NaiveTime, end: NaiveTime) -> String {
    format!("{} - {}", time_12h(start), time_12h(end))
}

/// Durations the way a salon lists them: "45 min", "1 hora", "1 h 15 min",
/// "2 horas", "2 h 30 min". Zero is "0 min".
pub fn duration(minutes: u32) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (0, m) => format!("{m} min"),
        (1, 0) => "1 hora".to_string(),
        (h, 0) => format!("{h} horas"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// Does `word` start with an /i/ sound ("i…", "hi…" but not "hie…"/"hia…",
/// where the sound is a consonant /y/)? Spanish then writes "e" for "y".
fn starts_with_i_sound(word: &str) -> bool {
    let lower = word.trim_start().to_lowercase();
    let stripped = lower.strip_prefix('h').unwrap_or(&lower);
    let mut chars = stripped.chars();
    match chars.next() {
        Some('i' | 'í') => {
            // "hie…"/"hia…" (hierro, hiato) keep "y"; "ie…"/"ia…" too (iodo aside).
            !(lower.starts_with('h') && matches!(chars.next(), Some('e' | 'a' | 'é' | 'á')))
        }
        _ => false,
    }
}

/// Does `word` start with an /o/ sound ("o…", "ho…")? Spanish then writes
/// "u" for "o".
fn starts_with_o_sound(word: &str) -> bool {
    let lower = word.trim_start().to_lowercase();
    let stripped = lower.strip_prefix('h').unwrap_or(&lower);
    matches!(stripped.chars().next(), Some('o' | 'ó'))
}

fn join_with<S: AsRef<str>>(
    items: &[S],
    conj: &str,
    euphonic: &str,
    f: fn(&str) -> bool,
) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let head: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            let last = last.as_ref();
            let word = if f(last) { euphonic } else { conj };
            format!("{} {word} {last}", head.join(", "))
        }
    }
}

/// "corte, barba y tinte" — Spanish list with no serial comma; "y" becomes
/// "e" before an /i/ sound ("corte e hidratación").
pub fn join_and<S: AsRef<str>>(items: &[S]) -> String {
    join_with(items, "y", "e", starts_with_i_sound)
}

/// "corte de cabello o corte y barba" — for asking the customer to choose;
/// "o" becomes "u" before an /o/ sound ("siete u ocho").
pub fn join_or<S: AsRef<str>>(items: &[S]) -> String {
    join_with(items, "o", "u", starts_with_o_sound)
}

/// A local slot relative to `today`: "hoy a las 4:00 PM", "mañana a las
/// 10:30 AM", "viernes 15 de enero a las 4:00 PM"; one o'clock takes the
/// singular article: "mañana a la 1:00 PM".
pub fn slot_label(local: NaiveDateTime, today: NaiveDate) -> String {
    let (_, hour12) = local.time().hour12();
    let article = if hour12 == 1 { "a la" } else { "a las" };
    format!(
        "{} {article} {}",
        day_label(local.date(), today),
        time_12h(local.time())
    )
}

/// A phone number as people read it: "+52 55 1234 5678" for Mexican
/// numbers (E.164 `+52` and ten digits), "+34 612 34 56 78" for Spanish
/// ones (`+34` and nine digits); anything else unchanged.
pub fn phone(e164: &str) -> String {
    let digits = |d: &str, n: usize| d.len() == n && d.chars().all(|c| c.is_ascii_digit());
    if let Some(d) = e164.strip_prefix("+52").filter(|d| digits(d, 10)) {
        return format!("+52 {} {} {}", &d[..2], &d[2..6], &d[6..]);
    }
    if let Some(d) = e164.strip_prefix("+34").filter(|d| digits(d, 9)) {
        return format!("+34 {} {} {} {}", &d[..3], &d[3..5], &d[5..7], &d[7..]);
    }
    e164.to_string()
}

/// Uppercases the first character, for a line that opens a message:
/// "viernes 15 de enero" → "Viernes 15 de enero".
pub fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn prices() {
        assert_eq!(price(15_000, "MXN"), "$150");
        assert_eq!(price(125_000, "MXN"), "$1,250");
        assert_eq!(price(15_050, "MXN"), "$150.50");
        assert_eq!(price(15_005, "mxn"), "$150.05");
        assert_eq!(price(0, "MXN"), "$0");
        assert_eq!(price(123_456_700, ""), "$1,234,567");
        assert_eq!(price(-15_000, "MXN"), "-$150");
        assert_eq!(price(15_000, "EUR"), "150 €");
        assert_eq!(price(125_050, "EUR"), "1.250,50 €");
        assert_eq!(price(2_000, "USD"), "$20 USD");
        assert_eq!(price(2_000, "cop"), "20 COP");
        assert_eq!(mxn(40_000), "$400");
    }

    #[test]
    fn dates() {
        let today = d(2026, 1, 12);
        assert_eq!(date_long(d(2026, 1, 16), today), "viernes 16 de enero");
        assert_eq!(date_long(d(2026, 8, 1), today), "sábado 1 de agosto");
        assert_eq!(
            date_long(d(2026, 9, 16), today),
            "miércoles 16 de septiembre"
        );
        assert_eq!(
            date_long(d(2027, 1, 15), today),
            "viernes 15 de enero de 2027"
        );
        assert_eq!(weekday_name(Weekday::Sun), "domingo");
        assert_eq!(month_name(12), "diciembre");
        assert_eq!(month_name(13), "");
    }

    #[test]
    fn day_labels() {
        let today = d(2026, 1, 14); // miércoles
        assert_eq!(day_label(today, today), "hoy");
        assert_eq!(day_label(d(2026, 1, 15), today), "mañana");
        assert_eq!(day_label(d(2026, 1, 16), today), "pasado mañana");
        assert_eq!(day_label(d(2026, 1, 13), today), "ayer");
        assert_eq!(day_label(d(2026, 1, 17), today), "sábado 17 de enero");
        let dec = d(2026, 12, 31);
        assert_eq!(day_label(d(2027, 1, 1), dec), "mañana");
        assert_eq!(day_label(d(2027, 1, 8), dec), "viernes 8 de enero de 2027");
        assert_eq!(
            day_label_with_weekday(d(2026, 1, 15), today),
            "mañana jueves"
        );
        assert_eq!(day_label_with_weekday(today, today), "hoy miércoles");
        assert_eq!(
            day_label_with_weekday(d(2026, 1, 20), today),
            "martes 20 de enero"
        );
    }

    #[test]
    fn times() {
        assert_eq!(time_12h(t(15, 0)), "3:00 PM");
        assert_eq!(time_12h(t(10, 30)), "10:30 AM");
        assert_eq!(time_12h(t(12, 0)), "12:00 PM");
        assert_eq!(time_12h(t(0, 5)), "12:05 AM");
        assert_eq!(time_12h(t(23, 59)), "11:59 PM");
        assert_eq!(time_range(t(14, 0), t(15, 0)), "2:00 PM - 3:00 PM");
    }

    #[test]
    fn durations() {
        assert_eq!(duration(0), "0 min");
        assert_eq!(duration(45), "45 min");
        assert_eq!(duration(60), "1 hora");
        assert_eq!(duration(75), "1 h 15 min");
        assert_eq!(duration(90), "1 h 30 min");
        assert_eq!(duration(120), "2 horas");
        assert_eq!(duration(150), "2 h 30 min");
    }

    #[test]
    fn lists() {
        let none: [&str; 0] = [];
        assert_eq!(join_and(&none), "");
        assert_eq!(join_and(&["corte"]), "corte");
        assert_eq!(join_and(&["corte", "barba"]), "corte y barba");
        assert_eq!(
            join_and(&["corte", "barba", "tinte"]),
            "corte, barba y tinte"
        );
        assert_eq!(join_and(&["corte", "hidratación"]), "corte e hidratación");
        assert_eq!(
            join_and(&["manicure", "Iluminación"]),
            "manicure e Iluminación"
        );
        assert_eq!(join_and(&["agua", "hielo"]), "agua y hielo");
        let owned = vec!["Pedro".to_string(), "Luis".to_string()];
        assert_eq!(join_and(&owned), "Pedro y Luis");
        assert_eq!(
            join_or(&["corte de cabello", "corte y barba"]),
            "corte de cabello o corte y barba"
        );
        assert_eq!(join_or(&["siete", "ocho"]), "siete u ocho");
        assert_eq!(join_or(&["a", "b", "c"]), "a, b o c");
    }

    #[test]
    fn slots() {
        let today = d(2026, 1, 14);
        let at = |date: NaiveDate, h, m| date.and_time(t(h, m));
        assert_eq!(
            slot_label(at(d(2026, 1, 15), 16, 0), today),
            "mañana a las 4:00 PM"
        );
        assert_eq!(slot_label(at(today, 10, 30), today), "hoy a las 10:30 AM");
        assert_eq!(
            slot_label(at(d(2026, 1, 15), 13, 0), today),
            "mañana a la 1:00 PM"
        );
        assert_eq!(
            slot_label(at(d(2026, 1, 16), 12, 0), today),
            "pasado mañana a las 12:00 PM"
        );
        assert_eq!(
            slot_label(at(d(2026, 1, 23), 17, 30), today),
            "viernes 23 de enero a las 5:30 PM"
        );
    }

    #[test]
    fn capitalizes() {
        assert_eq!(capitalize("viernes 15 de enero"), "Viernes 15 de enero");
        assert_eq!(capitalize("ésta"), "Ésta");
        assert_eq!(capitalize(""), "");
    }

    #[test]
    fn phones_read_in_groups() {
        assert_eq!(phone("+525512345678"), "+52 55 1234 5678");
        assert_eq!(phone("+14155550100"), "+14155550100");
        assert_eq!(phone("+34612345678"), "+34 612 34 56 78");
        assert_eq!(phone("+3461234567"), "+3461234567");
    }
}
