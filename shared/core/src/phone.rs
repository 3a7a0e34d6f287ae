//! The one phone-number normaliser: everything that identifies a person by
//! phone goes through [`normalize`], so "55 1234 5678" typed by an owner and
//! "whatsapp:+5215512345678" delivered by Twilio are the same person.
//!
//! Parsing and validation are libphonenumber's (`phonenumber` crate). Two
//! Mexican legacies it does not undo are stripped first (measured, see
//! design.md §5): the mobile "1" after +52 that WhatsApp still sends, and
//! the old "044"/"045" mobile prefixes (and "01" long-distance prefix).

use phonenumber::country::Id as Country;
use phonenumber::Mode;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("número vacío")]
    Empty,
    #[error("«{0}» no parece un número de teléfono válido")]
    Invalid(String),
}

/// Default region for numbers typed without a country code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    Mexico,
    Spain,
}

impl Region {
    fn country(self) -> Country {
        match self {
            Region::Mexico => Country::MX,
            Region::Spain => Country::ES,
        }
    }

    /// The region a business's zone implies for numbers typed locally.
    pub fn for_timezone(tz: &str) -> Region {
        if tz.starts_with("Europe/") || tz.starts_with("Atlantic/Canary") {
            Region::Spain
        } else {
            Region::Mexico
        }
    }
}

/// Normalises a phone number to E.164 ("+525512345678").
pub fn normalize(raw: &str, default_region: Region) -> Result<String, PhoneError> {
    let trimmed = raw.trim();
    let without_channel = trimmed
        .strip_prefix("whatsapp:")
        .or_else(|| trimmed.strip_prefix("WhatsApp:"))
        .unwrap_or(trimmed);
    let has_plus = without_channel.trim_start().starts_with('+');
    let mut digits: String = without_channel
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    if digits.is_empty() {
        return Err(PhoneError::Empty);
    }

    let mut international = has_plus;
    if !has_plus {
        if let Some(rest) = digits.strip_prefix("00") {
            // International dialling prefix used in Mexico and Spain.
            digits = rest.to_string();
            international = true;
        }
    }

    let candidate = if international {
        format!("+{}", strip_mexican_mobile_one(&digits))
    } else if default_region == Region::Mexico {
        national_mexican(&digits)
    } else {
        digits.clone()
    };

    let parsed = phonenumber::parse(Some(default_region.country()), &candidate)
        .map_err(|_| PhoneError::Invalid(raw.trim().to_string()))?;
    if !phonenumber::is_valid(&parsed) {
        return Err(PhoneError::Invalid(raw.trim().to_string()));
    }
    Ok(parsed.format().mode(Mode::E164).to_string())
}

/// "521" + 10 digits → "52" + 10 digits (WhatsApp's legacy mobile format).
fn strip_mexican_mobile_one(digits: &str) -> String {
    match digits.strip_prefix("521") {
        Some(rest) if rest.len() == 10 => format!("52{rest}"),
        _ => digits.to_string(),
    }
}

/// National Mexican input: drop the pre-2019 dialling prefixes "044"/"045"
/// (mobile) and "01" (long distance), and a bare "52"/"521" country code
/// typed without "+".
fn national_mexican(digits: &str) -> String {
    for prefix in ["044", "045", "01"] {
        if let Some(rest) = digits.strip_prefix(prefix) {
            if rest.len() == 10 {
                return rest.to_string();
            }
        }
    }
    if digits.len() == 13 && digits.starts_with("521") {
        return format!("+52{}", &digits[3..]);
    }
    if digits.len() == 12 && digits.starts_with("52") {
        return format!("+{digits}");
    }
    digits.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CARLOS: &str = "+525512345678";

    #[test]
    fn mexican_inputs_resolve_to_one_identity() {
        for raw in [
            "55 1234 5678",
            "5512345678",
            "(55) 1234-5678",
            "+52 55 1234 5678",
            "+52 1 55 1234 5678",
            "+5215512345678",
            "whatsapp:+5215512345678",
            "whatsapp:+525512345678",
            "044 55 1234 5678",
            "045 55 1234 5678",
            "01 55 1234 5678",
            "00 52 55 1234 5678",
            "0052 1 55 1234 5678",
            "525512345678",
            "5215512345678",
        ] {
            assert_eq!(
                normalize(raw, Region::Mexico).as_deref(),
                Ok(CARLOS),
                "{raw}"
            );
        }
    }

    #[test]
    fn guadalajara_and_monterrey_numbers() {
        assert_eq!(
            normalize("33 1234 5678", Region::Mexico).unwrap(),
            "+523312345678"
        );
        assert_eq!(
            normalize("whatsapp:+5218112345678", Region::Mexico).unwrap(),
            "+528112345678"
        );
    }

    #[test]
    fn spanish_numbers() {
        for raw in [
            "612 34 56 78",
            "+34 612 34 56 78",
            "whatsapp:+34612345678",
            "0034612345678",
        ] {
            assert_eq!(
                normalize(raw, Region::Spain).as_deref(),
                Ok("+34612345678"),
                "{raw}"
            );
        }
        // A Spanish number typed with its code is still Spanish for a
        // Mexican business.
        assert_eq!(
            normalize("+34 612 34 56 78", Region::Mexico).unwrap(),
            "+34612345678"
        );
    }

    #[test]
    fn us_numbers_keep_their_country() {
        assert_eq!(
            normalize("whatsapp:+14155552671", Region::Mexico).unwrap(),
            "+14155552671"
        );
    }

    #[test]
    fn garbage_is_rejected_with_a_spanish_message() {
        assert_eq!(normalize("   ", Region::Mexico), Err(PhoneError::Empty));
        assert_eq!(normalize("hola", Region::Mexico), Err(PhoneError::Empty));
        let err = normalize("12345", Region::Mexico).unwrap_err();
        assert!(err.to_string().contains("no parece"), "{err}");
        assert!(normalize("+52 55 1234", Region::Mexico).is_err());
    }

    #[test]
    fn region_follows_the_zone() {
        assert_eq!(Region::for_timezone("Europe/Madrid"), Region::Spain);
        assert_eq!(Region::for_timezone("America/Tijuana"), Region::Mexico);
    }
}
