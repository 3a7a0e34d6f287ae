//! The business's resources (the dashboard). Every handler gets the
//! business from [`Ctx`] (the session, or an admin's path) and keys every
//! store call by it: an id of another business is simply not found.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, RequestExt, Response};
use parlo_core::permissions::Action;
use parlo_core::scheduling::{free_slots, SlotQuery};
use parlo_core::*;
use parlo_store::{
    Activity, ActivityKind, BookRequest, RescheduleRequest, StaffChoice, StoreError,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use uuid::Uuid;

use super::dto::*;
use super::routes::{Op, Params};
use super::{json, no_content, Api, ApiError, Ctx};
use parlo_app::services::{Act, Biz, Delivery};
use parlo_core::ids::derived_id;

pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 100;
/// Longest range of an appointment list or stats query.
pub const MAX_RANGE_DAYS: i64 = 92;
const MAX_TEXT: usize = 2000;
const MAX_NAME: usize = 120;

// ---- request helpers ------------------------------------------------------

/// A JSON body; the message names the field serde complained about.
pub(crate) fn body<T: DeserializeOwned>(request: &Request) -> Result<T, ApiError> {
    let raw = request.body().as_ref();
    let raw = if raw.is_empty() {
        b"{}".as_slice()
    } else {
        raw
    };
    let parsed = serde_json::from_slice(raw).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!(
                "La solicitud no tiene el formato esperado ({}).",
                e.to_string().split(" at line").next().unwrap_or_default()
            ),
        )
    })?;
    // No date in a body may overflow calendar arithmetic later.
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(raw) {
        if let Some(field) = parlo_app::bounds::out_of_range_date(&v) {
            return Err(ApiError::invalid(
                &field,
                &parlo_app::bounds::date_message(),
            ));
        }
    }
    Ok(parsed)
}

/// A path id; a malformed one is as unknown as a missing one.
pub(crate) fn path_id(params: &Params, name: &str) -> Result<Uuid, ApiError> {
    params
        .get(name)
        .and_then(|s| s.parse().ok())
        .ok_or_else(ApiError::not_found)
}

pub(crate) struct QueryArgs(Vec<(String, String)>);

impl QueryArgs {
    pub fn of(request: &Request) -> Self {
        let q = request.query_string_parameters();
        Self(
            q.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    pub fn limit(&self) -> Result<usize, ApiError> {
        match self.get("limit") {
            None => Ok(DEFAULT_LIMIT),
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| ApiError::invalid("limit", "debe ser un número entre 1 y 100.")),
        }
    }

    /// The store's cursor behind the opaque one the client holds.
    pub fn cursor(&self) -> Result<Option<String>, ApiError> {
        self.get("cursor").map(decode_cursor).transpose()
    }

    pub fn uuid(&self, name: &str) -> Result<Option<Uuid>, ApiError> {
        self.get(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| ApiError::invalid(name, "no es un identificador válido."))
            })
            .transpose()
    }

    pub fn date(&self, name: &str) -> Result<Option<NaiveDate>, ApiError> {
        self.get(name)
            .map(|v| {
                let d: NaiveDate = v
                    .parse()
                    .map_err(|_| ApiError::invalid(name, "usa una fecha AAAA-MM-DD."))?;
                if !parlo_app::bounds::date_ok(d) {
                    return Err(ApiError::invalid(name, &parlo_app::bounds::date_message()));
                }
                Ok(d)
            })
            .transpose()
    }

    /// An instant: ISO 8601 with offset, or a date (local midnight).
    pub fn instant(
        &self,
        name: &str,
        tz: chrono_tz::Tz,
    ) -> Result<Option<DateTime<Utc>>, ApiError> {
        let Some(v) = self.get(name) else {
            return Ok(None);
        };
        if let Ok(t) = DateTime::parse_from_rfc3339(v) {
            if !parlo_app::bounds::date_ok(t.date_naive()) {
                return Err(ApiError::invalid(name, &parlo_app::bounds::date_message()));
            }
            return Ok(Some(t.with_timezone(&Utc)));
        }
        match v.parse::<NaiveDate>() {
            Ok(d) if !parlo_app::bounds::date_ok(d) => {
                Err(ApiError::invalid(name, &parlo_app::bounds::date_message()))
            }
            Ok(d) => Ok(Some(local_midnight(tz, d))),
            Err(_) => Err(ApiError::invalid(
                name,
                "usa una fecha AAAA-MM-DD o un instante ISO 8601.",
            )),
        }
    }
}

pub(crate) fn local_midnight(tz: chrono_tz::Tz, d: NaiveDate) -> DateTime<Utc> {
    tz.from_local_datetime(&d.and_time(NaiveTime::MIN))
        .earliest()
        .unwrap_or_else(|| {
            Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN))
                .with_timezone(&tz)
        })
        .with_timezone(&Utc)
}

pub(crate) fn encode_cursor(c: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(c)
}

pub(crate) fn decode_cursor(c: &str) -> Result<String, ApiError> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_cursor",
                "El cursor de paginación no es válido.",
            )
        })
}

pub(crate) fn page_of<T>(items: Vec<T>, next: Option<String>) -> PageOut<T> {
    PageOut {
        items,
        next_cursor: next.as_deref().map(encode_cursor),
    }
}

/// A page of a list the store returns whole (catalogues are small): the
/// cursor is the last id given, items are ordered by `order`.
fn page_by<T, K: Ord>(
    mut items: Vec<T>,
    order: impl Fn(&T) -> (K, Uuid),
    args: &QueryArgs,
) -> Result<PageOut<T>, ApiError> {
    let limit = args.limit()?;
    items.sort_by_key(|t| order(t));
    let start = match args.cursor()? {
        None => 0,
        Some(c) => {
            let after: Uuid = c.parse().map_err(|_| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_cursor",
                    "El cursor de paginación no es válido.",
                )
            })?;
            items
                .iter()
                .position(|t| order(t).1 == after)
                .map_or(items.len(), |i| i + 1)
        }
    };
    let rest: Vec<T> = items.into_iter().skip(start).collect();
    let more = rest.len() > limit;
    let page: Vec<T> = rest.into_iter().take(limit).collect();
    let next = more
        .then(|| page.last().map(|t| order(t).1.to_string()))
        .flatten();
    Ok(page_of(page, next))
}

fn created<T: Serialize>(body: &T) -> Response<Body> {
    json(StatusCode::CREATED, body)
}

fn okj<T: Serialize>(body: &T) -> Result<Response<Body>, ApiError> {
    Ok(json(StatusCode::OK, body))
}

fn text(
    field: &str,
    v: Option<String>,
    max: usize,
    required: bool,
) -> Result<Option<String>, ApiError> {
    match v.map(|s| s.trim().to_string()) {
        Some(s) if s.is_empty() && required => Err(ApiError::invalid(field, "no puede ir vacío.")),
        Some(s) if s.chars().count() > max => Err(ApiError::invalid(
            field,
            &format!("es demasiado largo (máximo {max} caracteres)."),
        )),
        Some(s) if s.is_empty() => Ok(None),
        other => Ok(other),
    }
}

fn required<T>(field: &str, v: Option<T>) -> Result<T, ApiError> {
    v.ok_or_else(|| ApiError::invalid(field, "es obligatorio."))
}

fn phone(field: &str, raw: &str) -> Result<String, ApiError> {
    parlo_core::phone::normalize(raw, parlo_core::phone::Region::Mexico).map_err(|_| {
        ApiError::invalid(
            field,
            "el número no es válido; escríbelo con lada, por ejemplo 55 1234 5678.",
        )
    })
}

fn hours_valid(h: &WeeklyHours) -> Result<(), ApiError> {
    for day in &h.days {
        let mut sorted = day.clone();
        sorted.sort_by_key(|r| r.start);
        for r in &sorted {
            if r.start >= r.end {
                return Err(ApiError::invalid(
                    "business_hours",
                    "cada horario debe terminar después de empezar.",
                ));
            }
        }
        if sorted.windows(2).any(|w| w[0].end > w[1].start) {
            return Err(ApiError::invalid(
                "business_hours",
                "los horarios de un día no pueden encimarse.",
            ));
        }
    }
    Ok(())
}

fn conflict(code: &'static str, message: &str) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, code, message)
}

// ---- the handlers -----------------------------------------------------------

impl Api {
    pub(crate) async fn business(
        &self,
        op: Op,
        ctx: &Ctx,
        params: &Params,
        request: &Request,
    ) -> Result<Response<Body>, ApiError> {
        // One function per resource group keeps each future's frame small.
        match op {
            Op::GetOrganization | Op::UpdateOrganization => {
                Box::pin(self.organization_routes(op, ctx, params, request)).await
            }
            Op::ListLocations
            | Op::CreateLocation
            | Op::GetLocation
            | Op::UpdateLocation
            | Op::DeleteLocation => Box::pin(self.locations_routes(op, ctx, params, request)).await,
            Op::ListServices
            | Op::CreateService
            | Op::GetService
            | Op::UpdateService
            | Op::DeleteService => Box::pin(self.services_routes(op, ctx, params, request)).await,
            Op::ListStaff
            | Op::CreateStaff
            | Op::GetStaff
            | Op::UpdateStaff
            | Op::DeleteStaff
            | Op::DeactivateStaff
            | Op::ReactivateStaff
            | Op::SetStaffServices
            | Op::GetWorkingHours
            | Op::SetWorkingHours => Box::pin(self.staff_routes(op, ctx, params, request)).await,
            Op::ListSpots
            | Op::CreateSpot
            | Op::GetSpot
            | Op::UpdateSpot
            | Op::DeleteSpot
            | Op::OrderSpots => Box::pin(self.spots_routes(op, ctx, params, request)).await,
            Op::ListCustomers | Op::GetCustomer | Op::UpdateCustomer => {
                Box::pin(self.customers_routes(op, ctx, params, request)).await
            }
            Op::ListAppointments
            | Op::CreateAppointment
            | Op::GetAppointment
            | Op::UpdateAppointment
            | Op::CancelAppointment
            | Op::CompleteAppointment
            | Op::NoShowAppointment => {
                Box::pin(self.appointments_routes(op, ctx, params, request)).await
            }
            Op::GetAvailability
            | Op::CreateException
            | Op::DeleteException
            | Op::ListBlocks
            | Op::CreateBlock
            | Op::DeleteBlock
            | Op::Slots => Box::pin(self.availability_routes(op, ctx, params, request)).await,
            Op::ListConversations
            | Op::ListMessages
            | Op::ReleaseConversation
            | Op::TakeOverConversation
            | Op::SendMessage => {
                Box::pin(self.conversations_routes(op, ctx, params, request)).await
            }
            Op::Stats => Box::pin(self.stats_routes(op, ctx, params, request)).await,
            _ => Err(ApiError::internal()),
        }
    }

    async fn organization_routes(
        &self,
        op: Op,
        ctx: &Ctx,
        _params: &Params,
        request: &Request,
    ) -> Result<Response<Body>, ApiError> {
        let org = ctx.org_id();
        let now = self.clock.now();
        match op {
            Op::GetOrganization => okj(&ctx.org),
            Op::UpdateOrganization => {
                let patch: OrganizationPatch = body(request)?;
                let mut o = ctx.org.clone();
                if let Some(n) = text("name", patch.name, MAX_NAME, true)? {
                    o.name = n;
                }
                if let Some(tz) = patch.timezone {
                    if tz.parse::<chrono_tz::Tz>().is_err() {
                        return Err(ApiError::invalid(
                            "timezone",
                            "no es una zona horaria válida (por ejemplo America/Mexico_City).",
                        ));
                    }
                    if tz != ctx.org.timezone && self.has_future_appointments(org, now).await? {
                        // Day ledgers are keyed by local date: a new zone
                        // would read other days and could let an
                        // overlapping booking through (issue 11, item 9).
                        return Err(conflict(
                            "timezone_locked",
                            "No puedes cambiar la zona horaria mientras haya citas por venir. \
                             Cancélalas o espera a que pasen, y vuelve a intentarlo.",
                        ));
                    }
                    o.timezone = tz;
                }
                if let Some(s) = patch.settings {
                    // Every field within bounds (they feed time arithmetic).
                    s.validate()
                        .map_err(|(field, message)| ApiError::invalid(field, message))?;
                    o.settings = s;
                }
                o.updated_at = now;
                // Against the version this request read (issue 11, item 7).
                self.store
                    .update_organization_seen(&o, ctx.org.updated_at)
                    .await?;
                if o.timezone != ctx.org.timezone
                    || o.settings.daily_summary_hour != ctx.org.settings.daily_summary_hour
                {
                    self.ensure_daily_summary(&o).await;
                }
                if ctx.admin {
                    self.activity(
                        ActivityKind::SettingsChange,
                        Some(org),
                        format!("Se editaron los ajustes de {}", o.name),
                    )
                    .await;
                }
                okj(&o)
            }
            _ => Err(ApiError::internal()),
        }
    }

    async fn locations_routes(
        &self,
        op: Op,
        ctx: &Ctx,
        params: &Params,
        request: &Request,
    ) -> Result<Response<Body>, ApiError> {
        let args = QueryArgs::of(request);
        let org = ctx.org_id();
        let now = self.clock.now();
        match op {
            Op::ListLocations => okj(&page_by(
                self.store.list_locations(org).await?,
                |l| (!l.is_primary, l.id),
                &args,
            )?),
            Op::CreateLocation => {
                let input: LocationInput = body(request)?;
                let hours = input.business_hours.unwrap_or_default();
                hours_valid(&hours)?;
                let l = Location {
                    id: Uuid::now_v7(),
                    org_id: org,
                    name: required("name", text("name", input.name, MAX_NAME, true)?)?,
                    address: text("address", input.address, MAX_TEXT, false)?,
                    is_primary: input.is_primary.unwrap_or(false),
                    business_hours: hours,
                    created_at: now,
                    updated_at: now,
                };
                self.store.create_location(&l).await?;
                Ok(created(&l))
            }
            Op::GetLocation => okj(&self.location(org, path_id(params, "id")?).await?),
            Op::UpdateLocation => {
                let mut l = self.location(org, path_id(params, "id")?).await?;
                let input: LocationInput = body(request)?;
                if let Some(n) = text("name", input.name, MAX_NAME, true)? {
                    l.name = n;
                }
                if input.address.is_some() {
                    l.address = text("address", input.address, MAX_TEXT, false)?;
                }
                if let Some(p) = input.is_primary {
                    l.is_primary = p;
                }
                if let Some(h) = input.business_hours {
                    hours_valid(&h)?;
                    l.business_hours = h;
                }
                l.updated_at = now;
                self.store.update_location(&l).await?;
                okj(&l)
            }
            Op::DeleteLocation => {
                let l = self.location(org, path_id(params, "id")?).await?;
                if l.is_primary {
                    return Err(conflict(
                        "primary_location",
                        "No puedes borrar la sucursal principal.",
                    ));
                }
                self.store.delete_location(org, l.id).await?;
                Ok(no_content())
            }
            _ => Err(ApiError::internal()),
        }
    }

    async fn services_routes(
        &self,
        op: Op,
        ctx: &Ctx,
        params: &Params,
        request: &Request,
    ) -> Result<Response<Body>, ApiError> {
        let args = QueryArgs::of(request);
        let org = ctx.org_id();
        let now = self.clock.now();
        match op {
            Op::ListServices => {
                let mut all = self.store.list_services(org).await?;
                if args.get("active") == Some("true") {
                    all.retain(|s| s.is_active);
                }
                okj(&page_by(all, |s| (s.name.to_lowercase(), s.id), &args)?)
            }
            Op::CreateService => {
                let input: ServiceInput = body(request)?;
                let mut s = ServiceType {
                    id: Uuid::now_v7(),
                    org_id: org,
                    name: String::new(),
                    description: None,
                    duration_minutes: required("duration_minutes", input.duration_minutes)?,
                    price_cents: required("price_cents", input.price_cents)?,
                    currency: "MXN".into(),
                    is_active: true,
                    buffer_minutes: 0,
                    created_at: now,
                    updated_at: now,
                };
                if input.name.is_none() {
                    return Err(ApiError::invalid("name", "es obligatorio."));
                }
                apply_service(&mut s, input)?;
                self.store.create_service(&s).await?;
                Ok(created(&s))
            }
            Op::GetService => okj(&self.service(org, path_id(params, "id")?).await?),
            Op::UpdateService => {
                let mut s = self.service(org, path_id(params, "id")?).await?;
                let input: ServiceInput = body(request)?;
                if input
                    .duration_minutes
                    .is_some_and(|d| d != s.duration_minutes)
                {
                    ctx.require(Action::ChangeServiceDurations)?;
                }
                apply_service(&mut s, input)?;
                s.updated_at = now;
                self.store.update_service(&s).await?;
                okj(&s)
            }
            Op::DeleteService => {
                let mut s = self.service(org, path_id(params, "id")?).await?;
                // History keeps pointing at it: deactivate instead.
                if self.store.service_in_use(org, s.id).await? {
                    s.is_active = false;
                    s.updated_at = now;
                    self.store.update_service(&s).await?;
                    return okj(&serde_json::json!({
                        "deleted": false,
                        "deactivated": true,
                        "service": s,
                    }));
                }
                self.store.delete_service(org, s.id).await?;
                Ok(no_content())
            }
            _ => Err(ApiError::internal()),
        }
    }

    async fn staff_routes(
        &self,
        op: Op,
        ctx: &Ctx,
        params: &Params,
        request: &Request,
    ) -> Result<Response<Body>, ApiError> {
        let args = QueryArgs::of(request);
        let org = ctx.org_id();
        let now = self.clock.now();
        match op {
            Op::ListStaff => {
                let mut all = self.store.list_staff(org).await?;
                if args.get("active") == Some("true") {
                    all.retain(|s| s.is_active);
                }
                okj(&page_by(all, |s| (s.name.to_lowercase(), s.id), &args)?)
            }
            Op::CreateStaff => {
                if ctx.org.status == OrgStatus::Onboarding {
                    // Routing trusts registrations of onboarding businesses
                    // only for their owner; still, nobody is listed as
                    // staff before the business exists (issue 11, item 1).
                    return Err(conflict(
                        "business_onboarding",
                        "Termina el registro del negocio antes de agregar personal.",
                    ));
                }
                let input: StaffInput = body(request)?;
                let name = required("name", text("name", input.name.clone(), MAX_NAME, true)?)?;
                let e164 = phone("phone", &required("phone", input.phone.clone())?)?;
                let mut s = Staff {
                    id: Uuid::now_v7(),
                    org_id: org,
                    location_id: None,
                    name,
                    phone: e164,
                    role: StaffRole::Employee,
                    permission_level: PermissionLevel::Staff,
                    is_active: true,
                    first_message_at: None,
                    default_spot_id: None,
                    service_ids: Vec::new(),
                    bookable: true,
                    created_at: now,
                    updated_at: now,
                };
                self.apply_staff(ctx, &mut s, input).await?;
                self.store.create_staff(&s).await?;
                Ok(created(&s))
            }
            Op::GetStaff => okj(&self.staff(org, path_id(params, "id")?).await?),
            Op::UpdateStaff => {
                let mut s = self.staff(org, path_id(params, "id")?).await?;
                ctx.require_level_over(&s)?;
                let input: StaffInput = body(request)?;
                self.apply_staff(ctx, &mut s, input).await?;
                let seen = std::mem::replace(&mut s.updated_at, now);
                self.store.update_staff_seen(&s, seen).await?;
                okj(&s)
            }
            Op::DeleteStaff => {
                let s = self.staff(org, path_id(params, "id")?).await?;
                ctx.require_level_over(&s)?;
                if Some(s.id) == ctx.staff_id {
                    return Err(conflict("self", "No puedes darte de baja a ti mismo."));
                }
                if s.permission_level == PermissionLevel::Owner {
                    ctx.require(Action::ChangePermissions)?;
                }
                if self.store.staff_in_use(org, s.id).await? {
                    return Err(conflict(
                        "staff_has_appointments",
                        "Esta persona tiene citas registradas; desactívala en lugar de borrarla.",
                    ));
                }
                self.store.delete_staff(org, s.id).await?;
                Ok(no_content())
            }
            Op::DeactivateStaff | Op::ReactivateStaff => {
                let mut s = self.staff(org, path_id(params, "id")?).await?;
                ctx.require_level_over(&s)?;
                let active = op == Op::ReactivateStaff;
                if !active && Some(s.id) == ctx.staff_id {
                    return Err(conflict("self", "No puedes darte de baja a ti mismo."));
                }
                if !active && s.permission_level == PermissionLevel::Owner {
                    ctx.require(Action::ChangePermissions)?;
                }
                s.is_active = active;
                let seen = std::mem::replace(&mut s.updated_at, now);
                self.store.update_staff_seen(&s, seen).await?;
                okj(&s)
            }
            Op::SetStaffServices => {
                let mut s = self.staff(org, path_id(params, "id")?).await?;
                ctx.require_level_over(&s)?;
                let input: ServiceIds = body(request)?;
                self.check_services(org, &input.service_ids).await?;
                s.service_ids = dedup(input.service_ids);
                let seen = std::mem::replace(&mut s.updated_at, now);
                self.store.update_staff_seen(&s, seen).await?;
                okj(&s)
            }
            Op::GetWorkingHours => {
                let s = self.staff(org, path_id(params, "id")?).await?;
                let rows = self
                    .store
                    .list_availability(org, Some(s.id))
                    .await?
                    .recurring;
                okj(&working_hours(&rows))
            }
            Op::SetWorkingHours => {
                let s = self.staff(org, path_id(params, "id")?).await?;
                ctx.require_for_staff(Action::BlockOwnTime, Some(s.id))?;
                ctx.require_level_over(&s)?;
                let input: WorkingHoursInput = body(request)?;
                let days = input.days.unwrap_or_default();
                hours_valid(&WeeklyHours { days: days.clone() })?;
                let rows: Vec<RecurringAvailability> = days
                    .iter()
                    .enumerate()
                    .flat_map(|(weekday, ranges)| {
                        ranges.iter().map(move |r| RecurringAvailability {
                            id: Uuid::now_v7(),
                            org_id: org,
                            staff_id: s.id,
                            weekday: weekday as u8,
                            range: *r,
                            created_at: now,
                        })
                    })
                    .collect();
                self.store.replace_recurring(org, s.id, &rows).await?;
                okj(&working_hours(&rows))
            }
            _ => Err(ApiError::internal()),
        }
    }

    async fn spots_routes(
        &self,
        op: Op,
        ctx: &Ctx,
        params: &Params,
        request: &Request,
    ) -> Result<Response<Body>, ApiError> {
        let args = QueryArgs::of(request);
        let org = ctx.org_id();
        let now = self.clock.now();
        match op {
            Op::ListSpots => okj(&page_by(
                self.store.list_spots(org).await?,
                |s| (s.display_order, s.id),
                &args,
            )?),
            Op::CreateSpot => {
                let input: SpotInput = body(request)?;
                let existing = self.store.list_spots(org).await?;
                let location_id = match input.location_id {
                    Some(l) => self.location(org, l).await?.id,
                    None => self.primary_location(org).await?.id,
                };
                let mut s = Spot {
                    id: Uuid::now_v7(),
                    org_id: org,
                    location_id,
                    name: required("name", text("name", input.name.clone(), MAX_NAME, true)?)?,
                    display_order: existing
                        .iter()
                        .map(|s| s.display_order + 1)
                        .max()
                        .unwrap_or(0),
                    is_active: true,
                    service_ids: Vec::new(),
                    created_at: now,
                    updated_at: now,
                };
                self.apply_spot(
                    org,
                    &mut s,
                    SpotInput {
                        location_id: None,
                        ..input
                    },
                )
                .await?;
                self.store.create_spot(&s).await?;
                Ok(created(&s))
            }
            Op::GetSpot => okj(&self.spot(org, path_id(params, "id")?).await?),
            Op::UpdateSpot => {
                let mut s = self.spot(org, path_id(params, "id")?).await?;
                let input: SpotInput = body(request)?;
                if let Some(l) = input.location_id {
                    s.location_id = self.location(org, l).await?.id;
                }
                self.apply_spot(org, &mut s, input).await?;
                s.updated_at = now;
                self.store.update_spot(&s).await?;
                okj(&s)
            }
            Op::DeleteSpot => {
                let s = self.spot(org, path_id(params, "id")?).await?;
                self.store.delete_spot(org, s.id).await?;
                Ok(no_content())
            }
            Op::OrderSpots => {
                let input: SpotOrder = body(request)?;
                let spots = self.store.list_spots(org).await?;
                let given: HashSet<Uuid> = input.spot_ids.iter().copied().collect();
                let known: HashSet<Uuid> = spots.iter().map(|s| s.id).collect();
                if given != known || given.len() != input.spot_ids.len() {
                    return Err(ApiError::invalid(
                        "spot_ids",
                        "manda todos los lugares del negocio, cada uno una vez.",
                    ));
                }
                let changed: Vec<Spot> = spots
                    .into_iter()
                    .filter_map(|mut s| {
                        let order = input.spot_ids.iter().position(|id| *id == s.id)? as u32;
                        (s.display_order != order).then(|| {
                            s.display_order = order;
                            s.updated_at = now;
                            s
                        })
                    })
                    .collect();
                futures::future::try_join_all(changed.iter().map(|s| self.store.update_spot(s)))
                    .await?;
                let mut all = self.store.list_spots(org).await?;
                all.sort_by_key(|s| s.display_order);
                okj(&PageOut {
                    items: all,
                    next_cursor: None,
                })
            }
            _ => Err(ApiError::internal()),
        }
    }

    async fn customers_routes(
        &self,
        op: Op,
        ctx: &Ctx,
        params: &Params,
        request: &Request,
    ) -> Result<Response<Body>, ApiError> {
        let args = QueryArgs::of(request);
        let org = ctx.org_id();
        let now = self.clock.now();
        match op {
            Op::ListCustomers => {
                let limit = args.limit()?;
                match args.get("q").map(str::trim).filter(|q| !q.is_empty()) {
                    Some(q)
                        if q.starts_with('+') || q.starts_with(|c: char| c.is_ascii_digit()) =>
                    {
                        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
                        let prefix = if q.starts_with('+')
                            || digits.starts_with("52") && digits.len() > 10
                        {
                            format!("+{digits}")
                        } else {
                            format!("+52{digits}")
                        };
                        let found = self
                            .store
                            .search_customers_by_phone(org, &prefix, limit)
                            .await?;
                        okj(&page_of(found, None))
                    }
                    Some(q) => {
                        let found = self.store.search_customers_by_name(org, q, limit).await?;
                        okj(&page_of(found, None))
                    }
                    None => {
                        let cursor = args.cursor()?;
                        let page = self
                            .store
                            .list_customers(org, limit as i32, cursor.as_deref())
                            .await?;
                        okj(&page_of(page.items, page.next))
                    }
                }
            }
            Op::GetCustomer => {
                let c = self.customer(org, path_id(params, "id")?).await?;
                let mut history = self.store.customer_appointments(org, c.id, None).await?;
                history.sort_by_key(|a| std::cmp::Reverse(a.start));
                let count = |s: AppointmentStatus| history.iter().filter(|a| a.status == s).count();
                let detail = CustomerDetail {
                    total_appointments: history.len(),
                    completed: count(AppointmentStatus::Completed),
                    no_shows: count(AppointmentStatus::NoShow),
                    cancellations: count(AppointmentStatus::Cancelled),
                    appointments: history
                        .into_iter()
                        .map(|a| AppointmentView::new(a, ctx.tz))
                        .collect(),
                    customer: c,
                };
                okj(&detail)
            }
            Op::UpdateCustomer => {
                let mut c = self.customer(org, path_id(params, "id")?).await?;
                let input: CustomerPatch = body(request)?;
                if input.name.is_some() {
                    c.name = text("name", input.name, MAX_NAME, false)?;
                    c.name_verified_at = Some(now);
                }
                if let Some(e) = input.email {
                    let e = e.trim().to_string();
                    if !e.is_empty() && (!e.contains('@') || e.len() > 254) {
                        return Err(ApiError::invalid("email", "no es un correo válido."));
                    }
                    c.email = (!e.is_empty()).then_some(e);
                }
                if input.notes.is_some() {
                    c.notes = text("notes", input.notes, MAX_TEXT, false)?;
                }
                let seen = std::mem::replace(&mut c.updated_at, now);
                self.store.update_customer_seen(&c, seen).await?;
                okj(&c)
            }
            _ => Err(ApiError::internal()),
        }
    }

    async fn appointments_routes(
        &self,
        op: Op,
        ctx: &Ctx,
        params: &Params,
        request: &Request,
    ) -> Result<Response<Body>, ApiError> {
        let args = QueryArgs::of(request);
        let org = ctx.org_id();
        let now = self.clock.now();
        match op {
            Op::ListAppointments => {
                let (from, to) = range(&args, ctx.tz, now)?;
                let staff = args.uuid("staff_id")?;
                let service = args.uuid("service_id")?;
                let status: Option<AppointmentStatus> = args
                    .get("status")
                    .map(|s| {
                        serde_json::from_value(serde_json::Value::String(s.into())).map_err(|_| {
                            ApiError::invalid(
                                "status",
                                "usa pending, confirmed, completed, cancelled o no_show.",
                            )
                        })
                    })
                    .transpose()?;
                let cursor = args.cursor()?;
                let page = self
                    .store
                    .appointments_between(org, from, to, args.limit()? as i32, cursor.as_deref())
                    .await?;
                okj(&render_appointments(
                    page.items, page.next, ctx.tz, staff, service, status,
                ))
            }
            Op::CreateAppointment => {
                let input: AppointmentCreate = body(request)?;
                let notes = text("notes", input.notes.clone(), MAX_TEXT, false)?;
                let service = self
                    .service(org, input.service_id)
                    .await
                    .map_err(|_| ApiError::invalid("service_id", "ese servicio no existe."))?;
                let customer = match (input.customer_id, &input.customer_phone) {
                    (Some(id), _) => self.customer(org, id).await?,
                    (None, Some(p)) => {
                        let e164 = phone("customer_phone", p)?;
                        let name = text(
                            "customer_name",
                            input.customer_name.clone(),
                            MAX_NAME,
                            false,
                        )?;
                        self.store
                            .get_or_create_customer(org, &e164, name.as_deref(), now)
                            .await?
                            .0
                    }
                    (None, None) => {
                        return Err(ApiError::invalid(
                            "customer_id",
                            "indica el cliente (customer_id o customer_phone).",
                        ))
                    }
                };
                let location_id = match input.location_id {
                    Some(l) => self.location(org, l).await?.id,
                    None => self.primary_location(org).await?.id,
                };
                let (team, catalogue) = self.team_and_catalogue(org).await?;
                let id = input.id.unwrap_or_else(Uuid::now_v7);
                // A retried POST with the same id tells nobody twice.
                let act = Act {
                    key: format!("api:appointment:{id}"),
                    ..self.act(ctx)
                };
                let appt = self
                    .services()
                    .await?
                    .book(
                        &act,
                        Biz::new(&ctx.org, &team, &catalogue),
                        &BookRequest {
                            id,
                            org_id: org,
                            location_id,
                            service_id: service.id,
                            customer_id: customer.id,
                            start: input.start,
                            staff_pref: input.staff_id,
                            spot_pref: input.spot_id,
                            source: AppointmentSource::Web,
                            status: AppointmentStatus::Confirmed,
                            notes,
                            now,
                        },
                    )
                    .await?;
                Ok(created(&AppointmentView::new(appt, ctx.tz)))
            }
            Op::GetAppointment => okj(&AppointmentView::new(
                self.appointment(org, path_id(params, "id")?).await?,
                ctx.tz,
            )),
            Op::UpdateAppointment => {
                let current = self.appointment(org, path_id(params, "id")?).await?;
                let input: AppointmentPatch = body(request)?;
                if input.start.is_none() && input.staff_id.is_none() && input.spot_id.is_none() {
                    return Err(ApiError::invalid(
                        "start",
                        "indica el nuevo horario, la persona o el lugar.",
                    ));
                }
                let (team, catalogue) = self.team_and_catalogue(org).await?;
                let appt = self
                    .services()
                    .await?
                    .reschedule(
                        &self.act(ctx),
                        Biz::new(&ctx.org, &team, &catalogue),
                        &current,
                        &RescheduleRequest {
                            org_id: org,
                            appointment_id: current.id,
                            new_start: input.start.unwrap_or(current.start),
                            staff: input
                                .staff_id
                                .map_or(StaffChoice::Keep, StaffChoice::Exactly),
                            spot_pref: input.spot_id,
                            now,
                        },
                    )
                    .await?;
                okj(&AppointmentView::new(appt, ctx.tz))
            }
            Op::CancelAppointment | Op::CompleteAppointment | Op::NoShowAppointment => {
                let current = self.appointment(org, path_id(params, "id")?).await?;
                let (team, catalogue) = self.team_and_catalogue(org).await?;
                let biz = Biz::new(&ctx.org, &team, &catalogue);
                let (services, act) = (self.services().await?, self.act(ctx));
                let appt = match op {
                    Op::CancelAppointment => {
                        let input: CancelInput = body(request)?;
                        let reason = text("reason", input.reason, MAX_TEXT, false)?;
                        services.cancel(&act, biz, &current, reason).await?
                    }
                    Op::CompleteAppointment => services.complete(&act, biz, current.id).await?,
                    _ => services.no_show(&act, biz, current.id).await?,
                };
                okj(&AppointmentView::new(appt, ctx.tz))
            }
            _ => Err(ApiError::internal()),
        }
    }

    async fn availability_routes(
        &self,
        op: Op,
        ctx: &Ctx,
        params: &Params,
        request: &Request,
    ) -> Result<Response<Body>, ApiError> {
        let args = QueryArgs::of(request);
        let org = ctx.org_id();
        let now = self.clock.now();
        match op {
            Op::GetAvailability => {
                let staff = args.uuid("staff_id")?;
                let a = self.store.list_availability(org, staff).await?;
                okj(&serde_json::json!({
                    "timezone": ctx.org.timezone,
                    "recurring": a.recurring,
                    "exceptions": a.exceptions,
                }))
            }
            Op::CreateException => {
                let input: ExceptionInput = body(request)?;
                let staff = self
                    .staff(org, input.staff_id)
                    .await
                    .map_err(|_| ApiError::invalid("staff_id", "esa persona no existe."))?;
                ctx.require_for_staff(Action::BlockOwnTime, Some(staff.id))?;
                let range = match (&input.start, &input.end) {
                    (None, None) => None,
                    (Some(s), Some(e)) => {
                        let t = |f: &str, v: &str| {
                            NaiveTime::parse_from_str(v, "%H:%M:%S")
                                .or_else(|_| NaiveTime::parse_from_str(v, "%H:%M"))
                                .map_err(|_| ApiError::invalid(f, "usa una hora HH:MM."))
                        };
                        Some(TimeRange::new(t("start", s)?, t("end", e)?).ok_or_else(|| {
                            ApiError::invalid("end", "debe ser después del inicio.")
                        })?)
                    }
                    _ => {
                        return Err(ApiError::invalid(
                            "end",
                            "manda inicio y fin, o ninguno para todo el día.",
                        ))
                    }
                };
                let x = AvailabilityException {
                    id: Uuid::now_v7(),
                    org_id: org,
                    staff_id: staff.id,
                    date: input.date,
                    range,
                    is_available: input.is_available,
                    reason: text("reason", input.reason, MAX_TEXT, false)?,
                    created_at: now,
                };
                self.store.put_exception(&x).await?;
                Ok(created(&x))
            }
            Op::DeleteException => {
                let id = path_id(params, "id")?;
                let x = self
                    .store
                    .list_availability(org, None)
                    .await?
                    .exceptions
                    .into_iter()
                    .find(|x| x.id == id)
                    .ok_or_else(ApiError::not_found)?;
                ctx.require_for_staff(Action::BlockOwnTime, Some(x.staff_id))?;
                self.store
                    .delete_exception(org, x.staff_id, x.date, x.id)
                    .await?;
                Ok(no_content())
            }
            Op::ListBlocks => {
                let (from, to) = range(&args, ctx.tz, now)?;
                let blocks = self.store.list_blocks(org, from, to).await?;
                okj(&page_of(blocks, None))
            }
            Op::CreateBlock => {
                let input: BlockInput = body(request)?;
                if let Some(s) = input.staff_id {
                    self.staff(org, s)
                        .await
                        .map_err(|_| ApiError::invalid("staff_id", "esa persona no existe."))?;
                }
                ctx.require_for_staff(Action::BlockOwnTime, input.staff_id)?;
                if input.end <= input.start {
                    return Err(ApiError::invalid("end", "debe ser después del inicio."));
                }
                if input.end - input.start > Duration::days(MAX_RANGE_DAYS) {
                    return Err(ApiError::invalid("end", "el bloqueo es demasiado largo."));
                }
                let b = TimeBlock {
                    id: Uuid::now_v7(),
                    org_id: org,
                    staff_id: input.staff_id,
                    start: input.start,
                    end: input.end,
                    reason: text("reason", input.reason, MAX_TEXT, false)?,
                    created_by: ctx.staff_id,
                    created_at: now,
                };
                match self.store.create_block(&b).await {
                    Ok(()) => Ok(created(&b)),
                    Err(StoreError::SlotTaken { .. }) => Err(conflict(
                        "time_has_appointments",
                        parlo_app::services::words::TIME_HAS_APPOINTMENTS,
                    )),
                    Err(e) => Err(e.into()),
                }
            }
            Op::DeleteBlock => {
                let id = path_id(params, "id")?;
                let b = self
                    .store
                    .list_blocks(org, DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC)
                    .await?
                    .into_iter()
                    .find(|b| b.id == id)
                    .ok_or_else(ApiError::not_found)?;
                ctx.require_for_staff(Action::BlockOwnTime, b.staff_id)?;
                self.store.delete_block(org, b.end, b.id).await?;
                Ok(no_content())
            }
            Op::Slots => {
                let service_id = required("service_id", args.uuid("service_id")?)?;
                let today = now.with_timezone(&ctx.tz).date_naive();
                let from = args.date("from")?.unwrap_or(today);
                let to = args.date("to")?.unwrap_or(from);
                if (to - from).num_days() >= scheduling_max_days() {
                    return Err(ApiError::invalid("to", "el rango es demasiado largo."));
                }
                let location = match args.uuid("location_id")? {
                    Some(l) => self.location(org, l).await?,
                    None => self.primary_location(org).await?,
                };
                let cal = self
                    .store
                    .load_calendar(
                        org,
                        location.id,
                        local_midnight(ctx.tz, from),
                        local_midnight(ctx.tz, to + Duration::days(1)),
                    )
                    .await?;
                let slots = free_slots(
                    &cal,
                    &SlotQuery {
                        service_id,
                        from,
                        to,
                        staff_id: args.uuid("staff_id")?,
                        now,
                    },
                )
                .map_err(|u| ApiError::from(StoreError::Unavailable(u)))?;
                okj(&serde_json::json!({
                    "timezone": ctx.org.timezone,
                    "location_id": location.id,
                    "slots": slots,
                }))
            }
            _ => Err(ApiError::internal()),
        }
    }

    async fn conversations_routes(
        &self,
        op: Op,
        ctx: &Ctx,
        params: &Params,
        request: &Request,
    ) -> Result<Response<Body>, ApiError> {
        let args = QueryArgs::of(request);
        let org = ctx.org_id();
        match op {
            Op::ListConversations => {
                let cursor = args.cursor()?;
                let page = self
                    .store
                    .list_conversations(org, args.limit()? as i32, cursor.as_deref())
                    .await?;
                okj(&page_of(page.items, page.next))
            }
            Op::ListMessages => {
                let c = self.conversation(org, path_id(params, "id")?).await?;
                let cursor = args.cursor()?;
                let page = self
                    .store
                    .list_messages(org, c.id, args.limit()? as i32, cursor.as_deref())
                    .await?;
                okj(&page_of(page.items, page.next))
            }
            Op::ReleaseConversation => {
                let c = self.conversation(org, path_id(params, "id")?).await?;
                if c.status != ConversationStatus::HandedOff {
                    return Err(conflict(
                        "not_handed_off",
                        "Esta conversación ya la atiende el asistente.",
                    ));
                }
                let c = self
                    .services()
                    .await?
                    .release(&self.act(ctx), c)
                    .await
                    .map_err(|e| {
                        tracing::error!(error = %e, "release");
                        ApiError::internal()
                    })?;
                okj(&c)
            }
            Op::TakeOverConversation => {
                let c = self.conversation(org, path_id(params, "id")?).await?;
                if c.kind != ConversationKind::Customer {
                    return Err(conflict(
                        "not_a_customer_conversation",
                        "Sólo las conversaciones con clientes se pueden atender personalmente.",
                    ));
                }
                let c = self
                    .services()
                    .await?
                    .take_over(&self.act(ctx), c)
                    .await
                    .map_err(|e| {
                        tracing::error!(error = %e, "take over");
                        ApiError::internal()
                    })?;
                okj(&c)
            }
            Op::SendMessage => {
                let c = self.conversation(org, path_id(params, "id")?).await?;
                let input: SendMessageInput = body(request)?;
                let text = required("body", text("body", Some(input.body), 1600, true)?)?;
                let client_id = text_id(input.client_id)?;
                let m = self.send_as_business(ctx, &c, &text, &client_id).await?;
                Ok(created(&m))
            }
            _ => Err(ApiError::internal()),
        }
    }

    async fn stats_routes(
        &self,
        op: Op,
        ctx: &Ctx,
        _params: &Params,
        request: &Request,
    ) -> Result<Response<Body>, ApiError> {
        let args = QueryArgs::of(request);
        let org = ctx.org_id();
        let now = self.clock.now();
        match op {
            Op::Stats => {
                let today = now.with_timezone(&ctx.tz).date_naive();
                let to = args.date("to")?.unwrap_or(today);
                let from = args.date("from")?.unwrap_or(to - Duration::days(29));
                if from > to || (to - from).num_days() >= MAX_RANGE_DAYS {
                    return Err(ApiError::invalid(
                        "from",
                        "el periodo debe empezar antes de terminar y durar a lo más 92 días.",
                    ));
                }
                let appts = self
                    .store
                    .appointments_in(
                        org,
                        local_midnight(ctx.tz, from),
                        local_midnight(ctx.tz, to + Duration::days(1)),
                    )
                    .await?;
                okj(&stats(&appts, ctx.tz, from, to))
            }
            _ => Err(ApiError::internal()),
        }
    }

    // ---- lookups (404 when absent: same answer for "another business's") ----

    async fn location(&self, org: OrgId, id: Uuid) -> Result<Location, ApiError> {
        self.store
            .get_location(org, id)
            .await?
            .ok_or_else(ApiError::not_found)
    }

    async fn primary_location(&self, org: OrgId) -> Result<Location, ApiError> {
        let mut all = self.store.list_locations(org).await?;
        all.sort_by_key(|l| (!l.is_primary, l.created_at));
        all.into_iter()
            .next()
            .ok_or_else(|| conflict("no_location", "El negocio todavía no tiene sucursal."))
    }

    async fn service(&self, org: OrgId, id: Uuid) -> Result<ServiceType, ApiError> {
        self.store
            .get_service(org, id)
            .await?
            .ok_or_else(ApiError::not_found)
    }

    async fn staff(&self, org: OrgId, id: Uuid) -> Result<Staff, ApiError> {
        self.store
            .get_staff(org, id)
            .await?
            .ok_or_else(ApiError::not_found)
    }

    async fn spot(&self, org: OrgId, id: Uuid) -> Result<Spot, ApiError> {
        self.store
            .get_spot(org, id)
            .await?
            .ok_or_else(ApiError::not_found)
    }

    async fn customer(&self, org: OrgId, id: Uuid) -> Result<Customer, ApiError> {
        self.store
            .get_customer(org, id)
            .await?
            .ok_or_else(ApiError::not_found)
    }

    async fn appointment(&self, org: OrgId, id: Uuid) -> Result<Appointment, ApiError> {
        self.store
            .get_appointment(org, id)
            .await?
            .ok_or_else(ApiError::not_found)
    }

    async fn conversation(&self, org: OrgId, id: Uuid) -> Result<Conversation, ApiError> {
        self.store
            .conversation_by_id(org, id)
            .await?
            .ok_or_else(ApiError::not_found)
    }

    /// All ids must be services of this business.
    async fn check_services(&self, org: OrgId, ids: &[Uuid]) -> Result<(), ApiError> {
        if ids.is_empty() {
            return Ok(());
        }
        let known: HashSet<Uuid> = self
            .store
            .list_services(org)
            .await?
            .iter()
            .map(|s| s.id)
            .collect();
        if ids.iter().all(|id| known.contains(id)) {
            Ok(())
        } else {
            Err(ApiError::invalid(
                "service_ids",
                "incluye un servicio que no existe.",
            ))
        }
    }

    /// Whether any appointment that still holds time (not cancelled)
    /// starts from `now` on (bookings reach at most a year ahead).
    async fn has_future_appointments(
        &self,
        org: OrgId,
        now: DateTime<Utc>,
    ) -> Result<bool, ApiError> {
        let appts = self
            .store
            .appointments_in(org, now - Duration::days(1), now + Duration::days(400))
            .await?;
        Ok(appts
            .iter()
            .any(|a| a.end > now && a.status != AppointmentStatus::Cancelled))
    }

    async fn apply_staff(
        &self,
        ctx: &Ctx,
        s: &mut Staff,
        input: StaffInput,
    ) -> Result<(), ApiError> {
        let org = ctx.org_id();
        if let Some(n) = text("name", input.name, MAX_NAME, true)? {
            s.name = n;
        }
        if let Some(p) = input.phone {
            s.phone = phone("phone", &p)?;
        }
        if let Some(r) = input.role {
            if r != s.role {
                ctx.require(Action::ChangePermissions)?;
            }
            s.role = r;
        }
        if let Some(level) = input.permission_level {
            if level != s.permission_level {
                ctx.require(Action::ChangePermissions)?;
            }
            s.permission_level = level;
        }
        if let Some(l) = input.location_id {
            s.location_id = Some(self.location(org, l).await?.id);
        }
        if let Some(spot) = input.default_spot_id {
            s.default_spot_id = Some(
                self.spot(org, spot)
                    .await
                    .map_err(|_| ApiError::invalid("default_spot_id", "ese lugar no existe."))?
                    .id,
            );
        }
        if let Some(ids) = input.service_ids {
            self.check_services(org, &ids).await?;
            s.service_ids = dedup(ids);
        }
        if let Some(b) = input.bookable {
            s.bookable = b;
        }
        Ok(())
    }

    async fn apply_spot(&self, org: OrgId, s: &mut Spot, input: SpotInput) -> Result<(), ApiError> {
        if let Some(n) = text("name", input.name, MAX_NAME, true)? {
            s.name = n;
        }
        if let Some(o) = input.display_order {
            s.display_order = o;
        }
        if let Some(a) = input.is_active {
            s.is_active = a;
        }
        if let Some(ids) = input.service_ids {
            self.check_services(org, &ids).await?;
            s.service_ids = dedup(ids);
        }
        Ok(())
    }

    /// The business's team and catalogue, read together (the words of
    /// the notices a change sends).
    async fn team_and_catalogue(
        &self,
        org: OrgId,
    ) -> Result<(Vec<Staff>, Vec<ServiceType>), ApiError> {
        Ok(tokio::try_join!(
            self.store.list_staff(org),
            self.store.list_services(org)
        )?)
    }

    /// Sends a message to the conversation's peer from the business's
    /// number through the services layer (one outbox claim per
    /// `client_id`: a retry or a concurrent double submit sends once).
    async fn send_as_business(
        &self,
        ctx: &Ctx,
        c: &Conversation,
        text: &str,
        client_id: &str,
    ) -> Result<Message, ApiError> {
        let key = format!("dashboard:{}:{client_id}", c.id);
        let message_id = derived_id(&[&key, "out"]);
        let delivery = self
            .services()
            .await?
            .message_customer(
                &self.act(ctx),
                Biz::new(&ctx.org, &[], &[]),
                &c.peer_phone,
                Some(c),
                key,
                text,
            )
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "sending a dashboard message failed");
                ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "send_failed",
                    "No pudimos enviar el mensaje por WhatsApp; intenta de nuevo.",
                )
            })?;
        let r = delivery.record();
        match delivery {
            Delivery::Sent(_) | Delivery::AlreadySent(_) | Delivery::InFlight(_) => Ok(
                business_message(ctx, c, message_id, text, r.provider_sid.clone(), r.created_at),
            ),
            Delivery::NotSendable(_) => Err(ApiError::new(
                StatusCode::CONFLICT,
                "not_sendable",
                "Este cliente no ha escrito en las últimas 24 horas y no hay una plantilla aprobada para escribirle; espera a que te escriba.",
            )),
            Delivery::Refused(_) => Err(ApiError::new(
                StatusCode::BAD_GATEWAY,
                "send_failed",
                "No pudimos enviar el mensaje por WhatsApp; intenta de nuevo.",
            )),
        }
    }

    /// Records an activity feed entry; a failure is logged, never the
    /// caller's problem.
    pub(crate) async fn activity(&self, kind: ActivityKind, org: Option<OrgId>, summary: String) {
        let a = Activity {
            id: Uuid::now_v7(),
            kind,
            org_id: org,
            summary,
            at: self.clock.now(),
        };
        if let Err(e) = self.store.record_activity(&a).await {
            tracing::warn!(error = %e, "activity feed entry not recorded");
        }
    }
}

fn business_message(
    ctx: &Ctx,
    c: &Conversation,
    id: Uuid,
    text: &str,
    provider_id: Option<String>,
    at: DateTime<Utc>,
) -> Message {
    Message {
        id,
        org_id: ctx.org_id(),
        conversation_id: c.id,
        direction: Direction::Outbound,
        sender_type: SenderType::Staff,
        content_type: ContentType::Text,
        content: text.to_string(),
        media_url: None,
        provider_id,
        delivery_status: None,
        created_at: at,
    }
}

fn text_id(v: Option<String>) -> Result<String, ApiError> {
    match v {
        None => Ok(Uuid::now_v7().to_string()),
        Some(s)
            if !s.is_empty()
                && s.len() <= 64
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            Ok(s)
        }
        Some(_) => Err(ApiError::invalid(
            "client_id",
            "usa hasta 64 letras, números, - o _.",
        )),
    }
}

fn scheduling_max_days() -> i64 {
    parlo_core::scheduling::MAX_RANGE_DAYS
}

fn dedup(ids: Vec<Uuid>) -> Vec<Uuid> {
    let mut seen = HashSet::new();
    ids.into_iter().filter(|id| seen.insert(*id)).collect()
}

fn apply_service(s: &mut ServiceType, input: ServiceInput) -> Result<(), ApiError> {
    if let Some(n) = text("name", input.name, MAX_NAME, true)? {
        s.name = n;
    }
    if input.description.is_some() {
        s.description = text("description", input.description, MAX_TEXT, false)?;
    }
    if let Some(d) = input.duration_minutes {
        if !(5..=720).contains(&d) {
            return Err(ApiError::invalid(
                "duration_minutes",
                "debe estar entre 5 y 720 minutos.",
            ));
        }
        s.duration_minutes = d;
    }
    if let Some(p) = input.price_cents {
        if !(0..=100_000_000).contains(&p) {
            return Err(ApiError::invalid(
                "price_cents",
                "debe ser un precio válido.",
            ));
        }
        s.price_cents = p;
    }
    if let Some(c) = input.currency {
        let c = c.trim().to_ascii_uppercase();
        if c.len() != 3 || !c.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(ApiError::invalid(
                "currency",
                "usa un código de 3 letras, como MXN.",
            ));
        }
        s.currency = c;
    }
    if let Some(a) = input.is_active {
        s.is_active = a;
    }
    if let Some(b) = input.buffer_minutes {
        if b > 240 {
            return Err(ApiError::invalid(
                "buffer_minutes",
                "debe ser a lo más 240.",
            ));
        }
        s.buffer_minutes = b;
    }
    Ok(())
}

/// `from`/`to` of a list (instants or local dates; `to` as a date is
/// inclusive). Default: today, local.
fn range(
    args: &QueryArgs,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), ApiError> {
    let today = now.with_timezone(&tz).date_naive();
    let from = args
        .instant("from", tz)?
        .unwrap_or_else(|| local_midnight(tz, today));
    let to = match (args.get("to"), args.instant("to", tz)?) {
        (Some(raw), Some(_)) if raw.len() == 10 => {
            let d: NaiveDate = raw
                .parse()
                .map_err(|_| ApiError::invalid("to", "fecha inválida."))?;
            local_midnight(tz, d + Duration::days(1))
        }
        (_, Some(t)) => t,
        (_, None) => {
            let d = from.with_timezone(&tz).date_naive();
            local_midnight(tz, d + Duration::days(1))
        }
    };
    if to <= from {
        return Err(ApiError::invalid("to", "debe ser después de «from»."));
    }
    if to - from > Duration::days(MAX_RANGE_DAYS) {
        return Err(ApiError::invalid("to", "el rango es de a lo más 92 días."));
    }
    Ok((from, to))
}

/// A day's (or range's) appointment list, filtered and with local times:
/// the handler's own work, measured apart from DynamoDB in the benchmark.
pub fn render_appointments(
    items: Vec<Appointment>,
    next: Option<String>,
    tz: chrono_tz::Tz,
    staff: Option<Uuid>,
    service: Option<Uuid>,
    status: Option<AppointmentStatus>,
) -> PageOut<AppointmentView> {
    let items = items
        .into_iter()
        .filter(|a| staff.is_none_or(|s| a.staff_id == s))
        .filter(|a| service.is_none_or(|s| a.service_id == s))
        .filter(|a| status.is_none_or(|s| a.status == s))
        .map(|a| AppointmentView::new(a, tz))
        .collect();
    page_of(items, next)
}

fn working_hours(rows: &[RecurringAvailability]) -> serde_json::Value {
    let mut days: [Vec<TimeRange>; 7] = Default::default();
    for r in rows {
        if let Some(d) = days.get_mut(usize::from(r.weekday)) {
            d.push(r.range);
        }
    }
    for d in &mut days {
        d.sort_by_key(|r| r.start);
    }
    serde_json::json!({
        "follows_business_hours": rows.is_empty(),
        "days": days,
    })
}

pub fn stats(appts: &[Appointment], tz: chrono_tz::Tz, from: NaiveDate, to: NaiveDate) -> StatsOut {
    let mut by_day: BTreeMap<NaiveDate, StatsCounts> = BTreeMap::new();
    let mut d = from;
    while d <= to {
        by_day.insert(d, StatsCounts::default());
        d += Duration::days(1);
    }
    let mut totals = StatsCounts::default();
    for a in appts {
        let day = a.start.with_timezone(&tz).date_naive();
        count(by_day.entry(day).or_default(), a);
        count(&mut totals, a);
    }
    StatsOut {
        from,
        to,
        timezone: tz.name().to_string(),
        totals,
        by_day: by_day
            .into_iter()
            .map(|(date, counts)| StatsDay { date, counts })
            .collect(),
    }
}

fn count(c: &mut StatsCounts, a: &Appointment) {
    c.bookings += 1;
    match a.status {
        AppointmentStatus::Completed => {
            c.completed += 1;
            c.revenue_cents += a.price_cents;
        }
        AppointmentStatus::NoShow => c.no_shows += 1,
        AppointmentStatus::Cancelled => c.cancellations += 1,
        _ => {}
    }
}
