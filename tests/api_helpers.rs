//! Helpers of the api_* tests: an `Api` on DynamoDB Local with a fixed
//! clock and the mock messenger, sessions through the real magic-link
//! flow, and requests as lambda_http builds them.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use lambda_http::{Body, Request};
use parlo_api::api::Api;
use parlo_api::auth::AuthSettings;
use parlo_app::clock::Clock;
use parlo_app::config::Config;
use parlo_app::messenger::Messenger;
use parlo_core::*;
use parlo_store::Store;
use parlo_tests::*;
use serde_json::Value;

pub const SECRET: &str = "api-tests-jwt-secret-0123456789abcdef0123456789";
pub const ADMIN_PASSWORD: &str = "contraseña de administración de prueba";

pub fn api_at(store: &Store, at: DateTime<Utc>) -> Api {
    let config = Config::from_vars(|n| (n == "PARLO_ENV").then(|| "local".to_string()));
    let auth = AuthSettings::from_vars(&config, |n| match n {
        "JWT_SECRET" => Some(SECRET.into()),
        "ADMIN_PASSWORD" => Some(ADMIN_PASSWORD.into()),
        "DASHBOARD_URL" => Some("https://panel.parlo.test".into()),
        _ => None,
    })
    .with_messenger(Messenger::Mock);
    Api {
        store: store.clone(),
        config,
        clock: Clock::Fixed(at),
        auth,
        schedules: Default::default(),
    }
}

pub fn api(store: &Store) -> Api {
    api_at(store, now())
}

pub fn request(method: &str, path: &str, body: Option<&Value>, bearer: Option<&str>) -> Request {
    let mut b = lambda_http::http::Request::builder()
        .method(method)
        .uri(format!(
            "https://api.parlo.test{}",
            path.replace(' ', "%20")
        ))
        .header("content-type", "application/json");
    if let Some(t) = bearer {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    let req = b
        .body(body.map_or(Body::Empty, |v| Body::from(v.to_string())))
        .unwrap();
    // lambda_http reads query parameters from the event, not the URI.
    let query: std::collections::HashMap<String, String> = req
        .uri()
        .query()
        .map(|q| {
            url_pairs(q)
                .into_iter()
                .collect::<std::collections::HashMap<_, _>>()
        })
        .unwrap_or_default();
    lambda_http::RequestExt::with_query_string_parameters(req, query)
}

fn url_pairs(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), decode(v)))
        .collect()
}

fn decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let h = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(h, 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// A caller with a session.
pub struct Client<'a> {
    pub api: &'a Api,
    pub token: Option<String>,
}

impl Client<'_> {
    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let r = self
            .api
            .handle(request(method, path, body.as_ref(), self.token.as_deref()))
            .await;
        let status = r.status().as_u16();
        let v = if r.body().as_ref().is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(r.body().as_ref()).expect("JSON body")
        };
        (status, v)
    }
    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.call("GET", path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call("POST", path, Some(body)).await
    }
    pub async fn patch(&self, path: &str, body: Value) -> (u16, Value) {
        self.call("PATCH", path, Some(body)).await
    }
    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.call("PUT", path, Some(body)).await
    }
    pub async fn delete(&self, path: &str) -> (u16, Value) {
        self.call("DELETE", path, None).await
    }
}

/// A business session for this staff member, through the magic link.
pub async fn session_for(api: &Api, staff: &Staff) -> String {
    let links = api
        .issue_magic_links(&staff.phone, Some(staff.org_id))
        .await
        .expect("issue");
    let r = api
        .handle(request(
            "POST",
            "/api/v1/auth/verify-magic-link",
            Some(&serde_json::json!({"token": links[0].2.token})),
            None,
        ))
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let v: Value = serde_json::from_slice(r.body().as_ref()).unwrap();
    v["token"].as_str().unwrap().to_string()
}

pub async fn owner<'a>(api: &'a Api, biz: &Biz) -> Client<'a> {
    Client {
        api,
        token: Some(session_for(api, &biz.staff[0]).await),
    }
}

/// A staff member of `biz` with this level, and their session.
pub async fn member<'a>(
    api: &'a Api,
    store: &Store,
    biz: &Biz,
    level: PermissionLevel,
) -> Client<'a> {
    let t = now();
    let s = Staff {
        id: uuid::Uuid::now_v7(),
        org_id: biz.id(),
        location_id: Some(biz.location.id),
        name: format!("Nivel {level:?}"),
        phone: random_phone(),
        role: StaffRole::Employee,
        permission_level: level,
        is_active: true,
        first_message_at: None,
        default_spot_id: None,
        service_ids: biz.services.iter().map(|s| s.id).collect(),
        bookable: true,
        created_at: t,
        updated_at: t,
    };
    store.create_staff(&s).await.unwrap();
    Client {
        api,
        token: Some(session_for(api, &s).await),
    }
}

pub async fn admin<'a>(api: &'a Api) -> Client<'a> {
    let anon = Client { api, token: None };
    let (s, v) = anon
        .post(
            "/api/v1/admin/auth/login",
            serde_json::json!({"password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    Client {
        api,
        token: Some(v["token"].as_str().unwrap().to_string()),
    }
}

pub async fn business(store: &Store) -> Biz {
    create_business(store, &BizSpec::default()).await
}

pub fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}
