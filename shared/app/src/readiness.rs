//! Readiness: whether this deployment can do its work right now, checked
//! part by part with short timeouts (`GET /api/v1/health/ready`). Liveness
//! (`/health`) stays a constant answer for API Gateway; this one costs one
//! DynamoDB read and one SQS call, so it is for operators and deploy
//! checks, not for every probe.
//!
//! It reports each part as ok or not and why in a few fixed words: never
//! a secret, a parameter name, a URL or an SDK error text.

use std::future::Future;
use std::time::{Duration, Instant};

use parlo_store::Store;
use serde::Serialize;

use crate::config::{Env, LazySecret};

/// How long one check may take before it counts as failed.
pub const CHECK_TIMEOUT: Duration = Duration::from_millis(1500);

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub ok: bool,
    /// `ok`, `timeout`, `error`, `not_configured`, `mock`, `configured`.
    pub status: &'static str,
    pub ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Readiness {
    pub ready: bool,
    pub table: Check,
    pub queue: Check,
    pub provider_credentials: Check,
}

/// What the checks need; the queue is optional (a function without it
/// reports `not_configured`).
pub struct Probe<'a> {
    pub store: &'a Store,
    pub sqs: Option<(&'a aws_sdk_sqs::Client, &'a str)>,
    pub env: Env,
    pub account_sid: LazySecret,
    pub auth_token: LazySecret,
}

impl Probe<'_> {
    /// Runs the checks concurrently; the whole answer takes at most about
    /// [`CHECK_TIMEOUT`].
    pub async fn run(&self) -> Readiness {
        let (table, queue, provider_credentials) =
            tokio::join!(self.table(), self.queue(), self.credentials());
        Readiness {
            ready: table.ok && queue.ok && provider_credentials.ok,
            table,
            queue,
            provider_credentials,
        }
    }

    async fn table(&self) -> Check {
        // A GetItem of a key no item has: reaches the table, reads nothing.
        timed(async {
            match self.store.get_organization(uuid::Uuid::nil()).await {
                Ok(_) => (true, "ok"),
                Err(e) => {
                    tracing::warn!(error = %e, "readiness: table check failed");
                    (false, "error")
                }
            }
        })
        .await
    }

    async fn queue(&self) -> Check {
        let Some((sqs, url)) = self.sqs.filter(|(_, url)| !url.is_empty()) else {
            return Check {
                ok: false,
                status: "not_configured",
                ms: 0,
            };
        };
        timed(async {
            let asked = sqs
                .get_queue_attributes()
                .queue_url(url)
                .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
                .send()
                .await;
            match asked {
                Ok(_) => (true, "ok"),
                Err(e) => {
                    tracing::warn!(error = %aws_sdk_sqs::error::DisplayErrorContext(&e), "readiness: queue check failed");
                    (false, "error")
                }
            }
        })
        .await
    }

    /// Twilio's account sid and token resolve (from the environment or
    /// SSM) to something non-empty. Locally, none means mock mode: ready.
    async fn credentials(&self) -> Check {
        if !self.account_sid.is_configured() || !self.auth_token.is_configured() {
            let ok = self.env == Env::Local;
            return Check {
                ok,
                status: if ok { "mock" } else { "not_configured" },
                ms: 0,
            };
        }
        timed(async {
            match tokio::try_join!(self.account_sid.get(), self.auth_token.get()) {
                Ok((Some(sid), Some(token)))
                    if !sid.expose().is_empty() && !token.expose().is_empty() =>
                {
                    (true, "configured")
                }
                Ok(_) => (false, "not_configured"),
                Err(e) => {
                    tracing::warn!(error = %e, "readiness: provider credentials not readable");
                    (false, "error")
                }
            }
        })
        .await
    }
}

/// The checks for a function configured from the environment (the api
/// function): the table it uses, `TURN_QUEUE_URL`, Twilio's credentials.
/// Builds its SQS client per call: this route is rare, init stays lean.
pub async fn from_env(store: &Store, config: &crate::config::Config) -> Readiness {
    let url = config.turn_queue_url.clone().unwrap_or_default();
    let sqs = match url.is_empty() {
        true => None,
        false => Some(aws_sdk_sqs::Client::new(&crate::aws::sdk_config().await)),
    };
    Probe {
        store,
        sqs: sqs.as_ref().map(|c| (c, url.as_str())),
        env: config.env,
        account_sid: LazySecret::from_env("TWILIO_ACCOUNT_SID"),
        auth_token: LazySecret::from_env("TWILIO_AUTH_TOKEN"),
    }
    .run()
    .await
}

async fn timed(check: impl Future<Output = (bool, &'static str)>) -> Check {
    let started = Instant::now();
    let (ok, status) = tokio::time::timeout(CHECK_TIMEOUT, check)
        .await
        .unwrap_or((false, "timeout"));
    Check {
        ok,
        status,
        ms: started.elapsed().as_millis() as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_check_that_hangs_fails_as_a_timeout_within_the_budget() {
        let started = Instant::now();
        let check = timed(std::future::pending()).await;
        assert_eq!(check.status, "timeout");
        assert!(!check.ok);
        assert!(started.elapsed() < CHECK_TIMEOUT + Duration::from_millis(500));
    }

    #[test]
    fn the_report_names_parts_and_statuses_only() {
        let report = Readiness {
            ready: false,
            table: Check {
                ok: true,
                status: "ok",
                ms: 3,
            },
            queue: Check {
                ok: false,
                status: "not_configured",
                ms: 0,
            },
            provider_credentials: Check {
                ok: true,
                status: "configured",
                ms: 40,
            },
        };
        assert_eq!(
            serde_json::to_value(&report).unwrap(),
            serde_json::json!({
                "ready": false,
                "table": {"ok": true, "status": "ok", "ms": 3},
                "queue": {"ok": false, "status": "not_configured", "ms": 0},
                "provider_credentials": {"ok": true, "status": "configured", "ms": 40},
            })
        );
    }
}
