//! Every metric name and `Service` value Parlo emits (namespace `Parlo`).
//! template.yaml's alarms and dashboard read these names: rename both.

/// `Service` dimension values: the function that emitted the line.
pub mod service {
    pub const WEBHOOK: &str = "webhook";
    pub const TURN: &str = "turn";
    pub const API: &str = "api";
    pub const REMINDERS: &str = "reminders";
}

// Turns (turn function, one line per SQS record).
pub const TURNS_PROCESSED: &str = "TurnsProcessed";
pub const TURNS_FAILED: &str = "TurnsFailed";
pub const TURNS_POISONED: &str = "TurnsPoisoned";
pub const TURN_DURATION: &str = "TurnDuration";
/// DynamoDB requests of the unit of work (turn, request, job).
pub const DYNAMODB_REQUESTS: &str = "DynamoDBRequests";
pub const AGENT_RULES: &str = "AgentRules";
pub const AGENT_LLM: &str = "AgentLlm";
pub const AGENT_FALLBACK: &str = "AgentFallback";
pub const LLM_CALLS: &str = "LlmCalls";
pub const LLM_LATENCY: &str = "LlmLatency";
pub const LLM_ERRORS: &str = "LlmErrors";
pub const LLM_PROMPT_TOKENS: &str = "LlmPromptTokens";
pub const LLM_COMPLETION_TOKENS: &str = "LlmCompletionTokens";
pub const TOOL_CALLS: &str = "ToolCalls";

// Appointment changes (the services layer, whichever door).
pub const BOOKINGS: &str = "Bookings";
pub const CANCELLATIONS: &str = "Cancellations";
pub const RESCHEDULES: &str = "Reschedules";
pub const SLOT_TAKEN: &str = "SlotTakenConflicts";

// Outbound sends (the outbox): by result…
pub const SENDS_SENT: &str = "SendsSent";
pub const SENDS_ALREADY_SENT: &str = "SendsAlreadySent";
pub const SENDS_IN_FLIGHT: &str = "SendsInFlight";
pub const SENDS_REFUSED: &str = "SendsRefused";
pub const SENDS_FAILED_TRANSIENT: &str = "SendsFailedTransient";
/// …and by the policy's path.
pub const SEND_PATH_TEXT: &str = "SendPathText";
pub const SEND_PATH_TEMPLATE: &str = "SendPathTemplate";
pub const SEND_PATH_NOT_SENDABLE: &str = "SendPathNotSendable";

// The provider's answers to each HTTP attempt (retries included).
pub const PROVIDER_2XX: &str = "Provider2xx";
pub const PROVIDER_4XX: &str = "Provider4xx";
pub const PROVIDER_429: &str = "Provider429";
pub const PROVIDER_5XX: &str = "Provider5xx";
pub const PROVIDER_NETWORK_ERRORS: &str = "ProviderNetworkErrors";

// Webhook (one line per request).
pub const WEBHOOK_REQUESTS: &str = "WebhookRequests";
pub const WEBHOOK_ACCEPTED: &str = "WebhookAccepted";
pub const WEBHOOK_DUPLICATES: &str = "WebhookDuplicates";
pub const WEBHOOK_REJECTED_SIGNATURE: &str = "WebhookRejectedSignature";
pub const WEBHOOK_REJECTED_PAYLOAD: &str = "WebhookRejectedPayload";
pub const WEBHOOK_REJECTED_TOO_LARGE: &str = "WebhookRejectedTooLarge";
pub const WEBHOOK_UNAVAILABLE: &str = "WebhookUnavailable";
pub const WEBHOOK_DURATION: &str = "WebhookDuration";

// Dashboard API (one line per request).
pub const API_REQUESTS: &str = "ApiRequests";
pub const API_4XX: &str = "Api4xx";
pub const API_5XX: &str = "Api5xx";
pub const API_DURATION: &str = "ApiDuration";

// Scheduled jobs (one line per invocation).
pub const REMINDERS_FIRED: &str = "RemindersFired";
pub const REMINDERS_SKIPPED: &str = "RemindersSkipped";
pub const REMINDERS_ALREADY_DONE: &str = "RemindersAlreadyDone";
pub const JOBS_FAILED: &str = "JobsFailed";
pub const JOB_DURATION: &str = "JobDuration";
