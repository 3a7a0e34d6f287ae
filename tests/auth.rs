//! Dashboard and admin authentication through `Api::handle`, with real
//! `lambda_http` requests, against DynamoDB Local (mock messenger: the
//! outbox record is the WhatsApp message).

use chrono::{DateTime, Duration, Utc};
use lambda_http::{Body, Request, Response};
use parlo_api::api::Api;
use parlo_api::auth::AuthSettings;
use parlo_app::clock::Clock;
use parlo_app::config::Config;
use parlo_app::messenger::Messenger;
use parlo_core::*;
use parlo_store::Store;
use parlo_tests::*;
use serde_json::{json, Value};

const SECRET: &str = "test-jwt-secret-0123456789abcdef0123456789abcdef";
const ADMIN_PASSWORD: &str = "contraseña de prueba muy larga";
const DASHBOARD: &str = "https://panel.parlo.test";

fn api_with(store: &Store, at: DateTime<Utc>, env: &str, secret: &str) -> Api {
    let env = env.to_string();
    let config = Config::from_vars(|n| (n == "PARLO_ENV").then(|| env.clone()));
    let secret = secret.to_string();
    let auth = AuthSettings::from_vars(&config, |n| match n {
        "JWT_SECRET" => Some(secret.clone()),
        "ADMIN_PASSWORD" => Some(ADMIN_PASSWORD.into()),
        "DASHBOARD_URL" => Some(DASHBOARD.into()),
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

fn api(store: &Store, at: DateTime<Utc>) -> Api {
    api_with(store, at, "local", SECRET)
}

fn post(path: &str, body: Value, bearer: Option<&str>) -> Request {
    let mut b = lambda_http::http::Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "application/json");
    if let Some(t) = bearer {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    b.body(Body::from(body.to_string())).unwrap()
}

fn get(path: &str, bearer: Option<&str>) -> Request {
    let mut b = lambda_http::http::Request::builder()
        .method("GET")
        .uri(path);
    if let Some(t) = bearer {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    b.body(Body::Empty).unwrap()
}

fn body(r: &Response<Body>) -> Value {
    if r.body().as_ref().is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(r.body().as_ref()).expect("JSON body")
}

async fn call(api: &Api, req: Request) -> (u16, Value) {
    let r = api.handle(req).await;
    (r.status().as_u16(), body(&r))
}

async fn request_link(api: &Api, phone: &str) -> (u16, Value) {
    call(
        api,
        post(
            "/api/v1/auth/request-magic-link",
            json!({ "phone": phone }),
            None,
        ),
    )
    .await
}

async fn verify(api: &Api, token: &str) -> (u16, Value) {
    call(
        api,
        post(
            "/api/v1/auth/verify-magic-link",
            json!({ "token": token }),
            None,
        ),
    )
    .await
}

async fn me(api: &Api, jwt: &str) -> (u16, Value) {
    call(api, get("/api/v1/auth/me", Some(jwt))).await
}

async fn sent_to(store: &Store, phone: &str) -> Vec<String> {
    store
        .outbox_to(phone, None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.body.unwrap_or_default())
        .collect()
}

/// The token of the link in a message.
fn token_in(message: &str) -> String {
    let at = message.find("token=").expect("a link") + "token=".len();
    message[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// A link token straight from the store (no message, no rate limit).
async fn issue(api: &Api, phone: &str) -> String {
    let links = api.issue_magic_links(phone, None).await.expect("issue");
    assert_eq!(links.len(), 1);
    links[0].2.token.clone()
}

async fn session(api: &Api, biz: &Biz) -> String {
    let token = issue(api, &biz.staff[0].phone).await;
    let (status, v) = verify(api, &token).await;
    assert_eq!(status, 200, "{v}");
    v["token"].as_str().unwrap().to_string()
}

async fn business(store: &Store) -> Biz {
    create_business(
        store,
        &BizSpec {
            staff: 2,
            ..BizSpec::default()
        },
    )
    .await
}

#[tokio::test]
async fn unknown_phone_gets_the_same_answer_and_nothing_is_sent() {
    let store = store().await;
    let biz = business(&store).await;
    let api = api(&store, now());
    let unknown = random_phone();
    let (s1, b1) = request_link(&api, &unknown).await;
    let (s2, b2) = request_link(&api, &biz.staff[0].phone).await;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(b1, b2, "the answer must not tell whether the number exists");
    assert!(sent_to(&store, &unknown).await.is_empty());
    assert_eq!(sent_to(&store, &biz.staff[0].phone).await.len(), 1);
    // Malformed input is a 400 with the common error shape.
    let (s, v) = request_link(&api, "hola").await;
    assert_eq!(s, 400);
    assert_eq!(v["error"]["code"], "invalid_phone");
    assert!(v["error"]["message"].as_str().unwrap().contains("número"));
    let (s, v) = call(
        &api,
        post("/api/v1/auth/request-magic-link", json!({}), None),
    )
    .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (400, Some("invalid_request"))
    );
}

#[tokio::test]
async fn owner_gets_a_link_by_whatsapp_that_signs_in() {
    let store = store().await;
    let biz = business(&store).await;
    let owner = &biz.staff[0];
    let api = api(&store, now());
    let (status, _) = request_link(&api, &owner.phone).await;
    assert_eq!(status, 200);
    let records = store.outbox_to(&owner.phone, None, 10).await.unwrap();
    assert_eq!(records.len(), 1);
    let msg = records[0].body.clone().unwrap();
    assert!(
        msg.starts_with(&format!(
            "Aquí está tu enlace para entrar al panel de {}: {DASHBOARD}/auth?token=",
            biz.org.name
        )),
        "{msg}"
    );
    assert!(msg.contains("Vence en 15 minutos"));
    assert_eq!(
        Some(records[0].from.clone()),
        biz.org.whatsapp_number,
        "sent from the business's number"
    );
    assert_eq!(records[0].org_id, Some(biz.id()));

    let token = token_in(&msg);
    assert_eq!(token.len(), 43, "32 bytes base64url");
    let (status, v) = verify(&api, &token).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["permission_level"], "owner");
    assert_eq!(v["business"]["id"], json!(biz.id()));
    assert_eq!(v["staff"]["id"], json!(owner.id));
    let expires: DateTime<Utc> = serde_json::from_value(v["expires_at"].clone()).unwrap();
    assert_eq!(expires, now() + Duration::days(7));
    let jwt = v["token"].as_str().unwrap();
    assert_eq!(jwt.split('.').count(), 3);

    let (status, who) = me(&api, jwt).await;
    assert_eq!(status, 200, "{who}");
    assert_eq!(who["org_id"], json!(biz.id()));
    assert_eq!(who["staff_id"], json!(owner.id));
    assert_eq!(who["permission_level"], "owner");
    assert_eq!(who["impersonated"], false);

    // A week later the session is over.
    let later = api_with(&store, now() + Duration::days(7), "local", SECRET);
    let (status, v) = me(&later, jwt).await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (401, Some("session_expired"))
    );
}

#[tokio::test]
async fn fourth_request_in_fifteen_minutes_sends_nothing() {
    let store = store().await;
    let biz = business(&store).await;
    let phone = biz.staff[0].phone.clone();
    let api = api(&store, now());
    let (_, first) = request_link(&api, &phone).await;
    for _ in 0..3 {
        let (status, v) = request_link(&api, &phone).await;
        assert_eq!(status, 200);
        assert_eq!(v, first);
    }
    assert_eq!(sent_to(&store, &phone).await.len(), 3);
    // Still inside the window.
    let (status, _) = request_link(
        &api_with(&store, now() + Duration::minutes(14), "local", SECRET),
        &phone,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(sent_to(&store, &phone).await.len(), 3);
    // The window is over: a new one opens.
    let later = api_with(&store, now() + Duration::minutes(16), "local", SECRET);
    assert_eq!(request_link(&later, &phone).await.0, 200);
    assert_eq!(sent_to(&store, &phone).await.len(), 4);
}

#[tokio::test]
async fn links_are_single_use_and_expire_in_fifteen_minutes() {
    let store = store().await;
    let biz = business(&store).await;
    let api = api(&store, now());
    let token = issue(&api, &biz.staff[0].phone).await;
    assert_eq!(verify(&api, &token).await.0, 200);
    let (status, v) = verify(&api, &token).await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (401, Some("link_used"))
    );

    let token = issue(&api, &biz.staff[0].phone).await;
    let late = api_with(&store, now() + Duration::minutes(15), "local", SECRET);
    let (status, v) = verify(&late, &token).await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (401, Some("link_expired"))
    );
    // Just in time works.
    let token = issue(&api, &biz.staff[0].phone).await;
    let in_time = api_with(&store, now() + Duration::minutes(14), "local", SECRET);
    assert_eq!(verify(&in_time, &token).await.0, 200);
}

#[tokio::test]
async fn forged_and_garbage_tokens_are_refused() {
    let store = store().await;
    let biz = business(&store).await;
    let api = api(&store, now());
    for bad in ["", "nope", &"A".repeat(43), &"x".repeat(5000)] {
        let (status, v) = verify(&api, bad).await;
        assert_eq!(status, 401, "{bad:?}");
        assert_eq!(v["error"]["code"], "invalid_link");
    }
    let (status, v) = call(&api, get("/api/v1/auth/me", None)).await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (401, Some("missing_token"))
    );
    for bad in ["garbage", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."] {
        let (status, v) = me(&api, bad).await;
        assert_eq!(
            (status, v["error"]["code"].as_str()),
            (401, Some("invalid_token")),
            "{bad}"
        );
    }
    // Signed with another secret.
    let other = api_with(
        &store,
        now(),
        "local",
        "another-secret-another-secret-another!!",
    );
    let forged = session(&other, &biz).await;
    assert_eq!(me(&other, &forged).await.0, 200);
    assert_eq!(me(&api, &forged).await.0, 401);
    // One token's claims under another's signature.
    let a = session(&api, &biz).await;
    let b = session(&api, &biz).await;
    let pa: Vec<&str> = a.split('.').collect();
    let pb: Vec<&str> = b.split('.').collect();
    let spliced = format!("{}.{}.{}", pa[0], pa[1], pb[2]);
    assert_eq!(me(&api, &spliced).await.0, 401);
    assert_eq!(me(&api, &a).await.0, 200);
}

#[tokio::test]
async fn twenty_concurrent_verifications_yield_one_session() {
    let store = store().await;
    let biz = business(&store).await;
    let api = api(&store, now());
    let token = issue(&api, &biz.staff[0].phone).await;
    let results = futures::future::join_all((0..20).map(|_| verify(&api, &token))).await;
    let ok: Vec<&Value> = results
        .iter()
        .filter(|(s, _)| *s == 200)
        .map(|(_, v)| v)
        .collect();
    assert_eq!(ok.len(), 1, "{results:?}");
    assert!(results
        .iter()
        .all(|(s, v)| *s == 200 || (*s == 401 && v["error"]["code"] == "link_used")));
}

#[tokio::test]
async fn logout_revokes_the_session() {
    let store = store().await;
    let biz = business(&store).await;
    let api = api(&store, now());
    let jwt = session(&api, &biz).await;
    let other = session(&api, &biz).await;
    assert_eq!(me(&api, &jwt).await.0, 200);
    let (status, _) = call(&api, post("/api/v1/auth/logout", json!({}), Some(&jwt))).await;
    assert_eq!(status, 204);
    let (status, v) = me(&api, &jwt).await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (401, Some("session_revoked"))
    );
    // Only that session.
    assert_eq!(me(&api, &other).await.0, 200);
    // Logging out twice is harmless.
    let (status, _) = call(&api, post("/api/v1/auth/logout", json!({}), Some(&jwt))).await;
    assert_eq!(status, 204);
}

#[tokio::test]
async fn suspended_business_cannot_sign_in_and_its_sessions_stop() {
    let store = store().await;
    let biz = business(&store).await;
    let phone = biz.staff[0].phone.clone();
    let api = api(&store, now());
    let jwt = session(&api, &biz).await;
    let pending = issue(&api, &phone).await;

    let mut org = store.get_organization(biz.id()).await.unwrap().unwrap();
    org.status = OrgStatus::Suspended;
    org.updated_at = now() + Duration::seconds(1);
    store.update_organization(&org).await.unwrap();

    let (status, v) = verify(&api, &pending).await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (403, Some("business_suspended"))
    );
    let (status, v) = me(&api, &jwt).await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (403, Some("business_suspended"))
    );
    // No link is sent either (same answer).
    let before = sent_to(&store, &phone).await.len();
    assert_eq!(request_link(&api, &phone).await.0, 200);
    assert_eq!(sent_to(&store, &phone).await.len(), before);
    assert!(api
        .issue_magic_links(&phone, None)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn deactivated_staff_lose_their_session() {
    let store = store().await;
    let biz = business(&store).await;
    let api = api(&store, now());
    let member = biz.staff[1].clone();
    let token = issue(&api, &member.phone).await;
    let (status, v) = verify(&api, &token).await;
    assert_eq!(status, 200);
    assert_eq!(v["permission_level"], "staff");
    let jwt = v["token"].as_str().unwrap().to_string();
    let mut gone = member.clone();
    gone.is_active = false;
    gone.updated_at = now() + Duration::seconds(1);
    store.update_staff(&gone).await.unwrap();
    let (status, v) = me(&api, &jwt).await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (401, Some("access_revoked"))
    );
    assert!(api
        .issue_magic_links(&member.phone, None)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn viewers_and_people_of_several_businesses() {
    let store = store().await;
    let a = business(&store).await;
    let b = business(&store).await;
    let phone = random_phone();
    let t = now();
    for (biz, level) in [(&a, PermissionLevel::Viewer), (&b, PermissionLevel::Admin)] {
        store
            .create_staff(&Staff {
                id: uuid::Uuid::new_v4(),
                org_id: biz.id(),
                location_id: None,
                name: "Recepción".into(),
                phone: phone.clone(),
                role: StaffRole::Employee,
                permission_level: level,
                is_active: true,
                first_message_at: None,
                default_spot_id: None,
                service_ids: vec![],
                bookable: false,
                created_at: t,
                updated_at: t,
            })
            .await
            .unwrap();
    }
    let api = api(&store, now());
    assert_eq!(request_link(&api, &phone).await.0, 200);
    let messages = sent_to(&store, &phone).await;
    assert_eq!(messages.len(), 2, "one link per business");
    let mut levels = Vec::new();
    for m in &messages {
        let (status, v) = verify(&api, &token_in(m)).await;
        assert_eq!(status, 200);
        let org: OrgId = serde_json::from_value(v["business"]["id"].clone()).unwrap();
        assert!(m.contains(if org == a.id() {
            &a.org.name
        } else {
            &b.org.name
        }));
        levels.push((org, v["permission_level"].as_str().unwrap().to_string()));
    }
    levels.sort();
    let mut expected = vec![
        (a.id(), "viewer".to_string()),
        (b.id(), "admin".to_string()),
    ];
    expected.sort();
    assert_eq!(levels, expected);
    // Naming the business narrows it to one link.
    let (status, _) = call(
        &api,
        post(
            "/api/v1/auth/request-magic-link",
            json!({ "phone": phone, "org_id": b.id() }),
            None,
        ),
    )
    .await;
    assert_eq!(status, 200);
    let messages = sent_to(&store, &phone).await;
    assert_eq!(messages.len(), 3);
    assert!(messages[2].contains(&b.org.name));
}

#[tokio::test]
async fn admin_login_and_audiences() {
    let store = store().await;
    let biz = business(&store).await;
    let api = api(&store, now());
    let login = |pw: &str| post("/api/v1/admin/auth/login", json!({ "password": pw }), None);
    let (status, v) = call(&api, login("incorrecta")).await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (401, Some("invalid_password"))
    );
    assert!(v.get("token").is_none());
    let (status, v) = call(&api, login(ADMIN_PASSWORD)).await;
    assert_eq!(status, 200, "{v}");
    let admin = v["token"].as_str().unwrap().to_string();
    let expires: DateTime<Utc> = serde_json::from_value(v["expires_at"].clone()).unwrap();
    assert_eq!(expires, now() + Duration::hours(4));

    let admin_me = |t: &str| get("/api/v1/admin/auth/me", Some(t));
    assert_eq!(call(&api, admin_me(&admin)).await.0, 200);
    // Separate audiences.
    let business = session(&api, &biz).await;
    assert_eq!(
        me(&api, &admin).await.0,
        401,
        "admin token on business routes"
    );
    assert_eq!(
        call(&api, admin_me(&business)).await.0,
        401,
        "business token on admin routes"
    );
    // Shorter life.
    let later = api_with(&store, now() + Duration::hours(4), "local", SECRET);
    assert_eq!(call(&later, admin_me(&admin)).await.0, 401);
    // Logout.
    let (status, _) = call(
        &api,
        post("/api/v1/admin/auth/logout", json!({}), Some(&admin)),
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(call(&api, admin_me(&admin)).await.0, 401);
}

#[tokio::test]
async fn dev_route_issues_links_only_locally() {
    let store = store().await;
    let biz = business(&store).await;
    let phone = biz.staff[0].phone.clone();
    let local = api(&store, now());
    let (status, v) = call(
        &local,
        post(
            "/api/v1/dev/auth/magic-link",
            json!({ "phone": phone }),
            None,
        ),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let links = v["links"].as_array().unwrap();
    assert_eq!(links.len(), 1);
    let token = links[0]["token"].as_str().unwrap();
    assert!(links[0]["url"].as_str().unwrap().ends_with(token));
    assert!(sent_to(&store, &phone).await.is_empty(), "nothing sent");
    assert_eq!(verify(&local, token).await.0, 200);

    let aws = api_with(&store, now(), "aws", SECRET);
    let (status, v) = call(
        &aws,
        post(
            "/api/v1/dev/auth/magic-link",
            json!({ "phone": phone }),
            None,
        ),
    )
    .await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
}
