//! Customer use cases: create (by phone, or a walk-in without one), find
//! (by id, phone or name), edit and note. The chat's staff tools and the
//! dashboard API both change customers here, so one set of bounds applies
//! and every change leaves one activity entry. Failures share the
//! catalogue's shape ([`CatalogueError`]: invalid input or the store).

use chrono::NaiveDate;
use parlo_core::*;
use parlo_store::{ActivityKind, StoreError};

use super::{Act, CatalogueError, Invalid, Services};

/// Longest customer name (the dashboard's limit too).
pub const MAX_NAME: usize = 120;
/// Longest notes field, all notes together.
pub const MAX_NOTES: usize = 2000;
/// Longest single note added by chat.
pub const MAX_NOTE: usize = 500;
/// A name the customer confirmed longer ago than this is asked again
/// (spec/001: re-confirm the stored name after 90 days).
pub const NAME_RECONFIRM_DAYS: i64 = 90;

/// What an edit changes; `None` leaves a field as it is, an empty string
/// clears it (the name cannot be cleared).
#[derive(Debug, Clone, Default)]
pub struct CustomerEdit {
    pub name: Option<String>,
    pub email: Option<String>,
    pub notes: Option<String>,
}

/// What [`Services::find_customers`] found.
#[derive(Debug, Clone)]
pub enum Found {
    One(Customer),
    /// Several customers match the name (at most the search limit).
    Many(Vec<Customer>),
    None,
}

fn invalid(field: &'static str, message: impl Into<String>) -> CatalogueError {
    CatalogueError::Invalid(Invalid {
        field,
        message: message.into(),
    })
}

/// A name as stored: trimmed, bounded, never empty.
fn clean_name(name: &str) -> Result<String, CatalogueError> {
    let n = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if n.is_empty() {
        return Err(invalid("name", "no puede ir vacío."));
    }
    if n.chars().count() > MAX_NAME {
        return Err(invalid(
            "name",
            format!("es demasiado largo (máximo {MAX_NAME} caracteres)."),
        ));
    }
    Ok(n)
}

/// Phone-shaped text: mostly digits, at least 7.
pub fn looks_like_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let other = s
        .chars()
        .filter(|c| !c.is_ascii_digit() && !" +-().".contains(*c))
        .count();
    digits >= 7 && other == 0
}

/// `notes` with a dated line added ("7 ene 2030: …"), unless that exact
/// line is already there (a retried act adds it once).
pub fn with_note(notes: Option<&str>, day: NaiveDate, note: &str) -> String {
    let line = format!("{}: {}", day.format("%Y-%m-%d"), note.trim());
    match notes.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) if n.lines().any(|l| l.trim() == line) => n.to_string(),
        Some(n) => format!("{n}\n{line}"),
        None => line,
    }
}

/// The customer writing from `e164`: the one its phone's sentinel named
/// (read with the turn's first batch, `start`), else found or created by
/// phone (a first contact; no name yet, it is asked or confirmed later).
pub async fn customer_writing(
    store: &parlo_store::Store,
    org: OrgId,
    e164: &str,
    start: &parlo_store::TurnStart,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Customer, StoreError> {
    if let Some(c) = start.customer.clone() {
        return Ok(c);
    }
    let (customer, _) = store
        .customer_from_sentinel(org, e164, start.customer_id, None, now)
        .await?;
    Ok(customer)
}

impl Services {
    /// The business's customer with this phone, created with `name` when
    /// there is none; a known customer without a name gets it. Returns the
    /// customer and whether it was created.
    pub async fn customer_for_phone(
        &self,
        act: &Act,
        org: &Organization,
        e164: &str,
        name: Option<&str>,
    ) -> Result<(Customer, bool), CatalogueError> {
        let name = name
            .map(clean_name)
            .transpose()
            .ok()
            .flatten()
            .filter(|n| !n.is_empty());
        let (mut c, created) = self
            .store
            .get_or_create_customer(org.id, e164, name.as_deref(), act.now)
            .await?;
        if created {
            self.note(
                act,
                Some(org.id),
                ActivityKind::SettingsChange,
                &["customer", &c.id.to_string()],
                format!(
                    "{}: cliente «{}» registrado {}",
                    org.name,
                    c.name.as_deref().unwrap_or(&c.phone),
                    act.door_words()
                ),
            )
            .await;
        } else if c.name.is_none() {
            if let Some(n) = name {
                let before = c.clone();
                c.name = Some(n);
                c.updated_at = act.now;
                self.store.update_customer_from(&before, &c).await?;
                self.saw(&c);
            }
        }
        Ok((c, created))
    }

    /// Creates a customer with no phone to reach (a walk-in): `c.phone`
    /// is a placeholder such as `walk-in:<id>`. A retried act (same id)
    /// finds the one it created.
    pub async fn create_unreachable_customer(
        &self,
        act: &Act,
        org: &Organization,
        c: &Customer,
    ) -> Result<Customer, CatalogueError> {
        if c.phone.starts_with('+') {
            return Err(invalid("phone", "usa customer_for_phone para un número."));
        }
        match self.store.create_customer(c).await {
            Ok(()) => {
                self.note(
                    act,
                    Some(org.id),
                    ActivityKind::SettingsChange,
                    &["customer", &c.id.to_string()],
                    format!(
                        "{}: cliente «{}» registrado sin teléfono {}",
                        org.name,
                        c.name.as_deref().unwrap_or("sin nombre"),
                        act.door_words()
                    ),
                )
                .await;
                Ok(c.clone())
            }
            Err(StoreError::AlreadyExists { .. }) => self
                .store
                .get_customer(org.id, c.id)
                .await?
                .ok_or(CatalogueError::Store(StoreError::NotFound {
                    what: "customer",
                })),
            Err(e) => Err(e.into()),
        }
    }

    /// A customer of `org` by id, phone (any format the region reads) or
    /// name (start of a word, accents ignored; at most `limit`).
    pub async fn find_customers(
        &self,
        org: &Organization,
        query: &str,
        limit: usize,
    ) -> Result<Found, CatalogueError> {
        let query = query.trim();
        if query.is_empty() {
            return Ok(Found::None);
        }
        if let Ok(id) = query.parse::<CustomerId>() {
            return Ok(match self.store.get_customer(org.id, id).await? {
                Some(c) if c.org_id == org.id => Found::One(c),
                _ => Found::None,
            });
        }
        if looks_like_phone(query) {
            let e164 = phone::normalize(query, phone::Region::for_timezone(&org.timezone))
                .map_err(|e| invalid("customer", e.to_string()))?;
            return Ok(match self.store.customer_by_phone(org.id, &e164).await? {
                Some(c) => Found::One(c),
                None => Found::None,
            });
        }
        let mut found = self
            .store
            .search_customers_by_name(org.id, query, limit.max(1))
            .await?;
        // An exact full name among several ("Ana" vs "Ana López"): that one.
        let wanted = es::fuzzy::normalize(query);
        if found.len() > 1 {
            if let Some(i) = found.iter().position(|c| {
                c.name
                    .as_deref()
                    .is_some_and(|n| es::fuzzy::normalize(n) == wanted)
            }) {
                return Ok(Found::One(found.swap_remove(i)));
            }
        }
        Ok(match found.len() {
            0 => Found::None,
            1 => Found::One(found.remove(0)),
            _ => Found::Many(found),
        })
    }

    /// Edits a customer against the version the caller read (`before`);
    /// a new name counts as verified (someone on the team typed it).
    pub async fn edit_customer(
        &self,
        act: &Act,
        org: &Organization,
        before: &Customer,
        edit: &CustomerEdit,
    ) -> Result<Customer, CatalogueError> {
        let mut c = before.clone();
        let mut changed: Vec<&str> = Vec::new();
        if let Some(n) = &edit.name {
            c.name = Some(clean_name(n)?);
            c.name_verified_at = Some(act.now);
            changed.push("nombre");
        }
        if let Some(e) = &edit.email {
            let e = e.trim();
            if !e.is_empty() && (!e.contains('@') || e.len() > 254) {
                return Err(invalid("email", "no es un correo válido."));
            }
            c.email = (!e.is_empty()).then(|| e.to_string());
            changed.push("correo");
        }
        if let Some(n) = &edit.notes {
            let n = n.trim();
            if n.chars().count() > MAX_NOTES {
                return Err(invalid(
                    "notes",
                    format!("son demasiado largas (máximo {MAX_NOTES} caracteres)."),
                ));
            }
            c.notes = (!n.is_empty()).then(|| n.to_string());
            changed.push("notas");
        }
        if changed.is_empty() {
            return Ok(c);
        }
        c.updated_at = act.now;
        self.store.update_customer_from(before, &c).await?;
        self.saw(&c);
        self.note(
            act,
            Some(org.id),
            ActivityKind::SettingsChange,
            &["customer-edit", &c.id.to_string()],
            format!(
                "{}: cliente «{}» editado ({}) {}",
                org.name,
                c.name.as_deref().unwrap_or(&c.phone),
                changed.join(", "),
                act.door_words()
            ),
        )
        .await;
        Ok(c)
    }

    /// The customer gave or confirmed their own name (in chat): stored
    /// and marked verified now, unless it is already theirs and verified
    /// within [`NAME_RECONFIRM_DAYS`]. `before` is the record as the caller
    /// read it (the turn's); when it changed since, the fresh record is
    /// read once: a name someone else set meanwhile (the owner on the web)
    /// wins, anything else is retried on the fresh version. Not an
    /// activity entry: the customer talking is not a change of the team's.
    pub async fn confirm_own_name(
        &self,
        act: &Act,
        before: &Customer,
        name: &str,
    ) -> Result<Customer, CatalogueError> {
        let name = clean_name(name)?;
        let mut seen = before.clone();
        for _ in 0..2 {
            let recent = seen
                .name_verified_at
                .is_some_and(|at| act.now - at <= chrono::Duration::days(NAME_RECONFIRM_DAYS));
            if seen.name.as_deref() == Some(name.as_str()) && recent {
                return Ok(seen);
            }
            let mut c = seen.clone();
            c.name = Some(name.clone());
            c.name_verified_at = Some(act.now);
            c.updated_at = act.now;
            // In a chat turn the name is written with the turn's replies
            // (a conflict there lands in `write_turn_state`).
            if let Some(deferred) = &self.deferred {
                let mut d = deferred
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let first = d.state.customer.take().map_or(seen, |(b, _)| b);
                d.state.customer = Some((first, c.clone()));
                drop(d);
                self.saw(&c);
                return Ok(c);
            }
            match self.store.update_customer_from(&seen, &c).await {
                Ok(()) => {
                    self.saw(&c);
                    return Ok(c);
                }
                Err(StoreError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
            let Some(fresh) = self.store.get_customer(before.org_id, before.id).await? else {
                return Ok(seen);
            };
            if fresh.name != before.name {
                return Ok(fresh);
            }
            seen = fresh;
        }
        Ok(seen)
    }

    /// A turn's own state when its joint claim did not carry it: the
    /// customer's name as [`Services::confirm_own_name`] writes it (a name
    /// someone else set meanwhile wins), then the flow.
    pub async fn write_turn_state(
        &self,
        act: &Act,
        state: &parlo_store::TurnState,
    ) -> Result<(), StoreError> {
        if let Some((before, after)) = &state.customer {
            let name = after.name.clone().unwrap_or_default();
            let plain = Services {
                deferred: None,
                ..self.clone()
            };
            match plain.confirm_own_name(act, before, &name).await {
                Ok(_) => {}
                Err(CatalogueError::Store(e)) => return Err(e),
                // Checked when it was deferred.
                Err(e) => tracing::warn!(error = ?e, "name not kept"),
            }
        }
        if let Some(flow) = &state.flow {
            self.store.write_flow(flow).await?;
        }
        Ok(())
    }

    /// Adds a dated note to a customer's notes (what the team wants to
    /// remember: "alérgica al tinte"). A retried act adds it once.
    pub async fn add_customer_note(
        &self,
        act: &Act,
        org: &Organization,
        before: &Customer,
        note: &str,
    ) -> Result<Customer, CatalogueError> {
        let note = note.split_whitespace().collect::<Vec<_>>().join(" ");
        if note.is_empty() {
            return Err(invalid("note", "la nota está vacía."));
        }
        if note.chars().count() > MAX_NOTE {
            return Err(invalid(
                "note",
                format!("es demasiado larga (máximo {MAX_NOTE} caracteres)."),
            ));
        }
        let tz: chrono_tz::Tz = org
            .timezone
            .parse()
            .unwrap_or(chrono_tz::America::Mexico_City);
        let day = time::local_date(tz, act.now);
        let notes = with_note(before.notes.as_deref(), day, &note);
        if before.notes.as_deref() == Some(notes.as_str()) {
            return Ok(before.clone());
        }
        self.edit_customer(
            act,
            org,
            before,
            &CustomerEdit {
                notes: Some(notes),
                ..CustomerEdit::default()
            },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_dated_and_added_once() {
        let d = NaiveDate::from_ymd_opt(2030, 1, 7).unwrap();
        let one = with_note(None, d, " alérgica al tinte ");
        assert_eq!(one, "2030-01-07: alérgica al tinte");
        assert_eq!(with_note(Some(&one), d, "alérgica al tinte"), one);
        assert_eq!(
            with_note(Some(&one), d, "prefiere a Pedro"),
            "2030-01-07: alérgica al tinte\n2030-01-07: prefiere a Pedro"
        );
        assert!(looks_like_phone("55 1234 5678"));
        assert!(!looks_like_phone("Ana 5"));
    }
}
