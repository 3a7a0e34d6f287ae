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

    let valid = |country: Country, candidate: &str| {
        phonenumber::parse(Some(country), candidate)
            .ok()
            .filter(phonenumber::is_valid)
    };
    // A number that cannot be the business's country's, typed without a
    // code, is tried as the other's: a Madrid customer's «612 45 78 90»
    // at a shop in Guadalajara (Mexican numbers have 10 digits, Spanish
    // ones 9).
    let other = match default_region {
        Region::Mexico => Region::Spain,
        Region::Spain => Region::Mexico,
    };
    let parsed = valid(default_region.country(), &candidate)
        .or_else(|| {
            (!international)
                .then(|| {
                    let theirs = match other {
                        Region::Mexico => national_mexican(&digits),
                        Region::Spain => digits.clone(),
                    };
                    valid(other.country(), &theirs)
                })
                .flatten()
        })
        .ok_or_else(|| PhoneError::Invalid(raw.trim().to_string()))?;
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

/// Where a business most likely is, from its owner's number (E.164): the
/// country (ISO code, for number searches) and the IANA zone, with the
/// zone's name in Spanish for the owner to confirm. Mexico is Mexico City
/// time unless the area code belongs to a region that keeps another clock
/// (Baja California, Quintana Roo, Sonora, Chihuahua, the Pacific coast);
/// Spain is Madrid (the Canaries their own). `None` outside both.
pub fn zone_for_number(e164: &str) -> Option<Zone> {
    let digits = e164.trim().trim_start_matches('+');
    if let Some(national) = digits.strip_prefix("52") {
        // WhatsApp's legacy mobile "1" after +52.
        let national = if national.len() == 11 && national.starts_with('1') {
            &national[1..]
        } else {
            national
        };
        let area3 = national.get(..3).unwrap_or("");
        let area2 = national.get(..2).unwrap_or("");
        let tz = match (area3, area2) {
            ("664" | "686" | "646" | "665" | "661" | "616", _) => "America/Tijuana",
            ("998" | "984" | "983" | "987" | "997", _) => "America/Cancun",
            ("662" | "631" | "644" | "642" | "653", _) => "America/Hermosillo",
            ("614" | "625" | "627" | "628" | "639" | "656", _) => "America/Chihuahua",
            ("669" | "667" | "612" | "624" | "311" | "668" | "687", _) => "America/Mazatlan",
            (_, "81") => "America/Monterrey",
            ("999" | "981" | "982", _) => "America/Merida",
            _ => crate::DEFAULT_TIMEZONE,
        };
        return Some(Zone::new("MX", tz));
    }
    if let Some(national) = digits.strip_prefix("34") {
        let tz = if national.starts_with("928") || national.starts_with("922") {
            "Atlantic/Canary"
        } else {
            "Europe/Madrid"
        };
        return Some(Zone::new("ES", tz));
    }
    None
}

/// A business's country and zone.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Zone {
    /// ISO 3166 code: "MX", "ES".
    pub country: String,
    /// IANA zone.
    pub timezone: String,
}

impl Zone {
    pub fn new(country: &str, timezone: &str) -> Self {
        Self {
            country: country.into(),
            timezone: timezone.into(),
        }
    }

    /// The zone as an owner would name it.
    pub fn label(&self) -> &'static str {
        zone_label(&self.timezone)
    }

    /// The zone an owner names ("estoy en Tijuana", "hora de Cancún").
    pub fn named_in(text: &str) -> Option<Zone> {
        let t = crate::es::fuzzy::normalize(text);
        ZONE_NAMES
            .iter()
            .find(|(words, _, _)| words.iter().any(|w| t.contains(w)))
            .map(|(_, country, tz)| Zone::new(country, tz))
    }
}

const ZONE_NAMES: &[(&[&str], &str, &str)] = &[
    (
        &["tijuana", "mexicali", "ensenada", "baja california"],
        "MX",
        "America/Tijuana",
    ),
    (
        &[
            "cancun",
            "quintana roo",
            "playa del carmen",
            "tulum",
            "chetumal",
        ],
        "MX",
        "America/Cancun",
    ),
    (&["hermosillo", "sonora"], "MX", "America/Hermosillo"),
    (&["chihuahua", "juarez"], "MX", "America/Chihuahua"),
    (
        &[
            "mazatlan",
            "culiacan",
            "sinaloa",
            "la paz",
            "los cabos",
            "nayarit",
        ],
        "MX",
        "America/Mazatlan",
    ),
    (&["monterrey"], "MX", "America/Monterrey"),
    (&["merida", "yucatan"], "MX", "America/Merida"),
    (
        &[
            "ciudad de mexico",
            "cdmx",
            "guadalajara",
            "puebla",
            "queretaro",
            "centro",
        ],
        "MX",
        "America/Mexico_City",
    ),
    (
        &["canarias", "tenerife", "gran canaria"],
        "ES",
        "Atlantic/Canary",
    ),
    (
        &["madrid", "espana", "barcelona", "valencia", "sevilla"],
        "ES",
        "Europe/Madrid",
    ),
];

/// Spanish name of a supported zone.
pub fn zone_label(tz: &str) -> &'static str {
    match tz {
        "America/Tijuana" => "Tijuana (hora del Pacífico)",
        "America/Cancun" => "Cancún (hora del Sureste)",
        "America/Hermosillo" => "Sonora",
        "America/Chihuahua" => "Chihuahua",
        "America/Mazatlan" => "Mazatlán (hora del Pacífico mexicano)",
        "America/Monterrey" => "Monterrey (hora del Centro)",
        "America/Merida" => "Mérida (hora del Centro)",
        "Europe/Madrid" => "Madrid (hora peninsular)",
        "Atlantic/Canary" => "Canarias",
        _ => "Ciudad de México (hora del Centro)",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn zones_from_owner_numbers() {
        let z = |n: &str| super::zone_for_number(n).map(|z| z.timezone);
        assert_eq!(z("+525512345678").as_deref(), Some("America/Mexico_City"));
        assert_eq!(z("+5216641234567").as_deref(), Some("America/Tijuana"));
        assert_eq!(z("+529981234567").as_deref(), Some("America/Cancun"));
        assert_eq!(z("+34612345678").as_deref(), Some("Europe/Madrid"));
        assert_eq!(z("+14155550100"), None);
        assert_eq!(
            super::Zone::named_in("no, estoy en Cancun")
                .map(|z| z.timezone)
                .as_deref(),
            Some("America/Cancun")
        );
    }

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
        // Typed without it, nine digits cannot be Mexican; ten cannot be
        // Spanish.
        assert_eq!(
            normalize("612 45 78 90", Region::Mexico).unwrap(),
            "+34612457890"
        );
        assert_eq!(
            normalize("33 1234 5678", Region::Spain).unwrap(),
            "+523312345678"
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
