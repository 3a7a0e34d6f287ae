//! Every key string of the table, and nothing else builds one
//! (docs/data-model.md, "Items"). Everything of a business starts with its
//! partition `ORG#<id>`; the GSI partitions of business data start with it
//! too, so no key here can reach across businesses.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use parlo_core::ledger::{LedgerKey, Resource};
use parlo_core::*;
use serde::Serialize;
use uuid::Uuid;

pub const PK: &str = "PK";
pub const SK: &str = "SK";
pub const TYPE: &str = "type";
pub const VERSION: &str = "version";
pub const TTL: &str = "ttl";

/// A global secondary index: its name and key attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gsi {
    pub name: &'static str,
    pub pk: &'static str,
    pub sk: &'static str,
}

pub const GSI1: Gsi = Gsi {
    name: "GSI1",
    pk: "GSI1PK",
    sk: "GSI1SK",
};
pub const GSI2: Gsi = Gsi {
    name: "GSI2",
    pk: "GSI2PK",
    sk: "GSI2SK",
};
pub const GSI3: Gsi = Gsi {
    name: "GSI3",
    pk: "GSI3PK",
    sk: "GSI3SK",
};

/// The `type` attribute of each kind of item.
pub mod kind {
    pub const ORG: &str = "org";
    pub const WA: &str = "wa_number";
    pub const LOCATION: &str = "location";
    pub const STAFF: &str = "staff";
    pub const STAFF_PHONE: &str = "staff_phone";
    pub const SERVICE: &str = "service";
    pub const SPOT: &str = "spot";
    pub const CUSTOMER: &str = "customer";
    pub const CUSTOMER_PHONE: &str = "customer_phone";
    pub const APPOINTMENT: &str = "appointment";
    pub const LEDGER: &str = "ledger";
    pub const RECURRING: &str = "availability_recurring";
    pub const EXCEPTION: &str = "availability_exception";
    pub const BLOCK: &str = "block";
    pub const CONVERSATION: &str = "conversation";
    pub const MESSAGE: &str = "message";
    pub const FLOW: &str = "flow_session";
    pub const INBOUND: &str = "inbound";
    pub const TOKEN: &str = "auth_token";
    pub const OUTBOX: &str = "outbox";
    pub const SERVICE_USE: &str = "service_use";
    pub const CUSTOMER_OPEN: &str = "customer_open";
}

/// An instant in a sort key: RFC 3339 UTC, whole seconds, fixed width
/// (`2026-11-23T16:00:00Z`), so lexical order is time order.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An instant with milliseconds, fixed width (`2026-11-23T16:00:00.123Z`),
/// for keys that order events within a second (messages).
pub fn ts_ms(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The serde name of a unit enum variant (`OrgStatus::Active` → `active`).
pub fn enum_str<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        other => panic!("not a unit enum: {other:?}"),
    }
}

// ---- business partition -------------------------------------------------

pub fn org_pk(org: OrgId) -> String {
    format!("ORG#{org}")
}
pub const ORG_SK: &str = "ORG";

/// Sort-key bounds of the catalogue range `ORG`, `SPOT#…`, `STAFF#…`,
/// `STAFFPHONE#…`, `SVC#…` (one query for A5). No other item kind may sort
/// inside it.
pub const CATALOGUE_FROM: &str = "ORG";
pub const CATALOGUE_TO: &str = "SVC$";

pub fn location_sk(id: LocationId) -> String {
    format!("LOC#{id}")
}
pub const LOCATION_PREFIX: &str = "LOC#";

pub fn staff_sk(id: StaffId) -> String {
    format!("STAFF#{id}")
}
pub const STAFF_PREFIX: &str = "STAFF#";
pub fn staff_phone_sk(e164: &str) -> String {
    format!("STAFFPHONE#{e164}")
}

pub fn service_sk(id: ServiceId) -> String {
    format!("SVC#{id}")
}
pub const SERVICE_PREFIX: &str = "SVC#";

pub fn spot_sk(id: SpotId) -> String {
    format!("SPOT#{id}")
}
pub const SPOT_PREFIX: &str = "SPOT#";

pub fn customer_sk(id: CustomerId) -> String {
    format!("CUST#{id}")
}
pub const CUSTOMER_PREFIX: &str = "CUST#";
/// A customer's open appointments, kept beside them (see `booking.rs`).
pub fn customer_open_sk(id: CustomerId) -> String {
    format!("CUSTOPEN#{id}")
}
pub fn customer_phone_sk(e164_or_prefix: &str) -> String {
    format!("CUSTPHONE#{e164_or_prefix}")
}

pub fn appointment_sk(id: AppointmentId) -> String {
    format!("APPT#{id}")
}
pub const APPOINTMENT_PREFIX: &str = "APPT#";

pub fn ledger_sk(key: &LedgerKey) -> String {
    match key.resource {
        Resource::Staff(s) => format!("LEDGER#STAFF#{s}#{}", key.date),
        Resource::Spot(p) => format!("LEDGER#SPOT#{p}#{}", key.date),
    }
}
pub const LEDGER_PREFIX: &str = "LEDGER#";

pub const AVAILABILITY_PREFIX: &str = "AVAIL#";
pub fn availability_staff_prefix(staff: StaffId) -> String {
    format!("AVAIL#{staff}#")
}
pub fn recurring_sk(staff: StaffId, id: AvailabilityId) -> String {
    format!("AVAIL#{staff}#R#{id}")
}
pub fn recurring_staff_prefix(staff: StaffId) -> String {
    format!("AVAIL#{staff}#R#")
}
pub fn exception_sk(staff: StaffId, date: NaiveDate, id: AvailabilityId) -> String {
    format!("AVAIL#{staff}#X#{date}#{id}")
}

/// Blocks sort by their end, so "still in force after t" is one range.
pub fn block_sk(end: DateTime<Utc>, id: BlockId) -> String {
    format!("BLOCK#{}#{id}", ts(end))
}
pub fn block_from(t: DateTime<Utc>) -> String {
    format!("BLOCK#{}", ts(t))
}
pub const BLOCK_TO: &str = "BLOCK#~";

pub fn conversation_sk(peer_e164: &str) -> String {
    format!("CONV#{peer_e164}")
}

/// GSI3 of a conversation: its id (the dashboard's `conversation_by_id`
/// is one bounded query, not a walk of the business's conversations).
pub fn conversation_id_gsi3pk(org: OrgId, id: uuid::Uuid) -> String {
    format!("ORG#{org}#CONVID#{id}")
}
pub const CONVERSATION_GSI3SK: &str = "CONV";

/// "This service was booked at least once": written with every booking,
/// so `service_in_use` is one `GetItem` (sorts after the catalogue range).
pub fn service_use_sk(service: uuid::Uuid) -> String {
    format!("SVCUSE#{service}")
}

pub fn message_sk(conversation: ConversationId, created: DateTime<Utc>, id: MessageId) -> String {
    format!("MSG#{conversation}#{}#{id}", ts_ms(created))
}
pub fn message_prefix(conversation: ConversationId) -> String {
    format!("MSG#{conversation}#")
}

pub fn flow_sk(conversation: ConversationId) -> String {
    format!("FLOW#{conversation}")
}

// ---- GSI keys -------------------------------------------------------------

/// GSI1 partition of everything a phone number is (staff, customer) across
/// businesses: holds ids only in its keys; the items are the business's own.
pub fn phone_gsi1pk(e164: &str) -> String {
    format!("PHONE#{e164}")
}
pub fn staff_gsi1sk(org: OrgId, staff: StaffId) -> String {
    format!("STAFF#{org}#{staff}")
}
pub fn customer_gsi1sk(org: OrgId, customer: CustomerId) -> String {
    format!("CUST#{org}#{customer}")
}

pub fn wa_pk(e164: &str) -> String {
    format!("WA#{e164}")
}
pub const WA_SK: &str = "WA";

pub const ORGS_GSI2PK: &str = "ORGS";
pub fn orgs_gsi2sk(status: OrgStatus, created: DateTime<Utc>, org: OrgId) -> String {
    format!("{}#{}#{org}", enum_str(&status), ts(created))
}

pub fn customer_name_gsi2pk(org: OrgId) -> String {
    format!("ORG#{org}#CUSTNAME")
}
pub fn customer_name_gsi2sk(folded_name: &str, customer: CustomerId) -> String {
    format!("{folded_name}#{customer}")
}

pub fn appointments_gsi1pk(org: OrgId) -> String {
    format!("ORG#{org}#APPT")
}
pub fn staff_appointments_gsi2pk(org: OrgId, staff: StaffId) -> String {
    format!("ORG#{org}#STAFF#{staff}")
}
pub fn customer_appointments_gsi3pk(org: OrgId, customer: CustomerId) -> String {
    format!("ORG#{org}#CUST#{customer}")
}
/// `<start>#<id>`: appointments sort by start on GSI1–3.
pub fn appointment_time_sk(start: DateTime<Utc>, id: AppointmentId) -> String {
    format!("{}#{id}", ts(start))
}

// ---- platform items (no business data) -----------------------------------

pub fn inbound_pk(message_sid: &str) -> String {
    format!("INBOUND#{message_sid}")
}
pub const INBOUND_SK: &str = "INBOUND";

/// Partition of outbound messages not tied to a business (the central
/// number talking to someone who has none yet).
pub const PLATFORM_PK: &str = "PLATFORM";

pub fn outbox_sk(key: &str) -> String {
    format!("OUT#{key}")
}
/// GSI1: an outbound message by Twilio's sid (status callbacks).
pub fn provider_sid_gsi1pk(sid: &str) -> String {
    format!("TWSID#{sid}")
}
pub const OUTBOX_GSI1SK: &str = "OUT";
/// GSI2: outbound messages by recipient, in order (the mock outbox).
pub fn outbox_to_gsi2pk(to_e164: &str) -> String {
    format!("OUTTO#{to_e164}")
}
pub fn outbox_to_gsi2sk(seq: &str, key: &str) -> String {
    format!("{seq}#{key}")
}

pub fn token_pk(token_hash: &str) -> String {
    format!("TOKEN#{token_hash}")
}
pub const TOKEN_SK: &str = "TOKEN";

// ---- name folding -----------------------------------------------------------

/// Folds a name for accent- and case-insensitive prefix search: lowercase,
/// accents stripped ("José Núñez" → "jose nunez"), whitespace collapsed to
/// single spaces and trimmed, `#` (the key separator) dropped.
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if c == '#' || ('\u{300}'..='\u{36f}').contains(&c) {
            // Key separator; combining marks of decomposed input.
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => out.push('a'),
            'æ' => out.push_str("ae"),
            'ç' | 'ć' | 'č' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' => out.push('i'),
            'ñ' | 'ń' | 'ň' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => out.push('o'),
            'œ' => out.push_str("oe"),
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'ß' => out.push_str("ss"),
            'š' | 'ś' | 'ş' => out.push('s'),
            'ğ' => out.push('g'),
            'ı' => out.push('i'),
            'ž' | 'ź' | 'ż' => out.push('z'),
            'ł' => out.push('l'),
            'ř' => out.push('r'),
            'ť' => out.push('t'),
            'ď' => out.push('d'),
            other => out.push(other),
        }
    }
    out
}

/// A fresh time-ordered id.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// One sender's inbound message counters for one UTC day (rate limits).
pub fn inbound_rate_sk(phone: &str, day: NaiveDate) -> String {
    format!("RATE#{phone}#{day}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_strips_accents_case_and_spacing() {
        assert_eq!(fold("José"), "jose");
        assert_eq!(fold("  MARÍA   José  Núñez "), "maria jose nunez");
        assert_eq!(fold("Jose\u{301}"), "jose", "decomposed accent");
        assert_eq!(fold("Ana#Bel"), "anabel");
        assert_eq!(fold("Çağla Øyvind"), "cagla oyvind");
    }

    #[test]
    fn sort_key_instants_are_fixed_width() {
        let t = DateTime::parse_from_rfc3339("2026-11-23T16:00:00.123456Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(ts(t), "2026-11-23T16:00:00Z");
        assert_eq!(ts_ms(t), "2026-11-23T16:00:00.123Z");
        let whole = DateTime::parse_from_rfc3339("2026-11-23T16:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(ts_ms(whole), "2026-11-23T16:00:00.000Z");
    }

    #[test]
    fn catalogue_range_holds_exactly_the_catalogue_kinds() {
        let id = Uuid::nil();
        let inside = [
            ORG_SK.to_string(),
            spot_sk(id),
            staff_sk(id),
            staff_phone_sk("+525512345678"),
            service_sk(id),
        ];
        let outside = [
            location_sk(id),
            customer_sk(id),
            customer_phone_sk("+52"),
            appointment_sk(id),
            ledger_sk(&LedgerKey {
                resource: Resource::Staff(id),
                date: NaiveDate::MIN,
            }),
            recurring_sk(id, id),
            block_sk(DateTime::<Utc>::UNIX_EPOCH, id),
            conversation_sk("+52"),
            message_sk(id, DateTime::<Utc>::UNIX_EPOCH, id),
            flow_sk(id),
            service_use_sk(id),
        ];
        for k in inside {
            assert!(
                CATALOGUE_FROM <= k.as_str() && k.as_str() <= CATALOGUE_TO,
                "{k}"
            );
        }
        for k in outside {
            assert!(
                !(CATALOGUE_FROM <= k.as_str() && k.as_str() <= CATALOGUE_TO),
                "{k}"
            );
        }
    }

    #[test]
    fn enum_names_follow_serde() {
        assert_eq!(enum_str(&OrgStatus::Onboarding), "onboarding");
        assert_eq!(
            orgs_gsi2sk(OrgStatus::Active, DateTime::<Utc>::UNIX_EPOCH, Uuid::nil()),
            "active#1970-01-01T00:00:00Z#00000000-0000-0000-0000-000000000000"
        );
    }
}
