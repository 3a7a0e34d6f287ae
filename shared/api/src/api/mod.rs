//! The api function: the dashboard's REST resources under `/api/v1`, the
//! platform admin's routes, authentication (logic in [`crate::auth`]) and,
//! only when `PARLO_ENV=local`, dev helpers. docs/api.md describes it;
//! `GET /api/v1/openapi.json` is generated from [`routes::ROUTES`], the
//! same table the router reads.
//!
//! * The business always comes from the session ([`Api::authenticate`]);
//!   every store call is keyed by it, so another business's id in a path
//!   answers 404. Admins reach a business's routes under
//!   `/api/v1/admin/organizations/{org_id}/…` with an admin session only.
//! * Permission levels follow `parlo_core::permissions` (the route's
//!   action; viewers only read).
//! * Every error answers `{"error": {"code": "...", "message": "<español>"}}`.
//! * Lists answer `{"items": [...], "next_cursor": "..."|null}`; pass
//!   `cursor` back for the next page, `limit` (1–100, default 50).
//! * Times are ISO 8601 UTC; appointment views add the business's local
//!   times and `timezone`.

mod admin;
mod business;
mod dto;
pub mod openapi;
pub mod routes;

#[cfg(test)]
mod props;

use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, RequestExt, Response};
use parlo_core::permissions::{allows, Action};
use parlo_core::{OrgId, Organization, PermissionLevel, Staff, StaffId};
use parlo_store::{Store, StoreError};
use serde::Serialize;

use crate::auth::{self, AuthSettings};
use parlo_app::clock::Clock;
use parlo_app::config::{Config, Env};
use parlo_app::schedules::Schedules;

pub use business::render_appointments;
pub use dto::*;
use routes::{Access, Op, Params, Route};

#[derive(Clone)]
pub struct Api {
    pub store: Store,
    pub config: Config,
    pub clock: Clock,
    pub auth: AuthSettings,
    /// Brought in line after every appointment change.
    pub schedules: Schedules,
}

/// An error answer: the status, a machine code and a Spanish message.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: &str) -> Self {
        Self {
            status,
            code,
            message: message.to_string(),
        }
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Algo salió mal; intenta de nuevo.",
        )
    }

    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "El servicio no está disponible por ahora; intenta más tarde.",
        )
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "No encontramos lo que buscas.",
        )
    }

    /// A 400 about one field.
    pub fn invalid(field: &str, message: &str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_field",
            message: format!("{field}: {message}"),
        }
    }

    pub fn forbidden(action: Action) -> Self {
        Self {
            status: StatusCode::FORBIDDEN,
            code: "forbidden",
            message: format!("No tienes permiso para {}.", action.describe_es()),
        }
    }

    pub fn into_response(self) -> Response<Body> {
        json(
            self.status,
            &ErrorBody {
                error: ErrorDetail {
                    code: self.code,
                    message: &self.message,
                },
            },
        )
    }
}

/// Store errors as the chat words them (the same "slot taken" text).
impl From<parlo_app::services::CatalogueError> for ApiError {
    fn from(e: parlo_app::services::CatalogueError) -> Self {
        use parlo_app::services::CatalogueError;
        match e {
            CatalogueError::Invalid(i) => ApiError::invalid(i.field, &i.message),
            CatalogueError::Refused { code, message } => {
                ApiError::new(StatusCode::CONFLICT, code, &message)
            }
            CatalogueError::Store(e) => e.into(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let (status, code) = match &e {
            StoreError::NotFound { .. } => return ApiError::not_found(),
            StoreError::SlotTaken { .. } => (StatusCode::CONFLICT, "slot_taken"),
            StoreError::Unavailable(_) => (StatusCode::UNPROCESSABLE_ENTITY, "unavailable_time"),
            StoreError::AlreadyExists { .. } => (StatusCode::CONFLICT, "already_exists"),
            StoreError::InvalidStatus { .. } => (StatusCode::CONFLICT, "invalid_status"),
            StoreError::TooManyOpen { .. } => (StatusCode::CONFLICT, "too_many_appointments"),
            StoreError::Conflict(_) => {
                tracing::warn!(error = %e, "store conflict");
                return ApiError::new(
                    StatusCode::CONFLICT,
                    "conflict",
                    "Otro cambio se cruzó con este; intenta de nuevo.",
                );
            }
            StoreError::InvalidCursor => {
                return ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_cursor",
                    "El cursor de paginación no es válido.",
                )
            }
            _ => {
                tracing::error!(error = %e, "store call");
                return ApiError::internal();
            }
        };
        ApiError {
            status,
            code,
            message: parlo_app::services::words::store_error(&e),
        }
    }
}

/// The caller of a business route, with its business loaded.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub org: Organization,
    pub tz: chrono_tz::Tz,
    pub level: PermissionLevel,
    /// `None` for an admin (directly or impersonating).
    pub staff_id: Option<StaffId>,
    pub admin: bool,
}

impl Ctx {
    pub fn org_id(&self) -> OrgId {
        self.org.id
    }

    pub fn require(&self, action: Action) -> Result<(), ApiError> {
        if allows(self.level, action) {
            Ok(())
        } else {
            Err(ApiError::forbidden(action))
        }
    }

    /// Changing anything of a staff member of a higher level than the
    /// caller (phone, reactivation, any field) is refused: an admin must
    /// never be able to take over or revive an owner (issue 11, item 2).
    pub fn require_level_over(&self, target: &Staff) -> Result<(), ApiError> {
        if target.permission_level > self.level {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "No puedes modificar a alguien con un nivel de permisos mayor que el tuyo.",
            ))
        } else {
            Ok(())
        }
    }

    /// Blocking or changing hours: one's own needs `own`, anyone else's
    /// (or the whole business) needs [`Action::BlockOthersTime`].
    pub fn require_for_staff(&self, own: Action, staff: Option<StaffId>) -> Result<(), ApiError> {
        if staff.is_some() && staff == self.staff_id {
            self.require(own)
        } else {
            self.require(Action::BlockOthersTime)
        }
    }
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{}://{}", scheme.to_ascii_lowercase(), host))
}

impl Api {
    /// From the environment (the api function's `main`).
    pub fn new(store: Store, config: Config, clock: Clock) -> Self {
        let auth = AuthSettings::from_env(&config);
        Self {
            store,
            config,
            clock,
            auth,
            schedules: Schedules::default(),
        }
    }

    pub fn with_schedules(self, schedules: Schedules) -> Self {
        Self { schedules, ..self }
    }

    /// The services layer over this function's messenger and schedules:
    /// every change the API makes goes through it.
    pub(crate) async fn services(&self) -> Result<parlo_app::services::Services, ApiError> {
        let messenger = self.messenger().await?.clone();
        let mut templates = self.config.templates.clone();
        if messenger.is_mock() {
            templates = parlo_app::services::Templates::configured(true);
        }
        Ok(parlo_app::services::Services::new(
            self.store.clone(),
            self.schedules.clone(),
            parlo_app::services::Outbox {
                store: self.store.clone(),
                messenger,
                templates,
                central_number: self.config.central_number.clone(),
            },
        ))
    }

    /// The act of a dashboard caller (one key per request).
    pub(crate) fn act(&self, ctx: &Ctx) -> parlo_app::services::Act {
        use parlo_app::services::{Act, By, Door};
        let by = ctx.staff_id.map_or(By::Panel, By::Staff);
        Act::new(
            by,
            Door::Api,
            uuid::Uuid::now_v7().to_string(),
            self.clock.now(),
        )
    }

    /// The act of the platform admin (one key per request).
    pub(crate) fn admin_act(&self) -> parlo_app::services::Act {
        use parlo_app::services::{Act, By, Door};
        Act::new(
            By::Panel,
            Door::Api,
            uuid::Uuid::now_v7().to_string(),
            self.clock.now(),
        )
    }

    /// Answers one request as one unit of work: a correlation id (API
    /// Gateway's request id, echoed in `x-correlation-id`), its logs in a
    /// span carrying it, one metrics line (EMF) at the end.
    pub async fn handle(&self, request: Request) -> Response<Body> {
        use parlo_telemetry::{names, Recorder, Unit};
        use tracing::Instrument;
        let started = std::time::Instant::now();
        let correlation_id = parlo_app::telemetry::request_correlation_id(&request);
        let span = tracing::info_span!("request", correlation_id = %correlation_id);
        let requests_before = self.store.requests();
        let recorder = Recorder::new(names::service::API, correlation_id.clone())
            .with_zero(&[names::API_4XX, names::API_5XX]);
        let (mut response, mut recorder) =
            parlo_telemetry::scope(recorder, self.answer(request).instrument(span)).await;
        let status = response.status();
        recorder.add(names::API_REQUESTS, Unit::Count, 1.0);
        if status.is_client_error() {
            recorder.add(names::API_4XX, Unit::Count, 1.0);
        } else if status.is_server_error() {
            recorder.add(names::API_5XX, Unit::Count, 1.0);
        }
        recorder.add(
            names::DYNAMODB_REQUESTS,
            Unit::Count,
            (self.store.requests() - requests_before) as f64,
        );
        recorder.add(
            names::API_DURATION,
            Unit::Milliseconds,
            parlo_app::telemetry::elapsed_ms(started) as f64,
        );
        recorder.emit();
        if let Ok(v) = correlation_id.parse() {
            response.headers_mut().insert("x-correlation-id", v);
        }
        response
    }

    async fn answer(&self, request: Request) -> Response<Body> {
        let origin = self.cors_origin(&request);
        let mut response = if request.method() == lambda_http::http::Method::OPTIONS {
            self.preflight(&request)
        } else {
            self.route(request).await
        };
        if let Some(origin) = origin {
            let h = response.headers_mut();
            if let Ok(v) = origin.parse() {
                h.insert("access-control-allow-origin", v);
            }
            h.insert(
                "vary",
                lambda_http::http::HeaderValue::from_static("Origin"),
            );
        }
        response
    }

    /// The dashboard's origin (`scheme://host[:port]` of `DASHBOARD_URL`;
    /// locally the dashboard's dev server when unset) when the request
    /// comes from it: the only origin a browser may read answers for
    /// (issue 11, item 14). Bearer tokens, no cookies: no credentials flag.
    fn cors_origin(&self, request: &Request) -> Option<String> {
        let sent = request.headers().get("origin")?.to_str().ok()?;
        let configured = match self.auth.dashboard_url.as_deref() {
            Some(u) if !u.trim().is_empty() => u.trim().to_string(),
            _ if self.config.env == Env::Local => "http://localhost:5173".to_string(),
            _ => return None,
        };
        let allowed = origin_of(&configured)?;
        (sent.eq_ignore_ascii_case(&allowed)).then_some(allowed)
    }

    /// `OPTIONS` (a CORS preflight) on a known path: 204 with what the
    /// dashboard may send; never 405.
    fn preflight(&self, request: &Request) -> Response<Body> {
        let path = request.uri().path();
        if matches!(routes::find(None, path), Err(false)) {
            return ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "No encontramos esa ruta.",
            )
            .into_response();
        }
        Response::builder()
            .status(StatusCode::NO_CONTENT)
            .header(
                "access-control-allow-methods",
                "GET, POST, PUT, PATCH, DELETE, OPTIONS",
            )
            .header(
                "access-control-allow-headers",
                "authorization, content-type",
            )
            .header("access-control-max-age", "600")
            .body(Body::Empty)
            .expect("static response")
    }

    async fn route(&self, request: Request) -> Response<Body> {
        let verb = routes::Verb::parse(request.method());
        let path = request.uri().path().to_string();
        match routes::find(verb, &path) {
            Ok((route, params)) => Box::pin(self.dispatch(route, &params, &request))
                .await
                .unwrap_or_else(ApiError::into_response),
            Err(true) => ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "Esa ruta no acepta este método.",
            )
            .into_response(),
            Err(false) => ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "No encontramos esa ruta.",
            )
            .into_response(),
        }
    }

    async fn dispatch(
        &self,
        route: &Route,
        params: &Params,
        request: &Request,
    ) -> Result<Response<Body>, ApiError> {
        let ctx = match (route.access, route.as_admin) {
            (Access::Public | Access::Admin, false) => {
                return self.platform(route.op, params, request).await
            }
            (Access::Dev, false) if self.config.env == Env::Local => {
                return self.platform(route.op, params, request).await
            }
            (Access::Dev, _) => {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    "No encontramos esa ruta.",
                ))
            }
            // A business route for the business in the path: admins only.
            (_, true) => {
                self.authenticate_admin(request).await?;
                let org_id: OrgId = params
                    .get("org_id")
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(ApiError::not_found)?;
                self.admin_ctx(org_id).await?
            }
            (Access::Business(_), false) => self.business_ctx(request).await?,
        };
        if let Access::Business(Some(action)) = route.access {
            ctx.require(action)?;
        }
        // Boxed: the handlers' state machine is large for the stack of a
        // debug build.
        Box::pin(self.business(route.op, &ctx, params, request)).await
    }

    async fn business_ctx(&self, request: &Request) -> Result<Ctx, ApiError> {
        let p = self.authenticate(request).await?;
        let org = self
            .store
            .get_organization(p.org_id)
            .await?
            .ok_or_else(ApiError::not_found)?;
        Ok(Ctx {
            tz: zone(&org),
            org,
            level: p.level,
            staff_id: p.staff_id,
            admin: p.impersonated,
        })
    }

    async fn admin_ctx(&self, org_id: OrgId) -> Result<Ctx, ApiError> {
        let org = self
            .store
            .get_organization(org_id)
            .await?
            .ok_or_else(ApiError::not_found)?;
        Ok(Ctx {
            tz: zone(&org),
            org,
            level: PermissionLevel::Owner,
            staff_id: None,
            admin: true,
        })
    }

    /// Routes that are not a business's: health, auth, dev, admin.
    async fn platform(
        &self,
        op: Op,
        params: &Params,
        request: &Request,
    ) -> Result<Response<Body>, ApiError> {
        match op {
            Op::Health => Ok(json(StatusCode::OK, &serde_json::json!({"status": "ok"}))),
            Op::HealthReady => {
                let report = parlo_app::readiness::from_env(&self.store, &self.config).await;
                let status = match report.ready {
                    true => StatusCode::OK,
                    false => StatusCode::SERVICE_UNAVAILABLE,
                };
                Ok(json(status, &dto::out::Readiness::from(report)))
            }
            Op::OpenApi => Ok(json(StatusCode::OK, openapi::document())),
            Op::RequestMagicLink => ok(self.request_magic_link(auth::json_body(request)?).await),
            Op::VerifyMagicLink => ok(self.verify_magic_link(auth::json_body(request)?).await),
            Op::Logout => self
                .logout(request, auth::BUSINESS_AUDIENCE)
                .await
                .map(|()| no_content()),
            Op::Me => ok(self.me(request).await),
            Op::AdminLogin => ok(self.admin_login(request, auth::json_body(request)?).await),
            Op::AdminLogout => self
                .logout(request, auth::ADMIN_AUDIENCE)
                .await
                .map(|()| no_content()),
            Op::AdminMe => self.authenticate_admin(request).await.map(|p| {
                json(
                    StatusCode::OK,
                    &serde_json::json!({"role": "admin", "expires_at": p.expires_at}),
                )
            }),
            Op::DevMagicLink => self.dev_magic_link(auth::json_body(request)?).await,
            Op::DevOutbox => self.dev_outbox(request).await,
            admin_op => {
                self.authenticate_admin(request).await?;
                Box::pin(self.admin(admin_op, params, request)).await
            }
        }
    }

    /// `GET /api/v1/auth/me`: who the session is.
    async fn me(&self, request: &Request) -> Result<serde_json::Value, ApiError> {
        let p = self.authenticate(request).await?;
        Ok(serde_json::json!({
            "org_id": p.org_id,
            "staff_id": p.staff_id,
            "permission_level": p.level,
            "impersonated": p.impersonated,
            "expires_at": p.expires_at,
        }))
    }

    /// Dev only: links for a seeded phone, returned instead of sent.
    async fn dev_magic_link(
        &self,
        body: auth::MagicLinkRequest,
    ) -> Result<Response<Body>, ApiError> {
        let e164 = parlo_core::phone::normalize(&body.phone, parlo_core::phone::Region::Mexico)
            .map_err(|_| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_phone",
                    "El número no es válido.",
                )
            })?;
        let links: Vec<auth::IssuedLink> = self
            .issue_magic_links(&e164, body.org_id)
            .await?
            .into_iter()
            .map(|(_, _, link)| link)
            .collect();
        Ok(json(StatusCode::OK, &serde_json::json!({ "links": links })))
    }

    async fn dev_outbox(&self, request: &Request) -> Result<Response<Body>, ApiError> {
        let query = request.query_string_parameters();
        let Some(to) = query.first("to") else {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "missing_to",
                "Falta el parámetro «to».",
            ));
        };
        match crate::dev::outbox(&self.store, to, query.first("after")).await {
            Ok(page) => Ok(json(StatusCode::OK, &page)),
            Err(crate::dev::DevError::BadNumber(_)) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_phone",
                "El número no es válido.",
            )),
            Err(e) => {
                tracing::error!(error = %e, "dev outbox");
                Err(ApiError::internal())
            }
        }
    }
}

/// The business's zone (the default when the stored name is unknown).
pub fn zone(org: &Organization) -> chrono_tz::Tz {
    org.timezone
        .parse()
        .unwrap_or(chrono_tz::America::Mexico_City)
}

fn ok<T: Serialize>(r: Result<T, ApiError>) -> Result<Response<Body>, ApiError> {
    r.map(|body| json(StatusCode::OK, &body))
}

fn no_content() -> Response<Body> {
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .body(Body::Empty)
        .expect("static response")
}

fn json<T: Serialize + ?Sized>(status: StatusCode, body: &T) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("cache-control", "no-store")
        .body(Body::from(
            serde_json::to_string(body).unwrap_or_else(|_| "{}".into()),
        ))
        .expect("static response")
}
