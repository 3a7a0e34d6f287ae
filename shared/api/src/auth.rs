//! Dashboard and admin authentication (spec §1.9, §4.1, §5.3).
//!
//! **Magic links.** `request_magic_link` takes a phone number and, when it
//! belongs to an *active* staff member (any permission level, viewers
//! included: their dashboard is read-only, enforced by the routes through
//! the level in the session) of a business that is not suspended or
//! churned, sends that person one link per business by WhatsApp, from the
//! business's own number (the central number when it has none). The
//! request may name one business (`org_id`) to get only that link. The
//! answer is the same whether or not anything was sent. At most
//! [`MAGIC_LINK_LIMIT`] requests per phone per [`MAGIC_LINK_WINDOW`]
//! (a DynamoDB counter `RATE#magic#<e164>` with TTL); excess requests get
//! the same answer and send nothing.
//!
//! A link token is 32 random bytes, base64url; only its SHA-256 (hex) is
//! stored, for [`MAGIC_LINK_TTL`], and it is redeemed once by a
//! conditional update (`Store::redeem_auth_token`). Outside mock mode the
//! outbox keeps the message with the token redacted, so the token itself
//! is never written anywhere.
//!
//! **Sessions** are HS256 JWTs (`JWT_SECRET` / `JWT_SECRET_PARAM`):
//! business sessions (`aud = parlo-business`, 7 days, `sub` = staff id,
//! `org`, `lvl`), admin sessions (`aud = parlo-admin`, `sub = admin`,
//! 4 hours). `imp = true` marks an admin impersonating a business (no staff
//! member behind it). Logout stores the `jti` as revoked until the token's
//! expiry. [`Api::authenticate`] checks signature, audience, expiry (on the
//! Api's clock), revocation, that the business is not suspended, and that
//! the staff member is still active; the permission level it reports is
//! the staff member's *current* one (the `lvl` claim is for the frontend).
//!
//! Tokens, links and passwords never reach a log; phones are logged as a
//! keyed hash.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use lambda_http::http::StatusCode;
use lambda_http::{Request, RequestExt};
use parlo_core::phone::{self, Region};
use parlo_core::{OrgId, OrgStatus, Organization, PermissionLevel, Staff, StaffId};
use parlo_store::StoreError;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::sync::OnceCell;
use uuid::Uuid;

use crate::api::{Api, ApiError};
use parlo_app::config::{Config, Env, LazySecret, Secret};
use parlo_app::messenger::Messenger;
use parlo_app::services::{Delivery, MessageKind, Outgoing};

pub const BUSINESS_AUDIENCE: &str = "parlo-business";
pub const ADMIN_AUDIENCE: &str = "parlo-admin";
pub const MAGIC_LINK_TTL: Duration = Duration::minutes(15);
pub const SESSION_TTL: Duration = Duration::days(7);
pub const ADMIN_SESSION_TTL: Duration = Duration::hours(4);
pub const MAGIC_LINK_LIMIT: u32 = 3;
pub const MAGIC_LINK_WINDOW: Duration = Duration::minutes(15);
/// Admin login attempts per source IP per window (429 beyond).
pub const ADMIN_LOGIN_LIMIT: u32 = 10;
pub const ADMIN_LOGIN_WINDOW: Duration = Duration::minutes(15);
/// Admin login attempts from anywhere per window: many source IPs cannot
/// together try more passwords than this (429 beyond).
pub const ADMIN_LOGIN_GLOBAL_LIMIT: u32 = 30;
/// The shortest signing secret accepted outside the local stack (bytes).
pub const MIN_JWT_SECRET_LEN: usize = 32;

/// Signing secret of the local stack when none is configured. Never used
/// outside `PARLO_ENV=local`.
const LOCAL_JWT_SECRET: &str = "parlo-local-dev-jwt-secret-not-for-production";
/// Admin password of the local stack when none is configured.
pub const LOCAL_ADMIN_PASSWORD: &str = "parlo-admin-local";

/// The answer to every well-formed magic-link request.
pub const MAGIC_LINK_ANSWER: &str =
    "Si ese número tiene acceso al panel, te enviamos un enlace por WhatsApp.";

/// Settings and lazily resolved adapters of authentication.
#[derive(Clone)]
pub struct AuthSettings {
    pub jwt_secret: LazySecret,
    /// The plain password, or `sha256:<hex>` of it.
    pub admin_password: LazySecret,
    /// Origin of the dashboard (`DASHBOARD_URL`, else `PUBLIC_BASE_URL`):
    /// links are `<origin>/auth?token=…`.
    pub dashboard_url: Option<String>,
    messenger: Arc<OnceCell<Messenger>>,
}

impl std::fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthSettings")
            .field("jwt_secret", &self.jwt_secret)
            .field("admin_password", &self.admin_password)
            .field("dashboard_url", &self.dashboard_url)
            .finish_non_exhaustive()
    }
}

impl AuthSettings {
    pub fn from_env(config: &Config) -> Self {
        Self::from_vars(config, |n| std::env::var(n).ok())
    }

    pub fn from_vars(config: &Config, var: impl Fn(&str) -> Option<String>) -> Self {
        let dashboard_url = var("DASHBOARD_URL")
            .filter(|v| !v.trim().is_empty())
            .or_else(|| config.public_base_url.clone());
        Self {
            jwt_secret: LazySecret::from_vars("JWT_SECRET", &var),
            admin_password: LazySecret::from_vars("ADMIN_PASSWORD", &var),
            dashboard_url,
            messenger: Arc::default(),
        }
    }

    /// Uses this messenger instead of resolving one from the environment.
    pub fn with_messenger(self, messenger: Messenger) -> Self {
        let cell = OnceCell::new();
        let _ = cell.set(messenger);
        Self {
            messenger: Arc::new(cell),
            ..self
        }
    }
}

/// JWT claims of both audiences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// Staff id, or `admin`.
    pub sub: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<OrgId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lvl: Option<PermissionLevel>,
    pub jti: String,
    pub iat: i64,
    pub exp: i64,
    pub aud: String,
    /// An admin acting as the business.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub imp: bool,
    /// Of an impersonation: the admin session (its `jti`) it came from;
    /// the impersonation ends when that session is logged out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adm: Option<String>,
}

/// Who is calling a business route.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub org_id: OrgId,
    /// `None` for an admin impersonating the business.
    pub staff_id: Option<StaffId>,
    pub level: PermissionLevel,
    pub jti: String,
    pub expires_at: DateTime<Utc>,
    pub impersonated: bool,
}

/// Who is calling an admin route.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminPrincipal {
    pub jti: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
pub struct MagicLinkRequest {
    pub phone: String,
    #[serde(default)]
    pub org_id: Option<OrgId>,
}

#[derive(Debug, Deserialize)]
pub struct VerifyRequest {
    pub token: String,
}

#[derive(Debug, Deserialize)]
pub struct AdminLoginRequest {
    pub password: String,
}

#[derive(Debug, Serialize)]
pub struct MagicLinkAccepted {
    pub status: &'static str,
    pub message: &'static str,
}

#[derive(Debug, Serialize)]
pub struct SessionBusiness {
    pub id: OrgId,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct SessionStaff {
    pub id: StaffId,
    pub name: String,
}

/// Answer of a successful verification.
#[derive(Debug, Serialize)]
pub struct Session {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub business: SessionBusiness,
    pub staff: SessionStaff,
    pub permission_level: PermissionLevel,
}

#[derive(Debug, Serialize)]
pub struct AdminSession {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// A link issued for one business (the dev route returns these).
#[derive(Debug, Clone, Serialize)]
pub struct IssuedLink {
    pub org_id: OrgId,
    pub business: String,
    pub staff_id: StaffId,
    pub token: String,
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

// ---- errors -------------------------------------------------------------

fn unauthorized(code: &'static str, message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, code, message)
}

fn suspended() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "business_suspended",
        "Esta cuenta está suspendida. Escríbenos para reactivarla.",
    )
}

fn invalid_session() -> ApiError {
    unauthorized(
        "invalid_token",
        "Tu sesión no es válida. Vuelve a entrar con un enlace nuevo.",
    )
}

fn internal(what: &str, e: &dyn std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "{what}");
    ApiError::internal()
}

fn store_error(e: StoreError) -> ApiError {
    internal("auth store call", &e)
}

// ---- helpers ------------------------------------------------------------

/// SHA-256 of a token, lowercase hex (what the store keeps).
/// The link token and its stored hash are the services' (the chat's
/// "panel" link and the dashboard's sign-in share one token store).
pub use parlo_app::services::sign_in::{new_link_token, token_hash};

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Password check against the configured form: an argon2 PHC string
/// (`$argon2id$v=19$m=…$<salt>$<hash>`, salted: the recommended form), or
/// (constant-time) the plain value or `sha256:<hex>`.
fn password_matches(given: &str, configured: &Secret) -> bool {
    let configured = configured.expose();
    if configured.starts_with("$argon2") {
        use argon2::{PasswordHash, PasswordVerifier};
        return match PasswordHash::new(configured) {
            Ok(hash) => argon2::Argon2::default()
                .verify_password(given.as_bytes(), &hash)
                .is_ok(),
            Err(_) => {
                tracing::error!("ADMIN_PASSWORD is not a valid argon2 PHC string");
                false
            }
        };
    }
    let given_hash = Sha256::digest(given.as_bytes());
    let expected: Vec<u8> = match configured.strip_prefix("sha256:") {
        Some(h) => {
            let h = h.trim().to_ascii_lowercase();
            // Compare hex to hex (equal length for any valid digest).
            return hex(&given_hash).as_bytes().ct_eq(h.as_bytes()).into();
        }
        None => Sha256::digest(configured.as_bytes()).to_vec(),
    };
    given_hash.as_slice().ct_eq(&expected).into()
}

fn bearer(request: &Request) -> Option<&str> {
    let value = request
        .headers()
        .get(lambda_http::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

fn source_ip(request: &Request) -> Option<String> {
    match request.request_context_ref()? {
        lambda_http::request::RequestContext::ApiGatewayV2(ctx) => ctx.http.source_ip.clone(),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

fn can_sign_in(org: &Organization) -> bool {
    !matches!(org.status, OrgStatus::Suspended | OrgStatus::Churned)
}

fn at(epoch: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(epoch, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Parses a JSON request body.
pub fn json_body<T: serde::de::DeserializeOwned>(request: &Request) -> Result<T, ApiError> {
    serde_json::from_slice(request.body().as_ref()).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "La solicitud no tiene el formato esperado.",
        )
    })
}

// ---- the flows ----------------------------------------------------------

impl Api {
    pub(crate) async fn jwt_secret(&self) -> Result<Secret, ApiError> {
        match self.auth.jwt_secret.get().await {
            Ok(Some(s)) if s.expose().len() >= MIN_JWT_SECRET_LEN => Ok(s),
            Ok(Some(s)) if !s.expose().is_empty() => {
                // A short secret can be brute-forced offline from any token.
                tracing::error!(
                    "JWT_SECRET is shorter than {MIN_JWT_SECRET_LEN} bytes: sessions disabled"
                );
                Err(ApiError::unavailable())
            }
            Ok(_) if self.config.env == Env::Local => Ok(Secret::new(LOCAL_JWT_SECRET)),
            Ok(_) => {
                tracing::error!("JWT_SECRET is not configured");
                Err(ApiError::unavailable())
            }
            Err(e) => Err(internal("JWT secret", &e)),
        }
    }

    pub(crate) async fn messenger(&self) -> Result<&Messenger, ApiError> {
        self.auth
            .messenger
            .get_or_try_init(|| Messenger::from_env(self.config.public_base_url.as_deref()))
            .await
            .map_err(|e| internal("messenger", &e))
    }

    /// A phone as logs may show it: keyed hash, 12 hex digits.
    async fn phone_tag(&self, e164: &str) -> String {
        let key = self.jwt_secret().await.ok();
        let mut h = Sha256::new();
        if let Some(k) = &key {
            h.update(k.expose().as_bytes());
        }
        h.update(b"\x1fphone\x1f");
        h.update(e164.as_bytes());
        hex(&h.finalize())[..12].to_string()
    }

    pub(crate) fn sign(&self, secret: &Secret, claims: &Claims) -> Result<String, ApiError> {
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            claims,
            &EncodingKey::from_secret(secret.expose().as_bytes()),
        )
        .map_err(|e| internal("signing a session", &e))
    }

    /// Signature, audience and expiry (on the Api's clock) of a JWT.
    async fn decode(&self, token: &str, audience: &str) -> Result<Claims, ApiError> {
        let secret = self.jwt_secret().await?;
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is checked below against the Api's clock (fixed in tests
        // and in the local stack); the library would use the system's.
        validation.validate_exp = false;
        validation.leeway = 0;
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "aud", "sub"]);
        let claims = jsonwebtoken::decode::<Claims>(
            token,
            &DecodingKey::from_secret(secret.expose().as_bytes()),
            &validation,
        )
        .map_err(|_| invalid_session())?
        .claims;
        if claims.exp <= self.clock.now().timestamp() {
            return Err(unauthorized(
                "session_expired",
                "Tu sesión venció. Pide un enlace nuevo para entrar.",
            ));
        }
        Ok(claims)
    }

    /// The caller of a business route: see the module docs.
    pub async fn authenticate(&self, request: &Request) -> Result<Principal, ApiError> {
        let token = bearer(request).ok_or_else(|| {
            unauthorized("missing_token", "Necesitas iniciar sesión para continuar.")
        })?;
        let claims = self.decode(token, BUSINESS_AUDIENCE).await?;
        let org_id = claims.org.ok_or_else(invalid_session)?;
        let staff_id = if claims.imp {
            None
        } else {
            Some(
                claims
                    .sub
                    .parse::<StaffId>()
                    .map_err(|_| invalid_session())?,
            )
        };
        let state = self
            .store
            .session_state(&claims.jti, org_id, staff_id)
            .await
            .map_err(store_error)?;
        if state.revoked {
            return Err(unauthorized(
                "session_revoked",
                "Cerraste esta sesión. Vuelve a entrar con un enlace nuevo.",
            ));
        }
        if claims.imp {
            // An impersonation lives only as long as the admin session it
            // came from (issue 11, item 13).
            let admin_jti = claims.adm.as_deref().ok_or_else(invalid_session)?;
            if self
                .store
                .is_jti_revoked(admin_jti)
                .await
                .map_err(store_error)?
            {
                return Err(unauthorized(
                    "session_revoked",
                    "La sesión de administración terminó. Vuelve a entrar.",
                ));
            }
        }
        let org = state.organization.ok_or_else(invalid_session)?;
        if !can_sign_in(&org) {
            return Err(suspended());
        }
        let level = match staff_id {
            None => claims.lvl.unwrap_or(PermissionLevel::Owner),
            Some(_) => match state.staff {
                Some(s) if s.is_active => s.permission_level,
                _ => {
                    return Err(unauthorized(
                        "access_revoked",
                        "Ya no tienes acceso al panel de este negocio.",
                    ))
                }
            },
        };
        Ok(Principal {
            org_id,
            staff_id,
            level,
            jti: claims.jti,
            expires_at: at(claims.exp),
            impersonated: claims.imp,
        })
    }

    /// The caller of an admin route.
    pub async fn authenticate_admin(&self, request: &Request) -> Result<AdminPrincipal, ApiError> {
        let token = bearer(request).ok_or_else(|| {
            unauthorized("missing_token", "Necesitas iniciar sesión para continuar.")
        })?;
        let claims = self.decode(token, ADMIN_AUDIENCE).await?;
        if claims.sub != "admin" {
            return Err(invalid_session());
        }
        if self
            .store
            .is_jti_revoked(&claims.jti)
            .await
            .map_err(store_error)?
        {
            return Err(unauthorized(
                "session_revoked",
                "Cerraste esta sesión. Vuelve a entrar.",
            ));
        }
        Ok(AdminPrincipal {
            jti: claims.jti,
            expires_at: at(claims.exp),
        })
    }

    /// Revokes the caller's session (either audience). Only the signature,
    /// audience and expiry are checked: a suspended business can still
    /// log out. Revoking twice is fine.
    pub async fn logout(&self, request: &Request, audience: &str) -> Result<(), ApiError> {
        let token = bearer(request).ok_or_else(|| {
            unauthorized("missing_token", "Necesitas iniciar sesión para continuar.")
        })?;
        let claims = self.decode(token, audience).await?;
        self.store
            .revoke_jti(&claims.jti, at(claims.exp))
            .await
            .map_err(store_error)
    }

    /// Creates a stored link token for every business where `e164` may
    /// sign in (optionally only `only`). Nothing is sent.
    pub async fn issue_magic_links(
        &self,
        e164: &str,
        only: Option<OrgId>,
    ) -> Result<Vec<(Organization, Staff, IssuedLink)>, ApiError> {
        let eligible = self.sign_in_memberships(e164, only).await?;
        self.issue_links_for(eligible).await
    }

    /// The (active) memberships of `e164` in businesses that may sign in
    /// (optionally only `only`): where a link would be sent.
    async fn sign_in_memberships(
        &self,
        e164: &str,
        only: Option<OrgId>,
    ) -> Result<Vec<(Staff, Organization)>, ApiError> {
        let memberships: Vec<Staff> = self
            .store
            .staff_memberships(e164)
            .await
            .map_err(store_error)?
            .into_iter()
            .filter(|s| s.is_active && only.is_none_or(|o| o == s.org_id))
            .collect();
        let orgs = futures::future::try_join_all(
            memberships
                .iter()
                .map(|s| self.store.get_organization(s.org_id)),
        )
        .await
        .map_err(store_error)?;
        Ok(memberships
            .into_iter()
            .zip(orgs)
            .filter_map(|(staff, org)| org.filter(can_sign_in).map(|org| (staff, org)))
            .collect())
    }

    /// Stores one link token for each membership.
    async fn issue_links_for(
        &self,
        eligible: Vec<(Staff, Organization)>,
    ) -> Result<Vec<(Organization, Staff, IssuedLink)>, ApiError> {
        let now = self.clock.now();
        let base = self
            .auth
            .dashboard_url
            .as_deref()
            .unwrap_or("http://localhost:5173")
            .trim_end_matches('/');
        let mut out = Vec::new();
        for (staff, org) in eligible {
            let token = new_link_token();
            let expires_at = now + MAGIC_LINK_TTL;
            self.store
                .put_auth_token(&parlo_core::AuthToken {
                    token_hash: token_hash(&token),
                    org_id: org.id,
                    staff_id: staff.id,
                    expires_at,
                    used_at: None,
                    created_at: now,
                })
                .await
                .map_err(store_error)?;
            let link = IssuedLink {
                org_id: org.id,
                business: org.name.clone(),
                staff_id: staff.id,
                url: format!("{base}/auth?token={token}"),
                token,
                expires_at,
            };
            out.push((org, staff, link));
        }
        Ok(out)
    }

    /// `POST /api/v1/auth/request-magic-link`: the same answer whatever
    /// happened (see the module docs).
    pub async fn request_magic_link(
        &self,
        request: MagicLinkRequest,
    ) -> Result<MagicLinkAccepted, ApiError> {
        let accepted = MagicLinkAccepted {
            status: "ok",
            message: MAGIC_LINK_ANSWER,
        };
        let e164 = phone::normalize(&request.phone, Region::Mexico).map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_phone",
                "El número no es válido. Escríbelo con lada, por ejemplo 55 1234 5678.",
            )
        })?;
        let now = self.clock.now();
        let tag = self.phone_tag(&e164).await;
        // Only a request that would send counts against the phone's limit:
        // requests naming a business the phone is not staff of (or any
        // phone that is nobody's) must not lock a real member out
        // (issue 11, item 6). The answer is the same either way.
        let eligible = self.sign_in_memberships(&e164, request.org_id).await?;
        if eligible.is_empty() {
            tracing::info!(phone = %tag, sent = 0, "magic link requested");
            return Ok(accepted);
        }
        let allowed = self
            .store
            .rate_limit_hit(
                &format!("magic#{e164}"),
                MAGIC_LINK_LIMIT,
                MAGIC_LINK_WINDOW,
                now,
            )
            .await
            .map_err(store_error)?;
        if !allowed {
            tracing::info!(phone = %tag, "magic link refused: rate limit");
            return Ok(accepted);
        }
        let links = self.issue_links_for(eligible).await?;
        let mut sent = 0usize;
        for (org, staff, link) in &links {
            match self.send_link(org, staff, link).await {
                Ok(()) => sent += 1,
                // Still the same answer: the person may ask again.
                Err(e) => {
                    tracing::warn!(phone = %tag, org_id = %org.id, code = e.code, "magic link not sent")
                }
            }
        }
        tracing::info!(phone = %tag, sent, "magic link requested");
        Ok(accepted)
    }

    /// Claims and sends one link message. Outside mock mode the stored
    /// record has the token redacted.
    async fn send_link(
        &self,
        org: &Organization,
        staff: &Staff,
        link: &IssuedLink,
    ) -> Result<(), ApiError> {
        let text = format!(
            "Aquí está tu enlace para entrar al panel de {}: {}\n\nVence en 15 minutos y sólo sirve una vez. Si no lo pediste, ignora este mensaje.",
            org.name, link.url
        );
        let now = self.clock.now();
        let out = Outgoing {
            org_id: Some(org.id),
            timezone: &org.timezone,
            locale: Some(org.locale()),
            vars: vec![org.name.clone(), link.url.clone()],
            // Stored redacted outside mock mode.
            secret: Some(link.token.clone()),
            ..Outgoing::new(
                format!("magic-link:{}", Uuid::new_v4()),
                MessageKind::MagicLink,
                org.whatsapp_number
                    .clone()
                    .unwrap_or_else(|| self.config.central_number.clone()),
                staff.phone.clone(),
                text,
                now,
            )
        };
        match self.services().await?.outbox.deliver(out).await {
            Ok(Delivery::Sent(_) | Delivery::AlreadySent(_) | Delivery::InFlight(_)) => Ok(()),
            Ok(other) => {
                tracing::warn!(status = ?other.record().status, "the magic link could not be sent");
                Err(ApiError::internal())
            }
            Err(e) => {
                tracing::error!(error = %e, "sending the magic link failed");
                Err(ApiError::internal())
            }
        }
    }

    /// `POST /api/v1/auth/verify-magic-link`: redeems the link once and
    /// returns a 7-day business session.
    pub async fn verify_magic_link(&self, request: VerifyRequest) -> Result<Session, ApiError> {
        let invalid = || {
            unauthorized(
                "invalid_link",
                "El enlace no es válido. Pide uno nuevo por WhatsApp.",
            )
        };
        let token = request.token.trim();
        if token.is_empty() || token.len() > 128 {
            return Err(invalid());
        }
        let now = self.clock.now();
        let redeemed = match self.store.redeem_auth_token(&token_hash(token), now).await {
            Ok(t) => t,
            Err(StoreError::NotFound { .. }) => return Err(invalid()),
            Err(StoreError::Conflict(_)) => {
                return Err(unauthorized(
                    "link_used",
                    "Ese enlace ya se usó. Pide uno nuevo por WhatsApp.",
                ))
            }
            Err(StoreError::Expired { .. }) => {
                return Err(unauthorized(
                    "link_expired",
                    "Ese enlace ya venció. Pide uno nuevo por WhatsApp.",
                ))
            }
            Err(e) => return Err(store_error(e)),
        };
        let (org, staff) = tokio::try_join!(
            self.store.get_organization(redeemed.org_id),
            self.store.get_staff(redeemed.org_id, redeemed.staff_id),
        )
        .map_err(store_error)?;
        let org = org.ok_or_else(invalid)?;
        if !can_sign_in(&org) {
            return Err(suspended());
        }
        let staff = staff.filter(|s| s.is_active).ok_or_else(|| {
            unauthorized(
                "access_revoked",
                "Ya no tienes acceso al panel de este negocio.",
            )
        })?;
        let expires_at = now + SESSION_TTL;
        let claims = Claims {
            sub: staff.id.to_string(),
            org: Some(org.id),
            lvl: Some(staff.permission_level),
            jti: Uuid::new_v4().to_string(),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            aud: BUSINESS_AUDIENCE.into(),
            imp: false,
            adm: None,
        };
        let secret = self.jwt_secret().await?;
        let jwt = self.sign(&secret, &claims)?;
        tracing::info!(org_id = %org.id, staff_id = %staff.id, "dashboard sign-in");
        Ok(Session {
            token: jwt,
            expires_at,
            business: SessionBusiness {
                id: org.id,
                name: org.name,
            },
            staff: SessionStaff {
                id: staff.id,
                name: staff.name,
            },
            permission_level: staff.permission_level,
        })
    }

    /// `POST /api/v1/admin/auth/login`.
    pub async fn admin_login(
        &self,
        http: &Request,
        request: AdminLoginRequest,
    ) -> Result<AdminSession, ApiError> {
        let now = self.clock.now();
        // Beside the per-IP limit, one for everybody (issue 11, item 13):
        // an attacker with many addresses still gets few guesses. It counts
        // failed attempts only, in fixed windows, so guessing cannot lock
        // out the admin for longer than the window.
        let global_bucket = format!(
            "admin-login-failures#{}",
            now.timestamp()
                .div_euclid(ADMIN_LOGIN_WINDOW.num_seconds().max(1))
        );
        if self
            .store
            .rate_limit_full(&global_bucket, ADMIN_LOGIN_GLOBAL_LIMIT, now)
            .await
            .map_err(store_error)?
        {
            tracing::warn!("admin login refused: global rate limit");
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                "Demasiados intentos. Espera unos minutos y vuelve a intentar.",
            ));
        }
        if let Some(ip) = source_ip(http) {
            let allowed = self
                .store
                .rate_limit_hit(
                    &format!("admin-login#{ip}"),
                    ADMIN_LOGIN_LIMIT,
                    ADMIN_LOGIN_WINDOW,
                    now,
                )
                .await
                .map_err(store_error)?;
            if !allowed {
                tracing::warn!("admin login refused: rate limit");
                return Err(ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_attempts",
                    "Demasiados intentos. Espera unos minutos y vuelve a intentar.",
                ));
            }
        }
        let configured = match self.auth.admin_password.get().await {
            Ok(Some(s)) if !s.expose().is_empty() => s,
            Ok(_) if self.config.env == Env::Local => Secret::new(LOCAL_ADMIN_PASSWORD),
            Ok(_) => {
                tracing::error!("ADMIN_PASSWORD is not configured; admin login disabled");
                return Err(ApiError::unavailable());
            }
            Err(e) => return Err(internal("admin password", &e)),
        };
        if !password_matches(&request.password, &configured) {
            tracing::warn!("admin login refused: wrong password");
            self.store
                .rate_limit_hit(
                    &global_bucket,
                    ADMIN_LOGIN_GLOBAL_LIMIT,
                    ADMIN_LOGIN_WINDOW,
                    now,
                )
                .await
                .map_err(store_error)?;
            return Err(unauthorized(
                "invalid_password",
                "La contraseña no es correcta.",
            ));
        }
        let expires_at = now + ADMIN_SESSION_TTL;
        let claims = Claims {
            sub: "admin".into(),
            org: None,
            lvl: None,
            jti: Uuid::new_v4().to_string(),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            aud: ADMIN_AUDIENCE.into(),
            imp: false,
            adm: None,
        };
        let secret = self.jwt_secret().await?;
        let token = self.sign(&secret, &claims)?;
        tracing::info!("admin sign-in");
        Ok(AdminSession { token, expires_at })
    }
}

/// Unit checks that need no store.
#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    #[test]
    fn link_tokens_are_32_random_bytes_base64url() {
        let a = new_link_token();
        let b = new_link_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&a)
            .unwrap();
        assert_eq!(raw.len(), 32);
        assert_eq!(token_hash(&a).len(), 64);
    }

    #[test]
    fn passwords_compare_plain_or_hashed() {
        let plain = Secret::new("correct horse");
        assert!(password_matches("correct horse", &plain));
        assert!(!password_matches("correct hors", &plain));
        assert!(!password_matches("", &plain));
        let hashed = Secret::new(format!("sha256:{}", token_hash("correct horse")));
        assert!(password_matches("correct horse", &hashed));
        assert!(!password_matches("sha256:", &hashed));
    }

    #[test]
    fn admin_passwords_may_be_salted_argon2_hashes() {
        use argon2::PasswordHasher;
        let phc = argon2::Argon2::default()
            .hash_password(b"correct horse")
            .unwrap()
            .to_string();
        assert!(phc.starts_with("$argon2id$"));
        let configured = Secret::new(phc.clone());
        assert!(password_matches("correct horse", &configured));
        assert!(!password_matches("correct hors", &configured));
        assert!(!password_matches(&phc, &configured));
        // Salted: the same password hashes differently each time.
        let again = argon2::Argon2::default()
            .hash_password(b"correct horse")
            .unwrap()
            .to_string();
        assert_ne!(phc, again);
        assert!(!password_matches("x", &Secret::new("$argon2id$garbage")));
    }

    #[test]
    fn impersonation_flag_is_omitted_unless_set() {
        let c = Claims {
            sub: "x".into(),
            org: None,
            lvl: None,
            jti: "j".into(),
            iat: 0,
            exp: 1,
            aud: ADMIN_AUDIENCE.into(),
            imp: false,
            adm: None,
        };
        let v = serde_json::to_value(&c).unwrap();
        assert!(v.get("imp").is_none());
        assert!(v.get("org").is_none());
    }
}
