//! Shared by conversations_staff.rs and permissions_chat.rs: a business
//! with one person per permission level, and a chat that drives the
//! RuleAgent through the real TurnProcessor (Messenger::Mock, fixed clock)
//! against DynamoDB Local.

#![allow(dead_code)]

use chrono::{DateTime, Utc};
use parlo_app::clock::Clock;
use parlo_app::messenger::Messenger;
use parlo_chat::agent::rules::RuleAgent;
use parlo_chat::turn::{QueuedInbound, TurnProcessor};
use parlo_core::*;
use parlo_store::Store;
use parlo_tests::*;
use parlo_twilio::inbound::{InboundKind, InboundMessage};

/// Monday 2030-01-07, 3:20 PM in Mexico City.
pub fn chat_now(biz: &Biz) -> DateTime<Utc> {
    local(biz.tz, "2030-01-07", 15, 20)
}

pub struct Team {
    pub biz: Biz,
    pub owner: Staff,
    pub admin: Staff,
    pub staff: Staff,
    pub viewer: Staff,
}

/// "Barbería Test" with Carlos (owner), Ana (admin), Pedro (staff) and
/// Vera (viewer), all past their onboarding; services Corte (30 min) and
/// Tinte (4 h), open 8–22 every day.
pub async fn team(store: &Store) -> Team {
    let biz = create_business(
        store,
        &BizSpec {
            staff: 4,
            ..BizSpec::default()
        },
    )
    .await;
    let names = [
        ("Carlos Ruiz", PermissionLevel::Owner),
        ("Ana Torres", PermissionLevel::Admin),
        ("Pedro Gómez", PermissionLevel::Staff),
        ("Vera Luna", PermissionLevel::Viewer),
    ];
    let mut people = Vec::new();
    for (s, (name, level)) in biz.staff.iter().zip(names) {
        let mut s = s.clone();
        s.name = name.into();
        s.permission_level = level;
        s.first_message_at = Some(now());
        store.update_staff(&s).await.expect("update staff");
        people.push(s);
    }
    let mut biz = biz;
    biz.staff = people.clone();
    Team {
        owner: people[0].clone(),
        admin: people[1].clone(),
        staff: people[2].clone(),
        viewer: people[3].clone(),
        biz,
    }
}

pub struct Chat {
    pub store: Store,
    pub processor: TurnProcessor<RuleAgent>,
    pub from: String,
    pub to: String,
    pub now: DateTime<Utc>,
    pub org: OrgId,
}

/// What one turn answered.
#[derive(Debug, Default)]
pub struct Turn {
    pub sid: String,
    pub replies: Vec<String>,
    /// (to, text)
    pub notifications: Vec<(String, String)>,
}

impl Turn {
    pub fn text(&self) -> String {
        self.replies.join("\n")
    }
}

impl Chat {
    pub fn new(store: &Store, biz: &Biz, from: &str, now: DateTime<Utc>) -> Self {
        Self {
            store: store.clone(),
            processor: TurnProcessor {
                store: store.clone(),
                messenger: Messenger::Mock,
                agent: RuleAgent::new(store.clone()),
                clock: Clock::Fixed(now),
                central_number: random_phone(),
            },
            from: from.to_string(),
            to: biz.org.whatsapp_number.clone().expect("business number"),
            now,
            org: biz.id(),
        }
    }

    pub async fn say(&self, body: &str) -> Turn {
        let sid = format!("SM{}", uuid::Uuid::new_v4().simple());
        self.boxed_say(sid, body.to_string()).await
    }

    /// The turn on the heap, built outside the caller's frame: a test that
    /// says many things would otherwise hold every turn's (debug-build)
    /// future in its own stack frame.
    fn boxed_say(
        &self,
        sid: String,
        body: String,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Turn> + '_>> {
        Box::pin(async move { self.say_with_sid(&sid, &body).await })
    }

    /// One inbound message with a given MessageSid (a retry reuses it).
    pub async fn say_with_sid(&self, sid: &str, body: &str) -> Turn {
        let message = InboundMessage {
            message_sid: sid.to_string(),
            account_sid: Some("AC0".into()),
            from: format!("whatsapp:{}", self.from),
            to: format!("whatsapp:{}", self.to),
            body: body.to_string(),
            kind: InboundKind::Text,
            profile_name: None,
            media: vec![],
            latitude: None,
            longitude: None,
            button_payload: None,
            replied_to: None,
        };
        self.processor
            .process(&QueuedInbound {
                message,
                received_at: self.now,
            })
            .await
            .expect("turn");
        let planned: Vec<serde_json::Value> = self
            .store
            .turn_replies(sid)
            .await
            .expect("replies")
            .unwrap_or_default();
        let mut turn = Turn {
            sid: sid.to_string(),
            ..Turn::default()
        };
        for p in planned {
            // A use case's notice carries its key: it is read from the
            // outbox below, with the services' other sends.
            if p.get("key").is_some() {
                continue;
            }
            let body = p["body"].as_str().unwrap_or_default().to_string();
            match p["to"].as_str() {
                Some(to) => turn.notifications.push((to.to_string(), body)),
                None => turn.replies.push(body),
            }
        }
        // What the services layer sent for this turn (its keys start with
        // the MessageSid; the turn's own replies are `<sid>#<n>`).
        for r in self
            .store
            .outbox_with_prefix(self.org, sid, 100)
            .await
            .expect("outbox")
        {
            if !r.key.starts_with(&format!("{sid}#")) {
                turn.notifications
                    .push((r.to.clone(), r.body.clone().unwrap_or_default()));
            }
        }
        turn
    }
}

/// Every block of the business on the test day and the next week.
pub async fn blocks(store: &Store, biz: &Biz) -> Vec<TimeBlock> {
    store
        .list_blocks(
            biz.id(),
            now() - chrono::Duration::days(1),
            now() + chrono::Duration::days(14),
        )
        .await
        .expect("blocks")
}

pub async fn appointments(store: &Store, biz: &Biz) -> Vec<Appointment> {
    store
        .all_appointments(biz.id())
        .await
        .expect("appointments")
}

/// A confirmed appointment with `staff` at local `h:m` on the test day.
pub async fn booked(
    store: &Store,
    biz: &Biz,
    staff: &Staff,
    customer: &str,
    service: &str,
    h: u32,
    m: u32,
) -> (Customer, Appointment) {
    let c = biz.customer(store, customer).await;
    let mut req = biz.booking(
        biz.service(service),
        c.id,
        local(biz.tz, "2030-01-07", h, m),
    );
    req.staff_pref = Some(staff.id);
    let a = store.book(&req).await.expect("book");
    (c, a)
}
