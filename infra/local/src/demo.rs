//! The local stack's demo business (`make dev` seeds it on first start):
//! "Barbería Don Carlos" with its owner, a not-yet-onboarded barber, three
//! services and two chairs. Fixed ids, so seeding twice changes nothing.

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

/// Seeds the demo business unless a business already owns its number.
pub async fn seed(store: &Store, now: DateTime<Utc>) -> Result<Seeded, StoreError> {
    if store
        .organization_by_whatsapp(BUSINESS_NUMBER)
        .await?
        .is_some()
        || store.get_organization(ORG_ID).await?.is_some()
    {
        return Ok(Seeded::AlreadyThere);
    }
    let org = Organization {
        id: ORG_ID,
        name: "Barbería Don Carlos".into(),
        whatsapp_number: Some(BUSINESS_NUMBER.into()),
        timezone: DEFAULT_TIMEZONE.into(),
        status: OrgStatus::Active,
        settings: OrgSettings {
            business_type: Some("barbería".into()),
            ..OrgSettings::default()
        },
        onboarding_state: Some("completed".into()),
        onboarding_data: serde_json::json!({}),
        last_message_at: None,
        created_at: now,
        updated_at: now,
    };
    let weekday = vec![TimeRange::hm((10, 0), (20, 0))];
    let saturday = vec![TimeRange::hm((10, 0), (18, 0))];
    let location = Location {
        id: LOCATION_ID,
        org_id: ORG_ID,
        name: "Barbería Don Carlos".into(),
        address: Some("Av. Chapultepec 123, Guadalajara".into()),
        is_primary: true,
        business_hours: WeeklyHours {
            days: [
                weekday.clone(),
                weekday.clone(),
                weekday.clone(),
                weekday.clone(),
                weekday,
                saturday,
                vec![],
            ],
        },
        created_at: now,
        updated_at: now,
    };
    let services: Vec<ServiceType> = [
        ("Corte de cabello", 45, 15_000),
        ("Arreglo de barba", 30, 10_000),
        ("Corte y barba", 75, 22_000),
    ]
    .into_iter()
    .zip(SERVICE_IDS)
    .map(|((name, minutes, cents), id)| ServiceType {
        id,
        org_id: ORG_ID,
        name: name.into(),
        description: None,
        duration_minutes: minutes,
        price_cents: cents,
        currency: "MXN".into(),
        is_active: true,
        buffer_minutes: 0,
        created_at: now,
        updated_at: now,
    })
    .collect();
    let spots: Vec<Spot> = ["Silla 1", "Silla 2"]
        .into_iter()
        .zip(SPOT_IDS)
        .enumerate()
        .map(|(i, (name, id))| Spot {
            id,
            org_id: ORG_ID,
            location_id: LOCATION_ID,
            name: name.into(),
            display_order: i as u32,
            is_active: true,
            service_ids: SERVICE_IDS.to_vec(),
            created_at: now,
            updated_at: now,
        })
        .collect();
    let person = |id, name: &str, phone: &str, owner: bool, onboarded: bool, spot: usize| Staff {
        id,
        org_id: ORG_ID,
        location_id: Some(LOCATION_ID),
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
        default_spot_id: Some(SPOT_IDS[spot]),
        service_ids: SERVICE_IDS.to_vec(),
        bookable: true,
        created_at: now,
        updated_at: now,
    };
    let staff = [
        person(OWNER_ID, "Carlos", OWNER_PHONE, true, true, 0),
        person(STAFF_ID, "Pedro", STAFF_PHONE, false, false, 1),
    ];

    store.create_organization(&org).await?;
    store.create_location(&location).await?;
    futures::future::try_join_all(services.iter().map(|s| store.create_service(s))).await?;
    futures::future::try_join_all(spots.iter().map(|s| store.create_spot(s))).await?;
    futures::future::try_join_all(staff.iter().map(|s| store.create_staff(s))).await?;
    Ok(Seeded::Created)
}
