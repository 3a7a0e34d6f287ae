//! Who is writing, to whom, and so which flow answers: the routing table of
//! spec/001 "Message Routing Architecture", cases 1–5. Pure: the caller
//! looks the facts up and this decides.

use serde::{Deserialize, Serialize};

use crate::entities::{OrgId, OrgStatus, Organization, PermissionLevel, Staff, StaffId};

/// One place where the sender is registered as staff (or owner).
#[derive(Debug, Clone)]
pub struct Registration<'a> {
    pub staff: &'a Staff,
    pub org: &'a Organization,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "case", rename_all = "snake_case")]
pub enum Route {
    /// Case 1: the central number, a sender with no business yet or one
    /// whose onboarding is unfinished.
    BusinessOnboarding { org_id: Option<OrgId> },
    /// Case 2a: the central number, staff of exactly one business.
    ManagementFromCentral { org_id: OrgId, staff_id: StaffId },
    /// Case 2b: the central number, staff of several businesses: they must
    /// write to each business's own number.
    RedirectToBusinesses { org_ids: Vec<OrgId> },
    /// Case 3: a business number, pre-registered staff writing for the
    /// first time.
    StaffOnboarding { org_id: OrgId, staff_id: StaffId },
    /// Case 4: a business number, known staff.
    BusinessManagement { org_id: OrgId, staff_id: StaffId },
    /// Case 5: a business number, anyone who is not its staff.
    Customer { org_id: OrgId },
    /// A number Parlo does not serve: log and drop, never retry.
    UnknownNumber,
    /// A suspended or churned business: answer politely, run no flow.
    BusinessUnavailable { org_id: OrgId },
}

/// Routes a message received on `recipient` (E.164).
///
/// `business` is the business owning `recipient` when it is not the
/// central number. `registrations` are every active staff record of the
/// sender, across businesses.
pub fn route(
    recipient: &str,
    central_number: &str,
    business: Option<&Organization>,
    registrations: &[Registration<'_>],
) -> Route {
    if recipient == central_number {
        return route_central(registrations);
    }
    let Some(org) = business else {
        return Route::UnknownNumber;
    };
    if matches!(org.status, OrgStatus::Suspended | OrgStatus::Churned) {
        return Route::BusinessUnavailable { org_id: org.id };
    }
    let own = registrations
        .iter()
        .find(|r| r.org.id == org.id && r.staff.is_active);
    match own {
        Some(r) if r.staff.first_message_at.is_none() => Route::StaffOnboarding {
            org_id: org.id,
            staff_id: r.staff.id,
        },
        Some(r) => Route::BusinessManagement {
            org_id: org.id,
            staff_id: r.staff.id,
        },
        None => Route::Customer { org_id: org.id },
    }
}

fn route_central(registrations: &[Registration<'_>]) -> Route {
    // Unfinished onboarding wins: the owner is mid-conversation with us.
    // Only the business's own active owner: anyone can start a business and
    // register someone else's phone as its staff, and must never capture
    // that person's messages to the central number (issue 11, item 1).
    if let Some(r) = registrations.iter().find(|r| {
        r.org.status == OrgStatus::Onboarding
            && r.staff.is_active
            && r.staff.permission_level == PermissionLevel::Owner
    }) {
        return Route::BusinessOnboarding {
            org_id: Some(r.org.id),
        };
    }
    let live: Vec<&Registration<'_>> = registrations
        .iter()
        .filter(|r| r.staff.is_active && r.org.status == OrgStatus::Active)
        .collect();
    match live.as_slice() {
        [] => Route::BusinessOnboarding { org_id: None },
        [only] => Route::ManagementFromCentral {
            org_id: only.org.id,
            staff_id: only.staff.id,
        },
        many => {
            let mut org_ids: Vec<OrgId> = many.iter().map(|r| r.org.id).collect();
            org_ids.sort();
            org_ids.dedup();
            Route::RedirectToBusinesses { org_ids }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::*;
    use chrono::{TimeZone, Utc};
    use uuid::Uuid;

    const CENTRAL: &str = "+525500000000";

    fn org(n: u128, status: OrgStatus) -> Organization {
        let t = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        Organization {
            id: Uuid::from_u128(n),
            name: format!("Negocio {n}"),
            whatsapp_number: Some(format!("+52550000000{n}")),
            timezone: DEFAULT_TIMEZONE.into(),
            status,
            settings: OrgSettings::default(),
            onboarding_state: None,
            onboarding_data: serde_json::Value::Null,
            last_message_at: None,
            created_at: t,
            updated_at: t,
        }
    }

    fn staff(org: &Organization, first_message: bool, active: bool) -> Staff {
        let t = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        Staff {
            id: Uuid::from_u128(org.id.as_u128() + 1000),
            org_id: org.id,
            location_id: None,
            name: "Pedro".into(),
            phone: "+525511112222".into(),
            role: StaffRole::Employee,
            permission_level: PermissionLevel::Staff,
            is_active: active,
            first_message_at: first_message.then_some(t),
            default_spot_id: None,
            service_ids: vec![],
            bookable: true,
            created_at: t,
            updated_at: t,
        }
    }

    #[test]
    fn case_1_unknown_sender_on_central_onboards() {
        assert_eq!(
            route(CENTRAL, CENTRAL, None, &[]),
            Route::BusinessOnboarding { org_id: None }
        );
    }

    #[test]
    fn case_1_unfinished_onboarding_resumes() {
        let o = org(1, OrgStatus::Onboarding);
        let mut s = staff(&o, true, true);
        s.permission_level = PermissionLevel::Owner;
        let regs = [Registration { staff: &s, org: &o }];
        assert_eq!(
            route(CENTRAL, CENTRAL, None, &regs),
            Route::BusinessOnboarding { org_id: Some(o.id) }
        );
    }

    #[test]
    fn central_number_capture_by_an_onboarding_business_is_impossible() {
        // An attacker's business, still onboarding, lists the victim's
        // phone as staff (active or deactivated, any level below owner).
        let attacker = org(1, OrgStatus::Onboarding);
        let victims_own = org(2, OrgStatus::Active);
        let mut owner_of_own = staff(&victims_own, true, true);
        owner_of_own.permission_level = PermissionLevel::Owner;
        for (active, level) in [
            (true, PermissionLevel::Admin),
            (true, PermissionLevel::Staff),
            (false, PermissionLevel::Owner),
            (false, PermissionLevel::Viewer),
        ] {
            let mut planted = staff(&attacker, false, active);
            planted.permission_level = level;
            let regs = [Registration {
                staff: &planted,
                org: &attacker,
            }];
            assert_eq!(
                route(CENTRAL, CENTRAL, None, &regs),
                Route::BusinessOnboarding { org_id: None },
                "{active} {level:?}"
            );
            let regs = [
                Registration {
                    staff: &planted,
                    org: &attacker,
                },
                Registration {
                    staff: &owner_of_own,
                    org: &victims_own,
                },
            ];
            assert_eq!(
                route(CENTRAL, CENTRAL, None, &regs),
                Route::ManagementFromCentral {
                    org_id: victims_own.id,
                    staff_id: owner_of_own.id
                }
            );
        }
    }

    #[test]
    fn case_2a_and_2b() {
        let a = org(1, OrgStatus::Active);
        let b = org(2, OrgStatus::Active);
        let sa = staff(&a, true, true);
        let sb = staff(&b, true, true);
        assert_eq!(
            route(
                CENTRAL,
                CENTRAL,
                None,
                &[Registration {
                    staff: &sa,
                    org: &a
                }]
            ),
            Route::ManagementFromCentral {
                org_id: a.id,
                staff_id: sa.id
            }
        );
        let both = [
            Registration {
                staff: &sa,
                org: &a,
            },
            Registration {
                staff: &sb,
                org: &b,
            },
        ];
        assert_eq!(
            route(CENTRAL, CENTRAL, None, &both),
            Route::RedirectToBusinesses {
                org_ids: vec![a.id, b.id]
            }
        );
        // A deactivated registration does not count.
        let sb_off = staff(&b, true, false);
        let one_live = [
            Registration {
                staff: &sa,
                org: &a,
            },
            Registration {
                staff: &sb_off,
                org: &b,
            },
        ];
        assert!(matches!(
            route(CENTRAL, CENTRAL, None, &one_live),
            Route::ManagementFromCentral { .. }
        ));
    }

    #[test]
    fn cases_3_4_5_on_a_business_number() {
        let a = org(1, OrgStatus::Active);
        let b = org(2, OrgStatus::Active);
        let number = a.whatsapp_number.clone().unwrap();
        let new_staff = staff(&a, false, true);
        let known = staff(&a, true, true);
        assert_eq!(
            route(
                &number,
                CENTRAL,
                Some(&a),
                &[Registration {
                    staff: &new_staff,
                    org: &a
                }]
            ),
            Route::StaffOnboarding {
                org_id: a.id,
                staff_id: new_staff.id
            }
        );
        assert_eq!(
            route(
                &number,
                CENTRAL,
                Some(&a),
                &[Registration {
                    staff: &known,
                    org: &a
                }]
            ),
            Route::BusinessManagement {
                org_id: a.id,
                staff_id: known.id
            }
        );
        // Staff of another business is a customer here.
        let elsewhere = staff(&b, true, true);
        assert_eq!(
            route(
                &number,
                CENTRAL,
                Some(&a),
                &[Registration {
                    staff: &elsewhere,
                    org: &b
                }]
            ),
            Route::Customer { org_id: a.id }
        );
        // A deactivated employee is treated as a customer, never as staff.
        let gone = staff(&a, true, false);
        assert_eq!(
            route(
                &number,
                CENTRAL,
                Some(&a),
                &[Registration {
                    staff: &gone,
                    org: &a
                }]
            ),
            Route::Customer { org_id: a.id }
        );
        assert_eq!(
            route(&number, CENTRAL, Some(&a), &[]),
            Route::Customer { org_id: a.id }
        );
    }

    #[test]
    fn unknown_and_suspended_numbers() {
        assert_eq!(
            route("+525599999999", CENTRAL, None, &[]),
            Route::UnknownNumber
        );
        let s = org(3, OrgStatus::Suspended);
        assert_eq!(
            route("+525500000003", CENTRAL, Some(&s), &[]),
            Route::BusinessUnavailable { org_id: s.id }
        );
    }
}
