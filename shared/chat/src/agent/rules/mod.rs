//! The rule-based Spanish agent: deterministic, no network. It drives the
//! flow state machines of spec/001 over the [`crate::tools`] layer, with
//! each conversation's flow state persisted as a [`parlo_core::FlowSession`]
//! (see [`flow`]).
//!
//! Dispatch by route: customers → [`customer`], staff and owners (on the
//! business number or the central one, and staff onboarding) → [`staff`],
//! a business being set up on the central number → [`onboarding`].
//! Anything else (redirects, unavailable businesses) gets the fixed answers
//! of [`GreetingAgent`].

use parlo_core::routing::Route;
use parlo_store::Store;

use super::{Agent, AgentError, AgentReply, GreetingAgent, TurnContext};
use crate::tools::Tools;
use parlo_app::schedules::Schedules;
use parlo_app::services::onboarding::LazyProvisioning;
use parlo_app::services::Services;

pub mod customer;
pub mod dashboard_link;
pub mod extract;
pub mod flow;
pub mod onboarding;
pub mod staff;
pub mod staff_appointments;
pub mod staff_booking;
pub mod staff_business;
pub mod staff_flows;
pub mod staff_free;
pub mod staff_messages;
pub mod staff_onboarding;
pub mod staff_relay;

#[cfg(test)]
mod props;

use parlo_app::transcription::Transcriber;

#[derive(Clone)]
pub struct RuleAgent {
    pub store: Store,
    /// The only writer; its schedules keep reminders in line.
    pub services: Services,
    /// Twilio number provisioning (onboarding's last step), built on
    /// first use; none configured in unit tests.
    pub provisioning: LazyProvisioning,
    /// Origin of the dashboard (sign-in links sent by chat).
    pub dashboard_url: String,
    /// Hears voice notes before the turn decides (none: asks to write).
    pub transcriber: Option<Transcriber>,
}

impl RuleAgent {
    /// Over mock sending and no schedules (tests); see [`Self::with_services`].
    pub fn new(store: Store) -> Self {
        Self {
            services: Services::mock(store.clone()),
            store,
            provisioning: LazyProvisioning::default(),
            dashboard_url: "http://localhost:5173".into(),
            transcriber: None,
        }
    }

    pub fn with_transcriber(mut self, transcriber: Option<Transcriber>) -> Self {
        self.transcriber = transcriber;
        self
    }

    pub fn with_services(mut self, services: Services) -> Self {
        self.store = services.store.clone();
        self.services = services;
        self
    }

    pub fn with_provisioning(mut self, provisioning: LazyProvisioning) -> Self {
        self.provisioning = provisioning;
        self
    }

    pub fn with_dashboard_url(mut self, url: impl Into<String>) -> Self {
        self.dashboard_url = url.into();
        self
    }

    pub fn with_schedules(mut self, schedules: Schedules) -> Self {
        self.services.schedules = schedules;
        self
    }

    /// The tool layer for this turn (ids derive from the MessageSid).
    pub fn tools(&self, turn: &TurnContext) -> Tools {
        Tools::new(self.store.clone(), turn.now, turn.message_sid.clone())
            .with_services(self.services.clone())
            .with_business(turn.business.clone())
            .with_catalogue(turn.catalogue.clone())
            .with_customer(turn.customer.clone())
            .with_deferred(turn.deferred.clone())
    }
}

impl Agent for RuleAgent {
    async fn respond(&self, turn: &TurnContext) -> Result<AgentReply, AgentError> {
        match &turn.route {
            Route::Customer { .. } => Box::pin(customer::respond(self, turn)).await,
            Route::ManagementFromCentral { .. }
            | Route::BusinessManagement { .. }
            | Route::StaffOnboarding { .. } => Box::pin(staff::respond(self, turn)).await,
            Route::BusinessOnboarding { .. } => Box::pin(onboarding::respond(self, turn)).await,
            Route::RedirectToBusinesses { .. }
            | Route::BusinessUnavailable { .. }
            | Route::UnknownNumber => GreetingAgent.respond(turn).await,
        }
    }

    fn services(&self) -> Option<&Services> {
        Some(&self.services)
    }

    fn transcriber(&self) -> Option<&Transcriber> {
        self.transcriber.as_ref()
    }

    /// Only a customer's answer to the numbered menu or a message not
    /// understood (the misses before it) look back.
    fn wants_history(&self, turn: &TurnContext) -> bool {
        matches!(turn.route, Route::Customer { .. }) && customer::looks_back(turn)
    }
}
