//! A scripted stand-in for the Lambda runtime emulator of `cargo lambda
//! watch`: records every invocation and answers what the test says.
#![allow(dead_code)]
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;

/// (function, event) of each invocation, in order.
pub type Calls = Arc<Mutex<Vec<(String, Value)>>>;
/// The script: (function, event) → (HTTP status, body).
pub type Script = Arc<dyn Fn(&str, &Value) -> (u16, String) + Send + Sync>;

pub struct FakeLambda {
    pub url: String,
    pub calls: Calls,
}

impl FakeLambda {
    pub async fn start(script: Script) -> FakeLambda {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let calls: Calls = Arc::default();
        let recorded = calls.clone();
        tokio::spawn(async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let calls = recorded.clone();
                let script = script.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                        let calls = calls.clone();
                        let script = script.clone();
                        async move {
                            let path = req.uri().path().to_string();
                            let function = path
                                .strip_prefix("/2015-03-31/functions/")
                                .and_then(|p| p.strip_suffix("/invocations"))
                                .unwrap_or("?")
                                .to_string();
                            let body = req.into_body().collect().await.unwrap().to_bytes();
                            let event: Value = serde_json::from_slice(&body).unwrap();
                            let (status, answer) = script(&function, &event);
                            calls.lock().unwrap().push((function, event));
                            let mut response = hyper::Response::new(Full::new(Bytes::from(answer)));
                            *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
                            Ok::<_, std::convert::Infallible>(response)
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        FakeLambda { url, calls }
    }

    pub fn calls(&self) -> Vec<(String, Value)> {
        self.calls.lock().unwrap().clone()
    }
}

/// Starts the gateway's HTTP side on a free port, in front of `lambda_url`.
pub async fn start_gateway(lambda_url: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = Arc::new(parlo_local::gateway::HttpState {
        invoker: parlo_local::invoke::Invoker::new(lambda_url, std::time::Duration::from_secs(600)),
        account_id: "123456789012".into(),
        api_id: "parlolocal".into(),
        port: addr.port(),
        static_dir: None,
    });
    tokio::spawn(parlo_local::gateway::serve(listener, state));
    format!("http://{addr}")
}
