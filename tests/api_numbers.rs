//! Numbers and the team by the dashboard (issue 13, items 3 and 5): the
//! platform admin attaches a number a business already has (the business
//! goes live, routing finds it, the owner is told, the activity feed says
//! so) and detaches it; adding a staff member sends the welcome.

#[path = "api_helpers.rs"]
mod helpers;

use helpers::*;
use parlo_app::services::onboarding::{AWAITING_NUMBER, COMPLETED};
use parlo_core::*;
use parlo_tests::*;
use serde_json::json;

/// A business that finished onboarding and asked to connect its number.
async fn awaiting(store: &parlo_store::Store) -> (Organization, Staff) {
    let t = now();
    let org = Organization {
        id: uuid::Uuid::new_v4(),
        name: "Barbería Conectada".into(),
        whatsapp_number: None,
        timezone: DEFAULT_TIMEZONE.into(),
        status: OrgStatus::Onboarding,
        settings: OrgSettings::default(),
        onboarding_state: Some(AWAITING_NUMBER.into()),
        onboarding_data: json!({}),
        last_message_at: Some(t),
        created_at: t,
        updated_at: t,
    };
    store.create_organization(&org).await.unwrap();
    let owner = Staff {
        id: uuid::Uuid::new_v4(),
        org_id: org.id,
        location_id: None,
        name: "Memo".into(),
        phone: random_phone(),
        role: StaffRole::Owner,
        permission_level: PermissionLevel::Owner,
        is_active: true,
        first_message_at: Some(t),
        default_spot_id: None,
        service_ids: vec![],
        bookable: true,
        created_at: t,
        updated_at: t,
    };
    store.create_staff(&owner).await.unwrap();
    (org, owner)
}

#[tokio::test]
async fn the_admin_attaches_and_detaches_a_number() {
    let store = store().await;
    let api = api(&store);
    let admin = admin(&api).await;
    let (org, owner) = awaiting(&store).await;
    let number = random_phone();
    let path = format!("/api/v1/admin/organizations/{}/number", org.id);
    let typed = number.trim_start_matches("+52");
    let (s, v) = admin.post(&path, json!({"whatsapp_number": typed})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "active");
    assert_eq!(v["whatsapp_number"], json!(number));
    assert_eq!(v["onboarding_state"], json!(COMPLETED));
    // Routing finds the business by its number.
    let routed = store.organization_by_whatsapp(&number).await.unwrap();
    assert_eq!(routed.map(|o| o.id), Some(org.id));
    // The owner is told, from Parlo's number: outside their 24-hour
    // window, as the approved template.
    let told = store.outbox_to(&owner.phone, None, 10).await.unwrap();
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].kind.as_deref(), Some("business_live"));
    assert_eq!(told[0].path.as_deref(), Some("template"));
    assert_eq!(told[0].from, "+525500000000");
    assert!(
        told[0].body.as_deref().unwrap_or("").contains("¡Listo!"),
        "{told:?}"
    );
    // Another business cannot take the same number.
    let (other, _) = awaiting(&store).await;
    let (s, v) = admin
        .post(
            &format!("/api/v1/admin/organizations/{}/number", other.id),
            json!({"whatsapp_number": number}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(code(&v), "invalid_number");
    let (s, v) = admin.post(&path, json!({"whatsapp_number": "12"})).await;
    assert_eq!(s, 400, "{v}");

    // Detached: back to awaiting a number, routing no longer finds it.
    let (s, v) = admin.delete(&path).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "onboarding");
    assert!(v["whatsapp_number"].is_null());
    assert!(store
        .organization_by_whatsapp(&number)
        .await
        .unwrap()
        .is_none());
    let feed = store
        .activity_since(chrono::DateTime::UNIX_EPOCH)
        .await
        .unwrap();
    let mine: Vec<&str> = feed
        .iter()
        .filter(|a| a.org_id == Some(org.id))
        .map(|a| a.summary.as_str())
        .collect();
    assert!(
        mine.iter().any(|s| s.contains("conectado por el admin")),
        "{mine:?}"
    );
    assert!(
        mine.iter().any(|s| s.contains("desconectado por el admin")),
        "{mine:?}"
    );
    assert!(mine.iter().any(|s| s.contains("está activo")), "{mine:?}");

    // Only the platform admin may do it.
    let biz = business(&store).await;
    let owner_client = helpers::owner(&api, &biz).await;
    let (s, _) = owner_client
        .post(&path, json!({"whatsapp_number": random_phone()}))
        .await;
    assert!(s == 401 || s == 403, "{s}");
}

#[tokio::test]
async fn adding_staff_from_the_dashboard_sends_the_welcome() {
    let store = store().await;
    let api = api(&store);
    let biz = business(&store).await;
    let owner = owner(&api, &biz).await;
    let phone = random_phone();
    let (s, v) = owner
        .post(
            "/api/v1/staff",
            json!({"name": "Lalo Pérez", "phone": phone}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let sent = store.outbox_to(&phone, None, 10).await.unwrap();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].kind.as_deref(), Some("employee_welcome"));
    assert_eq!(sent[0].from, biz.org.whatsapp_number.clone().unwrap());
    assert!(
        sent[0].body.as_deref().unwrap_or("").contains("Lalo"),
        "{:?}",
        sent[0].body
    );
}
