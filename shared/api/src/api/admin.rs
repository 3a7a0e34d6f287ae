//! Platform administration (spec/001 §4): stats, businesses, suspension,
//! impersonation, conversations across businesses and the activity feed.
//! Editing a business's data goes through the business routes mirrored
//! under `/api/v1/admin/organizations/{org_id}/…` (see `routes`).

use std::collections::BTreeMap;

use chrono::Duration;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use parlo_core::{OrgStatus, Organization, PermissionLevel};
use parlo_store::ActivityKind;
use uuid::Uuid;

use super::business::{body, page_of, path_id, QueryArgs};
use super::dto::{
    AdminConversation, AdminOrganizationCounts, AdminOrganizationDetail, AdminOrganizations,
    AdminStats, AttachNumberInput, ImpersonationOut, OrgStatusCounts,
};
use super::routes::{Op, Params};
use super::{json, Api, ApiError};
use crate::auth::{Claims, BUSINESS_AUDIENCE};
use parlo_app::services::onboarding::OnboardingError;

/// How long an impersonation session lasts.
pub const IMPERSONATION_TTL: Duration = Duration::hours(1);

fn counts(orgs: &[Organization]) -> OrgStatusCounts {
    let mut c = OrgStatusCounts {
        total: orgs.len(),
        ..Default::default()
    };
    for o in orgs {
        match o.status {
            OrgStatus::Onboarding => c.onboarding += 1,
            OrgStatus::Active => c.active += 1,
            OrgStatus::Suspended => c.suspended += 1,
            OrgStatus::Churned => c.churned += 1,
        }
    }
    c
}

fn status_arg(args: &QueryArgs) -> Result<Option<OrgStatus>, ApiError> {
    args.get("status")
        .map(|s| {
            serde_json::from_value(serde_json::Value::String(s.into())).map_err(|_| {
                ApiError::invalid("status", "usa onboarding, active, suspended o churned.")
            })
        })
        .transpose()
}

impl Api {
    pub(crate) async fn admin(
        &self,
        op: Op,
        params: &Params,
        request: &Request,
    ) -> Result<Response<Body>, ApiError> {
        let args = QueryArgs::of(request);
        let now = self.clock.now();
        match op {
            Op::AdminStats => {
                let (orgs, recent) = tokio::try_join!(
                    self.store.all_organizations(None),
                    self.store.activity_since(now - Duration::days(7)),
                )?;
                let mut last_7_days: BTreeMap<String, usize> = BTreeMap::new();
                for a in &recent {
                    *last_7_days
                        .entry(parlo_store::keys::enum_str(&a.kind))
                        .or_default() += 1;
                }
                let new_7_days = orgs
                    .iter()
                    .filter(|o| o.created_at >= now - Duration::days(7))
                    .count();
                let messaging_7_days = orgs
                    .iter()
                    .filter(|o| {
                        o.last_message_at
                            .is_some_and(|t| t >= now - Duration::days(7))
                    })
                    .count();
                Ok(json(
                    StatusCode::OK,
                    &AdminStats {
                        organizations: counts(&orgs),
                        new_organizations_7_days: new_7_days,
                        organizations_with_messages_7_days: messaging_7_days,
                        activity_7_days: last_7_days,
                    },
                ))
            }
            Op::AdminListOrganizations => {
                let status = status_arg(&args)?;
                let limit = args.limit()?;
                let all = self.store.all_organizations(None).await?;
                let by_status = counts(&all);
                let page = match args.get("q") {
                    // Search: over every business (the admin's list is small).
                    Some(q) => {
                        let q = parlo_store::keys::fold(q);
                        let items: Vec<Organization> = all
                            .into_iter()
                            .filter(|o| status.is_none_or(|s| o.status == s))
                            .filter(|o| {
                                parlo_store::keys::fold(&o.name).contains(&q)
                                    || o.whatsapp_number.as_deref().is_some_and(|n| n.contains(&q))
                            })
                            .take(limit)
                            .collect();
                        page_of(items, None)
                    }
                    None => {
                        let cursor = args.cursor()?;
                        let p = self
                            .store
                            .list_organizations(status, limit as i32, cursor.as_deref())
                            .await?;
                        page_of(p.items, p.next)
                    }
                };
                Ok(json(
                    StatusCode::OK,
                    &AdminOrganizations {
                        items: page.items,
                        next_cursor: page.next_cursor,
                        counts: by_status,
                    },
                ))
            }
            Op::AdminGetOrganization => {
                let org = self.org_or_404(path_id(params, "org_id")?).await?;
                let (locations, staff, services, spots) = tokio::try_join!(
                    self.store.list_locations(org.id),
                    self.store.list_staff(org.id),
                    self.store.list_services(org.id),
                    self.store.list_spots(org.id),
                )?;
                let from = now - Duration::days(30);
                let recent = self
                    .store
                    .appointments_in(org.id, from, now + Duration::days(30))
                    .await?;
                Ok(json(
                    StatusCode::OK,
                    &AdminOrganizationDetail {
                        counts: AdminOrganizationCounts {
                            staff_active: staff.iter().filter(|s| s.is_active).count(),
                            services_active: services.iter().filter(|s| s.is_active).count(),
                            appointments_last_and_next_30_days: recent.len(),
                        },
                        organization: org,
                        locations,
                        staff,
                        services,
                        spots,
                    },
                ))
            }
            Op::AdminSuspend | Op::AdminReactivate => {
                let org = self.org_or_404(path_id(params, "org_id")?).await?;
                let to = if op == Op::AdminSuspend {
                    OrgStatus::Suspended
                } else {
                    OrgStatus::Active
                };
                let org = self
                    .services()
                    .await?
                    .set_status(&self.admin_act(), &org, to)
                    .await?;
                Ok(json(StatusCode::OK, &org))
            }
            Op::AdminAttachNumber | Op::AdminDetachNumber => {
                let org = self.org_or_404(path_id(params, "org_id")?).await?;
                let number = if op == Op::AdminAttachNumber {
                    let input: AttachNumberInput = body(request)?;
                    Some(input.whatsapp_number)
                } else {
                    None
                };
                let dashboard = self
                    .auth
                    .dashboard_url
                    .clone()
                    .unwrap_or_else(|| "http://localhost:5173".into());
                let org = self
                    .services()
                    .await?
                    .attach_number(org.id, number.as_deref(), &dashboard, now)
                    .await
                    .map_err(|e| match e {
                        OnboardingError::Invalid(msg) => {
                            ApiError::new(StatusCode::BAD_REQUEST, "invalid_number", &msg)
                        }
                        OnboardingError::Store(e) => e.into(),
                        OnboardingError::Send(_) => ApiError::internal(),
                    })?;
                Ok(json(StatusCode::OK, &org))
            }
            Op::AdminImpersonate => {
                // The admin session this impersonation belongs to: it ends
                // with that session's logout.
                let admin_session = self.authenticate_admin(request).await?;
                let org = self.org_or_404(path_id(params, "org_id")?).await?;
                if matches!(org.status, OrgStatus::Suspended | OrgStatus::Churned) {
                    return Err(ApiError::new(
                        StatusCode::CONFLICT,
                        "business_suspended",
                        "Ese negocio está suspendido; reactívalo antes de entrar como él.",
                    ));
                }
                let expires_at = now + IMPERSONATION_TTL;
                let claims = Claims {
                    sub: "admin".into(),
                    org: Some(org.id),
                    lvl: Some(PermissionLevel::Owner),
                    jti: Uuid::new_v4().to_string(),
                    iat: now.timestamp(),
                    exp: expires_at.timestamp(),
                    aud: BUSINESS_AUDIENCE.into(),
                    imp: true,
                    adm: Some(admin_session.jti),
                };
                let secret = self.jwt_secret().await?;
                let token = self.sign(&secret, &claims)?;
                self.services()
                    .await?
                    .note(
                        &self.admin_act(),
                        Some(org.id),
                        ActivityKind::Impersonation,
                        &["impersonation"],
                        format!("Un administrador entró como {}", org.name),
                    )
                    .await;
                tracing::info!(org_id = %org.id, "admin impersonation");
                Ok(json(
                    StatusCode::OK,
                    &ImpersonationOut {
                        token,
                        expires_at,
                        org_id: org.id,
                        impersonated: true,
                    },
                ))
            }
            Op::AdminConversations => {
                let limit = args.limit()?;
                let orgs: Vec<Organization> = match args.uuid("org_id")? {
                    Some(id) => vec![self.org_or_404(id).await?],
                    // The businesses that wrote last, then their chats.
                    None => {
                        let mut all = self.store.all_organizations(None).await?;
                        all.sort_by_key(|o| std::cmp::Reverse(o.last_message_at));
                        all.truncate(20);
                        all
                    }
                };
                let pages = futures::future::try_join_all(
                    orgs.iter()
                        .map(|o| self.store.list_conversations(o.id, limit as i32, None)),
                )
                .await?;
                let names: BTreeMap<Uuid, String> =
                    orgs.iter().map(|o| (o.id, o.name.clone())).collect();
                let mut items: Vec<AdminConversation> = pages
                    .into_iter()
                    .flat_map(|p| p.items)
                    .map(|c| AdminConversation {
                        organization_name: names.get(&c.org_id).cloned(),
                        conversation: c,
                    })
                    .collect();
                items.sort_by_key(|a| std::cmp::Reverse(a.conversation.last_message_at));
                items.truncate(limit);
                Ok(json(StatusCode::OK, &page_of(items, None)))
            }
            Op::AdminActivity => {
                let cursor = args.cursor()?;
                let p = self
                    .store
                    .list_activity(args.limit()? as i32, cursor.as_deref())
                    .await?;
                Ok(json(StatusCode::OK, &page_of(p.items, p.next)))
            }
            _ => Err(ApiError::internal()),
        }
    }

    async fn org_or_404(&self, id: Uuid) -> Result<Organization, ApiError> {
        self.store
            .get_organization(id)
            .await?
            .ok_or_else(ApiError::not_found)
    }
}
