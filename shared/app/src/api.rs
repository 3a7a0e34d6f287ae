//! The api function's routes: health, dashboard and admin authentication
//! (logic in [`crate::auth`]) and, only when `PARLO_ENV=local`, the dev
//! outbox the simulator reads and a dev magic-link issuer for browser
//! tests. The dashboard's REST resources join here, each calling
//! [`Api::authenticate`] (or [`Api::authenticate_admin`]) first.
//!
//! Every error answers `{"code": "...", "message": "<español>"}`.

use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Request, RequestExt, Response};
use parlo_store::Store;
use serde::Serialize;

use crate::auth::{self, AuthSettings};
use crate::clock::Clock;
use crate::config::{Config, Env};

#[derive(Clone)]
pub struct Api {
    pub store: Store,
    pub config: Config,
    pub clock: Clock,
    pub auth: AuthSettings,
}

/// Error body of every route: a machine code and a Spanish message (the
/// status is the response's).
#[derive(Debug, Clone, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
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

    pub fn into_response(self) -> Response<Body> {
        json(self.status, &self)
    }
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
        }
    }

    pub async fn handle(&self, request: Request) -> Response<Body> {
        let path = request.uri().path().trim_end_matches('/').to_string();
        let local = self.config.env == Env::Local;
        let result = match (request.method(), path.as_str()) {
            (&Method::GET, "/api/v1/health") => {
                return json(StatusCode::OK, &serde_json::json!({"status": "ok"}))
            }
            (&Method::POST, "/api/v1/auth/request-magic-link") => match auth::json_body(&request) {
                Ok(body) => ok(self.request_magic_link(body).await),
                Err(e) => Err(e),
            },
            (&Method::POST, "/api/v1/auth/verify-magic-link") => match auth::json_body(&request) {
                Ok(body) => ok(self.verify_magic_link(body).await),
                Err(e) => Err(e),
            },
            (&Method::POST, "/api/v1/auth/logout") => self
                .logout(&request, auth::BUSINESS_AUDIENCE)
                .await
                .map(|()| no_content()),
            (&Method::GET, "/api/v1/auth/me") => ok(self.me(&request).await),
            (&Method::POST, "/api/v1/admin/auth/login") => match auth::json_body(&request) {
                Ok(body) => ok(self.admin_login(&request, body).await),
                Err(e) => Err(e),
            },
            (&Method::POST, "/api/v1/admin/auth/logout") => self
                .logout(&request, auth::ADMIN_AUDIENCE)
                .await
                .map(|()| no_content()),
            (&Method::GET, "/api/v1/admin/auth/me") => {
                self.authenticate_admin(&request).await.map(|p| {
                    json(
                        StatusCode::OK,
                        &serde_json::json!({"role": "admin", "expires_at": p.expires_at}),
                    )
                })
            }
            (&Method::POST, "/api/v1/dev/auth/magic-link") if local => {
                match auth::json_body::<auth::MagicLinkRequest>(&request) {
                    Ok(body) => self.dev_magic_link(body).await,
                    Err(e) => Err(e),
                }
            }
            (&Method::GET, "/api/v1/dev/outbox") if local => self.dev_outbox(&request).await,
            _ => Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "No encontramos esa ruta.",
            )),
        };
        result.unwrap_or_else(ApiError::into_response)
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

fn ok<T: Serialize>(r: Result<T, ApiError>) -> Result<Response<Body>, ApiError> {
    r.map(|body| json(StatusCode::OK, &body))
}

fn no_content() -> Response<Body> {
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .body(Body::Empty)
        .expect("static response")
}

fn json<T: Serialize>(status: StatusCode, body: &T) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("cache-control", "no-store")
        .body(Body::from(
            serde_json::to_string(body).unwrap_or_else(|_| "{}".into()),
        ))
        .expect("static response")
}
