//! The api function's routes. So far: health and, only when
//! `PARLO_ENV=local`, the dev outbox the simulator reads. The dashboard's
//! REST resources join here.

use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Request, RequestExt, Response};
use parlo_store::Store;
use serde::Serialize;

use crate::config::{Config, Env};

pub struct Api {
    pub store: Store,
    pub config: Config,
}

/// Error body of every route: a machine code and a Spanish message.
#[derive(Debug, Serialize)]
pub struct ApiError {
    pub code: &'static str,
    pub message: String,
}

impl Api {
    pub async fn handle(&self, request: Request) -> Response<Body> {
        let path = request.uri().path().trim_end_matches('/');
        match (request.method(), path) {
            (&Method::GET, "/api/v1/health") => {
                json(StatusCode::OK, &serde_json::json!({"status": "ok"}))
            }
            (&Method::GET, "/api/v1/dev/outbox") if self.config.env == Env::Local => {
                let query = request.query_string_parameters();
                let Some(to) = query.first("to") else {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "missing_to",
                        "Falta el parámetro «to».",
                    );
                };
                match crate::dev::outbox(&self.store, to, query.first("after")).await {
                    Ok(page) => json(StatusCode::OK, &page),
                    Err(crate::dev::DevError::BadNumber(_)) => error(
                        StatusCode::BAD_REQUEST,
                        "invalid_phone",
                        "El número no es válido.",
                    ),
                    Err(e) => {
                        tracing::error!(error = %e, "dev outbox");
                        error(
                            StatusCode::INTERNAL_SERVER_ERROR,
                            "internal",
                            "Algo salió mal; intenta de nuevo.",
                        )
                    }
                }
            }
            _ => error(
                StatusCode::NOT_FOUND,
                "not_found",
                "No encontramos esa ruta.",
            ),
        }
    }
}

fn json<T: Serialize>(status: StatusCode, body: &T) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(
            serde_json::to_string(body).unwrap_or_else(|_| "{}".into()),
        ))
        .expect("static response")
}

fn error(status: StatusCode, code: &'static str, message: &str) -> Response<Body> {
    json(
        status,
        &ApiError {
            code,
            message: message.to_string(),
        },
    )
}
