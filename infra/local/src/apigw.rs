//! API Gateway HTTP API, payload format 2.0: routing like `template.yaml`,
//! the request event a function receives, and how its result becomes the
//! HTTP response.
//!
//! The event is built as `aws_lambda_events::apigw::ApiGatewayV2httpRequest`
//! (the type `lambda_http` reads) and serialised without the fields that
//! exist only in authorizer payloads, so it has the shape of a real one:
//!
//! ```json
//! {
//!   "version": "2.0",
//!   "routeKey": "POST /webhooks/twilio",
//!   "rawPath": "/webhooks/twilio",
//!   "rawQueryString": "",
//!   "cookies": ["a=1"],                       // only when sent
//!   "headers": {"content-type": "application/x-www-form-urlencoded",
//!               "host": "127.0.0.1:3000", "x-forwarded-for": "127.0.0.1",
//!               "x-forwarded-port": "3000", "x-forwarded-proto": "http",
//!               "x-amzn-trace-id": "Root=1-…", …},  // lowercased, repeats joined with ","
//!   "queryStringParameters": {"to": "+52…"},  // only when there is a query
//!   "pathParameters": {"proxy": "v1/dev/outbox"},  // only for /api/{proxy+}
//!   "requestContext": {
//!     "accountId": "123456789012", "apiId": "parlolocal",
//!     "domainName": "127.0.0.1:3000", "domainPrefix": "127",
//!     "http": {"method": "POST", "path": "/webhooks/twilio", "protocol": "HTTP/1.1",
//!              "sourceIp": "127.0.0.1", "userAgent": "curl/8.5.0"},
//!     "requestId": "JKJaXmPLvHcESHA=", "routeKey": "POST /webhooks/twilio",
//!     "stage": "$default", "time": "12/Mar/2025:19:03:58 +0000",
//!     "timeEpoch": 1741806238000
//!   },
//!   "body": "YT1i",
//!   "isBase64Encoded": true
//! }
//! ```
//!
//! Locally `domainName` keeps the port of the `Host` header and
//! `x-forwarded-proto` is `http`, so `<proto>://<domainName><rawPath>` is the
//! URL the client called (in AWS it is `https://<domain>/...`). `dev.sh` also
//! sets `PUBLIC_BASE_URL=http://127.0.0.1:3000` for the functions.
use aws_lambda_events::apigw::{
    ApiGatewayV2httpRequest, ApiGatewayV2httpRequestContext,
    ApiGatewayV2httpRequestContextHttpDescription, ApiGatewayV2httpResponse,
};
use aws_lambda_events::encodings::Body;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use std::collections::HashMap;

/// One route of the HTTP API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// `GET`, `POST`, … or `ANY`.
    pub method: &'static str,
    /// Literal path, or a prefix followed by one greedy `/{name+}`.
    pub path: &'static str,
    /// The binary that serves it.
    pub function: &'static str,
}

/// The `HttpApi` events of `template.yaml` (a unit test keeps them in step).
/// API Gateway answers anything else with 404 `{"message":"Not Found"}`
/// without invoking a function, and so does the local gateway.
pub const ROUTES: &[Route] = &[
    Route {
        method: "POST",
        path: "/webhooks/twilio",
        function: "webhook",
    },
    Route {
        method: "POST",
        path: "/webhooks/twilio/status",
        function: "webhook",
    },
    Route {
        method: "POST",
        path: "/webhooks/twilio/voice-status",
        function: "webhook",
    },
    Route {
        method: "POST",
        path: "/webhooks/twilio/sender-status",
        function: "webhook",
    },
    Route {
        method: "GET",
        path: "/health",
        function: "webhook",
    },
    Route {
        method: "ANY",
        path: "/api/{proxy+}",
        function: "api",
    },
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteMatch {
    pub function: &'static str,
    /// `"POST /webhooks/twilio"`, `"ANY /api/{proxy+}"`.
    pub route_key: String,
    pub path_parameters: HashMap<String, String>,
}

fn match_path(pattern: &str, path: &str) -> Option<HashMap<String, String>> {
    if let Some(open) = pattern.find("/{") {
        let name = pattern[open + 2..].strip_suffix("+}")?;
        let rest = path.strip_prefix(&pattern[..open])?.strip_prefix('/')?;
        if rest.is_empty() {
            return None;
        }
        return Some(HashMap::from([(name.to_string(), rest.to_string())]));
    }
    (pattern == path).then(HashMap::new)
}

/// Picks the route like API Gateway: literal paths before greedy ones, an
/// exact method before `ANY`.
pub fn match_route(method: &str, path: &str) -> Option<RouteMatch> {
    let rank = |r: &Route| (r.path.contains('{'), r.method == "ANY");
    let mut candidates: Vec<&Route> = ROUTES
        .iter()
        .filter(|r| r.method == "ANY" || r.method.eq_ignore_ascii_case(method))
        .collect();
    candidates.sort_by_key(|r| rank(r));
    candidates.into_iter().find_map(|r| {
        match_path(r.path, path).map(|path_parameters| RouteMatch {
            function: r.function,
            route_key: format!("{} {}", r.method, r.path),
            path_parameters,
        })
    })
}

/// What the gateway knows of one incoming HTTP request.
#[derive(Debug, Clone)]
pub struct IncomingRequest<'a> {
    pub method: &'a str,
    /// The path as received (not decoded), without the query.
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    pub source_ip: String,
    /// `HTTP/1.1`.
    pub protocol: String,
}

/// The API and stage the request arrives at.
#[derive(Debug, Clone)]
pub struct StageContext {
    pub account_id: String,
    pub api_id: String,
    /// The gateway's own port (`x-forwarded-port`).
    pub port: u16,
    pub request_id: String,
    pub now: DateTime<Utc>,
}

/// Content types API Gateway passes as text; every other body (forms
/// included) arrives base64-encoded with `isBase64Encoded: true`.
pub fn is_text_content_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence.starts_with("text/")
        || matches!(
            essence.as_str(),
            "application/json"
                | "application/javascript"
                | "application/xml"
                | "application/graphql"
        )
        || essence.ends_with("+json")
        || essence.ends_with("+xml")
}

/// `(body, isBase64Encoded)` as API Gateway sets them.
pub fn encode_body(content_type: Option<&str>, body: &[u8]) -> (Option<String>, bool) {
    if body.is_empty() {
        return (None, false);
    }
    if content_type.is_some_and(is_text_content_type) {
        if let Ok(text) = std::str::from_utf8(body) {
            return (Some(text.to_string()), false);
        }
    }
    (Some(BASE64.encode(body)), true)
}

/// A request id in API Gateway's style (`JKJaXmPLvHcESHA=`).
pub fn new_request_id() -> String {
    BASE64.encode(&uuid::Uuid::new_v4().as_bytes()[..11])
}

fn trace_id(now: DateTime<Utc>) -> String {
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!("Root=1-{:08x}-{}", now.timestamp(), &random[..24])
}

/// Decoded query parameters, repeated names joined with `,` (format 2.0).
fn query_parameters(query: &str) -> serde_json::Map<String, Value> {
    let mut out = serde_json::Map::new();
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    for (name, value) in pairs {
        match out.get_mut(&name) {
            Some(Value::String(existing)) => {
                existing.push(',');
                existing.push_str(&value);
            }
            _ => {
                out.insert(name, Value::String(value));
            }
        }
    }
    out
}

/// Builds the format 2.0 event for a matched request.
pub fn build_event(req: &IncomingRequest<'_>, route: &RouteMatch, ctx: &StageContext) -> Value {
    let header_text = |name: &str| -> Option<String> {
        let values: Vec<String> = req
            .headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        (!values.is_empty()).then(|| values.join(","))
    };

    let mut headers = HeaderMap::new();
    for name in req.headers.keys() {
        if name == http::header::COOKIE {
            continue;
        }
        if let Some(value) = header_text(name.as_str()) {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name.clone(), value);
            }
        }
    }
    let forwarded_for = match header_text("x-forwarded-for") {
        Some(earlier) => format!("{earlier}, {}", req.source_ip),
        None => req.source_ip.clone(),
    };
    for (name, value) in [
        ("x-forwarded-for", forwarded_for),
        ("x-forwarded-proto", "http".to_string()),
        ("x-forwarded-port", ctx.port.to_string()),
        ("x-amzn-trace-id", trace_id(ctx.now)),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }

    let cookies: Vec<String> = req
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .flat_map(|v| {
            String::from_utf8_lossy(v.as_bytes())
                .split(';')
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
        })
        .collect();

    let host = header_text("host").unwrap_or_else(|| format!("127.0.0.1:{}", ctx.port));
    let host_only = host.rsplit_once(':').map_or(host.as_str(), |(h, _)| h);
    let domain_prefix = host_only.split('.').next().unwrap_or(host_only).to_string();
    let content_type = header_text("content-type");
    let (body, is_base64_encoded) = encode_body(content_type.as_deref(), req.body);

    let mut http_desc = ApiGatewayV2httpRequestContextHttpDescription::default();
    http_desc.method = req.method.parse().unwrap_or(http::Method::GET);
    http_desc.path = Some(req.path.to_string());
    http_desc.protocol = Some(req.protocol.clone());
    http_desc.source_ip = Some(req.source_ip.clone());
    http_desc.user_agent = Some(header_text("user-agent").unwrap_or_default());

    let mut context = ApiGatewayV2httpRequestContext::default();
    context.route_key = Some(route.route_key.clone());
    context.account_id = Some(ctx.account_id.clone());
    context.stage = Some("$default".to_string());
    context.request_id = Some(ctx.request_id.clone());
    context.apiid = Some(ctx.api_id.clone());
    context.domain_name = Some(host.clone());
    context.domain_prefix = Some(domain_prefix);
    context.time = Some(ctx.now.format("%d/%b/%Y:%H:%M:%S %z").to_string());
    context.time_epoch = ctx.now.timestamp_millis();
    context.http = http_desc;

    let mut event = ApiGatewayV2httpRequest::default();
    event.version = Some("2.0".to_string());
    event.route_key = Some(route.route_key.clone());
    event.raw_path = Some(req.path.to_string());
    event.raw_query_string = Some(req.query.unwrap_or("").to_string());
    event.cookies = (!cookies.is_empty()).then_some(cookies);
    event.headers = headers;
    event.path_parameters = route.path_parameters.clone();
    event.request_context = context;
    event.body = body;
    event.is_base64_encoded = is_base64_encoded;

    let mut value = serde_json::to_value(&event).expect("API Gateway event serialises");
    if let Value::Object(map) = &mut value {
        // Present in the type for authorizer payloads only.
        for key in [
            "type",
            "methodArn",
            "httpMethod",
            "identitySource",
            "authorizationToken",
            "resource",
        ] {
            map.remove(key);
        }
        if map
            .get("stageVariables")
            .is_some_and(|v| v.as_object().is_none_or(|m| m.is_empty()))
        {
            map.remove("stageVariables");
        }
        let query = query_parameters(req.query.unwrap_or(""));
        if query.is_empty() {
            map.remove("queryStringParameters");
        } else {
            map.insert("queryStringParameters".to_string(), Value::Object(query));
        }
    }
    value
}

/// An HTTP response for the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl GatewayResponse {
    pub fn json(status: u16, body: &Value) -> Self {
        GatewayResponse {
            status,
            headers: vec![("content-type".to_string(), "application/json".to_string())],
            body: body.to_string().into_bytes(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Maps a function's result to the HTTP response, like format 2.0: an
/// object with `statusCode` is a response (`headers`, `cookies` as
/// `set-cookie`, `body` decoded when `isBase64Encoded`); any other JSON is a
/// 200 `application/json` body. (`multiValueHeaders` is not part of 2.0 and
/// is ignored, as API Gateway does.)
pub fn map_response(result: &Value) -> Result<GatewayResponse, String> {
    let Some(object) = result.as_object().filter(|o| o.contains_key("statusCode")) else {
        let body = match result {
            Value::Null => Vec::new(),
            Value::String(s) => s.clone().into_bytes(),
            other => other.to_string().into_bytes(),
        };
        return Ok(GatewayResponse {
            status: 200,
            headers: vec![("content-type".to_string(), "application/json".to_string())],
            body,
        });
    };
    let mut object = object.clone();
    for key in ["cookies", "headers", "multiValueHeaders"] {
        if object.get(key).is_none_or(Value::is_null) {
            let empty = if key == "cookies" {
                Value::Array(vec![])
            } else {
                Value::Object(Default::default())
            };
            object.insert(key.to_string(), empty);
        }
    }
    let response: ApiGatewayV2httpResponse = serde_json::from_value(Value::Object(object))
        .map_err(|e| format!("malformed function response: {e}"))?;
    let status = u16::try_from(response.status_code)
        .ok()
        .filter(|s| (100..=599).contains(s))
        .ok_or_else(|| format!("invalid statusCode {}", response.status_code))?;
    let mut headers: Vec<(String, String)> = response
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    headers.extend(
        response
            .cookies
            .iter()
            .map(|c| ("set-cookie".to_string(), c.clone())),
    );
    let raw = match &response.body {
        None | Some(Body::Empty) => Vec::new(),
        Some(Body::Text(text)) => text.clone().into_bytes(),
        Some(Body::Binary(bytes)) => bytes.clone(),
        Some(_) => Vec::new(),
    };
    let body = if response.is_base64_encoded {
        BASE64
            .decode(&raw)
            .map_err(|e| format!("isBase64Encoded body is not base64: {e}"))?
    } else {
        raw
    };
    Ok(GatewayResponse {
        status,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx() -> StageContext {
        StageContext {
            account_id: "123456789012".into(),
            api_id: "parlolocal".into(),
            port: 3000,
            request_id: "JKJaXmPLvHcESHA=".into(),
            now: "2025-03-12T19:03:58.123Z".parse().unwrap(),
        }
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        map
    }

    #[test]
    fn routes_follow_the_template() {
        let m = match_route("POST", "/webhooks/twilio").unwrap();
        assert_eq!(
            (m.function, m.route_key.as_str()),
            ("webhook", "POST /webhooks/twilio")
        );
        assert!(m.path_parameters.is_empty());
        assert_eq!(
            match_route("POST", "/webhooks/twilio/status")
                .unwrap()
                .route_key,
            "POST /webhooks/twilio/status"
        );
        assert_eq!(
            match_route("GET", "/health").unwrap().route_key,
            "GET /health"
        );
        let api = match_route("DELETE", "/api/v1/dev/outbox").unwrap();
        assert_eq!(
            (api.function, api.route_key.as_str()),
            ("api", "ANY /api/{proxy+}")
        );
        assert_eq!(api.path_parameters["proxy"], "v1/dev/outbox");
        assert_eq!(match_route("GET", "/webhooks/twilio"), None);
        assert_eq!(match_route("POST", "/health"), None);
        assert_eq!(match_route("GET", "/api"), None);
        assert_eq!(match_route("GET", "/api/"), None);
        assert_eq!(match_route("GET", "/apix/y"), None);
        assert_eq!(match_route("GET", "/"), None);
    }

    /// Every `Path:` of an `HttpApi` event in template.yaml is routed to the
    /// function that declares it, and nothing else is.
    #[test]
    fn routes_match_template_yaml() {
        let template = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../template.yaml"),
        )
        .unwrap();
        let mut found = Vec::new();
        let mut binary = "";
        let mut method = "";
        for line in template.lines() {
            let line = line.trim();
            if let Some(b) = line.strip_prefix("Binary: ") {
                binary = b.trim();
            } else if let Some(m) = line.strip_prefix("Method: ") {
                method = m.trim();
            } else if let Some(p) = line.strip_prefix("Path: ") {
                found.push((method.to_string(), p.trim().to_string(), binary.to_string()));
            }
        }
        let mut ours: Vec<(String, String, String)> = ROUTES
            .iter()
            .map(|r| (r.method.into(), r.path.into(), r.function.into()))
            .collect();
        found.sort();
        ours.sort();
        assert_eq!(found, ours);
    }

    #[test]
    fn form_post_becomes_a_v2_event_with_base64_body() {
        let h = headers(&[
            ("host", "127.0.0.1:3000"),
            ("content-type", "application/x-www-form-urlencoded"),
            ("user-agent", "TwilioProxy/1.1"),
            ("x-twilio-signature", "abc="),
            ("accept", "text/html"),
            ("accept", "application/json"),
            ("cookie", "a=1; b=2"),
        ]);
        let req = IncomingRequest {
            method: "POST",
            path: "/webhooks/twilio",
            query: Some("x=1&x=2&y=a%20b"),
            headers: &h,
            body: b"a=b&c=d",
            source_ip: "127.0.0.1".into(),
            protocol: "HTTP/1.1".into(),
        };
        let route = match_route("POST", "/webhooks/twilio").unwrap();
        let ev = build_event(&req, &route, &ctx());
        assert_eq!(ev["version"], "2.0");
        assert_eq!(ev["routeKey"], "POST /webhooks/twilio");
        assert_eq!(ev["rawPath"], "/webhooks/twilio");
        assert_eq!(ev["rawQueryString"], "x=1&x=2&y=a%20b");
        assert_eq!(ev["queryStringParameters"], json!({"x": "1,2", "y": "a b"}));
        assert_eq!(ev["cookies"], json!(["a=1", "b=2"]));
        assert_eq!(ev["body"], "YT1iJmM9ZA==");
        assert_eq!(ev["isBase64Encoded"], true);
        let hd = &ev["headers"];
        assert_eq!(hd["content-type"], "application/x-www-form-urlencoded");
        assert_eq!(hd["x-twilio-signature"], "abc=");
        assert_eq!(hd["accept"], "text/html,application/json");
        assert_eq!(hd["x-forwarded-proto"], "http");
        assert_eq!(hd["x-forwarded-port"], "3000");
        assert_eq!(hd["x-forwarded-for"], "127.0.0.1");
        assert!(hd["x-amzn-trace-id"]
            .as_str()
            .unwrap()
            .starts_with("Root=1-67d1da9e-"));
        assert!(hd.get("cookie").is_none());
        let rc = &ev["requestContext"];
        assert_eq!(rc["accountId"], "123456789012");
        assert_eq!(rc["apiId"], "parlolocal");
        assert_eq!(rc["domainName"], "127.0.0.1:3000");
        assert_eq!(rc["domainPrefix"], "127");
        assert_eq!(rc["requestId"], "JKJaXmPLvHcESHA=");
        assert_eq!(rc["routeKey"], "POST /webhooks/twilio");
        assert_eq!(rc["stage"], "$default");
        assert_eq!(rc["time"], "12/Mar/2025:19:03:58 +0000");
        assert_eq!(rc["timeEpoch"], 1741806238123_i64);
        assert_eq!(
            rc["http"],
            json!({"method": "POST", "path": "/webhooks/twilio", "protocol": "HTTP/1.1",
                   "sourceIp": "127.0.0.1", "userAgent": "TwilioProxy/1.1"})
        );
        for absent in [
            "httpMethod",
            "methodArn",
            "type",
            "resource",
            "stageVariables",
            "pathParameters",
        ] {
            assert!(ev.get(absent).is_none(), "{absent} should be absent");
        }
    }

    #[test]
    fn get_without_body_or_query() {
        let h = headers(&[("host", "localhost:3000"), ("x-forwarded-for", "10.0.0.1")]);
        let req = IncomingRequest {
            method: "GET",
            path: "/api/v1/dev/outbox",
            query: None,
            headers: &h,
            body: b"",
            source_ip: "127.0.0.1".into(),
            protocol: "HTTP/1.1".into(),
        };
        let route = match_route("GET", req.path).unwrap();
        let ev = build_event(&req, &route, &ctx());
        assert_eq!(ev["rawQueryString"], "");
        assert!(ev.get("queryStringParameters").is_none());
        assert!(ev.get("body").is_none());
        assert!(ev.get("cookies").is_none());
        assert_eq!(ev["isBase64Encoded"], false);
        assert_eq!(ev["pathParameters"], json!({"proxy": "v1/dev/outbox"}));
        assert_eq!(ev["requestContext"]["domainPrefix"], "localhost");
        assert_eq!(ev["headers"]["x-forwarded-for"], "10.0.0.1, 127.0.0.1");
    }

    #[test]
    fn body_encoding_by_content_type() {
        assert_eq!(
            encode_body(Some("application/json; charset=utf-8"), br#"{"a":1}"#),
            (Some(r#"{"a":1}"#.to_string()), false)
        );
        assert_eq!(
            encode_body(Some("text/plain"), b"hola"),
            (Some("hola".into()), false)
        );
        assert_eq!(
            encode_body(Some("application/problem+json"), b"{}"),
            (Some("{}".into()), false)
        );
        assert_eq!(
            encode_body(Some("application/x-www-form-urlencoded"), b"a=b"),
            (Some("YT1i".into()), true)
        );
        assert_eq!(
            encode_body(Some("application/octet-stream"), &[0xff, 0]),
            (Some("/wA=".into()), true)
        );
        assert_eq!(encode_body(None, b"a=b"), (Some("YT1i".into()), true));
        assert_eq!(
            encode_body(Some("text/plain"), &[0xff]),
            (Some("/w==".into()), true)
        );
        assert_eq!(encode_body(Some("text/plain"), b""), (None, false));
    }

    /// lambda_http (what the webhook and api functions run) reads the event
    /// back into the same request: method, URI, headers, decoded body.
    #[test]
    fn lambda_http_reads_the_event() {
        use lambda_http::RequestExt;
        let h = headers(&[
            ("host", "127.0.0.1:3000"),
            ("content-type", "application/x-www-form-urlencoded"),
            ("cookie", "s=1"),
        ]);
        let req = IncomingRequest {
            method: "POST",
            path: "/api/v1/things",
            query: Some("q=1"),
            headers: &h,
            body: b"Body=hola+mundo",
            source_ip: "127.0.0.1".into(),
            protocol: "HTTP/1.1".into(),
        };
        let route = match_route("POST", req.path).unwrap();
        let ev = build_event(&req, &route, &ctx());
        let parsed = lambda_http::request::from_str(&ev.to_string()).unwrap();
        assert_eq!(parsed.method(), http::Method::POST);
        assert_eq!(
            parsed.uri().to_string(),
            "http://127.0.0.1:3000/api/v1/things?q=1"
        );
        assert_eq!(parsed.body().as_ref(), b"Body=hola+mundo");
        assert_eq!(parsed.headers()["cookie"], "s=1");
        assert_eq!(parsed.query_string_parameters().first("q"), Some("1"));
        assert_eq!(parsed.path_parameters().first("proxy"), Some("v1/things"));
    }

    #[test]
    fn maps_a_lambda_http_style_response() {
        let r = map_response(&json!({
            "statusCode": 201,
            "headers": {"content-type": "text/xml", "x-a": "1"},
            "multiValueHeaders": {},
            "body": "<Response/>",
            "isBase64Encoded": false,
            "cookies": ["s=1; HttpOnly", "t=2"]
        }))
        .unwrap();
        assert_eq!(r.status, 201);
        assert_eq!(r.header("content-type"), Some("text/xml"));
        assert_eq!(r.header("x-a"), Some("1"));
        let cookies: Vec<&str> = r
            .headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(cookies, ["s=1; HttpOnly", "t=2"]);
        assert_eq!(r.body, b"<Response/>");
    }

    #[test]
    fn maps_base64_and_minimal_responses() {
        let r = map_response(&json!({"statusCode": 200, "body": "/wA=", "isBase64Encoded": true}))
            .unwrap();
        assert_eq!(r.body, vec![0xff, 0]);
        let r = map_response(&json!({"statusCode": 204})).unwrap();
        assert_eq!((r.status, r.body.len()), (204, 0));
        assert!(map_response(&json!({"statusCode": 99})).is_err());
        assert!(
            map_response(&json!({"statusCode": 200, "body": "!!", "isBase64Encoded": true}))
                .is_err()
        );
    }

    #[test]
    fn json_without_status_code_is_a_200_json_body() {
        let r = map_response(&json!({"status": "ok", "function": "webhook"})).unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(
            serde_json::from_slice::<Value>(&r.body).unwrap(),
            json!({"status": "ok", "function": "webhook"})
        );
        assert_eq!(map_response(&Value::Null).unwrap().body.len(), 0);
    }

    #[test]
    fn request_ids_look_like_api_gateway_ones() {
        let id = new_request_id();
        assert_eq!(id.len(), 16);
        assert!(id.ends_with('='));
    }
}
