//! Sending through Twilio, or recording in the outbox when Parlo runs
//! without credentials (mock mode: local stack, tests, demos).

use parlo_store::{DeliveryStatus, OutboxRecord};
use parlo_twilio::{Outgoing, SendError, TwilioClient};

#[derive(Debug, Clone)]
pub enum Messenger {
    Twilio {
        client: TwilioClient,
        /// Where Twilio posts delivery statuses (`…/webhooks/twilio/status`).
        status_callback: Option<String>,
    },
    /// No credentials: the outbox record is the message.
    Mock,
}

/// What happened to one send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handed {
    pub provider_sid: String,
    pub status: DeliveryStatus,
    pub mock: bool,
}

impl Messenger {
    pub fn is_mock(&self) -> bool {
        matches!(self, Messenger::Mock)
    }

    pub async fn send(&self, record: &OutboxRecord) -> Result<Handed, SendError> {
        match self {
            Messenger::Mock => Ok(Handed {
                provider_sid: format!("MOCK{}", record.key.replace('#', "-")),
                status: DeliveryStatus::Sent,
                mock: true,
            }),
            Messenger::Twilio {
                client,
                status_callback,
            } => {
                // Twilio takes a template or a body, not both.
                let outgoing = Outgoing {
                    to: record.to.clone(),
                    from: record.from.clone(),
                    body: record.body.clone().filter(|_| record.content_sid.is_none()),
                    content_sid: record.content_sid.clone(),
                    content_variables: record.content_variables.clone(),
                    status_callback: status_callback.clone(),
                };
                let receipt = client.send(&outgoing).await?;
                Ok(Handed {
                    provider_sid: receipt.sid,
                    status: DeliveryStatus::parse(&receipt.status)
                        .unwrap_or(DeliveryStatus::Queued),
                    mock: false,
                })
            }
        }
    }
}

impl Messenger {
    /// Twilio when `TWILIO_ACCOUNT_SID` and `TWILIO_AUTH_TOKEN` (or their
    /// `_PARAM` SSM names) are configured; mock mode otherwise. Resolves
    /// SSM parameters, so call it where a network round trip is fine.
    pub async fn from_env(
        public_base_url: Option<&str>,
    ) -> Result<Self, crate::config::ConfigError> {
        use crate::config::LazySecret;
        let sid = LazySecret::from_env("TWILIO_ACCOUNT_SID").get().await?;
        let token = LazySecret::from_env("TWILIO_AUTH_TOKEN").get().await?;
        // The local stack signs webhooks with a token but has no account:
        // without an account sid there is nothing to send with.
        let (Some(sid), Some(token)) = (sid, token) else {
            tracing::info!("no Twilio account configured: mock mode, messages go to the outbox");
            return Ok(Messenger::Mock);
        };
        let mut client = TwilioClient::new(parlo_twilio::Credentials {
            account_sid: sid.expose().to_string(),
            auth_token: token.expose().to_string(),
        });
        if let Ok(base) = std::env::var("TWILIO_API_BASE_URL") {
            client = TwilioClient::with_base_url(
                parlo_twilio::Credentials {
                    account_sid: sid.expose().to_string(),
                    auth_token: token.expose().to_string(),
                },
                &base,
            );
        }
        Ok(Messenger::Twilio {
            client,
            status_callback: public_base_url
                .map(|b| format!("{}/webhooks/twilio/status", b.trim_end_matches('/'))),
        })
    }
}
