//! The store's one error type.

use chrono::{DateTime, Utc};
use parlo_core::scheduling::Unavailable;
use parlo_core::AppointmentStatus;

/// Everything a store call can fail with. The conversation layer matches
/// on [`StoreError::SlotTaken`] ("ese horario ya se ocupó") and
/// [`StoreError::Unavailable`] (the engine's reason: closed, too soon…);
/// the API maps `NotFound` to 404 and `AlreadyExists`/`Conflict`/
/// `InvalidStatus` to 409.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The time is taken (by an appointment or a block) for the resources
    /// that could serve it, or stayed contended through every retry.
    #[error("the slot starting {start} is taken")]
    SlotTaken { start: DateTime<Utc> },
    /// The scheduling engine refuses the time for another reason.
    #[error("not bookable: {0}")]
    Unavailable(Unavailable),
    #[error("{what} not found")]
    NotFound { what: &'static str },
    /// A uniqueness rule (WhatsApp number, staff phone, an id) refused it.
    #[error("{what} already exists")]
    AlreadyExists { what: &'static str },
    /// The appointment is not in a status that allows the change.
    #[error("appointment is {status:?}")]
    InvalidStatus { status: AppointmentStatus },
    /// A concurrent change kept winning; the caller may retry.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The customer already holds the business's maximum of open
    /// appointments.
    #[error("the customer already has {max} open appointments")]
    TooManyOpen { max: u32 },
    /// A token or hold whose time has passed.
    #[error("{what} expired")]
    Expired { what: &'static str },
    /// A pagination cursor that is malformed or belongs to another query.
    #[error("invalid cursor")]
    InvalidCursor,
    /// An item that does not match its Rust type (a bug or a bad migration).
    #[error("item (de)serialisation: {0}")]
    Serde(#[from] serde_dynamo::Error),
    /// DynamoDB or the SDK failed (network, throttling, validation).
    #[error("dynamodb: {message}")]
    Dynamo {
        message: String,
        #[source]
        source: aws_sdk_dynamodb::error::BoxError,
    },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl<E, R> From<aws_sdk_dynamodb::error::SdkError<E, R>> for StoreError
where
    aws_sdk_dynamodb::Error: From<aws_sdk_dynamodb::error::SdkError<E, R>>,
{
    fn from(e: aws_sdk_dynamodb::error::SdkError<E, R>) -> Self {
        let e = aws_sdk_dynamodb::Error::from(e);
        StoreError::Dynamo {
            message: aws_sdk_dynamodb::error::DisplayErrorContext(&e).to_string(),
            source: Box::new(e),
        }
    }
}

impl From<aws_sdk_dynamodb::error::BuildError> for StoreError {
    fn from(e: aws_sdk_dynamodb::error::BuildError) -> Self {
        StoreError::Dynamo {
            message: e.to_string(),
            source: Box::new(e),
        }
    }
}
