//! parlo-store against DynamoDB Local: CRUD of every entity, the GSI
//! lookups, uniqueness sentinels, pagination, tenant isolation, and the
//! booking operations one at a time (races are in race.rs).

use std::collections::HashSet;

use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use parlo_core::ledger::{EntryKind, LedgerKey, Resource};
use parlo_core::scheduling::Unavailable;
use parlo_core::*;
use parlo_store::{RescheduleRequest, StaffChoice, Store, StoreError, WalkInRequest};
use parlo_tests::*;
use uuid::Uuid;

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn biz(store: &Store) -> Biz {
    create_business(store, &BizSpec::default()).await
}

// ---- organizations ------------------------------------------------------------

#[tokio::test]
async fn organization_crud_and_whatsapp_number_lookup() {
    let store = store().await;
    let wa = random_phone();
    let mut org = organization(
        "Uñas Lupita",
        "America/Mexico_City",
        Some(wa.clone()),
        BookingPolicy::default(),
    );
    store.create_organization(&org).await.unwrap();
    assert_eq!(
        store.get_organization(org.id).await.unwrap().as_ref(),
        Some(&org)
    );
    assert_eq!(
        store
            .organization_by_whatsapp(&wa)
            .await
            .unwrap()
            .map(|o| o.id),
        Some(org.id)
    );
    assert!(store
        .organization_by_whatsapp(&random_phone())
        .await
        .unwrap()
        .is_none());

    // One number, one business.
    let thief = organization(
        "Otra",
        "America/Mexico_City",
        Some(wa.clone()),
        BookingPolicy::default(),
    );
    assert!(matches!(
        store.create_organization(&thief).await,
        Err(StoreError::AlreadyExists {
            what: "whatsapp number"
        })
    ));
    assert!(
        store.get_organization(thief.id).await.unwrap().is_none(),
        "nothing of the loser written"
    );
    assert!(matches!(
        store.create_organization(&org).await,
        Err(StoreError::AlreadyExists { .. })
    ));

    // Changing the number moves the sentinel: the old number is free.
    let new_wa = random_phone();
    org.whatsapp_number = Some(new_wa.clone());
    org.name = "Uñas Lupita Centro".into();
    org.updated_at = now() + Duration::minutes(1);
    store.update_organization(&org).await.unwrap();
    assert!(store.organization_by_whatsapp(&wa).await.unwrap().is_none());
    assert_eq!(
        store
            .organization_by_whatsapp(&new_wa)
            .await
            .unwrap()
            .unwrap()
            .name,
        "Uñas Lupita Centro"
    );
    store
        .create_organization(&thief)
        .await
        .expect("the released number can be taken");

    // Another business cannot move onto a taken number.
    let mut other = store.get_organization(thief.id).await.unwrap().unwrap();
    other.whatsapp_number = Some(new_wa.clone());
    assert!(matches!(
        store.update_organization(&other).await,
        Err(StoreError::AlreadyExists {
            what: "whatsapp number"
        })
    ));
    assert_eq!(
        store
            .organization_by_whatsapp(&wa)
            .await
            .unwrap()
            .unwrap()
            .id,
        thief.id
    );

    let ghost = organization(
        "Nadie",
        "America/Mexico_City",
        None,
        BookingPolicy::default(),
    );
    assert!(matches!(
        store.update_organization(&ghost).await,
        Err(StoreError::NotFound { .. })
    ));
}

#[tokio::test]
async fn admin_lists_organizations_newest_first_with_cursor() {
    let store = store().await;
    // Far-future creation times put these at the head of the global,
    // newest-first `ORGS` index whatever other runs left in the table.
    let base =
        utc("2099-01-01T00:00:00Z") + Duration::seconds(rand::random_range(0..1_000_000_000));
    let mut ids = Vec::new();
    for i in 0..3 {
        let mut o = organization(
            &format!("Admin {i}"),
            "Europe/Madrid",
            None,
            BookingPolicy::default(),
        );
        o.status = OrgStatus::Suspended;
        o.created_at = base + Duration::seconds(i);
        store.create_organization(&o).await.unwrap();
        ids.push(o.id);
    }
    // Page through the suspended businesses (two per page) until all three
    // of ours have shown up.
    let mut seen = Vec::new();
    let mut cursor = None;
    for _ in 0..10_000 {
        let page = store
            .list_organizations(Some(OrgStatus::Suspended), 2, cursor.as_deref())
            .await
            .unwrap();
        assert!(page.items.len() <= 2);
        assert!(page.items.iter().all(|o| o.status == OrgStatus::Suspended));
        seen.extend(page.items.iter().map(|o| (o.created_at, o.id)));
        cursor = page.next;
        if cursor.is_none() || ids.iter().all(|id| seen.iter().any(|(_, s)| s == id)) {
            break;
        }
    }
    let ours: Vec<_> = seen
        .iter()
        .filter(|(_, id)| ids.contains(id))
        .map(|(_, id)| *id)
        .collect();
    assert_eq!(
        ours,
        ids.iter().rev().copied().collect::<Vec<_>>(),
        "all three, newest first"
    );
    assert!(
        seen.windows(2).all(|w| w[0].0 >= w[1].0),
        "newest first across pages"
    );
    let active = store
        .list_organizations(Some(OrgStatus::Active), 50, None)
        .await
        .unwrap();
    assert!(active
        .items
        .iter()
        .all(|o| o.status == OrgStatus::Active && !ids.contains(&o.id)));

    // A forged cursor pointing into a business partition is refused.
    let forged =
        serde_json::json!({"PK": "ORG#x", "SK": "ORG", "GSI2PK": "ORG#x#CUSTNAME", "GSI2SK": "a"})
            .to_string();
    assert!(matches!(
        store.list_organizations(None, 5, Some(&forged)).await,
        Err(StoreError::InvalidCursor)
    ));
    assert!(matches!(
        store.list_organizations(None, 5, Some("garbage")).await,
        Err(StoreError::InvalidCursor)
    ));
}

// ---- catalogue ------------------------------------------------------------------

#[tokio::test]
async fn location_service_spot_crud() {
    let store = store().await;
    let b = biz(&store).await;
    let org = b.id();

    let mut loc = b.location.clone();
    assert_eq!(
        store.get_location(org, loc.id).await.unwrap().as_ref(),
        Some(&loc)
    );
    loc.name = "Sucursal Norte".into();
    store.update_location(&loc).await.unwrap();
    assert_eq!(store.list_locations(org).await.unwrap(), vec![loc.clone()]);
    assert!(matches!(
        store.create_location(&loc).await,
        Err(StoreError::AlreadyExists { .. })
    ));
    let mut ghost = loc.clone();
    ghost.id = Uuid::new_v4();
    assert!(matches!(
        store.update_location(&ghost).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(
        store.get_location(org, ghost.id).await.unwrap().is_none(),
        "update never creates"
    );

    let mut svc = b.service("Corte").clone();
    svc.price_cents = 17_500;
    store.update_service(&svc).await.unwrap();
    assert_eq!(
        store
            .get_service(org, svc.id)
            .await
            .unwrap()
            .unwrap()
            .price_cents,
        17_500
    );
    let mut listed = store.list_services(org).await.unwrap();
    listed.sort_by_key(|s| s.name.clone());
    assert_eq!(
        listed.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        vec!["Corte", "Tinte"]
    );
    assert!(store.delete_service(org, svc.id).await.unwrap());
    assert!(!store.delete_service(org, svc.id).await.unwrap());
    assert_eq!(store.list_services(org).await.unwrap().len(), 1);

    let mut spot = b.spots[1].clone();
    spot.display_order = 0;
    spot.name = "Sillón VIP".into();
    let mut first = b.spots[0].clone();
    first.display_order = 5;
    store.update_spot(&spot).await.unwrap();
    store.update_spot(&first).await.unwrap();
    let spots = store.list_spots(org).await.unwrap();
    assert_eq!(
        spots.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![spot.id, first.id],
        "display order"
    );
    assert!(store.delete_spot(org, first.id).await.unwrap());
    assert_eq!(store.list_spots(org).await.unwrap(), vec![spot]);

    assert!(store.delete_location(org, loc.id).await.unwrap());
    assert!(store.list_locations(org).await.unwrap().is_empty());
}

#[tokio::test]
async fn staff_phone_is_unique_per_business_and_found_across_businesses() {
    let store = store().await;
    let a = biz(&store).await;
    let b = biz(&store).await;
    let phone = random_phone();

    let mut ana = Staff {
        phone: phone.clone(),
        name: "Ana".into(),
        ..a.staff[1].clone()
    };
    ana.id = Uuid::new_v4();
    store.create_staff(&ana).await.unwrap();
    // Same phone again in business A: refused, nothing written.
    let dup = Staff {
        id: Uuid::new_v4(),
        name: "Ana bis".into(),
        ..ana.clone()
    };
    assert!(matches!(
        store.create_staff(&dup).await,
        Err(StoreError::AlreadyExists {
            what: "staff phone"
        })
    ));
    assert!(store.get_staff(a.id(), dup.id).await.unwrap().is_none());
    // Same phone in business B: fine (she works at both).
    let ana_b = Staff {
        id: Uuid::new_v4(),
        org_id: b.id(),
        location_id: Some(b.location.id),
        ..ana.clone()
    };
    store.create_staff(&ana_b).await.unwrap();

    let mut orgs: Vec<OrgId> = store
        .staff_memberships(&phone)
        .await
        .unwrap()
        .iter()
        .map(|s| s.org_id)
        .collect();
    orgs.sort();
    let mut expected = vec![a.id(), b.id()];
    expected.sort();
    assert_eq!(orgs, expected, "GSI1 PHONE# finds both businesses");
    assert_eq!(
        store
            .staff_by_phone(a.id(), &phone)
            .await
            .unwrap()
            .unwrap()
            .id,
        ana.id
    );
    assert_eq!(
        store
            .staff_by_phone(b.id(), &phone)
            .await
            .unwrap()
            .unwrap()
            .id,
        ana_b.id
    );
    assert_eq!(store.list_staff(a.id()).await.unwrap().len(), 3);

    // Changing her phone in A moves the sentinel and the GSI entry.
    let new_phone = random_phone();
    let moved = Staff {
        phone: new_phone.clone(),
        updated_at: now() + Duration::minutes(1),
        ..ana.clone()
    };
    store.update_staff(&moved).await.unwrap();
    assert!(store
        .staff_by_phone(a.id(), &phone)
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        store
            .staff_by_phone(a.id(), &new_phone)
            .await
            .unwrap()
            .unwrap()
            .id,
        ana.id
    );
    assert_eq!(
        store
            .staff_memberships(&phone)
            .await
            .unwrap()
            .iter()
            .map(|s| s.org_id)
            .collect::<Vec<_>>(),
        vec![b.id()]
    );
    // The freed phone can be used again in A; a taken one cannot.
    store
        .create_staff(&Staff {
            id: Uuid::new_v4(),
            ..ana.clone()
        })
        .await
        .unwrap();
    let clash = Staff {
        phone: a.staff[0].phone.clone(),
        updated_at: now() + Duration::minutes(2),
        ..moved.clone()
    };
    assert!(matches!(
        store.update_staff(&clash).await,
        Err(StoreError::AlreadyExists {
            what: "staff phone"
        })
    ));

    assert!(store.delete_staff(a.id(), ana.id).await.unwrap());
    assert!(store
        .staff_by_phone(a.id(), &new_phone)
        .await
        .unwrap()
        .is_none());
    assert!(!store.delete_staff(a.id(), ana.id).await.unwrap());
}

#[tokio::test]
async fn availability_rows_and_weekly_replace() {
    let store = store().await;
    let b = biz(&store).await;
    let (org, s0, s1) = (b.id(), b.staff[0].id, b.staff[1].id);
    let row = |staff, weekday, range| RecurringAvailability {
        id: Uuid::new_v4(),
        org_id: org,
        staff_id: staff,
        weekday,
        range,
        created_at: now(),
    };
    let r1 = row(s0, 0, TimeRange::hm((9, 0), (14, 0)));
    let r2 = row(s0, 0, TimeRange::hm((16, 0), (20, 0)));
    let r3 = row(s1, 2, TimeRange::hm((10, 0), (18, 0)));
    for r in [&r1, &r2, &r3] {
        store.put_recurring(r).await.unwrap();
    }
    let x = AvailabilityException {
        id: Uuid::new_v4(),
        org_id: org,
        staff_id: s0,
        date: date("2030-01-15"),
        range: None,
        is_available: false,
        reason: Some("Vacaciones".into()),
        created_at: now(),
    };
    store.put_exception(&x).await.unwrap();

    let all = store.list_availability(org, None).await.unwrap();
    assert_eq!(all.recurring.len(), 3);
    assert_eq!(all.exceptions, vec![x.clone()]);
    let only_s1 = store.list_availability(org, Some(s1)).await.unwrap();
    assert_eq!(only_s1.recurring, vec![r3.clone()]);
    assert!(only_s1.exceptions.is_empty());

    // Replace s0's week: r1 stays, r2 goes, r4 comes.
    let r4 = row(s0, 5, TimeRange::hm((10, 0), (15, 0)));
    store
        .replace_recurring(org, s0, &[r1.clone(), r4.clone()])
        .await
        .unwrap();
    let mut week: Vec<Uuid> = store
        .list_availability(org, Some(s0))
        .await
        .unwrap()
        .recurring
        .iter()
        .map(|r| r.id)
        .collect();
    week.sort();
    let mut expected = vec![r1.id, r4.id];
    expected.sort();
    assert_eq!(week, expected);
    assert_eq!(
        store
            .list_availability(org, Some(s1))
            .await
            .unwrap()
            .recurring,
        vec![r3],
        "other staff untouched"
    );
    assert!(matches!(
        store
            .replace_recurring(org, s1, std::slice::from_ref(&r1))
            .await,
        Err(StoreError::Conflict(_))
    ));

    assert!(store.delete_recurring(org, s0, r1.id).await.unwrap());
    assert!(store.delete_exception(org, s0, x.date, x.id).await.unwrap());
    let left = store.list_availability(org, Some(s0)).await.unwrap();
    assert_eq!(left.recurring, vec![r4]);
    assert!(left.exceptions.is_empty());
}

// ---- customers ------------------------------------------------------------------

#[tokio::test]
async fn customer_get_or_create_is_race_safe() {
    let store = store().await;
    let b = biz(&store).await;
    let phone = random_phone();
    let attempts = (0..12).map(|_| {
        let store = store.clone();
        let phone = phone.clone();
        let org = b.id();
        tokio::spawn(async move {
            store
                .get_or_create_customer(org, &phone, Some("Rosa"), now())
                .await
                .unwrap()
        })
    });
    let results: Vec<(Customer, bool)> = futures::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(
        results.iter().filter(|(_, created)| *created).count(),
        1,
        "exactly one creates"
    );
    let ids: HashSet<CustomerId> = results.iter().map(|(c, _)| c.id).collect();
    assert_eq!(ids.len(), 1, "everyone gets the same customer");
    let page = store.list_customers(b.id(), 100, None).await.unwrap();
    assert_eq!(page.items.iter().filter(|c| c.phone == phone).count(), 1);
}

#[tokio::test]
async fn customer_search_by_phone_prefix_and_folded_name() {
    let store = store().await;
    let b = biz(&store).await;
    let org = b.id();
    let prefix = format!("+5233{:04}", rand::random_range(0..10_000u32));
    let mk = |suffix: &str| format!("{prefix}{suffix}");
    let (jose, _) = store
        .get_or_create_customer(org, &mk("1111"), Some("José Pérez"), now())
        .await
        .unwrap();
    let (josefina, _) = store
        .get_or_create_customer(org, &mk("1122"), Some("JOSEFINA Núñez"), now())
        .await
        .unwrap();
    let (maria, _) = store
        .get_or_create_customer(org, &mk("2233"), Some("María José"), now())
        .await
        .unwrap();
    let (anon, created) = store
        .get_or_create_customer(org, &mk("3344"), None, now())
        .await
        .unwrap();
    assert!(created);

    let found = |v: Vec<Customer>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(
        found(
            store
                .search_customers_by_phone(org, &mk("11"), 10)
                .await
                .unwrap()
        ),
        vec![jose.id, josefina.id]
    );
    assert_eq!(
        found(
            store
                .search_customers_by_phone(org, &prefix, 10)
                .await
                .unwrap()
        )
        .len(),
        4
    );
    assert_eq!(
        found(
            store
                .search_customers_by_phone(org, &prefix, 2)
                .await
                .unwrap()
        )
        .len(),
        2,
        "limit"
    );
    assert!(store
        .search_customers_by_phone(org, &mk("9"), 10)
        .await
        .unwrap()
        .is_empty());

    // Accent- and case-insensitive name prefix, both ways round.
    for q in ["jose", "José", "JOSE", "  jos"] {
        let mut hits = found(store.search_customers_by_name(org, q, 10).await.unwrap());
        hits.sort();
        let mut expected = vec![jose.id, josefina.id];
        expected.sort();
        assert_eq!(hits, expected, "query {q:?}");
    }
    assert_eq!(
        found(
            store
                .search_customers_by_name(org, "jose p", 10)
                .await
                .unwrap()
        ),
        vec![jose.id]
    );
    assert_eq!(
        found(
            store
                .search_customers_by_name(org, "maria", 10)
                .await
                .unwrap()
        ),
        vec![maria.id]
    );
    assert!(
        store
            .search_customers_by_name(org, "perez", 10)
            .await
            .unwrap()
            .is_empty(),
        "prefix, not infix"
    );
    assert!(store
        .search_customers_by_name(org, "", 10)
        .await
        .unwrap()
        .is_empty());

    // Naming the anonymous customer puts them in the name index.
    let named = Customer {
        name: Some("Óscar".into()),
        updated_at: now() + Duration::minutes(1),
        ..anon.clone()
    };
    store.update_customer(&named).await.unwrap();
    assert_eq!(
        found(
            store
                .search_customers_by_name(org, "osc", 10)
                .await
                .unwrap()
        ),
        vec![anon.id]
    );
    // Updates are last-writer-wins on the fields; the store only guards
    // its own read-modify-write of the sentinels.
    let renamed = Customer {
        name: Some("Oscar Ruiz".into()),
        ..anon.clone()
    };
    store.update_customer(&renamed).await.unwrap();
    assert_eq!(
        store
            .get_customer(org, anon.id)
            .await
            .unwrap()
            .unwrap()
            .name
            .as_deref(),
        Some("Oscar Ruiz")
    );
    assert_eq!(
        found(
            store
                .search_customers_by_name(org, "oscar r", 10)
                .await
                .unwrap()
        ),
        vec![anon.id]
    );
    // Moving to a taken phone is refused; to a free one moves the sentinel.
    let clash = Customer {
        phone: jose.phone.clone(),
        updated_at: now() + Duration::minutes(5),
        ..named.clone()
    };
    assert!(matches!(
        store.update_customer(&clash).await,
        Err(StoreError::AlreadyExists {
            what: "customer phone"
        })
    ));
    let moved = Customer {
        phone: mk("7777"),
        updated_at: now() + Duration::minutes(6),
        ..named.clone()
    };
    store.update_customer(&moved).await.unwrap();
    assert!(store
        .customer_by_phone(org, &mk("3344"))
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        store
            .customer_by_phone(org, &mk("7777"))
            .await
            .unwrap()
            .unwrap()
            .id,
        anon.id
    );
}

#[tokio::test]
async fn a_phone_is_found_as_customer_across_businesses() {
    let store = store().await;
    let a = biz(&store).await;
    let b = biz(&store).await;
    let phone = random_phone();
    let (ca, _) = store
        .get_or_create_customer(a.id(), &phone, Some("Lupe"), now())
        .await
        .unwrap();
    let (cb, _) = store
        .get_or_create_customer(b.id(), &phone, Some("Lupita"), now())
        .await
        .unwrap();
    assert_ne!(ca.id, cb.id, "one customer per business");
    let mut profiles: Vec<(OrgId, CustomerId)> = store
        .customer_profiles(&phone)
        .await
        .unwrap()
        .iter()
        .map(|c| (c.org_id, c.id))
        .collect();
    profiles.sort();
    let mut expected = vec![(a.id(), ca.id), (b.id(), cb.id)];
    expected.sort();
    assert_eq!(profiles, expected);
    // A staff member's phone does not show up as a customer, nor the reverse.
    assert!(store
        .customer_profiles(&a.staff[0].phone)
        .await
        .unwrap()
        .is_empty());
    assert!(store.staff_memberships(&phone).await.unwrap().is_empty());
}

// ---- conversations, messages, flows, dedupe, tokens -----------------------------

#[tokio::test]
async fn conversations_messages_and_flow_sessions() {
    let store = store().await;
    let b = biz(&store).await;
    let org = b.id();
    let peer = random_phone();
    let conv = Conversation {
        id: Uuid::now_v7(),
        org_id: org,
        kind: ConversationKind::Customer,
        peer_phone: peer.clone(),
        customer_id: None,
        staff_id: None,
        status: ConversationStatus::Active,
        handed_off_until: None,
        context: serde_json::json!({"lang": "es-MX"}),
        created_at: now(),
        updated_at: now(),
        last_message_at: now(),
    };
    store.create_conversation(&conv).await.unwrap();
    assert!(matches!(
        store.create_conversation(&conv).await,
        Err(StoreError::AlreadyExists { .. })
    ));
    assert_eq!(
        store.get_conversation(org, &peer).await.unwrap().as_ref(),
        Some(&conv)
    );
    let handed = Conversation {
        status: ConversationStatus::HandedOff,
        ..conv.clone()
    };
    store.put_conversation(&handed).await.unwrap();
    assert_eq!(
        store
            .get_conversation(org, &peer)
            .await
            .unwrap()
            .unwrap()
            .status,
        ConversationStatus::HandedOff
    );
    assert!(store
        .get_conversation(org, &random_phone())
        .await
        .unwrap()
        .is_none());

    // Seven messages, some in the same second, stored out of order.
    let msgs: Vec<Message> = (0..7)
        .map(|i| Message {
            id: Uuid::now_v7(),
            org_id: org,
            conversation_id: conv.id,
            direction: if i % 2 == 0 {
                Direction::Inbound
            } else {
                Direction::Outbound
            },
            sender_type: if i % 2 == 0 {
                SenderType::Customer
            } else {
                SenderType::Ai
            },
            content_type: ContentType::Text,
            content: format!("mensaje {i}"),
            media_url: None,
            provider_id: Some(format!("SM{i}")),
            delivery_status: None,
            created_at: now() + Duration::milliseconds(i * 400),
        })
        .collect();
    for m in msgs.iter().rev() {
        assert!(store.append_message(m).await.unwrap());
    }
    assert!(
        !store.append_message(&msgs[3]).await.unwrap(),
        "same message twice is stored once"
    );
    // Another conversation's messages never mix in.
    let other = Message {
        conversation_id: Uuid::now_v7(),
        id: Uuid::now_v7(),
        ..msgs[0].clone()
    };
    store.append_message(&other).await.unwrap();

    let mut listed = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = store
            .list_messages(org, conv.id, 3, cursor.as_deref())
            .await
            .unwrap();
        pages += 1;
        listed.extend(page.items);
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(listed, msgs, "oldest first, all pages");
    assert!(pages >= 3);
    let recent = store.recent_messages(org, conv.id, 3).await.unwrap();
    assert_eq!(recent, msgs[4..].to_vec(), "last three, oldest first");

    let flow = FlowSession {
        org_id: org,
        conversation_id: conv.id,
        flow_type: FlowType::Booking,
        state: "awaiting_time".into(),
        collected_data: serde_json::json!({"service": "Corte", "day": "mañana"}),
        created_at: now(),
        updated_at: now(),
    };
    assert!(store.get_flow(org, conv.id).await.unwrap().is_none());
    store.put_flow(&flow).await.unwrap();
    assert_eq!(
        store.get_flow(org, conv.id).await.unwrap().as_ref(),
        Some(&flow)
    );
    assert!(store.delete_flow(org, conv.id).await.unwrap());
    assert!(store.get_flow(org, conv.id).await.unwrap().is_none());
    assert!(!store.delete_flow(org, conv.id).await.unwrap());
}

#[tokio::test]
async fn inbound_dedupe_admits_each_message_sid_once() {
    let store = store().await;
    let sid = format!("SM{}", Uuid::new_v4().simple());
    let tries = (0..10).map(|_| {
        let store = store.clone();
        let sid = sid.clone();
        tokio::spawn(async move { store.record_inbound(&sid, now()).await.unwrap() })
    });
    let fresh: Vec<bool> = futures::future::join_all(tries)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(fresh.iter().filter(|f| **f).count(), 1);
    assert!(!store.record_inbound(&sid, now()).await.unwrap());
    assert!(store
        .record_inbound(&format!("{sid}x"), now())
        .await
        .unwrap());
}

#[tokio::test]
async fn auth_tokens_redeem_once_and_expire() {
    let store = store().await;
    let b = biz(&store).await;
    let token = |hash: String, expires| AuthToken {
        token_hash: hash,
        org_id: b.id(),
        staff_id: b.staff[0].id,
        expires_at: expires,
        used_at: None,
        created_at: now(),
    };
    let live = token(
        format!("{:064x}", Uuid::new_v4().as_u128()),
        now() + Duration::minutes(15),
    );
    store.put_auth_token(&live).await.unwrap();
    assert!(matches!(
        store.put_auth_token(&live).await,
        Err(StoreError::AlreadyExists { .. })
    ));
    let redeems = (0..8).map(|_| {
        let store = store.clone();
        let hash = live.token_hash.clone();
        tokio::spawn(async move {
            store
                .redeem_auth_token(&hash, now() + Duration::minutes(1))
                .await
        })
    });
    let results: Vec<_> = futures::future::join_all(redeems)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    let ok: Vec<&AuthToken> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(ok.len(), 1, "single use under concurrency");
    assert_eq!(ok[0].used_at, Some(now() + Duration::minutes(1)));
    assert_eq!(ok[0].staff_id, b.staff[0].id);
    assert!(results
        .iter()
        .filter(|r| r.is_err())
        .all(|r| matches!(r, Err(StoreError::Conflict(_)))));

    let old = token(
        format!("{:064x}", Uuid::new_v4().as_u128()),
        now() - Duration::seconds(1),
    );
    store.put_auth_token(&old).await.unwrap();
    assert!(matches!(
        store.redeem_auth_token(&old.token_hash, now()).await,
        Err(StoreError::Expired { .. })
    ));
    assert!(matches!(
        store.redeem_auth_token("nope", now()).await,
        Err(StoreError::NotFound { .. })
    ));
}

// ---- bookings -------------------------------------------------------------------

#[tokio::test]
async fn booking_lifecycle_and_appointment_lookups() {
    let store = store().await;
    let b = biz(&store).await;
    let org = b.id();
    let corte = b.service("Corte").clone();
    let tinte = b.service("Tinte").clone();
    let lupe = b.customer(&store, "Lupe").await;
    let rosa = b.customer(&store, "Rosa").await;
    let tz = b.tz;

    // Tuesday 2030-01-08, 10:00 and 10:00 again (the second goes to the
    // other staff member), 19:30 (a UTC-next-day start), Wednesday 11:00.
    let t10 = local(tz, "2030-01-08", 10, 0);
    let a1 = store.book(&b.booking(&corte, lupe.id, t10)).await.unwrap();
    let a2 = store.book(&b.booking(&tinte, rosa.id, t10)).await.unwrap();
    assert_ne!(a1.staff_id, a2.staff_id, "two staff at 10:00");
    assert_ne!(a1.spot_id, a2.spot_id, "two spots at 10:00");
    assert!(a1.spot_id.is_some() && a2.spot_id.is_some());
    assert_eq!(a2.end - a2.start, Duration::hours(4));
    assert_eq!(a2.price_cents, tinte.price_cents);
    // Both staff and both spots are now busy at 10:15: a third is refused.
    let third = store
        .book(&b.booking(&corte, rosa.id, t10 + Duration::minutes(15)))
        .await;
    assert!(
        matches!(third, Err(StoreError::SlotTaken { .. })),
        "{third:?}"
    );
    let t1930 = local(tz, "2030-01-08", 19, 30);
    assert_eq!(
        t1930.date_naive(),
        date("2030-01-09"),
        "UTC date is the next day"
    );
    let a3 = store
        .book(&b.booking(&corte, lupe.id, t1930))
        .await
        .unwrap();
    let a4 = store
        .book(&b.booking(&corte, rosa.id, local(tz, "2030-01-09", 11, 0)))
        .await
        .unwrap();

    // The engine's refusals come through typed.
    let closed = store
        .book(&b.booking(&corte, lupe.id, local(tz, "2030-01-08", 22, 0)))
        .await;
    assert!(
        matches!(closed, Err(StoreError::Unavailable(Unavailable::Closed))),
        "{closed:?}"
    );
    let soon = store
        .book(&b.booking(&corte, lupe.id, now() + Duration::minutes(10)))
        .await;
    assert!(
        matches!(soon, Err(StoreError::Unavailable(Unavailable::TooSoon))),
        "{soon:?}"
    );
    let mut unknown = b.booking(&corte, lupe.id, t1930 + Duration::hours(1));
    unknown.service_id = Uuid::new_v4();
    assert!(matches!(
        store.book(&unknown).await,
        Err(StoreError::Unavailable(Unavailable::UnknownService))
    ));

    // Ledgers: local dates, not UTC ones.
    let staff_day = LedgerKey {
        resource: Resource::Staff(a3.staff_id),
        date: date("2030-01-08"),
    };
    let ledger = store.get_ledgers(org, &[staff_day]).await.unwrap();
    assert_eq!(ledger.len(), 1);
    assert!(ledger[0]
        .entries
        .iter()
        .any(|e| e.ref_id == a3.id && e.kind == EntryKind::Appointment));
    let wrong_day = LedgerKey {
        resource: Resource::Staff(a3.staff_id),
        date: date("2030-01-09"),
    };
    let next = store.get_ledgers(org, &[wrong_day]).await.unwrap();
    assert!(next
        .iter()
        .all(|l| l.entries.iter().all(|e| e.ref_id != a3.id)));

    // A7: the business's Tuesday (local day bounds).
    let day = store
        .appointments_between(
            org,
            local(tz, "2030-01-08", 0, 0),
            local(tz, "2030-01-09", 0, 0),
            50,
            None,
        )
        .await
        .unwrap();
    let mut ids: Vec<_> = day.items.iter().map(|a| a.id).collect();
    ids.sort();
    let mut expected = vec![a1.id, a2.id, a3.id];
    expected.sort();
    assert_eq!(ids, expected);
    assert!(
        day.items.windows(2).all(|w| w[0].start <= w[1].start),
        "by start"
    );
    // Pagination over the same range.
    let first = store
        .appointments_between(org, t10, t10 + Duration::days(3), 2, None)
        .await
        .unwrap();
    assert_eq!(first.items.len(), 2);
    let rest = store
        .appointments_between(org, t10, t10 + Duration::days(3), 10, first.next.as_deref())
        .await
        .unwrap();
    assert_eq!(first.items.len() + rest.items.len(), 4);
    // A8: one staff member's.
    let mine = store
        .staff_appointments(org, a1.staff_id, t10, t10 + Duration::days(3))
        .await
        .unwrap();
    assert!(mine.iter().all(|a| a.staff_id == a1.staff_id) && mine.iter().any(|a| a.id == a1.id));
    assert!(!mine.iter().any(|a| a.id == a2.id));
    // A9: one customer's, from a time on.
    let lupes: Vec<_> = store
        .customer_appointments(org, lupe.id, None)
        .await
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(lupes, vec![a1.id, a3.id]);
    let rosas: Vec<_> = store
        .customer_appointments(org, rosa.id, Some(t10 + Duration::hours(1)))
        .await
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(rosas, vec![a4.id]);

    // Status changes: complete and no-show keep the time busy.
    let done = store.complete(org, a1.id, now()).await.unwrap();
    assert_eq!(done.status, AppointmentStatus::Completed);
    assert!(matches!(
        store.cancel(org, a1.id, None, now()).await,
        Err(StoreError::InvalidStatus { .. })
    ));
    assert!(matches!(
        store.no_show(org, a1.id, now()).await,
        Err(StoreError::InvalidStatus { .. })
    ));
    let again = store.book(&b.booking(&corte, rosa.id, t10)).await;
    assert!(
        matches!(again, Err(StoreError::SlotTaken { .. })),
        "completed still occupies: {again:?}"
    );
    let ns = store.no_show(org, a4.id, now()).await.unwrap();
    assert_eq!(ns.status, AppointmentStatus::NoShow);
    assert!(matches!(
        store.complete(org, Uuid::new_v4(), now()).await,
        Err(StoreError::NotFound { .. })
    ));

    // Cancel frees the time at once, once.
    let cancelled = store
        .cancel(org, a3.id, Some("no puedo".into()), now())
        .await
        .unwrap();
    assert_eq!(cancelled.status, AppointmentStatus::Cancelled);
    assert_eq!(cancelled.cancellation_reason.as_deref(), Some("no puedo"));
    assert!(matches!(
        store.cancel(org, a3.id, None, now()).await,
        Err(StoreError::InvalidStatus {
            status: AppointmentStatus::Cancelled
        })
    ));
    let ledger = store.get_ledgers(org, &[staff_day]).await.unwrap();
    assert!(ledger[0].entries.iter().all(|e| e.ref_id != a3.id));
    let mut retake = b.booking(&corte, rosa.id, t1930);
    retake.staff_pref = Some(a3.staff_id);
    store
        .book(&retake)
        .await
        .expect("cancelled time can be booked again");

    // Pending → confirmed.
    let mut hold = b.booking(&corte, lupe.id, local(tz, "2030-01-10", 12, 0));
    hold.status = AppointmentStatus::Pending;
    let held = store.book(&hold).await.unwrap();
    assert_eq!(
        store.confirm(org, held.id, now()).await.unwrap().status,
        AppointmentStatus::Confirmed
    );
    assert!(matches!(
        store.confirm(org, held.id, now()).await,
        Err(StoreError::InvalidStatus { .. })
    ));
    store.set_reminder_sent(org, held.id, now()).await.unwrap();
    assert_eq!(
        store
            .get_appointment(org, held.id)
            .await
            .unwrap()
            .unwrap()
            .reminder_sent_at,
        Some(now())
    );

    let all = store.all_appointments(org).await.unwrap();
    assert_eq!(
        all.len(),
        6,
        "a1 a2 a3 a4, the retake and the hold; refusals wrote nothing"
    );
    assert_no_overlaps(&all);
}

#[tokio::test]
async fn booking_is_idempotent_on_its_id() {
    let store = store().await;
    let b = biz(&store).await;
    let c = b.customer(&store, "Lupe").await;
    let req = b.booking(b.service("Corte"), c.id, local(b.tz, "2030-01-08", 12, 0));
    let first = store.book(&req).await.unwrap();
    let replay = store.book(&req).await.unwrap();
    assert_eq!(first, replay, "a retried turn gets the same appointment");
    assert_eq!(store.all_appointments(b.id()).await.unwrap().len(), 1);
    let other = parlo_store::BookRequest {
        customer_id: Uuid::new_v4(),
        ..req.clone()
    };
    assert!(
        matches!(
            store.book(&other).await,
            Err(StoreError::AlreadyExists { .. })
        ),
        "id of someone else's booking"
    );
}

#[tokio::test]
async fn preferences_are_honoured() {
    let store = store().await;
    let b = biz(&store).await;
    let c = b.customer(&store, "Lupe").await;
    let t = local(b.tz, "2030-01-08", 9, 0);
    let mut req = b.booking(b.service("Corte"), c.id, t);
    req.staff_pref = Some(b.staff[1].id);
    req.spot_pref = Some(b.spots[1].id);
    let a = store.book(&req).await.unwrap();
    assert_eq!(
        (a.staff_id, a.spot_id),
        (b.staff[1].id, Some(b.spots[1].id))
    );
    // The preferred staff member is busy: SlotTaken, even though the other
    // one is free.
    let mut busy = b.booking(b.service("Corte"), c.id, t);
    busy.staff_pref = Some(b.staff[1].id);
    assert!(matches!(
        store.book(&busy).await,
        Err(StoreError::SlotTaken { .. })
    ));
    // A staff member of another business is not one of ours.
    busy.staff_pref = Some(Uuid::new_v4());
    assert!(matches!(
        store.book(&busy).await,
        Err(StoreError::Unavailable(Unavailable::StaffCannotPerform))
    ));
}

#[tokio::test]
async fn reschedule_is_atomic() {
    let store = store().await;
    let b = biz(&store).await;
    let org = b.id();
    let c = b.customer(&store, "Lupe").await;
    let corte = b.service("Corte").clone();
    let tz = b.tz;
    let mut req = b.booking(&corte, c.id, local(tz, "2030-01-08", 10, 0));
    req.staff_pref = Some(b.staff[0].id);
    let a = store.book(&req).await.unwrap();
    let mut blocker_req = b.booking(&corte, c.id, local(tz, "2030-01-09", 10, 0));
    blocker_req.staff_pref = Some(b.staff[0].id);
    let blocker = store.book(&blocker_req).await.unwrap();

    // Onto a time the same staff member has taken: refused, old time kept.
    let onto = RescheduleRequest {
        service: None,
        org_id: org,
        appointment_id: a.id,
        new_start: local(tz, "2030-01-09", 10, 15),
        staff: StaffChoice::Keep,
        spot_pref: None,
        now: now(),
    };
    assert!(matches!(
        store.reschedule(&onto).await,
        Err(StoreError::SlotTaken { .. })
    ));
    assert_eq!(
        store.get_appointment(org, a.id).await.unwrap().unwrap(),
        a,
        "unchanged"
    );
    let old_day = LedgerKey {
        resource: Resource::Staff(b.staff[0].id),
        date: date("2030-01-08"),
    };
    let l = store.get_ledgers(org, &[old_day]).await.unwrap();
    assert!(
        l[0].entries.iter().any(|e| e.ref_id == a.id),
        "old time still held"
    );

    // With StaffChoice::Any it lands on the other staff member.
    let any = RescheduleRequest {
        service: None,
        staff: StaffChoice::Any,
        ..onto.clone()
    };
    let moved = store.reschedule(&any).await.unwrap();
    assert_eq!(moved.staff_id, b.staff[1].id);
    assert_eq!(moved.start, local(tz, "2030-01-09", 10, 15));
    assert_eq!(moved.created_at, a.created_at);
    let new_day = LedgerKey {
        resource: Resource::Staff(b.staff[1].id),
        date: date("2030-01-09"),
    };
    let ledgers = store.get_ledgers(org, &[old_day, new_day]).await.unwrap();
    for l in &ledgers {
        let has = l.entries.iter().any(|e| e.ref_id == a.id);
        assert_eq!(has, l.key() == new_day, "{:?}", l.key());
    }
    // A 15-minute shift overlapping its own old interval is fine.
    let nudge = RescheduleRequest {
        service: None,
        new_start: local(tz, "2030-01-09", 10, 30),
        staff: StaffChoice::Keep,
        ..onto.clone()
    };
    let nudged = store.reschedule(&nudge).await.unwrap();
    assert_eq!(nudged.staff_id, b.staff[1].id);
    // GSI keys follow the move.
    let day = store
        .appointments_between(
            org,
            local(tz, "2030-01-08", 0, 0),
            local(tz, "2030-01-09", 0, 0),
            10,
            None,
        )
        .await
        .unwrap();
    assert!(
        day.items.is_empty(),
        "nothing left on the 8th: {:?}",
        day.items
    );
    let staff1 = store
        .staff_appointments(
            org,
            b.staff[1].id,
            local(tz, "2030-01-09", 0, 0),
            local(tz, "2030-01-10", 0, 0),
        )
        .await
        .unwrap();
    assert_eq!(
        staff1.iter().map(|a| (a.id, a.start)).collect::<Vec<_>>(),
        vec![(a.id, nudged.start)]
    );

    // Exactly onto a given staff member; cancelled ones cannot move.
    let exact = RescheduleRequest {
        service: None,
        new_start: local(tz, "2030-01-09", 12, 0),
        staff: StaffChoice::Exactly(b.staff[0].id),
        ..onto.clone()
    };
    assert_eq!(
        store.reschedule(&exact).await.unwrap().staff_id,
        b.staff[0].id
    );
    store.cancel(org, blocker.id, None, now()).await.unwrap();
    let dead = RescheduleRequest {
        service: None,
        appointment_id: blocker.id,
        ..exact.clone()
    };
    assert!(matches!(
        store.reschedule(&dead).await,
        Err(StoreError::InvalidStatus { .. })
    ));
    let ghost = RescheduleRequest {
        service: None,
        appointment_id: Uuid::new_v4(),
        ..exact
    };
    assert!(matches!(
        store.reschedule(&ghost).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_no_overlaps(&store.all_appointments(org).await.unwrap());
}

#[tokio::test]
async fn walk_in_starts_now_without_notice() {
    let store = store().await;
    let b = biz(&store).await;
    let c = b.customer(&store, "Paco").await;
    // 10:07:31 local on a Tuesday.
    let at = local(b.tz, "2030-01-08", 10, 7) + Duration::seconds(31);
    let req = WalkInRequest {
        id: Uuid::now_v7(),
        org_id: b.id(),
        location_id: b.location.id,
        service_id: b.service("Corte").id,
        customer_id: c.id,
        staff_pref: None,
        spot_pref: None,
        notes: Some("sin cita".into()),
        now: at,
    };
    let a = store.walk_in(&req).await.unwrap();
    assert_eq!(a.start, local(b.tz, "2030-01-08", 10, 7));
    assert_eq!(a.source, AppointmentSource::WalkIn);
    // A regular booking at the same instant would need notice.
    let mut regular = b.booking(b.service("Corte"), c.id, a.start + Duration::minutes(1));
    regular.now = at;
    assert!(matches!(
        store.book(&regular).await,
        Err(StoreError::Unavailable(Unavailable::TooSoon))
    ));
    // Second walk-in takes the other staff member; a third finds nobody.
    let second = store
        .walk_in(&WalkInRequest {
            id: Uuid::now_v7(),
            ..req.clone()
        })
        .await
        .unwrap();
    assert_ne!(second.staff_id, a.staff_id);
    assert!(matches!(
        store
            .walk_in(&WalkInRequest {
                id: Uuid::now_v7(),
                ..req.clone()
            })
            .await,
        Err(StoreError::SlotTaken { .. })
    ));
    // After closing: closed.
    let late = WalkInRequest {
        id: Uuid::now_v7(),
        now: local(b.tz, "2030-01-08", 22, 30),
        ..req
    };
    assert!(matches!(
        store.walk_in(&late).await,
        Err(StoreError::Unavailable(Unavailable::Closed))
    ));
}

/// A warm process keeps whole-business closures with its cached catalogue
/// (a booking then reads no blocks): a closure, and its removal, change the
/// business's catalogue version in the same write, so the next turn, which
/// reads the version in its first batch, sees it at once.
#[tokio::test]
async fn a_closure_reaches_a_warm_process_at_once() {
    let store = store().await;
    let b = biz(&store).await;
    let org = b.id();
    let c = b.customer(&store, "Chayo").await;
    let tz = b.tz;
    let corte = b.service("Corte").clone();
    // The version as a turn's first batch reads it.
    let version = |store: Store| async move {
        let start = store
            .turn_start(
                org,
                "+5215500000000",
                Uuid::now_v7(),
                &format!("SM{}", Uuid::new_v4().simple()),
                parlo_store::TurnWants {
                    customer: false,
                    rate_at: None,
                    org: true,
                    peers: &[],
                },
            )
            .await
            .unwrap();
        start.org.expect("the organization").1.expect("a version")
    };
    let v1 = version(store.clone()).await;
    let warm = store.at_catalogue_version(org, &v1);
    let (from, to) = (local(tz, "2030-02-04", 0, 0), local(tz, "2030-02-09", 0, 0));
    warm.load_calendar(org, b.location.id, from, to)
        .await
        .unwrap();
    // Cached: a booking reads its ledgers and writes, nothing else.
    let before = store.requests();
    let mut first = b.booking(&corte, c.id, local(tz, "2030-02-04", 11, 0));
    first.now = local(tz, "2030-02-03", 9, 0);
    warm.book(&first).await.unwrap();
    assert_eq!(
        store.requests() - before,
        2,
        "ledgers and the booking's write"
    );

    let closure = TimeBlock {
        id: Uuid::now_v7(),
        org_id: org,
        staff_id: None,
        start: local(tz, "2030-02-05", 0, 0),
        end: local(tz, "2030-02-06", 0, 0),
        reason: Some("inventario".into()),
        created_by: None,
        created_at: now(),
    };
    store.create_block(&closure).await.unwrap();
    let v2 = version(store.clone()).await;
    assert_ne!(v1, v2, "the closure gave the business a new version");
    let mut in_closure = b.booking(&corte, c.id, local(tz, "2030-02-05", 12, 0));
    in_closure.now = first.now;
    let refused = store.at_catalogue_version(org, &v2).book(&in_closure).await;
    assert!(
        matches!(refused, Err(StoreError::Unavailable(Unavailable::Closed))),
        "{refused:?}"
    );
    // The closure is honoured from the cache too (no blocks query).
    let cached = store.at_catalogue_version(org, &v2);
    let before = store.requests();
    let again = cached.book(&in_closure).await;
    assert!(matches!(
        again,
        Err(StoreError::Unavailable(Unavailable::Closed))
    ));
    assert!(
        store.requests() - before <= 2,
        "{} requests",
        store.requests() - before
    );

    assert!(store
        .delete_block(org, closure.end, closure.id)
        .await
        .unwrap());
    let v3 = version(store.clone()).await;
    assert_ne!(v2, v3, "its removal too");
    store
        .at_catalogue_version(org, &v3)
        .book(&in_closure)
        .await
        .expect("open again");
}

/// A customer's cap on open appointments is checked from the index read
/// in the same request as the booking's ledgers (no query of the
/// customer's appointments); cancelling frees a place; an entry the index
/// still holds for an appointment that is no longer open never refuses
/// anyone: at the cap, the appointments themselves decide.
#[tokio::test]
async fn a_customers_cap_costs_no_request_and_a_stale_entry_never_refuses() {
    let store = store().await;
    let b = biz(&store).await;
    let org = b.id();
    let tz = b.tz;
    let corte = b.service("Corte").clone();
    let c = b.customer(&store, "Mago").await;
    let other = b.customer(&store, "Lalo").await;
    let now = local(tz, "2030-03-01", 9, 0);
    let req = |customer: CustomerId, day: &str, h| {
        let mut r = b.booking(&corte, customer, local(tz, day, h, 0));
        r.now = now;
        r
    };
    // The same booking uncapped and capped costs the same requests.
    let before = store.requests();
    store.book(&req(other.id, "2030-03-04", 10)).await.unwrap();
    let plain = store.requests() - before;
    let first = req(c.id, "2030-03-04", 11);
    let before = store.requests();
    store.book_capped(&first, 2).await.unwrap();
    assert_eq!(
        store.requests() - before,
        plain,
        "the cap reads nothing more"
    );
    store
        .book_capped(&req(c.id, "2030-03-05", 11), 2)
        .await
        .unwrap();
    let third = req(c.id, "2030-03-06", 11);
    let refused = store.book_capped(&third, 2).await;
    assert!(
        matches!(refused, Err(StoreError::TooManyOpen { max: 2 })),
        "{refused:?}"
    );
    // A retried booking is not refused by the cap.
    let again = store.book_capped(&first, 2).await.unwrap();
    assert_eq!(again.id, first.id);
    // Cancelling frees a place.
    store.cancel(org, first.id, None, now).await.unwrap();
    let third = store.book_capped(&third, 2).await.unwrap();
    // Marked as a no-show before its time (a mistake): no longer open,
    // still in the index. At the cap the appointments decide: not refused.
    store.no_show(org, third.id, now).await.unwrap();
    store
        .book_capped(&req(c.id, "2030-03-07", 11), 2)
        .await
        .expect("a stale entry does not refuse");
    let fourth = store.book_capped(&req(c.id, "2030-03-08", 11), 2).await;
    assert!(
        matches!(fourth, Err(StoreError::TooManyOpen { max: 2 })),
        "two open again: {fourth:?}"
    );
    // Moving one keeps it counted once.
    let open = store
        .customer_appointments(org, c.id, Some(now))
        .await
        .unwrap();
    let moved = open
        .iter()
        .find(|a| a.status == AppointmentStatus::Confirmed)
        .unwrap();
    store
        .reschedule(&RescheduleRequest {
            org_id: org,
            appointment_id: moved.id,
            service: None,
            new_start: local(tz, "2030-03-11", 12, 0),
            staff: StaffChoice::Keep,
            spot_pref: None,
            now,
        })
        .await
        .unwrap();
    assert!(matches!(
        store.book_capped(&req(c.id, "2030-03-12", 11), 2).await,
        Err(StoreError::TooManyOpen { max: 2 })
    ));
}

#[tokio::test]
async fn staff_blocks_share_the_ledger_with_bookings() {
    let store = store().await;
    let b = biz(&store).await;
    let org = b.id();
    let c = b.customer(&store, "Lupe").await;
    let tz = b.tz;
    let ana = b.staff[0].id;
    let corte = b.service("Corte").clone();

    let mut req = b.booking(&corte, c.id, local(tz, "2030-01-08", 13, 0));
    req.staff_pref = Some(ana);
    let appt = store.book(&req).await.unwrap();

    let block = |start, end| TimeBlock {
        id: Uuid::now_v7(),
        org_id: org,
        staff_id: Some(ana),
        start,
        end,
        reason: Some("comida".into()),
        created_by: Some(ana),
        created_at: now(),
    };
    // A block over her appointment is refused.
    let lunch = block(
        local(tz, "2030-01-08", 13, 15),
        local(tz, "2030-01-08", 14, 0),
    );
    assert!(matches!(
        store.create_block(&lunch).await,
        Err(StoreError::SlotTaken { .. })
    ));
    // Right after it, fine; then bookings in it are refused.
    let lunch = block(
        local(tz, "2030-01-08", 13, 30),
        local(tz, "2030-01-08", 14, 30),
    );
    store.create_block(&lunch).await.unwrap();
    let mut during = b.booking(&corte, c.id, local(tz, "2030-01-08", 14, 0));
    during.staff_pref = Some(ana);
    assert!(matches!(
        store.book(&during).await,
        Err(StoreError::Unavailable(Unavailable::Closed))
    ));
    // Without a preference the other staff member takes it.
    during.staff_pref = None;
    assert_eq!(store.book(&during).await.unwrap().staff_id, b.staff[1].id);

    // An overnight block (20:00 → 09:00 next day) lives in two ledgers.
    let night = block(
        local(tz, "2030-01-08", 20, 0),
        local(tz, "2030-01-09", 9, 0),
    );
    store.create_block(&night).await.unwrap();
    let d8 = LedgerKey {
        resource: Resource::Staff(ana),
        date: date("2030-01-08"),
    };
    let d9 = LedgerKey {
        resource: Resource::Staff(ana),
        date: date("2030-01-09"),
    };
    let ledgers = store.get_ledgers(org, &[d8, d9]).await.unwrap();
    assert_eq!(ledgers.len(), 2);
    assert!(ledgers.iter().all(|l| l
        .entries
        .iter()
        .any(|e| e.ref_id == night.id && e.kind == EntryKind::Block)));
    let mut morning = b.booking(&corte, c.id, local(tz, "2030-01-09", 8, 30));
    morning.staff_pref = Some(ana);
    assert!(
        store.book(&morning).await.is_err(),
        "the block holds the next morning"
    );

    // Whole-business closure: not ledgered, but the engine honours it.
    let holiday = TimeBlock {
        staff_id: None,
        ..block(local(tz, "2030-01-10", 0, 0), local(tz, "2030-01-11", 0, 0))
    };
    store.create_block(&holiday).await.unwrap();
    let closed = store
        .book(&b.booking(&corte, c.id, local(tz, "2030-01-10", 11, 0)))
        .await;
    assert!(
        matches!(closed, Err(StoreError::Unavailable(Unavailable::Closed))),
        "{closed:?}"
    );

    let listed = store
        .list_blocks(
            org,
            local(tz, "2030-01-08", 0, 0),
            local(tz, "2030-01-12", 0, 0),
        )
        .await
        .unwrap();
    let mut ids: Vec<_> = listed.iter().map(|b| b.id).collect();
    ids.sort();
    let mut expected = vec![lunch.id, night.id, holiday.id];
    expected.sort();
    assert_eq!(ids, expected);
    assert_eq!(
        store
            .list_blocks(
                org,
                local(tz, "2030-01-09", 10, 0),
                local(tz, "2030-01-09", 23, 0)
            )
            .await
            .unwrap(),
        Vec::<TimeBlock>::new(),
        "none in force then"
    );

    // Deleting frees both ledgers; the morning is bookable again.
    assert!(store.delete_block(org, night.end, night.id).await.unwrap());
    assert!(!store.delete_block(org, night.end, night.id).await.unwrap());
    let ledgers = store.get_ledgers(org, &[d8, d9]).await.unwrap();
    assert!(ledgers
        .iter()
        .all(|l| l.entries.iter().all(|e| e.ref_id != night.id)));
    assert_eq!(store.book(&morning).await.unwrap().staff_id, ana);
    let _ = appt;
}

#[tokio::test]
async fn load_calendar_brings_catalogue_and_busy_times() {
    let store = store().await;
    let b = biz(&store).await;
    let org = b.id();
    let c = b.customer(&store, "Lupe").await;
    let tz = b.tz;
    let tinte = b.service("Tinte").clone();
    let long = store
        .book(&b.booking(&tinte, c.id, local(tz, "2030-01-08", 18, 0)))
        .await
        .unwrap();
    let gone = store
        .book(&b.booking(&tinte, c.id, local(tz, "2030-01-09", 9, 0)))
        .await
        .unwrap();
    store.cancel(org, gone.id, None, now()).await.unwrap();
    let r = RecurringAvailability {
        id: Uuid::new_v4(),
        org_id: org,
        staff_id: b.staff[0].id,
        weekday: 1,
        range: TimeRange::hm((9, 0), (21, 0)),
        created_at: now(),
    };
    store.put_recurring(&r).await.unwrap();

    // The 9th from 00:00 local: the 8th's 18:00–22:00 appointment has ended;
    // from 21:00 on the 8th it still runs into the range.
    let cal = store
        .load_calendar(
            org,
            b.location.id,
            local(tz, "2030-01-09", 0, 0),
            local(tz, "2030-01-10", 0, 0),
        )
        .await
        .unwrap();
    assert_eq!(cal.tz, tz);
    assert_eq!(cal.services.len(), 2);
    assert_eq!(cal.staff.len(), 2);
    assert_eq!(cal.spots.len(), 2);
    assert_eq!(cal.recurring, vec![r]);
    assert_eq!(cal.hours, b.location.business_hours);
    assert!(
        cal.busy.is_empty(),
        "cancelled and finished ones are not busy: {:?}",
        cal.busy
    );
    let cal = store
        .load_calendar(
            org,
            b.location.id,
            local(tz, "2030-01-08", 21, 0),
            local(tz, "2030-01-10", 0, 0),
        )
        .await
        .unwrap();
    // Read from the day ledgers: one interval per resource (the staff
    // member's, and the spot's when it has one).
    let staff_busy: Vec<_> = cal.busy.iter().filter(|b| b.staff_id.is_some()).collect();
    assert_eq!(staff_busy.len(), 1);
    assert_eq!(
        (
            staff_busy[0].staff_id,
            staff_busy[0].start,
            staff_busy[0].end
        ),
        (Some(long.staff_id), long.start, long.busy_until())
    );
    assert_eq!(
        cal.busy.iter().filter(|b| b.spot_id.is_some()).count(),
        usize::from(long.spot_id.is_some())
    );

    // free_slots over it agrees with the booking path.
    let slots = parlo_core::scheduling::free_slots(
        &cal,
        &parlo_core::scheduling::SlotQuery {
            service_id: b.service("Corte").id,
            from: date("2030-01-09"),
            to: date("2030-01-09"),
            staff_id: None,
            now: now(),
        },
    )
    .unwrap();
    assert!(!slots.is_empty());
    let pick = &slots[3];
    let a = store
        .book(&b.booking(b.service("Corte"), c.id, pick.start))
        .await
        .unwrap();
    assert!(pick.staff_ids.contains(&a.staff_id));
}

/// The calendar read from the day ledgers answers exactly what the one
/// read from every appointment item answers (issue 16, item 7), over a
/// busy, churned week: bookings, cancellations, moves.
#[tokio::test]
async fn slots_from_the_ledgers_equal_slots_from_the_appointments() {
    use parlo_core::scheduling::{free_slots, SlotQuery};
    let store = store().await;
    let b = biz(&store).await;
    let org = b.id();
    let tz = b.tz;
    let c = b.customer(&store, "Rocío").await;
    let corte = b.service("Corte").clone();
    let tinte = b.service("Tinte").clone();
    let mut booked = Vec::new();
    for day in 8..=12 {
        let d = format!("2030-01-{day:02}");
        for (i, (h, m)) in [
            (9, 0),
            (9, 30),
            (10, 15),
            (11, 0),
            (12, 45),
            (15, 0),
            (17, 30),
            (19, 0),
        ]
        .into_iter()
        .enumerate()
        {
            let service = if (day + i) % 3 == 0 { &tinte } else { &corte };
            match store
                .book(&b.booking(service, c.id, local(tz, &d, h, m)))
                .await
            {
                Ok(a) => booked.push(a),
                Err(StoreError::SlotTaken { .. } | StoreError::Unavailable(_)) => {}
                Err(e) => panic!("{e}"),
            }
        }
    }
    assert!(booked.len() > 20, "{}", booked.len());
    for a in booked.iter().step_by(4) {
        store.cancel(org, a.id, None, now()).await.unwrap();
    }
    for a in booked.iter().skip(1).step_by(5) {
        let _ = store
            .reschedule(&RescheduleRequest {
                service: None,
                org_id: org,
                appointment_id: a.id,
                new_start: a.start + Duration::minutes(45),
                staff: StaffChoice::Keep,
                spot_pref: None,
                now: now(),
            })
            .await;
    }
    for (from, to) in [
        ("2030-01-08", "2030-01-08"),
        ("2030-01-08", "2030-01-12"),
        ("2030-01-07", "2030-01-20"),
        ("2030-01-11", "2030-01-13"),
    ] {
        let (lo, hi) = (
            local(tz, from, 0, 0),
            local(tz, to, 0, 0) + Duration::days(1),
        );
        let by_ledgers = store
            .load_calendar(org, b.location.id, lo, hi)
            .await
            .unwrap();
        let by_items = store
            .load_calendar_from_appointments(org, b.location.id, lo, hi)
            .await
            .unwrap();
        let staff_choices = std::iter::once(None).chain(b.staff.iter().map(|s| Some(s.id)));
        for staff_id in staff_choices {
            for service in [&corte, &tinte] {
                let q = SlotQuery {
                    service_id: service.id,
                    from: date(from),
                    to: date(to),
                    staff_id,
                    now: now(),
                };
                let expected = free_slots(&by_items, &q).unwrap();
                assert_eq!(
                    free_slots(&by_ledgers, &q).unwrap(),
                    expected,
                    "{from}..{to} {} {staff_id:?}",
                    service.name
                );
                if from == "2030-01-08" && to == "2030-01-08" && staff_id.is_none() {
                    assert!(!expected.is_empty(), "a day with room left");
                }
            }
        }
    }
}

#[tokio::test]
async fn dst_day_in_madrid_books_on_the_real_clock() {
    let store = store().await;
    let spec = BizSpec {
        timezone: "Europe/Madrid".into(),
        policy: BookingPolicy {
            max_advance_days: 120,
            ..BookingPolicy::default()
        },
        ..BizSpec::default()
    };
    let b = create_business(&store, &spec).await;
    let c = b.customer(&store, "Pilar").await;
    let tz: Tz = chrono_tz::Europe::Madrid;
    // 2030-03-31: clocks jump 02:00 → 03:00. 10:00 CEST is 08:00 UTC.
    let start = local(tz, "2030-03-31", 10, 0);
    assert_eq!(start, utc("2030-03-31T08:00:00Z"));
    let a = store
        .book(&b.booking(b.service("Corte"), c.id, start))
        .await
        .unwrap();
    let key = LedgerKey {
        resource: Resource::Staff(a.staff_id),
        date: date("2030-03-31"),
    };
    let l = store.get_ledgers(b.id(), &[key]).await.unwrap();
    assert_eq!(l[0].entries.len(), 1);
    assert_eq!(
        (l[0].entries[0].start, l[0].entries[0].end),
        (a.start, a.end)
    );
    // The day before, 10:00 CET is 09:00 UTC: a different instant, the same
    // wall clock.
    let before = store
        .book(&b.booking(b.service("Corte"), c.id, local(tz, "2030-03-30", 10, 0)))
        .await
        .unwrap();
    assert_eq!(before.start, utc("2030-03-30T09:00:00Z"));
}

// ---- tenant isolation -------------------------------------------------------------

#[tokio::test]
async fn a_business_never_sees_another_business_data() {
    let store = store().await;
    let a = biz(&store).await;
    let b = biz(&store).await;
    let phone = random_phone();
    let (ca, _) = store
        .get_or_create_customer(a.id(), &phone, Some("Secreta Pérez"), now())
        .await
        .unwrap();
    let t = local(a.tz, "2030-01-08", 10, 0);
    let appt = store
        .book(&a.booking(a.service("Corte"), ca.id, t))
        .await
        .unwrap();
    let conv = Conversation {
        id: Uuid::now_v7(),
        org_id: a.id(),
        kind: ConversationKind::Customer,
        peer_phone: phone.clone(),
        customer_id: Some(ca.id),
        staff_id: None,
        status: ConversationStatus::Active,
        handed_off_until: None,
        context: serde_json::Value::Null,
        created_at: now(),
        updated_at: now(),
        last_message_at: now(),
    };
    store.create_conversation(&conv).await.unwrap();

    let bo = b.id();
    assert!(store.customer_by_phone(bo, &phone).await.unwrap().is_none());
    assert!(store.get_customer(bo, ca.id).await.unwrap().is_none());
    assert!(store
        .search_customers_by_name(bo, "secreta", 10)
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .search_customers_by_phone(bo, &phone, 10)
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .list_customers(bo, 100, None)
        .await
        .unwrap()
        .items
        .is_empty());
    assert!(store.get_appointment(bo, appt.id).await.unwrap().is_none());
    assert!(store
        .appointments_between(bo, t - Duration::days(1), t + Duration::days(1), 50, None)
        .await
        .unwrap()
        .items
        .is_empty());
    assert!(store
        .staff_appointments(
            bo,
            appt.staff_id,
            t - Duration::days(1),
            t + Duration::days(1)
        )
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .customer_appointments(bo, ca.id, None)
        .await
        .unwrap()
        .is_empty());
    assert!(store.get_conversation(bo, &phone).await.unwrap().is_none());
    assert!(store.get_staff(bo, a.staff[0].id).await.unwrap().is_none());
    assert!(store.list_ledgers(bo).await.unwrap().is_empty());
    let b_staff: HashSet<_> = store
        .list_staff(bo)
        .await
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(b_staff, b.staff.iter().map(|s| s.id).collect());
    assert!(store
        .list_services(bo)
        .await
        .unwrap()
        .iter()
        .all(|s| s.org_id == bo));
    assert!(matches!(
        store.cancel(bo, appt.id, None, now()).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.complete(bo, appt.id, now()).await,
        Err(StoreError::NotFound { .. })
    ));
    // Booking in B with A's staff member or location is refused.
    let mut cross = b.booking(b.service("Corte"), ca.id, t);
    cross.staff_pref = Some(a.staff[0].id);
    assert!(matches!(
        store.book(&cross).await,
        Err(StoreError::Unavailable(Unavailable::StaffCannotPerform))
    ));
    let mut foreign_loc = b.booking(b.service("Corte"), ca.id, t);
    foreign_loc.location_id = a.location.id;
    assert!(matches!(
        store.book(&foreign_loc).await,
        Err(StoreError::NotFound { what: "location" })
    ));
    // A cursor from A's listing is refused by B's.
    let _second = store
        .book(&a.booking(a.service("Corte"), ca.id, t + Duration::hours(2)))
        .await
        .unwrap();
    let page = store
        .appointments_between(
            a.id(),
            t - Duration::days(1),
            t + Duration::days(1),
            1,
            None,
        )
        .await
        .unwrap();
    let cursor = page.next.expect("more than one page");
    assert!(matches!(
        store
            .appointments_between(
                bo,
                t - Duration::days(1),
                t + Duration::days(1),
                1,
                Some(&cursor)
            )
            .await,
        Err(StoreError::InvalidCursor)
    ));
    // And A's own data is all there.
    assert_eq!(
        store
            .get_appointment(a.id(), appt.id)
            .await
            .unwrap()
            .unwrap(),
        appt
    );
}

// ---- the writes that share a request (issue 10: requests per turn) ----------

/// A customer's phone sentinel carries a copy of the customer, written in
/// the same transaction: edits, a phone change and a name change are all
/// seen by phone at once; a stale edit is a conflict, never a lost update.
#[tokio::test]
async fn the_phone_sentinels_copy_follows_every_customer_write() {
    let store = store().await;
    let b = biz(&store).await;
    let phone = random_phone();
    let (c, created) = store
        .get_or_create_customer(b.id(), &phone, Some("Rosa"), now())
        .await
        .unwrap();
    assert!(created);
    let org = b.id();
    let by_phone = |p: String| {
        let store = store.clone();
        async move { store.customer_by_phone(org, &p).await.unwrap() }
    };
    assert_eq!(by_phone(phone.clone()).await.as_ref(), Some(&c));

    let mut renamed = c.clone();
    renamed.name = Some("Rosa Díaz".into());
    renamed.updated_at = now() + Duration::seconds(1);
    store.update_customer_from(&c, &renamed).await.unwrap();
    assert_eq!(by_phone(phone.clone()).await.as_ref(), Some(&renamed));

    // The version read before the rename is stale now.
    let mut stale = c.clone();
    stale.notes = Some("nota vieja".into());
    assert!(matches!(
        store.update_customer_from(&c, &stale).await,
        Err(StoreError::Conflict(_))
    ));

    let new_phone = random_phone();
    let mut moved = renamed.clone();
    moved.phone = new_phone.clone();
    moved.updated_at = now() + Duration::seconds(2);
    store.update_customer_from(&renamed, &moved).await.unwrap();
    assert!(
        by_phone(phone.clone()).await.is_none(),
        "the old phone is free"
    );
    assert_eq!(by_phone(new_phone.clone()).await.as_ref(), Some(&moved));
    let found = store
        .search_customers_by_phone(b.id(), &new_phone, 5)
        .await
        .unwrap();
    assert_eq!(found, vec![moved.clone()]);
}

/// A delivery status that arrived before its message's sid was recorded
/// (parked) is applied by the mark, with or without a history line; with
/// none parked the mark is one request.
#[tokio::test]
async fn a_status_parked_before_the_mark_is_applied_by_it() {
    let store = store().await;
    let b = biz(&store).await;
    let record = |key: &str, sid: &str| parlo_store::OutboxRecord {
        key: key.to_string(),
        org_id: Some(b.id()),
        conversation_id: None,
        to: random_phone(),
        from: b.org.whatsapp_number.clone().unwrap(),
        body: Some("hola".into()),
        content_sid: None,
        content_variables: None,
        status: parlo_store::DeliveryStatus::Pending,
        provider_sid: Some(sid.to_string()),
        error_code: None,
        mock: false,
        created_at: now(),
        updated_at: now(),
        seq: String::new(),
        kind: Some("reply".into()),
        path: Some("text".into()),
        lease_until_ms: 0,
        correlation_id: None,
    };
    let org = b.id();
    let status_of = |r: parlo_store::OutboxRecord| {
        let store = store.clone();
        async move {
            store
                .outbox_with_prefix(org, &r.key, 5)
                .await
                .unwrap()
                .into_iter()
                .find(|x| x.key == r.key)
                .map(|x| x.status)
        }
    };
    for with_history in [false, true] {
        let sid = format!("SM{}", Uuid::new_v4().simple());
        let key = format!("parked:{}", Uuid::new_v4());
        let mut r = record(&key, &sid);
        let parlo_store::Claim::Send(claimed) = store.claim_outbox(&r).await.unwrap() else {
            panic!("claimed");
        };
        r.seq = claimed.seq;
        store
            .park_delivery_status(&sid, parlo_store::DeliveryStatus::Delivered, None, now())
            .await
            .unwrap();
        r.status = parlo_store::DeliveryStatus::Sent;
        if with_history {
            let conv = Uuid::new_v4();
            let m = Message {
                id: Uuid::new_v4(),
                org_id: b.id(),
                conversation_id: conv,
                direction: Direction::Outbound,
                sender_type: SenderType::Ai,
                content_type: ContentType::Text,
                content: "hola".into(),
                media_url: None,
                provider_id: Some(sid.clone()),
                delivery_status: None,
                created_at: now(),
            };
            store.mark_outbox_sent_with_history(&r, &m).await.unwrap();
        } else {
            store.mark_outbox_sent(&r).await.unwrap();
        }
        assert_eq!(
            status_of(r.clone()).await,
            Some(parlo_store::DeliveryStatus::Delivered),
            "history: {with_history}"
        );
    }
    // Nothing parked: the mark is one request.
    let sid = format!("SM{}", Uuid::new_v4().simple());
    let mut r = record(&format!("plain:{}", Uuid::new_v4()), &sid);
    let parlo_store::Claim::Send(claimed) = store.claim_outbox(&r).await.unwrap() else {
        panic!("claimed");
    };
    r.seq = claimed.seq;
    r.status = parlo_store::DeliveryStatus::Sent;
    let before = store.requests();
    store.mark_outbox_sent(&r).await.unwrap();
    assert_eq!(store.requests() - before, 1);
    assert_eq!(status_of(r).await, Some(parlo_store::DeliveryStatus::Sent));
}
