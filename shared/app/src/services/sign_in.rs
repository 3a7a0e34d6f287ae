//! Dashboard links asked for by chat («panel», «mándame el link»): the
//! same one-time, 15-minute sign-in link the dashboard's
//! `POST /auth/request-magic-link` sends, created and delivered here so
//! the chat door never touches tokens or the messenger itself.

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use parlo_core::{AuthToken, Organization, PermissionLevel, Staff};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{Delivery, MessageKind, OutboxError, Outgoing, Services};

/// How long a sign-in link works (once).
pub const MAGIC_LINK_TTL: Duration = Duration::minutes(15);

/// What is stored of a link token: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fresh link token: 32 random bytes, base64url.
pub fn new_link_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Who may open the dashboard from a chat request: owners and admins
/// (staff and viewers run their day by chat).
pub fn has_dashboard_access(staff: &Staff) -> bool {
    staff.is_active && staff.permission_level >= PermissionLevel::Admin
}

impl Services {
    /// Creates a sign-in link for `staff` and sends it from `from` (the
    /// number they wrote to), once per `key` (the chat message's id).
    pub async fn send_dashboard_link(
        &self,
        org: &Organization,
        staff: &Staff,
        from: &str,
        dashboard_url: &str,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Delivery, OutboxError> {
        let token = new_link_token();
        self.store
            .put_auth_token(&AuthToken {
                token_hash: token_hash(&token),
                org_id: org.id,
                staff_id: staff.id,
                expires_at: now + MAGIC_LINK_TTL,
                used_at: None,
                created_at: now,
            })
            .await?;
        let url = format!("{}/auth?token={token}", dashboard_url.trim_end_matches('/'));
        let text = format!(
            "Aquí está tu enlace para entrar al panel de {}: {url}\n\nVence en 15 minutos y sólo \
             sirve una vez. Si no lo pediste, ignora este mensaje.",
            org.name
        );
        let out = Outgoing {
            org_id: Some(org.id),
            timezone: &org.timezone,
            locale: Some(org.locale()),
            vars: vec![org.name.clone(), url.clone()],
            // Stored redacted outside mock mode.
            secret: Some(token),
            ..Outgoing::new(
                format!("magic-link:{key}"),
                MessageKind::MagicLink,
                from,
                staff.phone.clone(),
                text,
                now,
            )
        };
        self.outbox.deliver(out).await
    }
}
