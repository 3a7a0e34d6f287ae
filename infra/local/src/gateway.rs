//! `parlo-local gateway`: the HTTP server (API Gateway stand-in) plus, in
//! the same process, the SQS poller of the turn queue and the scheduler
//! firer.
use crate::apigw::{self, GatewayResponse, IncomingRequest, StageContext};
use crate::invoke::Invoker;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::json;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

/// API Gateway's payload limit.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// What the HTTP side needs.
#[derive(Clone)]
pub struct HttpState {
    pub invoker: Invoker,
    pub account_id: String,
    pub api_id: String,
    /// The port clients called (`x-forwarded-port`).
    pub port: u16,
    /// The built dashboard (`frontend/dist`), served for GET paths no API
    /// route matches, as CloudFront serves the S3 bucket in AWS: one
    /// origin for the app and `/api`.
    pub static_dir: Option<std::path::PathBuf>,
}

/// The turn queue's event source mapping.
#[derive(Debug, Clone)]
pub struct SqsSettings {
    pub queue_url: String,
    pub function: String,
    pub visibility_timeout: i32,
    pub wait_seconds: i32,
}

#[derive(Clone)]
pub struct GatewayConfig {
    pub listen: SocketAddr,
    pub invoker: Invoker,
    pub account_id: String,
    pub api_id: String,
    pub sqs: Option<SqsSettings>,
    pub schedule_group: Option<String>,
    pub static_dir: Option<std::path::PathBuf>,
}

fn to_hyper(r: GatewayResponse, request_id: &str) -> Response<Full<Bytes>> {
    let mut builder = Response::builder().status(r.status);
    for (name, value) in &r.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder = builder.header("apigw-requestid", request_id);
    builder
        .body(Full::new(Bytes::from(r.body)))
        .unwrap_or_else(|e| {
            let mut fallback = Response::new(Full::new(Bytes::from(
                json!({"message": "Bad Gateway", "error": format!("unusable response: {e}")})
                    .to_string(),
            )));
            *fallback.status_mut() = hyper::StatusCode::BAD_GATEWAY;
            fallback
        })
}

/// A file of the built dashboard for `GET`/`HEAD` of a path outside `/api`
/// and `/webhooks`: the file itself, or `index.html` for an app route
/// (a path without an extension, e.g. `/auth`, `/agenda`), so a magic
/// link opens the app. `None`: not ours (the caller answers 404).
/// `gzip`: the client accepts it; the build writes a `.gz` beside each text
/// file (frontend/vite.config.ts), served as is, as CloudFront compresses.
pub fn static_file(
    dir: &std::path::Path,
    method: &str,
    path: &str,
    gzip: bool,
) -> Option<GatewayResponse> {
    if !matches!(method, "GET" | "HEAD")
        || path.starts_with("/api/")
        || path.starts_with("/webhooks/")
    {
        return None;
    }
    let rel = path.trim_start_matches('/');
    // No traversal, no encoded tricks: plain segments only.
    if rel
        .split('/')
        .any(|seg| seg == ".." || seg == "." || seg.contains('\\') || seg.contains('%'))
    {
        return None;
    }
    let last = rel.rsplit('/').next().unwrap_or_default();
    let (file, immutable) = if rel.is_empty() {
        (dir.join("index.html"), false)
    } else if last.contains('.') {
        (dir.join(rel), rel.starts_with("assets/"))
    } else {
        (dir.join("index.html"), false)
    };
    let mut body = std::fs::read(&file).ok()?;
    let compressed = gzip
        .then(|| {
            let mut gz = file.clone().into_os_string();
            gz.push(".gz");
            std::fs::read(gz).ok()
        })
        .flatten();
    let encoded = compressed.is_some();
    if let Some(gz) = compressed {
        body = gz;
    }
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    let content_type = match ext {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
    let cache = if immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut headers = vec![
        ("content-type".into(), content_type.into()),
        ("cache-control".into(), cache.into()),
        ("x-content-type-options".into(), "nosniff".into()),
        ("vary".into(), "accept-encoding".into()),
    ];
    if encoded {
        headers.push(("content-encoding".into(), "gzip".into()));
    }
    Some(GatewayResponse {
        status: 200,
        headers,
        body: if method == "HEAD" { Vec::new() } else { body },
    })
}

/// Serves one request: route, build the event, invoke, map the result.
pub async fn handle(
    state: Arc<HttpState>,
    req: Request<Incoming>,
    peer: SocketAddr,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str().to_string();
    let path = parts.uri.path().to_string();
    let request_id = apigw::new_request_id();
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            let r = GatewayResponse::json(413, &json!({"message": "Request Entity Too Large"}));
            return Ok(to_hyper(r, &request_id));
        }
    };
    let Some(route) = apigw::match_route(&method, &path) else {
        if let Some(dir) = state.static_dir.as_deref() {
            let gzip = parts
                .headers
                .get_all("accept-encoding")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .any(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
            if let Some(r) = static_file(dir, &method, &path, gzip) {
                return Ok(to_hyper(r, &request_id));
            }
        }
        tracing::info!(%method, %path, status = 404, "no route");
        let r = GatewayResponse::json(404, &json!({"message": "Not Found"}));
        return Ok(to_hyper(r, &request_id));
    };
    let incoming = IncomingRequest {
        method: &method,
        path: &path,
        query: parts.uri.query(),
        headers: &parts.headers,
        body: &body,
        source_ip: peer.ip().to_string(),
        protocol: format!("{:?}", parts.version),
    };
    let ctx = StageContext {
        account_id: state.account_id.clone(),
        api_id: state.api_id.clone(),
        port: state.port,
        request_id: request_id.clone(),
        now: crate::clock::now(),
    };
    let event = apigw::build_event(&incoming, &route, &ctx);
    let response = match state.invoker.invoke(route.function, &event).await {
        Ok(result) => apigw::map_response(&result).unwrap_or_else(|e| {
            GatewayResponse::json(
                502,
                &json!({"message": "Bad Gateway", "function": route.function, "error": e}),
            )
        }),
        Err(e) => GatewayResponse::json(
            502,
            &json!({"message": "Bad Gateway", "function": route.function, "error": e.to_string()}),
        ),
    };
    let ms = started.elapsed().as_millis();
    if response.status == 502 {
        tracing::warn!(%method, %path, function = route.function, status = 502, ms, "{}", String::from_utf8_lossy(&response.body));
    } else {
        tracing::info!(%method, %path, function = route.function, status = response.status, ms, "invoked");
    }
    Ok(to_hyper(response, &request_id))
}

/// Accepts connections until the task is dropped.
pub async fn serve(listener: TcpListener, state: Arc<HttpState>) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(conn) => conn,
            Err(e) => {
                tracing::warn!("accept: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let state = state.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| handle(state.clone(), req, peer));
            if let Err(e) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                tracing::debug!("connection from {peer}: {e}");
            }
        });
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

/// Runs the gateway, the SQS poller and the scheduler firer until SIGINT or
/// SIGTERM.
pub async fn run(config: GatewayConfig) -> Result<(), String> {
    if !config.listen.ip().is_loopback() {
        return Err(format!(
            "refusing to listen on {}: the local gateway binds loopback only",
            config.listen
        ));
    }
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let state = Arc::new(HttpState {
        invoker: config.invoker.clone(),
        account_id: config.account_id.clone(),
        api_id: config.api_id.clone(),
        port: config.listen.port(),
        static_dir: config.static_dir.clone(),
    });

    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let region = aws
        .region()
        .map(|r| r.to_string())
        .unwrap_or_else(|| "us-east-1".to_string());
    let mut tasks = Vec::new();
    match &config.sqs {
        Some(sqs) => {
            let poller = crate::sqs::SqsPoller {
                client: aws_sdk_sqs::Client::new(&aws),
                queue_url: sqs.queue_url.clone(),
                region: region.clone(),
                invoker: config.invoker.clone(),
                function: sqs.function.clone(),
                visibility_timeout: sqs.visibility_timeout,
                wait_seconds: sqs.wait_seconds,
            };
            tasks.push(tokio::spawn(poller.run()));
        }
        None => tracing::warn!("no TURN_QUEUE_URL: the SQS poller is off"),
    }
    match &config.schedule_group {
        Some(group) => {
            let firer = crate::scheduler::SchedulerFirer::new(
                aws_sdk_scheduler::Client::new(&aws),
                group.clone(),
                config.invoker.clone(),
            );
            tasks.push(tokio::spawn(firer.run()));
        }
        None => tracing::warn!("no SCHEDULE_GROUP: the scheduler firer is off"),
    }
    match crate::clock::now_with_source() {
        Ok((now, source)) => tracing::info!("clock: {} ({source})", crate::clock::format(now)),
        Err(e) => tracing::warn!("clock override unusable, using the system clock: {e}"),
    }
    tracing::info!(
        "gateway listening on http://{} (functions via {})",
        config.listen,
        config.invoker.url("<function>")
    );
    let limits = config.invoker.limits();
    let mut timeouts: Vec<String> = limits
        .functions
        .iter()
        .map(|(f, t)| format!("{f} {} s", t.as_secs()))
        .collect();
    timeouts.sort();
    tracing::info!(
        "invocation timeouts: {} (+{} s slack; {} s for a first invocation); a timeout {}",
        timeouts.join(", "),
        limits.slack.as_secs(),
        limits.cold.as_secs(),
        if config.invoker.restarts() {
            "restarts the emulator"
        } else {
            "leaves the emulator as it is (no --restart-command)"
        }
    );
    tokio::select! {
        _ = serve(listener, state) => {},
        _ = shutdown_signal() => tracing::info!("stopping"),
    }
    for task in tasks {
        task.abort();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::static_file;

    #[test]
    fn serves_the_dashboard_outside_the_api() {
        let dir = std::env::temp_dir().join(format!("parlo-static-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        std::fs::write(dir.join("index.html"), "<html>app</html>").unwrap();
        std::fs::write(dir.join("assets/app-1.js"), "x").unwrap();
        let index = static_file(&dir, "GET", "/", false).unwrap();
        assert_eq!(index.body, b"<html>app</html>");
        // App routes (a magic link's /auth) get the app.
        let auth = static_file(&dir, "GET", "/auth", false).unwrap();
        assert_eq!(auth.body, b"<html>app</html>");
        let js = static_file(&dir, "GET", "/assets/app-1.js", false).unwrap();
        assert!(js
            .headers
            .iter()
            .any(|(k, v)| k == "cache-control" && v.contains("immutable")));
        // The build's .gz twin, to a client that takes gzip; the plain
        // file to one that does not.
        std::fs::write(dir.join("assets/app-1.js.gz"), "gz").unwrap();
        let gz = static_file(&dir, "GET", "/assets/app-1.js", true).unwrap();
        assert_eq!(gz.body, b"gz");
        assert!(gz
            .headers
            .iter()
            .any(|(k, v)| k == "content-encoding" && v == "gzip"));
        let plain = static_file(&dir, "GET", "/assets/app-1.js", false).unwrap();
        assert_eq!(plain.body, b"x");
        assert!(!plain.headers.iter().any(|(k, _)| k == "content-encoding"));
        // Never the API's paths, other methods, missing files or traversal.
        assert!(static_file(&dir, "GET", "/api/v1/nope", true).is_none());
        assert!(static_file(&dir, "GET", "/webhooks/x", true).is_none());
        assert!(static_file(&dir, "POST", "/auth", true).is_none());
        assert!(static_file(&dir, "GET", "/assets/missing.js", true).is_none());
        assert!(static_file(&dir, "GET", "/../etc/passwd", true).is_none());
        assert!(static_file(&dir, "GET", "/assets/%2e%2e/x.js", true).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
