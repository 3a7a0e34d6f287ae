//! Placeholder until the customer flows land: the fixed greeting.

use super::RuleAgent;
use crate::agent::{Agent, AgentError, AgentReply, GreetingAgent, TurnContext};

pub async fn respond(_agent: &RuleAgent, turn: &TurnContext) -> Result<AgentReply, AgentError> {
    GreetingAgent.respond(turn).await
}
