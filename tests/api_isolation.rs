//! Tenant isolation and admin access through `Api::handle` against
//! DynamoDB Local: business A's session on every route that names one of
//! business B's resources answers 404 and changes nothing in B; admin
//! sessions and business sessions never cross.

#[path = "api_helpers.rs"]
mod helpers;

use helpers::*;
use parlo_api::api::routes::{Access, ROUTES};
use parlo_core::*;
use parlo_store::Store;
use parlo_tests::*;
use serde_json::{json, Value};

/// Everything of a business the API could change, as JSON.
async fn snapshot(store: &Store, biz: &Biz, conv: &Conversation) -> Value {
    let org = biz.id();
    let far = chrono::DateTime::<chrono::Utc>::MAX_UTC;
    let avail = store.list_availability(org, None).await.unwrap();
    json!({
        "org": store.get_organization(org).await.unwrap(),
        "locations": store.list_locations(org).await.unwrap(),
        "services": store.list_services(org).await.unwrap(),
        "staff": store.list_staff(org).await.unwrap(),
        "spots": store.list_spots(org).await.unwrap(),
        "appointments": store.all_appointments(org).await.unwrap(),
        "recurring": avail.recurring,
        "exceptions": avail.exceptions,
        "blocks": store.list_blocks(org, chrono::DateTime::<chrono::Utc>::MIN_UTC, far).await.unwrap(),
        "conversation": store.get_conversation(org, &conv.peer_phone).await.unwrap(),
        "messages": store.list_messages(org, conv.id, 100, None).await.unwrap().items,
        "customers": store.list_customers(org, 100, None).await.unwrap().items,
    })
}

struct Fixture {
    biz: Biz,
    conv: Conversation,
    ids: Vec<(&'static str, String)>,
}

/// Business B with one of everything.
async fn victim(store: &Store) -> Fixture {
    let biz = business(store).await;
    let org = biz.id();
    let c = biz.customer(store, "Clienta B").await;
    let appt = store
        .book(&biz.booking(
            biz.service("Corte"),
            c.id,
            local(biz.tz, "2030-01-08", 10, 0),
        ))
        .await
        .unwrap();
    let x = AvailabilityException {
        id: uuid::Uuid::now_v7(),
        org_id: org,
        staff_id: biz.staff[1].id,
        date: "2030-01-15".parse().unwrap(),
        range: None,
        is_available: false,
        reason: None,
        created_at: now(),
    };
    store.put_exception(&x).await.unwrap();
    let block = TimeBlock {
        id: uuid::Uuid::now_v7(),
        org_id: org,
        staff_id: Some(biz.staff[1].id),
        start: local(biz.tz, "2030-01-16", 9, 0),
        end: local(biz.tz, "2030-01-16", 10, 0),
        reason: None,
        created_by: None,
        created_at: now(),
    };
    store.create_block(&block).await.unwrap();
    let conv = Conversation {
        id: uuid::Uuid::now_v7(),
        org_id: org,
        kind: ConversationKind::Customer,
        peer_phone: c.phone.clone(),
        customer_id: Some(c.id),
        staff_id: None,
        status: ConversationStatus::HandedOff,
        handed_off_until: None,
        context: Value::Null,
        created_at: now(),
        updated_at: now(),
        last_message_at: now(),
    };
    store.create_conversation(&conv).await.unwrap();
    let ids = vec![
        ("/locations/", biz.location.id.to_string()),
        ("/services/", biz.services[0].id.to_string()),
        ("/staff/", biz.staff[1].id.to_string()),
        ("/spots/", biz.spots[0].id.to_string()),
        ("/customers/", c.id.to_string()),
        ("/appointments/", appt.id.to_string()),
        ("/availability/exceptions/", x.id.to_string()),
        ("/availability/blocks/", block.id.to_string()),
        ("/conversations/", conv.id.to_string()),
    ];
    Fixture { biz, conv, ids }
}

#[tokio::test]
async fn business_a_cannot_reach_business_b_on_any_route() {
    let store = store().await;
    let a = business(&store).await;
    let b = victim(&store).await;
    let api = api(&store);
    let a_owner = owner(&api, &a).await;
    let before = snapshot(&store, &b.biz, &b.conv).await;
    let b_org = b.biz.id().to_string();
    let mut swept = 0;
    for r in ROUTES
        .iter()
        .filter(|r| matches!(r.access, Access::Business(_)) && !r.as_admin)
    {
        let method = r.verb.as_str().to_uppercase();
        if r.path.contains("{id}") {
            let (prefix, id) = b
                .ids
                .iter()
                .find(|(p, _)| r.path.contains(&format!("{p}{{id}}")))
                .unwrap_or_else(|| panic!("no B resource for {}", r.path));
            assert!(r.path.contains(prefix));
            let path = r.path.replace("{id}", id);
            let (s, v) = a_owner.call(&method, &path, Some(json!({}))).await;
            assert!(s == 404 || s == 403, "{method} {path} answered {s}: {v}");
            assert!(
                !v.to_string().contains(id.as_str()),
                "{method} {path} leaked: {v}"
            );
        } else if r.verb == parlo_api::api::routes::Verb::Get {
            // Lists and reads of A's own business never show B.
            let (s, v) = a_owner.get(&r.path).await;
            assert!(s < 500, "{} answered {s}", r.path);
            assert!(!v.to_string().contains(&b_org), "{} leaked B: {v}", r.path);
        }
        swept += 1;
    }
    assert!(swept >= 45, "{swept}");
    // Ids of B in query strings and bodies are unknown too.
    let (_, v) = a_owner
        .get(&format!(
            "/api/v1/appointments?from=2030-01-08&to=2030-01-08&staff_id={}",
            b.biz.staff[0].id
        ))
        .await;
    assert_eq!(v["items"], json!([]));
    let (s, _) = a_owner
        .get(&format!(
            "/api/v1/availability/slots?service_id={}&from=2030-01-08",
            b.biz.services[0].id
        ))
        .await;
    assert!(s == 422 || s == 400, "{s}");
    let (s, _) = a_owner
        .post(
            "/api/v1/appointments",
            json!({"service_id": b.biz.services[0].id, "start": local(a.tz, "2030-01-08", 11, 0), "customer_phone": "55 5555 0000"}),
        )
        .await;
    assert_eq!(s, 400);
    let (s, _) = a_owner
        .post("/api/v1/availability/blocks", json!({"staff_id": b.biz.staff[1].id, "start": local(a.tz, "2030-01-20", 9, 0), "end": local(a.tz, "2030-01-20", 10, 0)}))
        .await;
    assert_eq!(s, 400);
    // A cursor of B's list is refused for A.
    let b_owner = owner(&api, &b.biz).await;
    let (_, page) = b_owner.get("/api/v1/customers?limit=1").await;
    if let Some(c) = page["next_cursor"].as_str() {
        let (s, _) = a_owner.get(&format!("/api/v1/customers?cursor={c}")).await;
        assert_eq!(s, 400);
    }
    assert_eq!(snapshot(&store, &b.biz, &b.conv).await, before, "B changed");
}

#[tokio::test]
async fn admin_auth_is_separate_from_business_auth() {
    let store = store().await;
    let biz = business(&store).await;
    let api = api(&store);
    let anon = Client {
        api: &api,
        token: None,
    };
    let (s, v) = anon
        .post("/api/v1/admin/auth/login", json!({"password": "no es"}))
        .await;
    assert_eq!((s, code(&v)), (401, "invalid_password"));
    let admin = admin(&api).await;
    let owner = owner(&api, &biz).await;
    // Business token on admin routes, admin token on business routes.
    for path in [
        "/api/v1/admin/stats",
        "/api/v1/admin/organizations",
        "/api/v1/admin/activity",
    ] {
        assert_eq!(owner.get(path).await.0, 401, "{path}");
    }
    assert_eq!(
        owner
            .get(&format!(
                "/api/v1/admin/organizations/{}/services",
                biz.id()
            ))
            .await
            .0,
        401
    );
    assert_eq!(admin.get("/api/v1/services").await.0, 401);
    assert_eq!(admin.get("/api/v1/organization").await.0, 401);
    // Expired admin session (4 hours).
    let later = api_at(&store, now() + chrono::Duration::hours(5));
    let expired = Client {
        api: &later,
        token: admin.token.clone(),
    };
    let (s, v) = expired.get("/api/v1/admin/stats").await;
    assert_eq!((s, code(&v)), (401, "session_expired"));
}

#[tokio::test]
async fn admin_manages_businesses() {
    let store = store().await;
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let spec = BizSpec {
        name: format!("Estética Zafiro {tag}"),
        ..BizSpec::default()
    };
    let biz = create_business(&store, &spec).await;
    let api = api(&store);
    let admin = admin(&api).await;
    let owner = owner(&api, &biz).await;
    let (s, v) = admin
        .get(&format!(
            "/api/v1/admin/organizations?q={}",
            &spec.name[9..]
        ))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["items"].as_array().unwrap().len(), 1, "{v}");
    assert!(v["counts"]["total"].as_u64().unwrap() >= 1);
    let (s, v) = admin.get("/api/v1/admin/organizations?status=nope").await;
    assert_eq!(s, 400, "{v}");
    let (s, v) = admin
        .get(&format!("/api/v1/admin/organizations/{}", biz.id()))
        .await;
    assert_eq!(
        (s, v["staff"].as_array().map(Vec::len)),
        (200, Some(2)),
        "{v}"
    );
    assert_eq!(
        admin
            .get(&format!(
                "/api/v1/admin/organizations/{}",
                uuid::Uuid::new_v4()
            ))
            .await
            .0,
        404
    );
    // Suspend: the owner's session stops working; reactivate: it works again.
    let (s, v) = admin
        .post(
            &format!("/api/v1/admin/organizations/{}/suspend", biz.id()),
            json!({}),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("suspended")));
    let (s, v) = owner.get("/api/v1/services").await;
    assert_eq!((s, code(&v)), (403, "business_suspended"));
    let (s, _) = admin
        .post(
            &format!("/api/v1/admin/organizations/{}/reactivate", biz.id()),
            json!({}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(owner.get("/api/v1/services").await.0, 200);
    // Edit the business through the mirrored routes.
    let svc = biz.service("Corte").id;
    let (s, v) = admin
        .patch(
            &format!("/api/v1/admin/organizations/{}/services/{svc}", biz.id()),
            json!({"price_cents": 25000}),
        )
        .await;
    assert_eq!((s, v["price_cents"].as_i64()), (200, Some(25000)), "{v}");
    // Impersonate: a business token marked as such.
    let (s, v) = admin
        .post(
            &format!("/api/v1/admin/organizations/{}/impersonate", biz.id()),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let imp = Client {
        api: &api,
        token: Some(v["token"].as_str().unwrap().into()),
    };
    let (s, me) = imp.get("/api/v1/auth/me").await;
    assert_eq!((s, me["impersonated"].as_bool()), (200, Some(true)), "{me}");
    assert_eq!(imp.get("/api/v1/services").await.0, 200);
    assert_eq!(imp.get("/api/v1/admin/stats").await.0, 401);
    // The feed has the status changes and the impersonation.
    // The feed is platform-wide (every test's bookings are in it too):
    // page through it for this business's entries.
    let mut all: Vec<Value> = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..200 {
        let path = match &cursor {
            Some(c) => format!("/api/v1/admin/activity?limit=100&cursor={c}"),
            None => "/api/v1/admin/activity?limit=100".to_string(),
        };
        let (s, feed) = admin.get(&path).await;
        assert_eq!(s, 200, "{feed}");
        all.extend(feed["items"].as_array().unwrap().iter().cloned());
        match feed["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    let mine: Vec<&Value> = all
        .iter()
        .filter(|a| a["org_id"] == json!(biz.id()))
        .collect();
    let kinds: Vec<&str> = mine.iter().filter_map(|a| a["kind"].as_str()).collect();
    assert!(kinds.contains(&"impersonation"), "{kinds:?}");
    assert_eq!(
        kinds.iter().filter(|k| **k == "status_change").count(),
        2,
        "{kinds:?}"
    );
    let (s, st) = admin.get("/api/v1/admin/stats").await;
    assert_eq!(s, 200);
    assert!(st["organizations"]["total"].as_u64().unwrap() >= 1);
    let (s, _) = admin
        .get(&format!("/api/v1/admin/conversations?org_id={}", biz.id()))
        .await;
    assert_eq!(s, 200);
}
