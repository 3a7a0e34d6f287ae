//! The dashboard's REST resources through `Api::handle` with real
//! lambda_http requests against DynamoDB Local: happy paths, validation
//! errors, pagination, permissions and the OpenAPI document.

#[path = "api_helpers.rs"]
mod helpers;

use helpers::*;
use parlo_core::*;
use parlo_tests::*;
use serde_json::{json, Value};

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

#[tokio::test]
async fn organization_get_and_update_with_validation() {
    let store = store().await;
    let biz = business(&store).await;
    let api = api(&store);
    let owner = owner(&api, &biz).await;
    let (s, v) = owner.get("/api/v1/organization").await;
    assert_eq!(
        (s, v["id"].as_str()),
        (200, Some(biz.id().to_string().as_str()))
    );
    let (s, v) = owner
        .patch(
            "/api/v1/organization",
            json!({"name": "Barbería Nueva", "timezone": "America/Tijuana",
                   "settings": {"booking": {"min_notice_minutes": 30, "max_advance_days": 30, "slot_step_minutes": 30, "buffer_minutes": 5}}}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let stored = store.get_organization(biz.id()).await.unwrap().unwrap();
    assert_eq!(stored.name, "Barbería Nueva");
    assert_eq!(stored.timezone, "America/Tijuana");
    assert_eq!(stored.settings.booking.slot_step_minutes, 30);
    // Bad zone, unknown field, empty name: 400 and nothing changes.
    for bad in [
        json!({"timezone": "Mars/Olympus"}),
        json!({"nombre": "x"}),
        json!({"name": "  "}),
    ] {
        let (s, v) = owner.patch("/api/v1/organization", bad.clone()).await;
        assert_eq!(s, 400, "{bad} → {v}");
        assert!(!v["error"]["message"].as_str().unwrap().is_empty());
    }
    assert_eq!(
        store
            .get_organization(biz.id())
            .await
            .unwrap()
            .unwrap()
            .name,
        "Barbería Nueva"
    );
}

#[tokio::test]
async fn services_crud_delete_or_deactivate_and_pagination() {
    let store = store().await;
    let biz = business(&store).await;
    let api = api(&store);
    let owner = owner(&api, &biz).await;
    let (s, v) = owner
        .post(
            "/api/v1/services",
            json!({"name": "Barba", "duration_minutes": 20, "price_cents": 12000}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let barba = id(&v);
    assert_eq!(v["currency"], "MXN");
    let (s, v) = owner
        .post(
            "/api/v1/services",
            json!({"name": "X", "duration_minutes": 0, "price_cents": 1}),
        )
        .await;
    assert_eq!((s, code(&v)), (400, "invalid_field"));
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("duration_minutes"));
    let (s, v) = owner
        .post(
            "/api/v1/services",
            json!({"duration_minutes": 30, "price_cents": 1}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    let (s, v) = owner
        .patch(
            &format!("/api/v1/services/{barba}"),
            json!({"price_cents": 15000}),
        )
        .await;
    assert_eq!((s, v["price_cents"].as_i64()), (200, Some(15000)));
    // Pagination: 3 services, pages of 2.
    let (s, p1) = owner.get("/api/v1/services?limit=2").await;
    assert_eq!(s, 200);
    assert_eq!(p1["items"].as_array().unwrap().len(), 2);
    let cursor = p1["next_cursor"]
        .as_str()
        .expect("a second page")
        .to_string();
    let (_, p2) = owner
        .get(&format!("/api/v1/services?limit=2&cursor={cursor}"))
        .await;
    assert_eq!(p2["items"].as_array().unwrap().len(), 1);
    assert!(p2["next_cursor"].is_null());
    let (s, v) = owner.get("/api/v1/services?limit=500").await;
    assert_eq!((s, code(&v)), (400, "invalid_field"));
    let (s, v) = owner.get("/api/v1/services?cursor=!!!").await;
    assert_eq!((s, code(&v)), (400, "invalid_cursor"));
    // Unused: deleted. Used by an appointment: deactivated instead.
    let (s, _) = owner.delete(&format!("/api/v1/services/{barba}")).await;
    assert_eq!(s, 204);
    assert!(store
        .get_service(biz.id(), barba.parse().unwrap())
        .await
        .unwrap()
        .is_none());
    let corte = biz.service("Corte");
    let c = biz.customer(&store, "Ana").await;
    store
        .book(&biz.booking(corte, c.id, local(biz.tz, "2030-01-08", 10, 0)))
        .await
        .unwrap();
    let (s, v) = owner
        .delete(&format!("/api/v1/services/{}", corte.id))
        .await;
    assert_eq!((s, v["deactivated"].as_bool()), (200, Some(true)), "{v}");
    assert!(
        !store
            .get_service(biz.id(), corte.id)
            .await
            .unwrap()
            .unwrap()
            .is_active
    );
}

#[tokio::test]
async fn staff_crud_services_spot_hours_and_deactivation() {
    let store = store().await;
    let biz = business(&store).await;
    let api = api(&store);
    let owner = owner(&api, &biz).await;
    let (s, v) = owner
        .post(
            "/api/v1/staff",
            json!({"name": "Luis", "phone": "55 1234 9876"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let luis = id(&v);
    assert_eq!(v["phone"], "+525512349876");
    assert_eq!(v["permission_level"], "staff");
    let (s, v) = owner
        .post(
            "/api/v1/staff",
            json!({"name": "Luis 2", "phone": "55 1234 9876"}),
        )
        .await;
    assert_eq!((s, code(&v)), (409, "already_exists"));
    let (s, v) = owner
        .post(
            "/api/v1/staff",
            json!({"name": "Sin número", "phone": "hola"}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    let corte = biz.service("Corte").id;
    let (s, v) = owner
        .put(
            &format!("/api/v1/staff/{luis}/services"),
            json!({"service_ids": [corte]}),
        )
        .await;
    assert_eq!(
        (s, v["service_ids"].as_array().unwrap().len()),
        (200, 1),
        "{v}"
    );
    let (s, _) = owner
        .put(
            &format!("/api/v1/staff/{luis}/services"),
            json!({"service_ids": [uuid::Uuid::new_v4()]}),
        )
        .await;
    assert_eq!(s, 400);
    let spot = biz.spots[1].id;
    let (s, v) = owner
        .patch(
            &format!("/api/v1/staff/{luis}"),
            json!({"default_spot_id": spot}),
        )
        .await;
    assert_eq!(
        (s, v["default_spot_id"].as_str()),
        (200, Some(spot.to_string().as_str()))
    );
    let (s, v) = owner
        .put(
            &format!("/api/v1/staff/{luis}/working-hours"),
            json!({"days": [[{"start": "10:00:00", "end": "14:00:00"}, {"start": "15:00:00", "end": "19:00:00"}], [], [], [], [], [], []]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, v) = owner
        .get(&format!("/api/v1/staff/{luis}/working-hours"))
        .await;
    assert_eq!(v["days"][0].as_array().unwrap().len(), 2);
    assert_eq!(v["follows_business_hours"], false);
    let (s, _) = owner
        .put(
            &format!("/api/v1/staff/{luis}/working-hours"),
            json!({"days": [[{"start": "14:00:00", "end": "10:00:00"}], [], [], [], [], [], []]}),
        )
        .await;
    assert_eq!(s, 400);
    let (s, v) = owner
        .post(&format!("/api/v1/staff/{luis}/deactivate"), json!({}))
        .await;
    assert_eq!((s, v["is_active"].as_bool()), (200, Some(false)));
    let (s, v) = owner
        .post(&format!("/api/v1/staff/{luis}/reactivate"), json!({}))
        .await;
    assert_eq!((s, v["is_active"].as_bool()), (200, Some(true)));
    // The owner cannot remove themself; someone with appointments is kept.
    let (s, v) = owner
        .delete(&format!("/api/v1/staff/{}", biz.staff[0].id))
        .await;
    assert_eq!((s, code(&v)), (409, "self"));
    let (s, _) = owner.delete(&format!("/api/v1/staff/{luis}")).await;
    assert_eq!(s, 204);
}

#[tokio::test]
async fn spots_locations_and_order() {
    let store = store().await;
    let biz = business(&store).await;
    let api = api(&store);
    let owner = owner(&api, &biz).await;
    let (s, v) = owner
        .post(
            "/api/v1/spots",
            json!({"name": "Silla 3", "service_ids": [biz.service("Corte").id]}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["display_order"], 2);
    let third = id(&v);
    let order = json!({"spot_ids": [third, biz.spots[0].id, biz.spots[1].id]});
    let (s, v) = owner.put("/api/v1/spots/order", order).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["items"][0]["id"].as_str(), Some(third.as_str()));
    let (s, _) = owner
        .put("/api/v1/spots/order", json!({"spot_ids": [third]}))
        .await;
    assert_eq!(s, 400);
    let (s, v) = owner
        .post(
            "/api/v1/locations",
            json!({"name": "Sucursal Norte", "address": "Calle 2"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let norte = id(&v);
    let (s, _) = owner
        .delete(&format!("/api/v1/locations/{}", biz.location.id))
        .await;
    assert_eq!(s, 409);
    let (s, _) = owner.delete(&format!("/api/v1/locations/{norte}")).await;
    assert_eq!(s, 204);
    let (s, _) = owner.delete(&format!("/api/v1/spots/{third}")).await;
    assert_eq!(s, 204);
    let (s, _) = owner.get(&format!("/api/v1/spots/{third}")).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn appointments_lifecycle_filters_and_slot_taken() {
    let store = store().await;
    let biz = business(&store).await;
    let api = api(&store);
    let owner = owner(&api, &biz).await;
    let corte = biz.service("Corte");
    let ten = local(biz.tz, "2030-01-08", 10, 0);
    let body = |phone: &str| {
        json!({"service_id": corte.id, "start": ten, "customer_phone": phone,
               "customer_name": "Ana López", "staff_id": biz.staff[0].id})
    };
    let (s, a) = owner
        .post("/api/v1/appointments", body("55 5555 0101"))
        .await;
    assert_eq!(s, 201, "{a}");
    assert_eq!(a["timezone"], "America/Mexico_City");
    assert_eq!(a["start_local"], "2030-01-08T10:00:00-06:00");
    assert_eq!(a["source"], "web");
    // The same staff member at the same time: the chat's answer.
    let (s, v) = owner
        .post("/api/v1/appointments", body("55 5555 0102"))
        .await;
    assert_eq!((s, code(&v)), (409, "slot_taken"), "{v}");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("ya se ocupó"));
    // Closed at 23:00 → 422 in Spanish.
    let late = json!({"service_id": corte.id, "start": local(biz.tz, "2030-01-08", 23, 0), "customer_phone": "55 5555 0103"});
    let (s, v) = owner.post("/api/v1/appointments", late).await;
    assert_eq!((s, code(&v)), (422, "unavailable_time"), "{v}");
    let (s, _) = owner
        .post("/api/v1/appointments", json!({"service_id": corte.id}))
        .await;
    assert_eq!(s, 400);
    // A second one with the other stylist, then the day's list and filters.
    let (s, b) = owner
        .post(
            "/api/v1/appointments",
            json!({"service_id": corte.id, "start": ten, "customer_phone": "55 5555 0104", "staff_id": biz.staff[1].id}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let (s, day) = owner
        .get("/api/v1/appointments?from=2030-01-08&to=2030-01-08")
        .await;
    assert_eq!(s, 200);
    assert_eq!(day["items"].as_array().unwrap().len(), 2);
    let (_, one) = owner
        .get(&format!(
            "/api/v1/appointments?from=2030-01-08&to=2030-01-08&staff_id={}",
            biz.staff[1].id
        ))
        .await;
    assert_eq!(one["items"].as_array().unwrap().len(), 1);
    let (_, p1) = owner
        .get("/api/v1/appointments?from=2030-01-08&to=2030-01-08&limit=1")
        .await;
    let cursor = p1["next_cursor"].as_str().unwrap().to_string();
    let (_, p2) = owner
        .get(&format!(
            "/api/v1/appointments?from=2030-01-08&to=2030-01-08&limit=1&cursor={cursor}"
        ))
        .await;
    assert_ne!(p1["items"][0]["id"], p2["items"][0]["id"]);
    let (s, _) = owner
        .get("/api/v1/appointments?from=2030-01-08&to=2031-01-08")
        .await;
    assert_eq!(s, 400);
    let (s, _) = owner.get("/api/v1/appointments?status=maybe").await;
    assert_eq!(s, 400);
    // Move, complete, no-show, cancel.
    let a_id = id(&a);
    let (s, moved) = owner
        .patch(
            &format!("/api/v1/appointments/{a_id}"),
            json!({"start": local(biz.tz, "2030-01-08", 12, 0)}),
        )
        .await;
    assert_eq!(
        (s, moved["start_local"].as_str()),
        (200, Some("2030-01-08T12:00:00-06:00")),
        "{moved}"
    );
    let (s, v) = owner
        .post(&format!("/api/v1/appointments/{a_id}/complete"), json!({}))
        .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("completed")));
    let (s, v) = owner
        .post(&format!("/api/v1/appointments/{a_id}/cancel"), json!({}))
        .await;
    assert_eq!((s, code(&v)), (409, "invalid_status"));
    let b_id = id(&b);
    let (s, v) = owner
        .post(
            &format!("/api/v1/appointments/{b_id}/cancel"),
            json!({"reason": "Se enfermó"}),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("cancelled")));
    let stored = store
        .get_appointment(biz.id(), b_id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.cancellation_reason.as_deref(), Some("Se enfermó"));
    // Stats for the day: 2 bookings, 1 completed with its price, 1 cancelled.
    let (s, st) = owner
        .get("/api/v1/stats?from=2030-01-08&to=2030-01-08")
        .await;
    assert_eq!(s, 200, "{st}");
    assert_eq!(st["totals"]["bookings"], 2);
    assert_eq!(st["totals"]["completed"], 1);
    assert_eq!(st["totals"]["cancellations"], 1);
    assert_eq!(st["totals"]["revenue_cents"], corte.price_cents);
    // The customer's history.
    let cust = store
        .customer_by_phone(biz.id(), "+525555550101")
        .await
        .unwrap()
        .unwrap();
    let (s, v) = owner.get(&format!("/api/v1/customers/{}", cust.id)).await;
    assert_eq!((s, v["total_appointments"].as_u64()), (200, Some(1)), "{v}");
    let (s, v) = owner
        .patch(
            &format!("/api/v1/customers/{}", cust.id),
            json!({"notes": "Prefiere tijera"}),
        )
        .await;
    assert_eq!((s, v["notes"].as_str()), (200, Some("Prefiere tijera")));
    let (s, v) = owner.get("/api/v1/customers?q=ana").await;
    assert_eq!(s, 200);
    assert!(v["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == json!(cust.id)));
    let (s, v) = owner.get("/api/v1/customers?q=55 5555 0101").await;
    assert_eq!((s, v["items"].as_array().unwrap().len()), (200, 1), "{v}");
    let (s, v) = owner
        .patch(
            &format!("/api/v1/customers/{}", cust.id),
            json!({"email": "no-es-correo"}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
}

#[tokio::test]
async fn availability_exceptions_blocks_and_slots() {
    let store = store().await;
    let biz = business(&store).await;
    let api = api(&store);
    let owner = owner(&api, &biz).await;
    let corte = biz.service("Corte").id;
    let (s, v) = owner
        .get(&format!(
            "/api/v1/availability/slots?service_id={corte}&from=2030-01-08"
        ))
        .await;
    assert_eq!(s, 200, "{v}");
    let before = v["slots"].as_array().unwrap().len();
    assert!(before > 0);
    // Close the whole business 8:00–12:00: fewer slots.
    let (s, blk) = owner
        .post(
            "/api/v1/availability/blocks",
            json!({"start": local(biz.tz, "2030-01-08", 8, 0), "end": local(biz.tz, "2030-01-08", 12, 0), "reason": "Fumigación"}),
        )
        .await;
    assert_eq!(s, 201, "{blk}");
    let (_, v) = owner
        .get(&format!(
            "/api/v1/availability/slots?service_id={corte}&from=2030-01-08"
        ))
        .await;
    assert!(v["slots"].as_array().unwrap().len() < before);
    let (_, v) = owner
        .get("/api/v1/availability/blocks?from=2030-01-08&to=2030-01-08")
        .await;
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    let (s, _) = owner
        .delete(&format!("/api/v1/availability/blocks/{}", id(&blk)))
        .await;
    assert_eq!(s, 204);
    // A staff block over an appointment is refused.
    let c = biz.customer(&store, "Eva").await;
    let mut req = biz.booking(
        biz.service("Corte"),
        c.id,
        local(biz.tz, "2030-01-09", 10, 0),
    );
    req.staff_pref = Some(biz.staff[1].id);
    store.book(&req).await.unwrap();
    let (s, v) = owner
        .post(
            "/api/v1/availability/blocks",
            json!({"staff_id": biz.staff[1].id, "start": local(biz.tz, "2030-01-09", 9, 0), "end": local(biz.tz, "2030-01-09", 11, 0)}),
        )
        .await;
    assert_eq!((s, code(&v)), (409, "time_has_appointments"), "{v}");
    let (s, v) = owner
        .post("/api/v1/availability/blocks", json!({"start": local(biz.tz, "2030-01-09", 9, 0), "end": local(biz.tz, "2030-01-09", 8, 0)}))
        .await;
    assert_eq!(s, 400, "{v}");
    // A day off for staff 1.
    let (s, x) = owner
        .post(
            "/api/v1/availability/exceptions",
            json!({"staff_id": biz.staff[1].id, "date": "2030-01-10", "is_available": false, "reason": "Vacaciones"}),
        )
        .await;
    assert_eq!(s, 201, "{x}");
    let (_, v) = owner
        .get(&format!(
            "/api/v1/availability?staff_id={}",
            biz.staff[1].id
        ))
        .await;
    assert_eq!(v["exceptions"].as_array().unwrap().len(), 1);
    let (s, _) = owner
        .delete(&format!("/api/v1/availability/exceptions/{}", id(&x)))
        .await;
    assert_eq!(s, 204);
    let (s, v) = owner
        .get("/api/v1/availability/slots?from=2030-01-08")
        .await;
    assert_eq!(s, 400, "{v}");
}

#[tokio::test]
async fn conversations_list_messages_release_and_send() {
    let store = store().await;
    let biz = business(&store).await;
    let api = api(&store);
    let owner = owner(&api, &biz).await;
    let peer = random_phone();
    let conv = Conversation {
        id: uuid::Uuid::now_v7(),
        org_id: biz.id(),
        kind: ConversationKind::Customer,
        peer_phone: peer.clone(),
        customer_id: None,
        staff_id: None,
        status: ConversationStatus::HandedOff,
        handed_off_until: Some(now() + chrono::Duration::hours(2)),
        context: Value::Null,
        created_at: now(),
        updated_at: now(),
        last_message_at: now(),
    };
    store.create_conversation(&conv).await.unwrap();
    let (s, v) = owner.get("/api/v1/conversations").await;
    assert_eq!((s, v["items"].as_array().unwrap().len()), (200, 1));
    let (s, m) = owner
        .post(
            &format!("/api/v1/conversations/{}/messages", conv.id),
            json!({"body": "Hola, soy Carlos. ¿Te queda bien a las 5?", "client_id": "envio-1"}),
        )
        .await;
    assert_eq!(s, 201, "{m}");
    assert_eq!(m["sender_type"], "staff");
    // A retry with the same client id sends nothing more.
    let (s, _) = owner
        .post(
            &format!("/api/v1/conversations/{}/messages", conv.id),
            json!({"body": "Hola, soy Carlos. ¿Te queda bien a las 5?", "client_id": "envio-1"}),
        )
        .await;
    assert_eq!(s, 201);
    let sent = store.outbox_to(&peer, None, 10).await.unwrap();
    assert_eq!(sent.len(), 1, "sent once");
    assert_eq!(sent[0].from, biz.org.whatsapp_number.clone().unwrap());
    let (_, msgs) = owner
        .get(&format!("/api/v1/conversations/{}/messages", conv.id))
        .await;
    assert_eq!(msgs["items"].as_array().unwrap().len(), 1);
    let (s, _) = owner
        .post(
            &format!("/api/v1/conversations/{}/messages", conv.id),
            json!({"body": ""}),
        )
        .await;
    assert_eq!(s, 400);
    let (s, v) = owner
        .post(
            &format!("/api/v1/conversations/{}/release", conv.id),
            json!({}),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("active")));
    let (s, v) = owner
        .post(
            &format!("/api/v1/conversations/{}/release", conv.id),
            json!({}),
        )
        .await;
    assert_eq!((s, code(&v)), (409, "not_handed_off"));
    // A person takes the chat over from the dashboard: the assistant is
    // paused for 24 hours, then released again.
    let (s, v) = owner
        .post(
            &format!("/api/v1/conversations/{}/take-over", conv.id),
            json!({}),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("handed_off")), "{v}");
    assert!(v["handed_off_until"].as_str().is_some(), "{v}");
    let stored = store
        .get_conversation(biz.id(), &conv.peer_phone)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, ConversationStatus::HandedOff);
    let (s, v) = owner
        .post(
            &format!("/api/v1/conversations/{}/release", conv.id),
            json!({}),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("active")));
}

#[tokio::test]
async fn permission_levels_apply() {
    let store = store().await;
    let biz = business(&store).await;
    let api = api(&store);
    let viewer = member(&api, &store, &biz, PermissionLevel::Viewer).await;
    let staff = member(&api, &store, &biz, PermissionLevel::Staff).await;
    let admin_level = member(&api, &store, &biz, PermissionLevel::Admin).await;
    assert_eq!(viewer.get("/api/v1/appointments").await.0, 200);
    assert_eq!(viewer.get("/api/v1/services").await.0, 200);
    let corte = biz.service("Corte").id;
    let (s, v) = viewer
        .post("/api/v1/appointments", json!({"service_id": corte, "start": local(biz.tz, "2030-01-08", 10, 0), "customer_phone": "55 5555 0199"}))
        .await;
    assert_eq!((s, code(&v)), (403, "forbidden"));
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("No tienes permiso"));
    assert_eq!(staff.get("/api/v1/stats").await.0, 403);
    assert_eq!(admin_level.get("/api/v1/stats").await.0, 200);
    assert_eq!(
        admin_level
            .patch(
                &format!("/api/v1/services/{corte}"),
                json!({"price_cents": 1})
            )
            .await
            .0,
        403
    );
    // Admin level adds staff but cannot grant owner.
    let (s, _) = admin_level
        .post(
            "/api/v1/staff",
            json!({"name": "Nuevo", "phone": random_phone(), "permission_level": "owner"}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, _) = admin_level
        .post(
            "/api/v1/staff",
            json!({"name": "Nuevo", "phone": random_phone()}),
        )
        .await;
    assert_eq!(s, 201);
    // Staff may block their own time, not someone else's.
    assert_eq!(
        staff
            .post("/api/v1/availability/blocks", json!({"staff_id": biz.staff[1].id, "start": local(biz.tz, "2030-01-20", 9, 0), "end": local(biz.tz, "2030-01-20", 10, 0)}))
            .await
            .0,
        403
    );
    assert_eq!(
        api.handle(request("GET", "/api/v1/services", None, None))
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn openapi_covers_every_route() {
    let store = store().await;
    let api = api(&store);
    let anon = Client {
        api: &api,
        token: None,
    };
    let (s, doc) = anon.get("/api/v1/openapi.json").await;
    assert_eq!(s, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut n = 0;
    for r in parlo_api::api::routes::ROUTES.iter() {
        let op = &doc["paths"][&r.path][r.verb.as_str()];
        assert!(
            op.is_object(),
            "{} {} missing from the document",
            r.verb.as_str(),
            r.path
        );
        n += 1;
    }
    assert!(n > 100, "{n} routes");
    // And every route is really routed: no "route not found" for any of them.
    for r in parlo_api::api::routes::ROUTES.iter() {
        let path = r
            .path
            .replace("{id}", &uuid::Uuid::nil().to_string())
            .replace("{org_id}", &uuid::Uuid::nil().to_string());
        let method = r.verb.as_str().to_uppercase();
        let resp = api
            .handle(request(&method, &path, Some(&json!({})), None))
            .await;
        let v: Value = serde_json::from_slice(resp.body().as_ref()).unwrap_or(Value::Null);
        assert!(
            !(resp.status() == 404 && v["error"]["message"] == "No encontramos esa ruta."),
            "{method} {path} is not routed"
        );
    }
    assert!(doc["components"]["schemas"]["AppointmentCreate"].is_object());
}
