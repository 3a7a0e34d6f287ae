//! A primary agent with a fallback: when the primary fails (the LLM timed
//! out, errored, sent malformed tool calls or ran out of steps) or answers
//! nothing, the fallback answers the same turn, so the person never meets
//! silence.
//!
//! Safe to run after a failed primary because a failed primary changed
//! nothing: [`super::LlmAgent`] turns a failure that follows a change into
//! a confirmation of that change (see the module docs there), and what the
//! fallback then does uses the same MessageSid-derived ids.

use super::super::{Agent, AgentError, AgentReply, TurnContext};

#[derive(Clone)]
pub struct FallbackAgent<P, F> {
    pub primary: P,
    pub fallback: F,
}

impl<P, F> FallbackAgent<P, F> {
    pub fn new(primary: P, fallback: F) -> Self {
        Self { primary, fallback }
    }
}

impl<P: Agent, F: Agent> Agent for FallbackAgent<P, F> {
    async fn respond(&self, turn: &TurnContext) -> Result<AgentReply, AgentError> {
        // The primary may have saved or cleared a flow before it failed:
        // the fallback reads the flow afresh.
        let fresh = || TurnContext {
            flow_at_start: None,
            ..turn.clone()
        };
        // Boxed: both futures are large (SDK calls inside) and would
        // otherwise sit side by side on the caller's stack.
        match Box::pin(self.primary.respond(turn)).await {
            Ok(reply) if !reply.replies.is_empty() => Ok(reply),
            Ok(silent) => {
                parlo_telemetry::count(parlo_telemetry::names::AGENT_FALLBACK, 1);
                tracing::warn!("primary agent answered nothing; the fallback answers");
                let mut reply = Box::pin(self.fallback.respond(&fresh())).await?;
                reply.notifications.extend(silent.notifications);
                Ok(reply)
            }
            Err(e) => {
                parlo_telemetry::count(parlo_telemetry::names::AGENT_FALLBACK, 1);
                tracing::warn!(error = %e, "primary agent failed; the fallback answers");
                Box::pin(self.fallback.respond(&fresh())).await
            }
        }
    }
}
