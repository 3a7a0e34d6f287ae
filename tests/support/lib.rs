//! Shared helpers for the integration tests.
//!
//! The tests run against the real local stack: DynamoDB Local at
//! `AWS_ENDPOINT_URL_DYNAMODB` (default `http://127.0.0.1:8000`), table
//! `TABLE_NAME` (default `parlo-local`), created by `infra/scripts/up.sh`
//! from template.yaml. They never create, wipe or scan the table: each
//! test makes its own businesses with fresh UUIDs and random phone
//! numbers, so tenant isolation keeps tests apart (and proves itself).

use std::collections::BTreeMap;

use aws_sdk_dynamodb::config::{Credentials, Region};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use parlo_core::*;
use parlo_store::Store;
use rand::Rng;
use uuid::Uuid;

pub use parlo_store;

pub const DEFAULT_ENDPOINT: &str = "http://127.0.0.1:8000";

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// A store on the local stack's table. Fills in what the environment
/// lacks: endpoint, region `us-east-1`, credentials `local`/`local`.
/// Panics with a hint when the table is not there.
pub async fn store() -> Store {
    let endpoint = env("AWS_ENDPOINT_URL_DYNAMODB")
        .or_else(|| env("AWS_ENDPOINT_URL"))
        .unwrap_or_else(|| DEFAULT_ENDPOINT.to_string());
    let region = env("AWS_REGION")
        .or_else(|| env("AWS_DEFAULT_REGION"))
        .unwrap_or_else(|| "us-east-1".into());
    // The functions' HTTP client (compiled-in roots, connector built on the
    // first request), so every store test exercises it.
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(Region::new(region))
        .http_client(parlo_app::aws::http_client());
    if env("AWS_ACCESS_KEY_ID").is_none() {
        loader = loader.credentials_provider(Credentials::new(
            "local",
            "local",
            None,
            None,
            "parlo-tests",
        ));
    }
    let sdk = loader.load().await;
    let conf = aws_sdk_dynamodb::config::Builder::from(&sdk)
        .endpoint_url(&endpoint)
        .build();
    let client = aws_sdk_dynamodb::Client::from_conf(conf);
    let table = env("TABLE_NAME").unwrap_or_else(|| parlo_store::DEFAULT_TABLE.to_string());
    if let Err(e) = client.describe_table().table_name(&table).send().await {
        panic!(
            "table {table:?} at {endpoint} is not reachable ({}). Start the local stack: infra/scripts/up.sh",
            aws_sdk_dynamodb::error::DisplayErrorContext(&e)
        );
    }
    Store::new(client, table)
}

/// An RFC 3339 instant.
pub fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("RFC 3339")
        .with_timezone(&Utc)
}

/// The instant a wall clock in `tz` shows `date` at `h:m` (first
/// occurrence).
pub fn local(tz: Tz, date: &str, h: u32, m: u32) -> DateTime<Utc> {
    let d: NaiveDate = date.parse().expect("date");
    tz.from_local_datetime(&d.and_time(NaiveTime::from_hms_opt(h, m, 0).expect("time")))
        .earliest()
        .expect("existing local time")
        .with_timezone(&Utc)
}

/// The fixed clock of the tests: Monday 2030-01-07 12:00 UTC. Bookings in
/// the tests fall within the default 60 days after it.
pub fn now() -> DateTime<Utc> {
    utc("2030-01-07T12:00:00Z")
}

/// A random Mexican mobile in E.164 (`+52` and 10 digits), so businesses
/// made by different runs never share a number.
/// A Mexico City mobile number no other call of this process returns:
/// a random base per process, then consecutive numbers (independent draws
/// collided now and then across a whole suite's thousands of phones).
pub fn random_phone() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::OnceLock;
    static BASE: OnceLock<u32> = OnceLock::new();
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let base = *BASE.get_or_init(|| rand::rng().random_range(0..100_000_000u32));
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("+5255{:08}", (base + n) % 100_000_000)
}

/// What to create for a test business.
#[derive(Debug, Clone)]
pub struct BizSpec {
    pub name: String,
    pub timezone: String,
    pub whatsapp: bool,
    /// Every day, local.
    pub open: (u32, u32),
    pub close: (u32, u32),
    /// (name, minutes, buffer minutes)
    pub services: Vec<(String, u32, u32)>,
    pub staff: usize,
    pub spots: usize,
    pub policy: BookingPolicy,
}

impl Default for BizSpec {
    fn default() -> Self {
        Self {
            name: "Barbería Test".into(),
            timezone: DEFAULT_TIMEZONE.into(),
            whatsapp: true,
            open: (8, 0),
            close: (22, 0),
            services: vec![("Corte".into(), 30, 0), ("Tinte".into(), 240, 0)],
            staff: 2,
            spots: 2,
            policy: BookingPolicy::default(),
        }
    }
}

/// A business made for one test: every staff member performs every
/// service, every spot hosts every service.
#[derive(Debug, Clone)]
pub struct Biz {
    pub org: Organization,
    pub tz: Tz,
    pub location: Location,
    pub services: Vec<ServiceType>,
    pub staff: Vec<Staff>,
    pub spots: Vec<Spot>,
}

impl Biz {
    pub fn id(&self) -> OrgId {
        self.org.id
    }

    pub fn service(&self, name: &str) -> &ServiceType {
        self.services
            .iter()
            .find(|s| s.name == name)
            .expect("service")
    }

    /// A customer of this business (created).
    pub async fn customer(&self, store: &Store, name: &str) -> Customer {
        store
            .get_or_create_customer(self.id(), &random_phone(), Some(name), now())
            .await
            .expect("customer")
            .0
    }

    /// A plain booking request at `start`.
    pub fn booking(
        &self,
        service: &ServiceType,
        customer: CustomerId,
        start: DateTime<Utc>,
    ) -> parlo_store::BookRequest {
        parlo_store::BookRequest {
            id: Uuid::now_v7(),
            org_id: self.id(),
            location_id: self.location.id,
            service_id: service.id,
            customer_id: customer,
            start,
            staff_pref: None,
            spot_pref: None,
            source: AppointmentSource::Whatsapp,
            status: AppointmentStatus::Confirmed,
            notes: None,
            now: now(),
        }
    }
}

pub fn organization(
    name: &str,
    timezone: &str,
    whatsapp: Option<String>,
    policy: BookingPolicy,
) -> Organization {
    let t = now();
    Organization {
        id: Uuid::new_v4(),
        name: name.into(),
        whatsapp_number: whatsapp,
        timezone: timezone.into(),
        status: OrgStatus::Active,
        settings: OrgSettings {
            booking: policy,
            ..OrgSettings::default()
        },
        onboarding_state: None,
        onboarding_data: serde_json::Value::Null,
        last_message_at: None,
        created_at: t,
        updated_at: t,
    }
}

pub async fn create_business(store: &Store, spec: &BizSpec) -> Biz {
    let t = now();
    let wa = spec.whatsapp.then(random_phone);
    let org = organization(&spec.name, &spec.timezone, wa, spec.policy.clone());
    store
        .create_organization(&org)
        .await
        .expect("create organization");
    let tz: Tz = spec.timezone.parse().expect("zone");
    let day = vec![TimeRange::hm(spec.open, spec.close)];
    let location = Location {
        id: Uuid::new_v4(),
        org_id: org.id,
        name: "Matriz".into(),
        address: Some("Av. Reforma 1".into()),
        is_primary: true,
        business_hours: WeeklyHours {
            days: std::array::from_fn(|_| day.clone()),
        },
        created_at: t,
        updated_at: t,
    };
    store
        .create_location(&location)
        .await
        .expect("create location");
    let services: Vec<ServiceType> = spec
        .services
        .iter()
        .map(|(name, minutes, buffer)| ServiceType {
            id: Uuid::new_v4(),
            org_id: org.id,
            name: name.clone(),
            description: None,
            duration_minutes: *minutes,
            price_cents: i64::from(*minutes) * 500,
            currency: "MXN".into(),
            is_active: true,
            buffer_minutes: *buffer,
            created_at: t,
            updated_at: t,
        })
        .collect();
    let service_ids: Vec<ServiceId> = services.iter().map(|s| s.id).collect();
    let spots: Vec<Spot> = (0..spec.spots)
        .map(|i| Spot {
            id: Uuid::new_v4(),
            org_id: org.id,
            location_id: location.id,
            name: format!("Silla {}", i + 1),
            display_order: i as u32,
            is_active: true,
            service_ids: service_ids.clone(),
            created_at: t,
            updated_at: t,
        })
        .collect();
    let staff: Vec<Staff> = (0..spec.staff)
        .map(|i| Staff {
            id: Uuid::new_v4(),
            org_id: org.id,
            location_id: Some(location.id),
            name: format!("Estilista {i:02}"),
            phone: random_phone(),
            role: if i == 0 {
                StaffRole::Owner
            } else {
                StaffRole::Employee
            },
            permission_level: if i == 0 {
                PermissionLevel::Owner
            } else {
                PermissionLevel::Staff
            },
            is_active: true,
            first_message_at: None,
            default_spot_id: None,
            service_ids: service_ids.clone(),
            bookable: true,
            created_at: t,
            updated_at: t,
        })
        .collect();
    futures::try_join!(
        futures::future::try_join_all(services.iter().map(|s| store.create_service(s))),
        futures::future::try_join_all(spots.iter().map(|s| store.create_spot(s))),
        futures::future::try_join_all(staff.iter().map(|s| store.create_staff(s))),
    )
    .expect("create catalogue");
    Biz {
        org,
        tz,
        location,
        services,
        staff,
        spots,
    }
}

/// Half-open overlap.
pub fn overlaps(a: (DateTime<Utc>, DateTime<Utc>), b: (DateTime<Utc>, DateTime<Utc>)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Panics when two active appointments of one staff member or one spot
/// overlap (buffer included). Returns how many active ones it checked.
pub fn assert_no_overlaps(appointments: &[Appointment]) -> usize {
    let active: Vec<&Appointment> = appointments
        .iter()
        .filter(|a| a.status.occupies_time())
        .collect();
    let mut by_resource: BTreeMap<String, Vec<&Appointment>> = BTreeMap::new();
    for a in &active {
        by_resource
            .entry(format!("staff {}", a.staff_id))
            .or_default()
            .push(a);
        if let Some(p) = a.spot_id {
            by_resource.entry(format!("spot {p}")).or_default().push(a);
        }
    }
    for (resource, mut list) in by_resource {
        list.sort_by_key(|a| a.start);
        for w in list.windows(2) {
            assert!(
                w[0].busy_until() <= w[1].start,
                "{resource}: {} [{}, {}) overlaps {} [{}, {})",
                w[0].id,
                w[0].start,
                w[0].busy_until(),
                w[1].id,
                w[1].start,
                w[1].busy_until()
            );
        }
    }
    active.len()
}
