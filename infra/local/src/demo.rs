//! The local stack's demo businesses (`make dev` seeds them on first
//! start): "Barbería Don Carlos" in Guadalajara with its owner, a
//! not-yet-onboarded barber, three services and two chairs; and
//! "Salón Lucía" in Madrid ([`madrid`]), which speaks Spain's Spanish
//! (24-hour times, euros). Fixed ids, so seeding twice changes nothing.

use chrono::{DateTime, Utc};
use parlo_core::*;
use parlo_store::{Store, StoreError};
use uuid::Uuid;

pub const CENTRAL_NUMBER: &str = "+525500000000";
pub const BUSINESS_NUMBER: &str = "+525500000001";
pub const OWNER_PHONE: &str = "+525512345678";
pub const STAFF_PHONE: &str = "+525511112222";

pub const ORG_ID: Uuid = Uuid::from_u128(0x0000_d3a0_0000_4000_8000_0000_0000_0001);
const LOCATION_ID: Uuid = Uuid::from_u128(0x0000_d3a0_0000_4000_8000_0000_0000_0002);
pub const OWNER_ID: Uuid = Uuid::from_u128(0x0000_d3a0_0000_4000_8000_0000_0000_0010);
pub const STAFF_ID: Uuid = Uuid::from_u128(0x0000_d3a0_0000_4000_8000_0000_0000_0011);
const SERVICE_IDS: [Uuid; 3] = [
    Uuid::from_u128(0x0000_d3a0_0000_4000_8000_0000_0000_0020),
    Uuid::from_u128(0x0000_d3a0_0000_4000_8000_0000_0000_0021),
    Uuid::from_u128(0x0000_d3a0_0000_4000_8000_0000_0000_0022),
];
const SPOT_IDS: [Uuid; 2] = [
    Uuid::from_u128(0x0000_d3a0_0000_4000_8000_0000_0000_0030),
    Uuid::from_u128(0x0000_d3a0_0000_4000_8000_0000_0000_0031),
];

/// What seeding did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seeded {
    Created,
    AlreadyThere,
}

/// One demo business as data.
struct Spec {
    org_id: Uuid,
    location_id: Uuid,
    name: &'static str,
    number: &'static str,
    timezone: &'static str,
    business_type: &'static str,
    address: &'static str,
    /// Monday..Saturday opening hours; Sunday closed.
    weekday: TimeRange,
    saturday: TimeRange,
    /// (name, minutes, cents) with their ids.
    services: Vec<((&'static str, u32, i64), Uuid)>,
    currency: &'static str,
    spots: Vec<(&'static str, Uuid)>,
    /// (id, name, phone, owner, onboarded, spot index).
    people: Vec<(Uuid, &'static str, &'static str, bool, bool, usize)>,
}

/// Seeds the demo business unless a business already owns its number.
pub async fn seed(store: &Store, now: DateTime<Utc>) -> Result<Seeded, StoreError> {
    seed_spec(
        store,
        Spec {
            org_id: ORG_ID,
            location_id: LOCATION_ID,
            name: "Barbería Don Carlos",
            number: BUSINESS_NUMBER,
            timezone: DEFAULT_TIMEZONE,
            business_type: "barbería",
            address: "Av. Chapultepec 123, Guadalajara",
            weekday: TimeRange::hm((10, 0), (20, 0)),
            saturday: TimeRange::hm((10, 0), (18, 0)),
            services: [
                ("Corte de cabello", 45, 15_000),
                ("Arreglo de barba", 30, 10_000),
                ("Corte y barba", 75, 22_000),
            ]
            .into_iter()
            .zip(SERVICE_IDS)
            .collect(),
            currency: "MXN",
            spots: ["Silla 1", "Silla 2"].into_iter().zip(SPOT_IDS).collect(),
            people: vec![
                (OWNER_ID, "Carlos", OWNER_PHONE, true, true, 0),
                (STAFF_ID, "Pedro", STAFF_PHONE, false, false, 1),
            ],
        },
        now,
    )
    .await
}

/// The Madrid demo business: "Salón Lucía", Europe/Madrid, euros, its own
/// number; the owner Lucía and the stylist Marta (already onboarded, so she
/// can ask for her agenda at once).
pub mod madrid {
    use uuid::Uuid;

    pub const NAME: &str = "Salón Lucía";
    pub const TIMEZONE: &str = "Europe/Madrid";
    pub const BUSINESS_NUMBER: &str = "+34910000001";
    pub const OWNER_PHONE: &str = "+34612000001";
    pub const STAFF_PHONE: &str = "+34622000002";
    pub const ORG_ID: Uuid = Uuid::from_u128(0x0000_d3a0_0000_4000_8000_0000_0034_0001);
    pub(super) const LOCATION_ID: Uuid = Uuid::from_u128(0x0000_d3a0_0000_4000_8000_0000_0034_0002);
    pub const OWNER_ID: Uuid = Uuid::from_u128(0x0000_d3a0_0000_4000_8000_0000_0034_0010);
    pub const STAFF_ID: Uuid = Uuid::from_u128(0x0000_d3a0_0000_4000_8000_0000_0034_0011);
    pub(super) const SERVICE_IDS: [Uuid; 3] = [
        Uuid::from_u128(0x0000_d3a0_0000_4000_8000_0000_0034_0020),
        Uuid::from_u128(0x0000_d3a0_0000_4000_8000_0000_0034_0021),
        Uuid::from_u128(0x0000_d3a0_0000_4000_8000_0000_0034_0022),
    ];
    pub(super) const SPOT_IDS: [Uuid; 2] = [
        Uuid::from_u128(0x0000_d3a0_0000_4000_8000_0000_0034_0030),
        Uuid::from_u128(0x0000_d3a0_0000_4000_8000_0000_0034_0031),
    ];
}

/// Seeds the Madrid demo business unless a business already owns its
/// number.
pub async fn seed_madrid(store: &Store, now: DateTime<Utc>) -> Result<Seeded, StoreError> {
    seed_spec(
        store,
        Spec {
            org_id: madrid::ORG_ID,
            location_id: madrid::LOCATION_ID,
            name: madrid::NAME,
            number: madrid::BUSINESS_NUMBER,
            timezone: madrid::TIMEZONE,
            business_type: "peluquería",
            address: "Calle de Fuencarral 45, Madrid",
            weekday: TimeRange::hm((10, 0), (20, 0)),
            saturday: TimeRange::hm((10, 0), (14, 0)),
            services: [
                ("Corte de pelo", 45, 2_500),
                ("Corte y peinado", 60, 3_500),
                ("Tinte", 90, 4_550),
            ]
            .into_iter()
            .zip(madrid::SERVICE_IDS)
            .collect(),
            currency: "EUR",
            spots: ["Puesto 1", "Puesto 2"]
                .into_iter()
                .zip(madrid::SPOT_IDS)
                .collect(),
            people: vec![
                (
                    madrid::OWNER_ID,
                    "Lucía",
                    madrid::OWNER_PHONE,
                    true,
                    true,
                    0,
                ),
                (
                    madrid::STAFF_ID,
                    "Marta",
                    madrid::STAFF_PHONE,
                    false,
                    true,
                    1,
                ),
            ],
        },
        now,
    )
    .await
}

async fn seed_spec(store: &Store, spec: Spec, now: DateTime<Utc>) -> Result<Seeded, StoreError> {
    let org_id = spec.org_id;
    if store.organization_by_whatsapp(spec.number).await?.is_some()
        || store.get_organization(org_id).await?.is_some()
    {
        return Ok(Seeded::AlreadyThere);
    }
    let org = Organization {
        id: org_id,
        name: spec.name.into(),
        whatsapp_number: Some(spec.number.into()),
        timezone: spec.timezone.into(),
        status: OrgStatus::Active,
        settings: OrgSettings {
            business_type: Some(spec.business_type.into()),
            ..OrgSettings::default()
        },
        onboarding_state: Some("completed".into()),
        onboarding_data: serde_json::json!({}),
        last_message_at: None,
        created_at: now,
        updated_at: now,
    };
    let weekday = vec![spec.weekday];
    let location = Location {
        id: spec.location_id,
        org_id,
        name: spec.name.into(),
        address: Some(spec.address.into()),
        is_primary: true,
        business_hours: WeeklyHours {
            days: [
                weekday.clone(),
                weekday.clone(),
                weekday.clone(),
                weekday.clone(),
                weekday,
                vec![spec.saturday],
                vec![],
            ],
        },
        created_at: now,
        updated_at: now,
    };
    let service_ids: Vec<Uuid> = spec.services.iter().map(|(_, id)| *id).collect();
    let services: Vec<ServiceType> = spec
        .services
        .iter()
        .map(|&((name, minutes, cents), id)| ServiceType {
            id,
            org_id,
            name: name.into(),
            description: None,
            duration_minutes: minutes,
            price_cents: cents,
            currency: spec.currency.into(),
            is_active: true,
            buffer_minutes: 0,
            created_at: now,
            updated_at: now,
        })
        .collect();
    let spots: Vec<Spot> = spec
        .spots
        .iter()
        .enumerate()
        .map(|(i, &(name, id))| Spot {
            id,
            org_id,
            location_id: spec.location_id,
            name: name.into(),
            display_order: i as u32,
            is_active: true,
            service_ids: service_ids.clone(),
            created_at: now,
            updated_at: now,
        })
        .collect();
    let staff: Vec<Staff> = spec
        .people
        .iter()
        .map(|&(id, name, phone, owner, onboarded, spot)| Staff {
            id,
            org_id,
            location_id: Some(spec.location_id),
            name: name.into(),
            phone: phone.into(),
            role: if owner {
                StaffRole::Owner
            } else {
                StaffRole::Employee
            },
            permission_level: if owner {
                PermissionLevel::Owner
            } else {
                PermissionLevel::Staff
            },
            is_active: true,
            first_message_at: onboarded.then_some(now),
            default_spot_id: Some(spec.spots[spot].1),
            service_ids: service_ids.clone(),
            bookable: true,
            created_at: now,
            updated_at: now,
        })
        .collect();

    store.create_organization(&org).await?;
    store.create_location(&location).await?;
    futures::future::try_join_all(services.iter().map(|s| store.create_service(s))).await?;
    futures::future::try_join_all(spots.iter().map(|s| store.create_spot(s))).await?;
    futures::future::try_join_all(staff.iter().map(|s| store.create_staff(s))).await?;
    Ok(Seeded::Created)
}
