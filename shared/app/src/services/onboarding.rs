//! Onboarding a business to completion (spec/001 flow 1 and "Number
//! Provisioning"): the owner's answers are kept as a [`Draft`] on the
//! organization while the chat collects them ([`Services::onboarding_progress`]);
//! the confirmed draft becomes the catalogue, the hours, the owner's and the
//! invited staff's records ([`Services::onboarding_confirm`]); then the
//! business's own WhatsApp number is bought and registered through Twilio
//! ([`Services::provision`]) until the sender is online, the business is
//! `active` and the owner is told.
//!
//! Provisioning is a small state machine kept on the organization
//! (`onboarding_data.provisioning`), advanced by whoever comes first: the
//! confirming turn, the sender's status callback (webhook), or the
//! scheduled poll ([`crate::schedules::Job::Provision`], backoff). Every
//! step looks before it acts: the number bought for the business is found
//! by its `FriendlyName` (`parlo-<business id>`) and the sender by its
//! number, so a retried step never buys or registers twice.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use parlo_core::es::format;
use parlo_core::ids::derived_id;
use parlo_core::phone::Zone;
use parlo_core::*;
use parlo_store::{ActivityKind, StoreError};
use parlo_twilio::numbers::{Purchase, SenderRequest};
use parlo_twilio::{Credentials, SendError, TwilioClient};
use serde::{Deserialize, Serialize};

use super::{Delivery, MessageKind, OutboxError, Outgoing, Services};
use crate::config::{ConfigError, LazySecret};

/// A new business's first message on the central number: the
/// organization (onboarding) and its owner, both under ids derived from
/// the message, so a redelivered message finds what the first run made.
pub async fn open_from_chat(
    store: &parlo_store::Store,
    sender: &str,
    message_sid: &str,
    profile_name: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Organization, StoreError> {
    let org_id = derived_id(&[message_sid, "org"]);
    if let Some(existing) = store.get_organization(org_id).await? {
        return Ok(existing);
    }
    let org = Organization {
        id: org_id,
        name: String::new(),
        whatsapp_number: None,
        timezone: DEFAULT_TIMEZONE.to_string(),
        status: OrgStatus::Onboarding,
        settings: OrgSettings::default(),
        onboarding_state: Some("initiated".into()),
        onboarding_data: serde_json::json!({}),
        last_message_at: Some(now),
        created_at: now,
        updated_at: now,
    };
    match store.create_organization(&org).await {
        Ok(()) | Err(StoreError::AlreadyExists { .. }) => {}
        Err(e) => return Err(e),
    }
    let owner = Staff {
        id: derived_id(&[message_sid, "owner"]),
        org_id,
        location_id: None,
        name: profile_name.unwrap_or_default().to_string(),
        phone: sender.to_string(),
        role: StaffRole::Owner,
        permission_level: PermissionLevel::Owner,
        is_active: true,
        first_message_at: Some(now),
        default_spot_id: None,
        service_ids: vec![],
        bookable: true,
        created_at: now,
        updated_at: now,
    };
    match store.create_staff(&owner).await {
        Ok(()) | Err(StoreError::AlreadyExists { .. }) => {}
        Err(e) => return Err(e),
    }
    Ok(org)
}

/// The organization's `onboarding_state` once the owner confirmed.
pub const PROVISIONING_NUMBER: &str = "provisioning_number";
/// The owner has a WhatsApp Business number of their own: the platform
/// admin attaches it.
pub const AWAITING_NUMBER: &str = "awaiting_number";
pub const COMPLETED: &str = "completed";

/// What the owner told the onboarding chat so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub name: String,
    pub business_type: Option<String>,
    pub services: Vec<DraftService>,
    pub hours: Option<WeeklyHours>,
    pub owner_name: Option<String>,
    pub zone: Option<Zone>,
    pub staff: Vec<DraftStaff>,
    /// The owner asked to connect a number they already have.
    pub existing_number: Option<String>,
    pub provisioning: Option<Provision>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftService {
    pub name: String,
    pub price_cents: i64,
    pub duration_minutes: u32,
    /// The owner does it (so the owner's record offers its slots).
    #[serde(default = "yes")]
    pub owner_performs: bool,
}

fn yes() -> bool {
    true
}

impl DraftService {
    /// The catalogue's bounds ([`super::catalogue::check_service`]), in
    /// words for the owner.
    pub fn check(&self) -> Result<(), String> {
        let now = Utc::now();
        let s = ServiceType {
            id: uuid::Uuid::nil(),
            org_id: uuid::Uuid::nil(),
            name: self.name.clone(),
            description: None,
            duration_minutes: self.duration_minutes,
            price_cents: self.price_cents,
            currency: "MXN".into(),
            is_active: true,
            buffer_minutes: 0,
            created_at: now,
            updated_at: now,
        };
        super::catalogue::check_service(&s).map_err(|e| {
            let what = match e.field {
                "duration_minutes" => "la duración",
                "price_cents" => "el precio",
                _ => "el nombre",
            };
            format!("En «{}», {what} {}", self.name, e.message)
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftStaff {
    pub name: String,
    pub phone: String,
}

impl Draft {
    pub fn from_org(org: &Organization) -> Self {
        serde_json::from_value(org.onboarding_data.clone()).unwrap_or_default()
    }

    pub fn currency(&self) -> &'static str {
        match self.zone.as_ref().map(|z| z.country.as_str()) {
            Some("ES") => "EUR",
            _ => "MXN",
        }
    }
}

/// Where provisioning stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Find (or buy) the number.
    Number,
    /// Register the WhatsApp sender.
    Sender,
    /// Wait for Meta's review of the sender.
    Review,
    Live,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provision {
    pub step: Step,
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub number_sid: Option<String>,
    #[serde(default)]
    pub sender_sid: Option<String>,
    /// Which display-name variant is registered (0: the business's name).
    #[serde(default)]
    pub name_variant: u32,
    /// Failed attempts in a row (the backoff).
    #[serde(default)]
    pub failures: u32,
    #[serde(default)]
    pub last_error: Option<String>,
    /// Status polls while the sender is in review.
    #[serde(default)]
    pub polls: u32,
}

impl Provision {
    fn new() -> Self {
        Self {
            step: Step::Number,
            number: None,
            number_sid: None,
            sender_sid: None,
            name_variant: 0,
            failures: 0,
            last_error: None,
            polls: 0,
        }
    }
}

/// After `n` failures (or polls): 30 s, 1 min, 2 min, … at most an hour.
pub fn backoff(n: u32) -> Duration {
    Duration::seconds((30i64 << n.min(7)).min(3600))
}

/// Twilio's side of provisioning, from configuration:
/// `TWILIO_PROVISIONING_ACCOUNT_SID` (else `TWILIO_ACCOUNT_SID`),
/// `TWILIO_AUTH_TOKEN` (or their `_PARAM` SSM names), `TWILIO_API_BASE_URL`
/// / `TWILIO_MESSAGING_BASE_URL` (the local stand-in), `WHATSAPP_WABA_ID`,
/// `TWILIO_BUNDLE_SID_<CC>` / `TWILIO_ADDRESS_SID_<CC>` (country
/// requirements), `PUBLIC_BASE_URL` (this deployment's webhooks) and
/// `DASHBOARD_URL` (else `PUBLIC_BASE_URL`).
#[derive(Debug, Clone)]
pub struct Provisioning {
    pub client: TwilioClient,
    pub public_base_url: String,
    pub waba_id: String,
    /// Per country (ISO code): regulatory bundle and address SIDs.
    pub requirements: HashMap<String, (Option<String>, Option<String>)>,
    pub dashboard_url: String,
}

impl Provisioning {
    /// `None` (with a log line) when Twilio or the public URL is not
    /// configured: onboarding then stops at `provisioning_number` and the
    /// platform admin attaches a number.
    pub async fn from_env(public_base_url: Option<&str>) -> Result<Option<Self>, ConfigError> {
        let var = |n: &str| std::env::var(n).ok().filter(|v| !v.trim().is_empty());
        // Not configured: decided before any secret is fetched.
        if public_base_url.is_none() || var("WHATSAPP_WABA_ID").is_none() {
            tracing::warn!(
                "number provisioning not configured (PUBLIC_BASE_URL or WHATSAPP_WABA_ID missing)"
            );
            return Ok(None);
        }
        let sid = match var("TWILIO_PROVISIONING_ACCOUNT_SID") {
            Some(s) => Some(s),
            None => LazySecret::from_env("TWILIO_ACCOUNT_SID")
                .get()
                .await?
                .map(|s| s.expose().to_string()),
        };
        let token = LazySecret::from_env("TWILIO_AUTH_TOKEN").get().await?;
        let (Some(sid), Some(token), Some(base), Some(waba)) =
            (sid, token, public_base_url, var("WHATSAPP_WABA_ID"))
        else {
            tracing::warn!("number provisioning not configured (Twilio account, PUBLIC_BASE_URL or WHATSAPP_WABA_ID missing)");
            return Ok(None);
        };
        let credentials = Credentials {
            account_sid: sid,
            auth_token: token.expose().to_string(),
        };
        let mut client = match var("TWILIO_API_BASE_URL") {
            Some(url) => TwilioClient::with_base_url(credentials, &url),
            None => TwilioClient::new(credentials),
        };
        if let Some(url) = var("TWILIO_MESSAGING_BASE_URL") {
            client = client.with_messaging_base_url(&url);
        }
        let requirements = ["MX", "ES"]
            .iter()
            .map(|cc| {
                (
                    cc.to_string(),
                    (
                        var(&format!("TWILIO_BUNDLE_SID_{cc}")),
                        var(&format!("TWILIO_ADDRESS_SID_{cc}")),
                    ),
                )
            })
            .collect();
        let base = base.trim_end_matches('/').to_string();
        Ok(Some(Self {
            client,
            dashboard_url: var("DASHBOARD_URL")
                .map(|u| u.trim_end_matches('/').to_string())
                .unwrap_or_else(|| base.clone()),
            public_base_url: base,
            waba_id: waba,
            requirements,
        }))
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.public_base_url)
    }

    /// The sender-status callback of one business (the org id rides in
    /// the signed URL).
    pub fn sender_status_url(&self, org: OrgId) -> String {
        self.url(&format!("/webhooks/twilio/sender-status?org={org}"))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OnboardingError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("sending: {0}")]
    Send(String),
    #[error("{0}")]
    Invalid(String),
}

impl From<OutboxError> for OnboardingError {
    fn from(e: OutboxError) -> Self {
        match e {
            OutboxError::Store(s) => OnboardingError::Store(s),
            OutboxError::Transient(t) => OnboardingError::Send(t),
        }
    }
}

/// What one provisioning run did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    /// Nothing to do (not provisioning, or already live).
    Idle,
    /// Waiting for Twilio/Meta; the next step is scheduled.
    Waiting,
    /// A step failed; retried at the scheduled time.
    Retrying,
    Live,
}

/// The display name registered after `variant` rejections.
pub fn display_name(draft: &Draft, variant: u32) -> String {
    let name = draft.name.trim();
    match variant {
        0 => name.to_string(),
        1 => format!("{name} Citas"),
        2 => match &draft.business_type {
            Some(t) if !t.is_empty() => format!("{} {name}", format::capitalize(t)),
            _ => format!("{name} Agenda"),
        },
        n => format!("{name} {n}"),
    }
}

impl Services {
    /// Saves the answers so far (and the state the chat is in): a
    /// resumed or retried turn continues from here.
    pub async fn onboarding_progress(
        &self,
        org: &Organization,
        state: &str,
        draft: &Draft,
        now: DateTime<Utc>,
    ) -> Result<Organization, OnboardingError> {
        let mut org = org.clone();
        if !draft.name.is_empty() {
            org.name = draft.name.clone();
        }
        if let Some(z) = &draft.zone {
            org.timezone = z.timezone.clone();
        }
        org.onboarding_state = Some(state.to_string());
        org.onboarding_data =
            serde_json::to_value(draft).map_err(|e| OnboardingError::Invalid(e.to_string()))?;
        org.last_message_at = Some(now);
        org.updated_at = now;
        self.store.update_organization(&org).await?;
        Ok(org)
    }

    /// A new business began onboarding (its first message): the admin's
    /// feed shows the signup.
    pub async fn onboarding_started(&self, org: &Organization, now: DateTime<Utc>) {
        self.onboarding_activity(
            ActivityKind::Signup,
            org,
            "started",
            "Un negocio nuevo empezó su registro en el número central".into(),
            now,
        )
        .await;
    }

    /// The confirmed draft becomes the business: its services, its hours,
    /// the owner's record (name, the services they perform), the invited
    /// staff (welcomed at go-live), the zone; then provisioning starts
    /// (inline when Twilio is configured, else it waits for the admin).
    /// Idempotent: ids derive from the business, a repeat overwrites.
    pub async fn onboarding_confirm(
        &self,
        provisioning: Option<&Provisioning>,
        org: &Organization,
        owner: &Staff,
        draft: &Draft,
        now: DateTime<Utc>,
    ) -> Result<(Organization, Progress), OnboardingError> {
        if draft.services.is_empty() || draft.hours.is_none() || draft.name.is_empty() {
            return Err(OnboardingError::Invalid(
                "faltan datos del negocio (nombre, servicios u horario)".into(),
            ));
        }
        let org_key = org.id.to_string();
        // The same bounds as every other door (services::catalogue).
        if let Some(h) = &draft.hours {
            super::catalogue::check_hours(h).map_err(|e| OnboardingError::Invalid(e.message))?;
        }
        let location = Location {
            id: derived_id(&[&org_key, "location"]),
            org_id: org.id,
            name: draft.name.clone(),
            address: None,
            is_primary: true,
            business_hours: draft.hours.clone().unwrap_or_default(),
            created_at: now,
            updated_at: now,
        };
        match self.store.create_location(&location).await {
            Ok(()) => {}
            Err(StoreError::AlreadyExists { .. }) => self.store.update_location(&location).await?,
            Err(e) => return Err(e.into()),
        }
        let services: Vec<ServiceType> = draft
            .services
            .iter()
            .map(|s| ServiceType {
                id: derived_id(&[
                    &org_key,
                    "service",
                    &parlo_core::es::fuzzy::normalize(&s.name),
                ]),
                org_id: org.id,
                name: s.name.clone(),
                description: None,
                duration_minutes: s.duration_minutes,
                price_cents: s.price_cents,
                currency: draft.currency().into(),
                is_active: true,
                buffer_minutes: 0,
                created_at: now,
                updated_at: now,
            })
            .collect();
        for s in &services {
            super::catalogue::check_service(s)
                .map_err(|e| OnboardingError::Invalid(format!("«{}»: {}", s.name, e.message)))?;
        }
        for s in &services {
            match self.store.create_service(s).await {
                Ok(()) => {}
                Err(StoreError::AlreadyExists { .. }) => self.store.update_service(s).await?,
                Err(e) => return Err(e.into()),
            }
        }
        let all: Vec<ServiceId> = services.iter().map(|s| s.id).collect();
        let mine: Vec<ServiceId> = services
            .iter()
            .zip(&draft.services)
            .filter(|(_, d)| d.owner_performs)
            .map(|(s, _)| s.id)
            .collect();
        let mut owner = owner.clone();
        if let Some(n) = draft.owner_name.as_ref().filter(|n| !n.is_empty()) {
            owner.name = n.clone();
        }
        owner.service_ids = mine.clone();
        owner.bookable = !mine.is_empty();
        owner.location_id = Some(location.id);
        owner.updated_at = now;
        self.store.update_staff(&owner).await?;
        for s in &draft.staff {
            let staff = Staff {
                id: derived_id(&[&org_key, "staff", &s.phone]),
                org_id: org.id,
                location_id: Some(location.id),
                name: s.name.clone(),
                phone: s.phone.clone(),
                role: StaffRole::Employee,
                permission_level: PermissionLevel::Staff,
                is_active: true,
                first_message_at: None,
                default_spot_id: None,
                service_ids: all.clone(),
                bookable: true,
                created_at: now,
                updated_at: now,
            };
            match self.store.create_staff(&staff).await {
                Ok(()) | Err(StoreError::AlreadyExists { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let mut draft = draft.clone();
        let state = if draft.existing_number.is_some() {
            AWAITING_NUMBER
        } else {
            draft.provisioning.get_or_insert_with(Provision::new);
            PROVISIONING_NUMBER
        };
        let org = self.onboarding_progress(org, state, &draft, now).await?;
        let zone = draft.zone.as_ref().map_or("", |z| z.label());
        let summary = match &draft.existing_number {
            Some(n) => format!(
                "{}: registro completo ({zone}); pidió conectar su número {n}",
                org.name
            ),
            None => format!(
                "{}: registro completo ({zone}); se consigue su número",
                org.name
            ),
        };
        self.onboarding_activity(ActivityKind::Signup, &org, "confirmed", summary, now)
            .await;
        if state == AWAITING_NUMBER {
            return Ok((org, Progress::Idle));
        }
        let Some(p) = provisioning else {
            tracing::warn!(org_id = %org.id, "no provisioning configured: the business waits for the admin");
            return Ok((org, Progress::Idle));
        };
        let progress = self.provision(p, org.id, now).await?;
        let org = self.store.get_organization(org.id).await?.unwrap_or(org);
        Ok((org, progress))
    }

    /// Advances the business's number provisioning as far as it goes now;
    /// schedules the next step (retry with backoff, or the next status
    /// poll) when it cannot finish.
    pub async fn provision(
        &self,
        p: &Provisioning,
        org_id: OrgId,
        now: DateTime<Utc>,
    ) -> Result<Progress, OnboardingError> {
        let Some(mut org) = self.store.get_organization(org_id).await? else {
            return Ok(Progress::Idle);
        };
        if org.onboarding_state.as_deref() != Some(PROVISIONING_NUMBER) {
            return Ok(Progress::Idle);
        }
        let mut draft = Draft::from_org(&org);
        let mut state = draft.provisioning.clone().unwrap_or_else(Provision::new);
        let result = self.provision_steps(p, &org, &draft, &mut state).await;
        let outcome = match result {
            Ok(Step::Live) => {
                state.step = Step::Live;
                state.failures = 0;
                state.last_error = None;
                draft.provisioning = Some(state);
                return self.go_live(p, org, draft, now).await;
            }
            Ok(_) => {
                state.failures = 0;
                state.last_error = None;
                state.polls += 1;
                Progress::Waiting
            }
            Err(failure) => {
                state.failures += 1;
                state.last_error = Some(failure.detail.clone());
                tracing::warn!(org_id = %org.id, step = ?state.step, failures = state.failures, error = %failure.detail, "provisioning step failed");
                self.onboarding_activity(
                    ActivityKind::Provisioning,
                    &org,
                    &format!("failure-{:?}-{}", state.step, state.failures),
                    format!(
                        "{}: falló la compra/registro del número ({}); intento {}",
                        org.name, failure.detail, state.failures
                    ),
                    now,
                )
                .await;
                if state.failures == 1 || failure.owner_must_know {
                    self.tell_owner(
                        &org,
                        &format!("provisioning-failure-{}", state.failures),
                        MessageKind::ProvisioningNotice,
                        &failure.owner_text,
                        vec![org.name.clone(), failure.owner_text.clone()],
                        now,
                    )
                    .await;
                }
                Progress::Retrying
            }
        };
        let next = now
            + backoff(if outcome == Progress::Retrying {
                state.failures.saturating_sub(1)
            } else {
                state.polls.saturating_sub(1)
            });
        draft.provisioning = Some(state);
        org.onboarding_data =
            serde_json::to_value(&draft).map_err(|e| OnboardingError::Invalid(e.to_string()))?;
        org.updated_at = now.max(org.updated_at + Duration::milliseconds(1));
        self.store.update_organization(&org).await?;
        if let Err(e) = self.schedules.schedule_provision(org.id, next).await {
            tracing::warn!(org_id = %org.id, error = %e, "next provisioning step not scheduled");
        }
        Ok(outcome)
    }

    /// The steps, each looking before it acts. Saves nothing itself: the
    /// caller writes `state` back.
    async fn provision_steps(
        &self,
        p: &Provisioning,
        org: &Organization,
        draft: &Draft,
        state: &mut Provision,
    ) -> Result<Step, Failure> {
        let client = &p.client;
        let zone = draft
            .zone
            .clone()
            .unwrap_or_else(|| Zone::new("MX", DEFAULT_TIMEZONE));
        if state.step == Step::Number {
            let friendly = format!("parlo-{}", org.id);
            let owned = match client
                .owned_number(&friendly)
                .await
                .map_err(Failure::twilio)?
            {
                Some(n) => n,
                None => {
                    let found = client
                        .search_numbers(&zone.country, None)
                        .await
                        .map_err(Failure::twilio)?;
                    let Some(pick) = found.first() else {
                        return Err(Failure {
                            detail: format!("no hay números disponibles en {}", zone.country),
                            owner_text: "Por ahora no hay números disponibles en tu zona. Lo sigo \
                                intentando y te aviso en cuanto tenga uno."
                                .into(),
                            owner_must_know: false,
                        });
                    };
                    let (bundle, address) = p
                        .requirements
                        .get(&zone.country)
                        .cloned()
                        .unwrap_or_default();
                    client
                        .buy_number(&Purchase {
                            phone_number: pick.phone_number.clone(),
                            friendly_name: friendly,
                            sms_url: p.url("/webhooks/twilio"),
                            status_callback: p.url("/webhooks/twilio/status"),
                            voice_status_callback: p.url("/webhooks/twilio/voice-status"),
                            bundle_sid: bundle,
                            address_sid: address,
                        })
                        .await
                        .map_err(Failure::twilio)?
                }
            };
            state.number = Some(owned.phone_number);
            state.number_sid = Some(owned.sid);
            state.step = Step::Sender;
        }
        let number = state.number.clone().unwrap_or_default();
        if state.step == Step::Sender {
            let sender = match client.find_sender(&number).await.map_err(Failure::twilio)? {
                Some(s) => s,
                None => client
                    .create_sender(&SenderRequest {
                        phone_number: number.clone(),
                        waba_id: p.waba_id.clone(),
                        display_name: display_name(draft, state.name_variant),
                        callback_url: p.url("/webhooks/twilio"),
                        status_callback_url: p.sender_status_url(org.id),
                    })
                    .await
                    .map_err(Failure::twilio)?,
            };
            state.sender_sid = Some(sender.sid);
            state.step = Step::Review;
            return Ok(Step::Review);
        }
        if state.step == Step::Review {
            let sid = state.sender_sid.clone().unwrap_or_default();
            let sender = client.get_sender(&sid).await.map_err(Failure::twilio)?;
            if sender.is_online() {
                return Ok(Step::Live);
            }
            if sender.display_name_rejected() {
                state.name_variant += 1;
                let name = display_name(draft, state.name_variant);
                client
                    .rename_sender(&sid, &name)
                    .await
                    .map_err(Failure::twilio)?;
                return Err(Failure {
                    detail: format!(
                        "Meta rechazó el nombre visible; se reintenta como «{name}»"
                    ),
                    owner_text: format!(
                        "WhatsApp no aceptó el nombre «{}» para tu número; lo registré como «{name}». \
                         Te aviso en cuanto lo aprueben.",
                        display_name(draft, state.name_variant - 1)
                    ),
                    owner_must_know: true,
                });
            }
            return Ok(Step::Review);
        }
        Ok(state.step)
    }

    /// The sender is online: the business gets its number and goes
    /// `active`; the owner is told, the invited staff welcomed.
    async fn go_live(
        &self,
        p: &Provisioning,
        mut org: Organization,
        draft: Draft,
        now: DateTime<Utc>,
    ) -> Result<Progress, OnboardingError> {
        let number = draft
            .provisioning
            .as_ref()
            .and_then(|s| s.number.clone())
            .ok_or_else(|| OnboardingError::Invalid("no number bought".into()))?;
        org.whatsapp_number = Some(number.clone());
        org.status = OrgStatus::Active;
        org.onboarding_state = Some(COMPLETED.into());
        org.onboarding_data =
            serde_json::to_value(&draft).map_err(|e| OnboardingError::Invalid(e.to_string()))?;
        org.updated_at = now.max(org.updated_at + Duration::milliseconds(1));
        self.store.update_organization(&org).await?;
        self.announce_live(&org, &p.dashboard_url, now).await;
        Ok(Progress::Live)
    }

    /// Activity, daily summary, the owner's «¡Listo!» and the invited
    /// staff's welcome: everything that follows a business going live
    /// (after provisioning or an admin attaching a number).
    pub async fn announce_live(&self, org: &Organization, dashboard_url: &str, now: DateTime<Utc>) {
        let number = org.whatsapp_number.clone().unwrap_or_default();
        self.onboarding_activity(
            ActivityKind::GoLive,
            org,
            &format!("live-{number}"),
            format!("{} está activo en {}", org.name, format::phone(&number)),
            now,
        )
        .await;
        if let Err(e) = self.schedules.ensure_daily_summary(org).await {
            tracing::warn!(org_id = %org.id, error = %e, "daily summary not scheduled");
        }
        let login = format!("{dashboard_url}/entrar");
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        let text = format!(
            "¡Listo! Tu número de WhatsApp es {} ✓ {} ya está activo.\n\n\
             Tu panel: {login} (escríbeme «panel» y te mando un enlace para entrar).\n\n\
             Cómo agendan tus clientes: comparte tu número o el enlace wa.me/{digits}. \
             Ellos escriben «Hola, quiero una cita», Parlo les ofrece horarios libres, \
             agenda y les recuerda su cita. Tú recibes cada cita aquí.",
            format::phone(&number),
            org.name
        );
        self.tell_owner(
            org,
            "business-live",
            MessageKind::BusinessLive,
            &text,
            vec![org.name.clone(), format::phone(&number), login.clone()],
            now,
        )
        .await;
        let Ok(staff) = self.store.list_staff(org.id).await else {
            return;
        };
        for s in staff
            .iter()
            .filter(|s| s.is_active && s.permission_level != PermissionLevel::Owner)
            .filter(|s| s.first_message_at.is_none())
        {
            if let Err(e) = self.welcome_staff(org, s, now).await {
                tracing::warn!(org_id = %org.id, error = %e, "staff welcome not sent");
            }
        }
    }

    /// A message to the business's owners from Parlo's central number
    /// (where they onboarded), once per key.
    async fn tell_owner(
        &self,
        org: &Organization,
        key: &str,
        kind: MessageKind,
        text: &str,
        vars: Vec<String>,
        now: DateTime<Utc>,
    ) {
        let Ok(staff) = self.store.list_staff(org.id).await else {
            return;
        };
        for owner in staff
            .iter()
            .filter(|s| s.is_active && s.permission_level == PermissionLevel::Owner)
        {
            let conv = self
                .store
                .get_conversation(org.id, &owner.phone)
                .await
                .ok()
                .flatten();
            let out = Outgoing {
                org_id: Some(org.id),
                timezone: &org.timezone,
                locale: Some(org.locale()),
                vars: vars.clone(),
                conversation: conv.as_ref(),
                history: conv.as_ref().map(|_| SenderType::Ai),
                ..Outgoing::new(
                    format!("onboarding#{}#{key}#{}", org.id, owner.id),
                    kind,
                    self.outbox.central_number.clone(),
                    owner.phone.clone(),
                    text,
                    now,
                )
            };
            match self.outbox.deliver(out).await {
                Ok(Delivery::Sent(_) | Delivery::AlreadySent(_)) => {}
                Ok(other) => {
                    tracing::warn!(org_id = %org.id, status = ?other.record().status, "owner notice not delivered")
                }
                Err(e) => tracing::warn!(org_id = %org.id, error = %e, "owner notice not sent"),
            }
        }
    }

    /// One feed entry per business and `what` (a repeat records it once).
    async fn onboarding_activity(
        &self,
        kind: ActivityKind,
        org: &Organization,
        what: &str,
        summary: String,
        now: DateTime<Utc>,
    ) {
        let act = super::Act::new(super::By::System, super::Door::Job, org.id.to_string(), now);
        self.note(&act, Some(org.id), kind, &["onboarding", what], summary)
            .await;
    }

    /// The platform admin connects a number the owner already has (or any
    /// number) to a business and activates it; `None` detaches it (the
    /// business goes back to `onboarding`, awaiting a number).
    pub async fn attach_number(
        &self,
        org_id: OrgId,
        number: Option<&str>,
        dashboard_url: &str,
        now: DateTime<Utc>,
    ) -> Result<Organization, OnboardingError> {
        let mut org = self
            .store
            .get_organization(org_id)
            .await?
            .ok_or_else(|| OnboardingError::Invalid("el negocio no existe".into()))?;
        let previous = org.whatsapp_number.clone();
        match number {
            Some(raw) => {
                let e164 = parlo_core::phone::normalize(
                    raw,
                    parlo_core::phone::Region::for_timezone(&org.timezone),
                )
                .map_err(|e| OnboardingError::Invalid(e.to_string()))?;
                org.whatsapp_number = Some(e164);
                org.status = OrgStatus::Active;
                org.onboarding_state = Some(COMPLETED.into());
            }
            None => {
                org.whatsapp_number = None;
                org.status = OrgStatus::Onboarding;
                org.onboarding_state = Some(AWAITING_NUMBER.into());
            }
        }
        org.updated_at = now.max(org.updated_at + Duration::milliseconds(1));
        self.store
            .update_organization(&org)
            .await
            .map_err(|e| match e {
                StoreError::AlreadyExists { .. } => {
                    OnboardingError::Invalid("ese número ya es de otro negocio".into())
                }
                e => e.into(),
            })?;
        let summary = match (&org.whatsapp_number, &previous) {
            (Some(n), _) => format!(
                "{}: número {} conectado por el admin",
                org.name,
                format::phone(n)
            ),
            (None, Some(p)) => format!(
                "{}: número {} desconectado por el admin",
                org.name,
                format::phone(p)
            ),
            (None, None) => format!("{}: sin número", org.name),
        };
        self.onboarding_activity(
            ActivityKind::NumberChange,
            &org,
            &format!(
                "attach-{:?}-{}",
                org.whatsapp_number,
                now.timestamp_millis()
            ),
            summary,
            now,
        )
        .await;
        if org.whatsapp_number.is_some() && previous != org.whatsapp_number {
            self.announce_live(&org, dashboard_url, now).await;
        }
        Ok(org)
    }
}

/// A failed step: what the admin sees, what the owner is told.
struct Failure {
    detail: String,
    owner_text: String,
    /// Tell the owner even if it is not the first failure in a row.
    owner_must_know: bool,
}

impl Failure {
    fn twilio(e: SendError) -> Self {
        Self {
            detail: format!("Twilio: {e}"),
            owner_text: "Tuve un problema al conseguir tu número de WhatsApp. Lo sigo \
                intentando solo y te aviso en cuanto quede listo; no tienes que hacer nada."
                .into(),
            owner_must_know: false,
        }
    }
}

/// A [`Provisioning`] built on first use (its SSM secrets are read then),
/// for the functions that only sometimes need it.
#[derive(Clone, Default)]
pub struct LazyProvisioning {
    public_base_url: Option<String>,
    cell: Arc<tokio::sync::OnceCell<Option<Arc<Provisioning>>>>,
}

impl LazyProvisioning {
    pub fn new(public_base_url: Option<String>) -> Self {
        Self {
            public_base_url,
            cell: Arc::default(),
        }
    }

    pub fn ready(p: Provisioning) -> Self {
        let cell = tokio::sync::OnceCell::new();
        let _ = cell.set(Some(Arc::new(p)));
        Self {
            public_base_url: None,
            cell: Arc::new(cell),
        }
    }

    pub async fn get(&self) -> Option<Arc<Provisioning>> {
        self.cell
            .get_or_init(|| async {
                match Provisioning::from_env(self.public_base_url.as_deref()).await {
                    Ok(p) => p.map(Arc::new),
                    Err(e) => {
                        tracing::error!(error = %e, "provisioning configuration unavailable");
                        None
                    }
                }
            })
            .await
            .clone()
    }
}

impl std::fmt::Debug for LazyProvisioning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazyProvisioning").finish()
    }
}

/// Runs provisioning steps from the doors that are not a chat turn: the
/// sender-status callback (webhook function) and the scheduled poll
/// (reminders function). Its services (messenger, templates) and the
/// Twilio configuration are built on first use, so those functions' cold
/// starts make no network call.
pub struct ProvisioningRunner {
    store: parlo_store::Store,
    schedules: crate::schedules::Schedules,
    central_number: String,
    public_base_url: Option<String>,
    provisioning: LazyProvisioning,
    services: tokio::sync::OnceCell<Services>,
}

impl ProvisioningRunner {
    pub fn new(
        store: parlo_store::Store,
        schedules: crate::schedules::Schedules,
        central_number: String,
        public_base_url: Option<String>,
    ) -> Self {
        Self {
            provisioning: LazyProvisioning::new(public_base_url.clone()),
            store,
            schedules,
            central_number,
            public_base_url,
            services: tokio::sync::OnceCell::new(),
        }
    }

    async fn services(&self) -> Result<&Services, OnboardingError> {
        self.services
            .get_or_try_init(|| async {
                let messenger =
                    crate::messenger::Messenger::from_env(self.public_base_url.as_deref())
                        .await
                        .map_err(|e| OnboardingError::Send(e.to_string()))?;
                Ok(Services::new(
                    self.store.clone(),
                    self.schedules.clone(),
                    super::Outbox {
                        store: self.store.clone(),
                        templates: super::Templates::configured(messenger.is_mock()),
                        messenger,
                        central_number: self.central_number.clone(),
                    },
                ))
            })
            .await
    }

    /// The business's next provisioning step(s).
    pub async fn run(&self, org: OrgId, now: DateTime<Utc>) -> Result<Progress, OnboardingError> {
        let Some(p) = self.provisioning.get().await else {
            tracing::warn!(org_id = %org, "provisioning step asked for but not configured");
            return Ok(Progress::Idle);
        };
        self.services().await?.provision(&p, org, now).await
    }
}
