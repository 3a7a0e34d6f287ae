//! Issue 11: the ways one business, one staff member or one message could
//! hurt another, each closed and proven here against DynamoDB Local and
//! moto (SQS, Scheduler). See docs/security.md for the threat model.

#[path = "api_helpers.rs"]
mod helpers;
#[path = "sched_support.rs"]
mod sched;

use helpers::*;
use parlo_app::aws_sink::QueueSink;
use parlo_app::schedules::{appointment_schedule_name, AppointmentJob};
use parlo_app::webhook::{Accepted, InboundSink};
use parlo_chat::tools::*;
use parlo_core::permissions::Action;
use parlo_core::*;
use parlo_store::{InboundClaim, Store};
use parlo_tests::*;
use parlo_twilio::inbound::{InboundKind, InboundMessage};
use serde_json::json;

async fn add_staff(store: &Store, biz: &Biz, level: PermissionLevel, active: bool) -> Staff {
    let t = now();
    let s = Staff {
        id: uuid::Uuid::now_v7(),
        org_id: biz.id(),
        location_id: Some(biz.location.id),
        name: format!("Nivel {level:?}"),
        phone: random_phone(),
        role: if level == PermissionLevel::Owner {
            StaffRole::Owner
        } else {
            StaffRole::Employee
        },
        permission_level: level,
        is_active: active,
        first_message_at: None,
        default_spot_id: None,
        service_ids: vec![],
        bookable: true,
        created_at: t,
        updated_at: t,
    };
    store.create_staff(&s).await.unwrap();
    s
}

// ---- item 2: owner takeover by an admin-level staff member ----------------

#[tokio::test]
async fn an_admin_cannot_take_over_or_revive_an_owner() {
    let store = store().await;
    let biz = business(&store).await;
    let api = api(&store);
    let owner_rec = biz.staff[0].clone();
    assert_eq!(owner_rec.permission_level, PermissionLevel::Owner);
    let admin_c = member(&api, &store, &biz, PermissionLevel::Admin).await;

    // The owner's phone (a sign-in takeover), name, services, hours: 403.
    let path = format!("/api/v1/staff/{}", owner_rec.id);
    let (s, v) = admin_c.patch(&path, json!({"phone": random_phone()})).await;
    assert_eq!((s, code(&v)), (403, "forbidden"), "{v}");
    let (s, _) = admin_c.patch(&path, json!({"name": "Yo mando"})).await;
    assert_eq!(s, 403);
    let (s, _) = admin_c
        .put(&format!("{path}/services"), json!({"service_ids": []}))
        .await;
    assert_eq!(s, 403);
    let (s, _) = admin_c.delete(&path).await;
    assert_eq!(s, 403);
    // A second owner the owners deactivated stays deactivated.
    let gone = add_staff(&store, &biz, PermissionLevel::Owner, false).await;
    let (s, _) = admin_c
        .post(&format!("/api/v1/staff/{}/reactivate", gone.id), json!({}))
        .await;
    assert_eq!(s, 403);
    assert!(
        !store
            .get_staff(biz.id(), gone.id)
            .await
            .unwrap()
            .unwrap()
            .is_active
    );
    let after = store
        .get_staff(biz.id(), owner_rec.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after, owner_rec, "the owner is untouched");

    // Equal or lower levels stay the admin's to manage.
    let employee = add_staff(&store, &biz, PermissionLevel::Staff, true).await;
    let (s, v) = admin_c
        .patch(
            &format!("/api/v1/staff/{}", employee.id),
            json!({"phone": random_phone()}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    // And the owner can still change their own phone.
    let owner_c = owner(&api, &biz).await;
    let (s, v) = owner_c.patch(&path, json!({"name": "Carlos"})).await;
    assert_eq!(s, 200, "{v}");
}

#[tokio::test]
async fn an_admin_cannot_remove_or_promote_past_an_owner_by_chat() {
    let store = store().await;
    let biz = business(&store).await;
    let admin_rec = add_staff(&store, &biz, PermissionLevel::Admin, true).await;
    let tools = Tools::new(
        store.clone(),
        now(),
        format!("SM{}", uuid::Uuid::new_v4().simple()),
    );
    let me = Actor::Staff {
        org: biz.id(),
        staff: admin_rec.id,
    };
    let r = tools
        .remove_staff(
            &me,
            &RemoveStaffArgs {
                staff: biz.staff[0].id.to_string(),
            },
        )
        .await;
    assert!(matches!(r, Err(ToolError::Forbidden { .. })), "{r:?}");
    let r = tools
        .add_staff(
            &me,
            &AddStaffArgs {
                name: "Otro dueño".into(),
                phone: random_phone(),
                permission_level: Some(PermissionLevel::Owner),
            },
        )
        .await;
    assert!(
        matches!(
            r,
            Err(ToolError::Forbidden {
                action: Action::ChangePermissions
            })
        ),
        "{r:?}"
    );
    assert!(
        store
            .get_staff(biz.id(), biz.staff[0].id)
            .await
            .unwrap()
            .unwrap()
            .is_active
    );
}

// ---- item 1: central-number capture ------------------------------------------

#[tokio::test]
async fn an_onboarding_business_cannot_list_anyone_as_staff() {
    let store = store().await;
    let mut biz = business(&store).await;
    biz.org.status = OrgStatus::Onboarding;
    store.update_organization(&biz.org).await.unwrap();
    let api = api(&store);
    let owner_c = owner(&api, &biz).await;
    let victim = random_phone();
    let (s, v) = owner_c
        .post("/api/v1/staff", json!({"name": "Víctima", "phone": victim}))
        .await;
    assert_eq!((s, code(&v)), (409, "business_onboarding"), "{v}");
    assert!(store.staff_memberships(&victim).await.unwrap().is_empty());
}

// ---- item 3: cross-tenant schedule overwrite ------------------------------------

#[tokio::test]
async fn another_business_reusing_an_appointment_id_cannot_touch_its_schedules() {
    let store = store().await;
    let mut api = api(&store);
    api.schedules = sched::schedules(&store, now()).await;
    let a = business(&store).await;
    let b = business(&store).await;
    let ten = local(b.tz, "2030-01-09", 10, 0);
    let (s, booked) = owner(&api, &b)
        .await
        .post(
            "/api/v1/appointments",
            json!({"service_id": b.service("Corte").id, "start": ten, "customer_phone": "55 5555 0201"}),
        )
        .await;
    assert_eq!(s, 201, "{booked}");
    let id: uuid::Uuid = booked["id"].as_str().unwrap().parse().unwrap();
    let reminder = appointment_schedule_name(b.id(), id, AppointmentJob::Reminder);
    let client = sched::scheduler_client().await;
    let exists = |name: String| {
        let client = client.clone();
        async move {
            client
                .get_schedule()
                .group_name(sched::group())
                .name(name)
                .send()
                .await
                .is_ok()
        }
    };
    assert!(exists(reminder.clone()).await);

    // Business A books with B's id (client-chosen), then cancels it.
    let owner_a = owner(&api, &a).await;
    let (s, v) = owner_a
        .post(
            "/api/v1/appointments",
            json!({"id": id, "service_id": a.service("Corte").id, "start": local(a.tz, "2030-01-10", 11, 0), "customer_phone": "55 5555 0202"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (s, v) = owner_a
        .post(
            &format!("/api/v1/appointments/{id}/cancel"),
            json!({"reason": "x"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    // B's appointment and its reminder are untouched.
    assert!(exists(reminder).await, "B's reminder schedule was deleted");
    let b_appt = store.get_appointment(b.id(), id).await.unwrap().unwrap();
    assert_eq!(b_appt.status, AppointmentStatus::Confirmed);
    assert_eq!(b_appt.start, ten);
}

// ---- item 4: input that used to panic --------------------------------------------

#[tokio::test]
async fn far_dates_and_unbounded_settings_are_refused_not_panicked_on() {
    let store = store().await;
    let biz = business(&store).await;
    let api = api(&store);
    let owner_c = owner(&api, &biz).await;
    for q in [
        "/api/v1/appointments?from=%2B262142-12-30",
        "/api/v1/appointments?from=2030-01-08&to=%2B262142-12-30",
        "/api/v1/availability/blocks?from=%2B262142-12-30",
        "/api/v1/stats?from=%2B262142-12-01&to=%2B262142-12-30",
    ] {
        let (s, v) = owner_c.get(q).await;
        assert_eq!(s, 400, "{q}: {v}");
    }
    let (s, v) = owner_c
        .post(
            "/api/v1/availability/exceptions",
            json!({"staff_id": biz.staff[0].id, "date": "+262142-12-30", "is_available": false}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    for settings in [
        json!({"reminder_hours_before": 4_294_967_295u64}),
        json!({"missed_call": {"min_gap_hours": 4_294_967_295u64}}),
        json!({"booking": {"min_notice_minutes": 4_294_967_295u64}}),
        json!({"booking": {"buffer_minutes": 4_294_967_295u64}}),
    ] {
        let (s, v) = owner_c
            .patch("/api/v1/organization", json!({ "settings": settings }))
            .await;
        assert_eq!((s, code(&v)), (400, "invalid_field"), "{settings}: {v}");
    }
    let org = store.get_organization(biz.id()).await.unwrap().unwrap();
    assert_eq!(org.settings, biz.org.settings);
}

// ---- item 5: bounded lookups -------------------------------------------------------

#[tokio::test]
async fn conversation_and_service_lookups_take_one_request_whatever_the_size() {
    let store = store().await;
    let biz = business(&store).await;
    let mut last = None;
    for _ in 0..25 {
        let c = Conversation {
            id: uuid::Uuid::now_v7(),
            org_id: biz.id(),
            peer_phone: random_phone(),
            ..store_conversation_template(&biz)
        };
        store.put_conversation(&c).await.unwrap();
        last = Some(c);
    }
    let last = last.unwrap();
    let before = store.requests();
    let found = store.conversation_by_id(biz.id(), last.id).await.unwrap();
    assert_eq!(found.map(|c| c.id), Some(last.id));
    assert_eq!(store.requests() - before, 1);
    let before = store.requests();
    assert!(store
        .conversation_by_id(biz.id(), uuid::Uuid::new_v4())
        .await
        .unwrap()
        .is_none());
    assert_eq!(store.requests() - before, 1);

    let ana = biz.customer(&store, "Ana").await;
    for i in 0..12 {
        let start = local(biz.tz, "2030-01-09", 8 + i, 0);
        store
            .book(&biz.booking(biz.service("Corte"), ana.id, start))
            .await
            .unwrap();
    }
    let before = store.requests();
    assert!(store
        .service_in_use(biz.id(), biz.service("Corte").id)
        .await
        .unwrap());
    assert!(!store
        .service_in_use(biz.id(), biz.service("Tinte").id)
        .await
        .unwrap());
    assert_eq!(store.requests() - before, 2);
}

fn store_conversation_template(biz: &Biz) -> Conversation {
    serde_json::from_value(json!({
        "id": uuid::Uuid::nil(),
        "org_id": biz.id(),
        "peer_phone": "+520000000000",
        "kind": "customer",
        "status": "active",
        "created_at": now(),
        "updated_at": now(),
        "last_message_at": now(),
    }))
    .expect("a minimal conversation")
}

// ---- item 6: magic-link lockout ---------------------------------------------------

#[tokio::test]
async fn requests_that_would_send_nothing_do_not_lock_a_member_out() {
    let store = store().await;
    let biz = business(&store).await;
    let api = api(&store);
    let phone = biz.staff[1].phone.clone();
    let anon = Client {
        api: &api,
        token: None,
    };
    for _ in 0..(parlo_api::auth::MAGIC_LINK_LIMIT + 3) {
        let (s, _) = anon
            .post(
                "/api/v1/auth/request-magic-link",
                json!({"phone": phone, "org_id": uuid::Uuid::new_v4()}),
            )
            .await;
        assert_eq!(s, 200);
    }
    assert!(store.outbox_to(&phone, None, 10).await.unwrap().is_empty());
    let (s, _) = anon
        .post(
            "/api/v1/auth/request-magic-link",
            json!({"phone": phone, "org_id": biz.id()}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        store.outbox_to(&phone, None, 10).await.unwrap().len(),
        1,
        "the real member still gets their link"
    );
}

// ---- item 10: crash between recording and enqueueing ----------------------------

fn inbound(sid: &str) -> InboundMessage {
    InboundMessage {
        message_sid: sid.to_string(),
        account_sid: Some("AC0".into()),
        from: format!("whatsapp:{}", random_phone()),
        to: format!("whatsapp:{}", random_phone()),
        body: "Hola".into(),
        kind: InboundKind::Text,
        profile_name: None,
        media: vec![],
        latitude: None,
        longitude: None,
        button_payload: None,
        replied_to: None,
    }
}

async fn sqs_client() -> aws_sdk_sqs::Client {
    let endpoint =
        std::env::var("AWS_ENDPOINT_URL_SQS").unwrap_or_else(|_| "http://127.0.0.1:5000".into());
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_sdk_sqs::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_sqs::config::Credentials::new(
            "local", "local", None, None, "tests",
        ))
        .load()
        .await;
    aws_sdk_sqs::Client::from_conf(
        aws_sdk_sqs::config::Builder::from(&sdk)
            .endpoint_url(endpoint)
            .build(),
    )
}

#[tokio::test]
async fn a_message_recorded_but_never_queued_is_queued_on_twilios_retry() {
    let store = store().await;
    let sqs = sqs_client().await;
    let queue = sqs
        .create_queue()
        .queue_name(format!("parlo-sec-{}.fifo", uuid::Uuid::new_v4().simple()))
        .attributes(aws_sdk_sqs::types::QueueAttributeName::FifoQueue, "true")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let sink = QueueSink {
        store: store.clone(),
        sqs: sqs.clone(),
        queue_url: queue.clone(),
    };
    let m = inbound(&format!("SM{}", uuid::Uuid::new_v4().simple()));
    // The first delivery recorded the sid, then the function died.
    assert_eq!(
        store.claim_inbound(&m.message_sid, now()).await.unwrap(),
        InboundClaim::New
    );
    // Twilio retries: the message is queued, once.
    assert_eq!(sink.accept(&m, now()).await.unwrap(), Accepted::New);
    assert_eq!(sink.accept(&m, now()).await.unwrap(), Accepted::Duplicate);
    let got = sqs
        .receive_message()
        .queue_url(&queue)
        .max_number_of_messages(10)
        .send()
        .await
        .unwrap()
        .messages
        .unwrap_or_default();
    assert_eq!(got.len(), 1);
}

// ---- item 13: admin sessions --------------------------------------------------------

#[tokio::test]
async fn an_impersonation_ends_with_the_admins_logout() {
    let store = store().await;
    let biz = business(&store).await;
    let api = api(&store);
    let admin_c = admin(&api).await;
    let (s, v) = admin_c
        .post(
            &format!("/api/v1/admin/organizations/{}/impersonate", biz.id()),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let as_biz = Client {
        api: &api,
        token: Some(v["token"].as_str().unwrap().to_string()),
    };
    assert_eq!(as_biz.get("/api/v1/organization").await.0, 200);
    let (s, _) = admin_c.post("/api/v1/admin/auth/logout", json!({})).await;
    assert!(s == 200 || s == 204, "{s}");
    let (s, v) = as_biz.get("/api/v1/organization").await;
    assert_eq!((s, code(&v)), (401, "session_revoked"), "{v}");
}

#[tokio::test]
async fn admin_password_guesses_have_a_global_limit() {
    let store = store().await;
    // A window of its own (fixed windows are keyed by their start).
    let at = chrono::DateTime::<chrono::Utc>::from_timestamp(
        2_200_000_000 + i64::from(rand::random::<u32>() % 1_000_000) * 900,
        0,
    )
    .unwrap();
    let api = api_at(&store, at);
    let anon = Client {
        api: &api,
        token: None,
    };
    for _ in 0..parlo_api::auth::ADMIN_LOGIN_GLOBAL_LIMIT {
        let (s, _) = anon
            .post("/api/v1/admin/auth/login", json!({"password": "adivina"}))
            .await;
        assert_eq!(s, 401);
    }
    let (s, v) = anon
        .post("/api/v1/admin/auth/login", json!({"password": "adivina"}))
        .await;
    assert_eq!((s, code(&v)), (429, "too_many_attempts"), "{v}");
    // The next window admits the admin again.
    let later = api_at(&store, at + parlo_api::auth::ADMIN_LOGIN_WINDOW);
    let anon = Client {
        api: &later,
        token: None,
    };
    let (s, v) = anon
        .post(
            "/api/v1/admin/auth/login",
            json!({"password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
}

// ---- item 14: CORS ----------------------------------------------------------------------

#[tokio::test]
async fn the_dashboard_origin_may_preflight_and_read_answers_others_may_not() {
    let store = store().await;
    let api = api(&store);
    let preflight = |origin: &'static str| {
        let mut r = request("OPTIONS", "/api/v1/organization", None, None);
        r.headers_mut().insert("origin", origin.parse().unwrap());
        r
    };
    let ok = api.handle(preflight("https://panel.parlo.test")).await;
    assert_eq!(ok.status().as_u16(), 204);
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://panel.parlo.test"
    );
    assert!(ok.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .contains("authorization"));
    let evil = api.handle(preflight("https://evil.example")).await;
    assert_eq!(evil.status().as_u16(), 204, "never 405");
    assert!(evil.headers().get("access-control-allow-origin").is_none());
    // Answers to the dashboard carry the header; unknown paths stay 404.
    let mut r = request("GET", "/api/v1/organization", None, None);
    r.headers_mut()
        .insert("origin", "https://panel.parlo.test".parse().unwrap());
    let answer = api.handle(r).await;
    assert_eq!(answer.status().as_u16(), 401);
    assert_eq!(
        answer.headers()["access-control-allow-origin"],
        "https://panel.parlo.test"
    );
    let r = request("OPTIONS", "/api/v1/nada", None, None);
    assert_eq!(api.handle(r).await.status().as_u16(), 404);
}

// ---- item 9: time zone vs day ledgers ------------------------------------------------

#[tokio::test]
async fn the_time_zone_cannot_change_under_future_appointments() {
    let store = store().await;
    let biz = business(&store).await;
    let api = api(&store);
    let owner_c = owner(&api, &biz).await;
    // No appointments yet: the zone may change (and back).
    let (s, v) = owner_c
        .patch(
            "/api/v1/organization",
            json!({"timezone": "America/Tijuana"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, _) = owner_c
        .patch(
            "/api/v1/organization",
            json!({"timezone": biz.org.timezone}),
        )
        .await;
    assert_eq!(s, 200);
    let ana = biz.customer(&store, "Ana").await;
    let appt = store
        .book(&biz.booking(
            biz.service("Corte"),
            ana.id,
            local(biz.tz, "2030-01-09", 21, 0),
        ))
        .await
        .unwrap();
    let (s, v) = owner_c
        .patch("/api/v1/organization", json!({"timezone": "Europe/Madrid"}))
        .await;
    assert_eq!((s, code(&v)), (409, "timezone_locked"), "{v}");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("zona horaria"));
    assert_eq!(
        store
            .get_organization(biz.id())
            .await
            .unwrap()
            .unwrap()
            .timezone,
        biz.org.timezone
    );
    // Once it is cancelled, the change goes through.
    store.cancel(biz.id(), appt.id, None, now()).await.unwrap();
    let (s, v) = owner_c
        .patch("/api/v1/organization", json!({"timezone": "Europe/Madrid"}))
        .await;
    assert_eq!(s, 200, "{v}");
}

// ---- item 11: closures and long blocks -------------------------------------------------

#[tokio::test]
async fn a_closure_over_booked_time_is_refused_and_long_blocks_get_a_clear_answer() {
    let store = store().await;
    let biz = business(&store).await;
    let api = api(&store);
    let owner_c = owner(&api, &biz).await;
    let ana = biz.customer(&store, "Ana").await;
    let ten = local(biz.tz, "2030-01-09", 10, 0);
    store
        .book(&biz.booking(biz.service("Corte"), ana.id, ten))
        .await
        .unwrap();
    let (s, v) = owner_c
        .post(
            "/api/v1/availability/blocks",
            json!({"start": local(biz.tz, "2030-01-09", 8, 0), "end": local(biz.tz, "2030-01-09", 20, 0), "reason": "Cerrado"}),
        )
        .await;
    assert_eq!((s, code(&v)), (409, "time_has_appointments"), "{v}");
    // Another day is free to close.
    let (s, v) = owner_c
        .post(
            "/api/v1/availability/blocks",
            json!({"start": local(biz.tz, "2030-01-10", 8, 0), "end": local(biz.tz, "2030-01-10", 20, 0)}),
        )
        .await;
    assert_eq!(s, 201, "{v}");

    // By chat, a block of four months is refused with a message, not an
    // internal error.
    let tools = Tools::new(
        store.clone(),
        now(),
        format!("SM{}", uuid::Uuid::new_v4().simple()),
    );
    let me = Actor::Staff {
        org: biz.id(),
        staff: biz.staff[1].id,
    };
    let r = tools
        .block_time(
            &me,
            &BlockTimeArgs {
                start: "2030-02-01T09:00".into(),
                end: "2030-06-01T09:00".into(),
                staff: None,
                reason: None,
            },
        )
        .await;
    match r {
        Err(ToolError::InvalidArgument { field, message }) => {
            assert_eq!(field, "end");
            assert!(message.contains("92 días"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

// ---- item 16: statuses before their sid -------------------------------------------------

#[tokio::test]
async fn a_delivery_status_that_arrives_first_is_applied_when_the_sid_is_recorded() {
    let store = store().await;
    let sink = QueueSink {
        store: store.clone(),
        sqs: sqs_client().await,
        queue_url: String::new(),
    };
    let biz = business(&store).await;
    let provider = format!("SM{}", uuid::Uuid::new_v4().simple());
    let to = random_phone();
    // Twilio reports "delivered" before the sender recorded the sid.
    sink.delivery_status(
        &parlo_twilio::inbound::StatusCallback {
            message_sid: provider.clone(),
            status: "delivered".into(),
            error_code: None,
        },
        now(),
    )
    .await
    .unwrap();
    let record: parlo_store::OutboxRecord = serde_json::from_value(json!({
        "key": format!("test:{}", uuid::Uuid::new_v4()),
        "org_id": biz.id(),
        "conversation_id": null,
        "to": to,
        "from": biz.org.whatsapp_number,
        "body": "Hola",
        "content_sid": null,
        "content_variables": null,
        "status": "pending",
        "provider_sid": null,
        "error_code": null,
        "mock": true,
        "created_at": now(),
        "updated_at": now(),
    }))
    .expect("an outbox record");
    let parlo_store::Claim::Send(mut claimed) = store.claim_outbox(&record).await.unwrap() else {
        panic!("new key")
    };
    claimed.status = parlo_store::DeliveryStatus::Sent;
    claimed.provider_sid = Some(provider);
    store.mark_outbox_sent(&claimed).await.unwrap();
    let after = store.outbox_to(&to, None, 10).await.unwrap().remove(0);
    assert_eq!(after.status, parlo_store::DeliveryStatus::Delivered);
}

// ---- item 7: lost updates ----------------------------------------------------------------

#[tokio::test]
async fn a_stale_write_never_undoes_a_newer_one() {
    let store = store().await;
    let biz = business(&store).await;
    // Read, then someone else changes the business (an admin suspends it).
    let stale = store.get_organization(biz.id()).await.unwrap().unwrap();
    let mut suspended = stale.clone();
    suspended.status = OrgStatus::Suspended;
    suspended.updated_at = now() + chrono::Duration::seconds(1);
    store.update_organization(&suspended).await.unwrap();
    let mut edit = stale.clone();
    edit.name = "Nombre nuevo".into();
    edit.updated_at = now() + chrono::Duration::seconds(2);
    let r = store
        .update_organization_seen(&edit, stale.updated_at)
        .await;
    assert!(
        matches!(r, Err(parlo_store::StoreError::Conflict(_))),
        "{r:?}"
    );
    assert_eq!(
        store
            .get_organization(biz.id())
            .await
            .unwrap()
            .unwrap()
            .status,
        OrgStatus::Suspended
    );

    // A staff record read before its deactivation cannot revive it.
    let pedro = biz.staff[1].clone();
    let mut off = pedro.clone();
    off.is_active = false;
    off.updated_at = now() + chrono::Duration::seconds(1);
    store.update_staff(&off).await.unwrap();
    let mut stale_edit = pedro.clone();
    stale_edit.name = "Pedro P.".into();
    stale_edit.updated_at = now() + chrono::Duration::seconds(2);
    let r = store.update_staff_seen(&stale_edit, pedro.updated_at).await;
    assert!(
        matches!(r, Err(parlo_store::StoreError::Conflict(_))),
        "{r:?}"
    );
    assert!(
        !store
            .get_staff(biz.id(), pedro.id)
            .await
            .unwrap()
            .unwrap()
            .is_active
    );

    // Customers too.
    let ana = biz.customer(&store, "Ana").await;
    let mut newer = ana.clone();
    newer.notes = Some("prefiere la tarde".into());
    newer.updated_at = now() + chrono::Duration::seconds(1);
    store.update_customer(&newer).await.unwrap();
    let mut old = ana.clone();
    old.name = Some("Ana María".into());
    old.updated_at = now() + chrono::Duration::seconds(2);
    let r = store.update_customer_seen(&old, ana.updated_at).await;
    assert!(
        matches!(r, Err(parlo_store::StoreError::Conflict(_))),
        "{r:?}"
    );
}

#[tokio::test]
async fn a_short_jwt_secret_issues_no_session_outside_the_local_stack() {
    use parlo_api::auth::AuthSettings;
    use parlo_app::config::Config;
    let store = store().await;
    let config = Config::from_vars(|n| match n {
        "PARLO_ENV" => Some("aws".into()),
        "CENTRAL_WHATSAPP_NUMBER" => Some("+525500000000".into()),
        _ => None,
    });
    let auth = AuthSettings::from_vars(&config, |n| match n {
        "JWT_SECRET" => Some("corto-y-adivinable".into()),
        "ADMIN_PASSWORD" => Some(ADMIN_PASSWORD.into()),
        _ => None,
    })
    .with_messenger(parlo_app::messenger::Messenger::Mock);
    let api = parlo_api::api::Api {
        store: store.clone(),
        config,
        clock: parlo_app::clock::Clock::Fixed(now()),
        auth,
        schedules: Default::default(),
    };
    let anon = Client {
        api: &api,
        token: None,
    };
    let (s, v) = anon
        .post(
            "/api/v1/admin/auth/login",
            json!({"password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(s, 503, "{v}");
    assert!(v.get("token").is_none());
}

/// Item 8: one number cannot fill a business's agenda. A customer holds at
/// most `max_open_per_customer` (3 by default) open appointments; the 4th
/// is refused with a clear answer, while the business may still book them.
#[tokio::test]
async fn one_number_cannot_fill_the_agenda() {
    let store = store().await;
    let biz = business(&store).await;
    let ana = biz.customer(&store, "Ana").await;
    let me = Actor::Customer {
        org: biz.id(),
        customer: ana.id,
    };
    let tools = |n: u32| {
        parlo_chat::tools::Tools::new(store.clone(), now(), format!("SMcap{n}{}", ana.id.simple()))
    };
    for (n, hour) in [(1, "10"), (2, "11"), (3, "12")] {
        tools(n)
            .book_appointment(
                &me,
                &BookAppointmentArgs {
                    service: "Corte".into(),
                    start: format!("2030-01-09T{hour}:00"),
                    staff: None,
                },
            )
            .await
            .expect("within the cap");
    }
    let fourth = tools(4)
        .book_appointment(
            &me,
            &BookAppointmentArgs {
                service: "Corte".into(),
                start: "2030-01-09T13:00".into(),
                staff: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fourth, ToolError::TooManyOpen { max: 3 });
    assert!(fourth.user_message().contains("Ya tienes 3 citas"));
    // A retry of an accepted booking is not refused by the cap.
    tools(3)
        .book_appointment(
            &me,
            &BookAppointmentArgs {
                service: "Corte".into(),
                start: "2030-01-09T12:00".into(),
                staff: None,
            },
        )
        .await
        .expect("a retried turn finds its booking");
    let open = store
        .customer_appointments(biz.id(), ana.id, Some(now()))
        .await
        .unwrap();
    assert_eq!(open.len(), 3);
    // The owner books a 4th for her from the dashboard.
    let api = api(&store);
    let owner = owner(&api, &biz).await;
    let (s, v) = owner
        .post(
            "/api/v1/appointments",
            json!({"service_id": biz.service("Corte").id, "customer_id": ana.id,
                   "start": local(biz.tz, "2030-01-09", 13, 0)}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
}

/// Item 8: a flood from one number gets one polite answer, then silence
/// (no agent runs, so no LLM spend), and every message is still stored.
#[tokio::test]
async fn a_flood_from_one_number_gets_one_answer_then_silence() {
    use parlo_app::clock::Clock;
    use parlo_app::messenger::Messenger;
    use parlo_chat::agent::rules::RuleAgent;
    use parlo_chat::turn::{QueuedInbound, TurnOutcome, TurnProcessor, INBOUND_PER_MINUTE};

    let store = store().await;
    let biz = business(&store).await;
    let phone = random_phone();
    let processor = TurnProcessor {
        store: store.clone(),
        messenger: Messenger::Mock,
        agent: RuleAgent::new(store.clone()),
        clock: Clock::Fixed(now()),
        central_number: random_phone(),
    };
    let mut outcomes = Vec::new();
    for i in 0..(INBOUND_PER_MINUTE + 5) {
        let message = InboundMessage {
            message_sid: format!("SMflood{i}{}", uuid::Uuid::new_v4().simple()),
            account_sid: Some("AC0".into()),
            from: format!("whatsapp:{phone}"),
            to: format!("whatsapp:{}", biz.org.whatsapp_number.clone().unwrap()),
            body: format!("¿Qué servicios tienen? ({i})"),
            kind: InboundKind::Text,
            profile_name: None,
            media: vec![],
            latitude: None,
            longitude: None,
            button_payload: None,
            replied_to: None,
        };
        outcomes.push(
            processor
                .process(&QueuedInbound {
                    message,
                    received_at: now(),
                })
                .await
                .expect("turn"),
        );
    }
    let limited = outcomes
        .iter()
        .filter(|o| **o == TurnOutcome::Dropped("rate_limited"))
        .count();
    assert_eq!(limited, 5, "{outcomes:?}");
    let to_phone = store.outbox_to(&phone, None, 100).await.unwrap();
    let polite: Vec<_> = to_phone
        .iter()
        .filter(|r| r.body.as_deref().unwrap_or("").contains("muchos mensajes"))
        .collect();
    assert_eq!(polite.len(), 1, "{to_phone:?}");
    // After the polite answer, nothing more was sent.
    assert!(to_phone
        .last()
        .unwrap()
        .body
        .as_deref()
        .unwrap()
        .contains("muchos mensajes"));
    let conv = store
        .get_conversation(biz.id(), &phone)
        .await
        .unwrap()
        .unwrap();
    let history = store
        .list_messages(biz.id(), conv.id, 200, None)
        .await
        .unwrap()
        .items;
    let inbound = history
        .iter()
        .filter(|m| m.direction == Direction::Inbound)
        .count();
    assert_eq!(inbound as u32, INBOUND_PER_MINUTE + 5, "nothing lost");
}
