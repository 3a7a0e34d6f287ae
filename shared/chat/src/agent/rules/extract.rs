//! Pure readers of what a message says, shared by the rule flows (staff,
//! owners, onboarding): a person's name, a price, a duration, weekdays.
//! No I/O; `props.rs` checks that no text can make them panic.

use chrono::Weekday;
use parlo_core::es::format;
use parlo_core::es::fuzzy::normalize;

/// A person's name as typed: trimmed, without "se llama", capitalised.
pub(crate) fn clean_name(text: &str) -> String {
    let t = text
        .trim()
        .trim_matches(|c: char| ".,!¡¿?".contains(c))
        .trim();
    let t = [
        "se llama ",
        "es ",
        "llámame ",
        "llamame ",
        "dime ",
        "soy ",
        "me llamo ",
    ]
    .iter()
    // Offsets in the original text: lowercasing may change lengths.
    .find_map(|p| {
        parlo_core::es::find_ci(t, p)
            .filter(|at| at.start == 0)
            .map(|at| t[at.end..].trim())
    })
    .unwrap_or(t);
    t.split_whitespace()
        .map(format::capitalize)
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(60)
        .collect()
}

pub(crate) const WEEKDAYS: [(&str, Weekday); 7] = [
    ("lunes", Weekday::Mon),
    ("martes", Weekday::Tue),
    ("miercoles", Weekday::Wed),
    ("jueves", Weekday::Thu),
    ("viernes", Weekday::Fri),
    ("sabado", Weekday::Sat),
    ("domingo", Weekday::Sun),
];

/// The weekdays a message names: "el sábado", "de lunes a viernes",
/// "entre semana", "fin de semana", "diario".
pub(crate) fn weekdays_in(text: &str) -> Vec<Weekday> {
    let n = normalize(text);
    let words: Vec<&str> = n.split_whitespace().collect();
    if n.contains("entre semana") {
        return WEEKDAYS[..5].iter().map(|w| w.1).collect();
    }
    if n.contains("fin de semana") {
        return vec![Weekday::Sat, Weekday::Sun];
    }
    if n.contains("diario") || n.contains("todos los dias") {
        return WEEKDAYS.iter().map(|w| w.1).collect();
    }
    let day_at = |w: &str| {
        WEEKDAYS
            .iter()
            .position(|(name, _)| w.trim_end_matches('s') == name.trim_end_matches('s'))
    };
    let mut found = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let Some(a) = day_at(w) else { continue };
        // "lunes a viernes": a range.
        if let (Some(&"a"), Some(b)) = (words.get(i + 1), words.get(i + 2).and_then(|w| day_at(w)))
        {
            if b >= a {
                found.extend((a..=b).map(|k| WEEKDAYS[k].1));
                continue;
            }
        }
        found.push(WEEKDAYS[a].1);
    }
    found.dedup();
    found
}

/// A price in the message: "$180", "cuesta 180", "a 180 pesos".
pub(crate) fn price_in(text: &str) -> Option<i64> {
    if let Some(i) = text.find('$') {
        let digits: String = text[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ',')
            .filter(char::is_ascii_digit)
            .collect();
        if let Ok(v) = digits.parse::<i64>() {
            // Checked: "$92233720368547758" must not overflow (issue 11).
            return v.checked_mul(100);
        }
    }
    let n = normalize(text);
    let words: Vec<&str> = n.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        let Ok(v) = w.parse::<i64>() else { continue };
        let next = words.get(i + 1).copied().unwrap_or("");
        let before = &words[..i];
        if next.starts_with("peso")
            || before
                .iter()
                .any(|b| ["cuesta", "cueste", "precio", "cobra", "cobramos", "vale"].contains(b))
                && !next.starts_with("min")
                && !next.starts_with("hora")
        {
            return v.checked_mul(100);
        }
    }
    None
}

/// A duration in the message: "45 minutos", "1 hora", "hora y media".
pub(crate) fn duration_in(text: &str) -> Option<u32> {
    let n = normalize(text);
    let words: Vec<&str> = n.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        let next = words.get(i + 1).copied().unwrap_or("");
        let half = words.get(i + 2) == Some(&"y") && words.get(i + 3) == Some(&"media");
        let value = match *w {
            "una" | "un" => Some(1),
            _ => w.parse::<u32>().ok(),
        };
        if let Some(v) = value {
            if next.starts_with("min") {
                return Some(v);
            }
            if next.starts_with("hora") || next == "h" || next == "hr" || next == "hrs" {
                // Checked: "4294967295 horas" must not overflow (issue 11).
                return v
                    .checked_mul(60)
                    .and_then(|m| m.checked_add(if half { 30 } else { 0 }));
            }
        }
    }
    n.contains("hora y media").then_some(90)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_and_durations() {
        assert_eq!(price_in("el corte ahora cuesta $180"), Some(18000));
        assert_eq!(price_in("cobra 250 pesos la barba"), Some(25000));
        assert_eq!(price_in("el corte dura 45 minutos"), None);
        assert_eq!(duration_in("el corte dura 45 minutos"), Some(45));
        assert_eq!(duration_in("tinte 2 horas y media"), Some(150));
        assert_eq!(duration_in("cuesta $180"), None);
    }

    #[test]
    fn weekdays() {
        assert_eq!(
            weekdays_in("el sábado abrimos de 10 a 6"),
            vec![Weekday::Sat]
        );
        assert_eq!(weekdays_in("de lunes a miércoles de 9 a 7").len(), 3);
        assert_eq!(weekdays_in("los domingos cerramos"), vec![Weekday::Sun]);
    }

    #[test]
    fn names() {
        assert_eq!(clean_name("se llama ana lópez."), "Ana López");
    }
}
