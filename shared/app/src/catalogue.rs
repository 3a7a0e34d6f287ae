//! A business's catalogue (locations, services, staff) kept in a warm
//! process between turns.
//!
//! Every turn needs the catalogue, and it changes a few times a month: a
//! turn used to spend three queries of its budget re-reading it. The store
//! gives the organization item a new `catalogue_version` with every write
//! to a location, a service, a staff member or the organization itself, and
//! the turn reads that item anyway (routing). A cached catalogue is used
//! while the version it was read under stands, so an owner who changes the
//! hours on the dashboard sees the chat use them on the next message.
//! `MAX_AGE` bounds the one case the version cannot see: a process killed
//! between a catalogue write and its version write.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use parlo_core::{Location, OrgId, PermissionLevel, ServiceType, Staff};
use parlo_store::{Store, StoreError};

/// A cached catalogue is re-read after this long whatever its version.
const MAX_AGE: Duration = Duration::from_secs(300);
/// Businesses one warm process keeps; past it the cache starts over.
const MAX_BUSINESSES: usize = 512;

/// What a turn knows of a business besides its organization item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalogue {
    /// The version it was read under (none: not cacheable).
    pub version: Option<String>,
    pub locations: Vec<Location>,
    pub services: Vec<ServiceType>,
    pub staff: Vec<Staff>,
}

impl Catalogue {
    /// The primary location (the first one when none is marked).
    pub fn primary_location(&self) -> Option<&Location> {
        self.locations
            .iter()
            .find(|l| l.is_primary)
            .or(self.locations.first())
    }
}

struct Entry {
    version: String,
    read_at: Instant,
    catalogue: Arc<Catalogue>,
}

fn cache() -> &'static Mutex<HashMap<OrgId, Entry>> {
    static CACHE: OnceLock<Mutex<HashMap<OrgId, Entry>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The catalogue of `org` as of `version` (the organization item's, read
/// by the caller): from the process's cache when it was read under that
/// version, else from the store (three queries at once) and kept. Without
/// a version (an item written before versions existed) it is always read.
pub async fn catalogue(
    store: &Store,
    org: OrgId,
    version: Option<&str>,
) -> Result<Arc<Catalogue>, StoreError> {
    if let Some(version) = version {
        let cached = cache().lock().ok().and_then(|c| {
            c.get(&org)
                .filter(|e| e.version == version && e.read_at.elapsed() < MAX_AGE)
                .map(|e| e.catalogue.clone())
        });
        if let Some(hit) = cached {
            return Ok(hit);
        }
    }
    let (locations, services, staff) = tokio::try_join!(
        store.list_locations(org),
        store.list_services(org),
        store.list_staff(org),
    )?;
    let catalogue = Arc::new(Catalogue {
        version: version.map(str::to_string),
        locations,
        services,
        staff,
    });
    if let (Some(version), Ok(mut c)) = (version, cache().lock()) {
        if c.len() >= MAX_BUSINESSES && !c.contains_key(&org) {
            c.clear();
        }
        c.insert(
            org,
            Entry {
                version: version.to_string(),
                read_at: Instant::now(),
                catalogue: catalogue.clone(),
            },
        );
    }
    Ok(catalogue)
}

/// The phones of the team a change is told to (active owners and bookable
/// staff, at most [`TEAM_HINT_MAX`]) as this process last read the
/// business: only a hint of which conversations a turn reads ahead (the
/// use case reads any it lacks).
pub fn team_phones(org: OrgId) -> Vec<String> {
    let Ok(cache) = cache().lock() else {
        return Vec::new();
    };
    let Some(entry) = cache.get(&org) else {
        return Vec::new();
    };
    entry
        .catalogue
        .staff
        .iter()
        .filter(|s| s.is_active && (s.bookable || s.permission_level == PermissionLevel::Owner))
        .map(|s| s.phone.clone())
        .take(TEAM_HINT_MAX)
        .collect()
}

/// Past this many, a team's conversations are not read ahead.
pub const TEAM_HINT_MAX: usize = 12;

/// Which business a WhatsApp number belongs to, as this process last
/// found it. Only a hint: the turn reads that organization item by id in
/// its first batch and checks the number is still its own, else it looks
/// the number up again (a number moved to another business, a business
/// gone). Saves the number's index query on a warm process.
pub fn business_of_number(e164: &str) -> Option<OrgId> {
    numbers().lock().ok()?.get(e164).copied()
}

/// Remembers (`Some`) or forgets (`None`) the business of a number.
pub fn set_business_of_number(e164: &str, org: Option<OrgId>) {
    if let Ok(mut n) = numbers().lock() {
        match org {
            Some(org) => {
                if n.len() >= MAX_BUSINESSES && !n.contains_key(e164) {
                    n.clear();
                }
                n.insert(e164.to_string(), org);
            }
            None => {
                n.remove(e164);
            }
        }
    }
}

fn numbers() -> &'static Mutex<HashMap<String, OrgId>> {
    static NUMBERS: OnceLock<Mutex<HashMap<String, OrgId>>> = OnceLock::new();
    NUMBERS.get_or_init(Default::default)
}
