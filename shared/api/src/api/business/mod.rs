//! The business's resources (the dashboard). Every handler gets the
//! business from [`Ctx`] (the session, or an admin's path) and keys every
//! store call by it: an id of another business is simply not found.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, RequestExt, Response};
use parlo_core::permissions::Action;
use parlo_core::scheduling::{free_slots, SlotQuery};
use parlo_core::*;
use parlo_store::{BookRequest, RescheduleRequest, StaffChoice, StoreError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use uuid::Uuid;

use super::dto::*;
use super::routes::{Op, Params};
use super::{json, no_content, Api, ApiError, Ctx};
use parlo_app::services::{Act, Biz, BlockError, Delivery, Retired};
use parlo_core::ids::derived_id;

pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 100;
/// Longest range of an appointment list or stats query.
pub const MAX_RANGE_DAYS: i64 = 92;
const MAX_TEXT: usize = 2000;
const MAX_NAME: usize = 120;

mod appointments;
mod availability;
mod conversations;
mod customers;
mod locations;
mod lookups;
mod organization;
mod request;
mod service_types;
mod spots;
mod staff;
mod stats;

pub use appointments::render_appointments;
pub(crate) use request::*;
#[cfg(test)]
pub use stats::stats;

// ---- the handlers -----------------------------------------------------------

impl Api {
    pub(crate) async fn business(
        &self,
        op: Op,
        ctx: &Ctx,
        params: &Params,
        request: &Request,
    ) -> Result<Response<Body>, ApiError> {
        // One function per resource group keeps each future's frame small.
        match op {
            Op::GetOrganization | Op::UpdateOrganization => {
                Box::pin(self.organization_routes(op, ctx, params, request)).await
            }
            Op::ListLocations
            | Op::CreateLocation
            | Op::GetLocation
            | Op::UpdateLocation
            | Op::DeleteLocation => Box::pin(self.locations_routes(op, ctx, params, request)).await,
            Op::ListServices
            | Op::CreateService
            | Op::GetService
            | Op::UpdateService
            | Op::DeleteService => Box::pin(self.services_routes(op, ctx, params, request)).await,
            Op::ListStaff
            | Op::CreateStaff
            | Op::GetStaff
            | Op::UpdateStaff
            | Op::DeleteStaff
            | Op::DeactivateStaff
            | Op::ReactivateStaff
            | Op::SetStaffServices
            | Op::GetWorkingHours
            | Op::SetWorkingHours => Box::pin(self.staff_routes(op, ctx, params, request)).await,
            Op::ListSpots
            | Op::CreateSpot
            | Op::GetSpot
            | Op::UpdateSpot
            | Op::DeleteSpot
            | Op::OrderSpots => Box::pin(self.spots_routes(op, ctx, params, request)).await,
            Op::ListCustomers | Op::GetCustomer | Op::UpdateCustomer => {
                Box::pin(self.customers_routes(op, ctx, params, request)).await
            }
            Op::ListAppointments
            | Op::CreateAppointment
            | Op::GetAppointment
            | Op::UpdateAppointment
            | Op::CancelAppointment
            | Op::CompleteAppointment
            | Op::NoShowAppointment => {
                Box::pin(self.appointments_routes(op, ctx, params, request)).await
            }
            Op::GetAvailability
            | Op::CreateException
            | Op::DeleteException
            | Op::ListBlocks
            | Op::CreateBlock
            | Op::DeleteBlock
            | Op::Slots => Box::pin(self.availability_routes(op, ctx, params, request)).await,
            Op::ListConversations
            | Op::ListMessages
            | Op::ReleaseConversation
            | Op::TakeOverConversation
            | Op::SendMessage => {
                Box::pin(self.conversations_routes(op, ctx, params, request)).await
            }
            Op::Stats => Box::pin(self.stats_routes(op, ctx, params, request)).await,
            _ => Err(ApiError::internal()),
        }
    }
}
