//! The OpenAPI 3.1 document (`GET /api/v1/openapi.json`), built with
//! utoipa from [`super::routes::ROUTES`] — the table the router reads — and
//! the request types' `ToSchema` derives, so a route cannot exist without
//! appearing here.

use std::sync::LazyLock;

use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, ObjectBuilder, OpenApi, OpenApiBuilder,
    PathItem, PathsBuilder, Ref, Required, ResponseBuilder, Type,
};

use super::dto::*;
use super::routes::{Access, Op, Verb, ROUTES};

static DOCUMENT: LazyLock<serde_json::Value> =
    LazyLock::new(|| serde_json::to_value(build()).unwrap_or_default());

/// The document as JSON (built once per process).
pub fn document() -> &'static serde_json::Value {
    &DOCUMENT
}

/// The request body type of an operation, by schema name.
fn request_schema(op: Op) -> Option<&'static str> {
    Some(match op {
        Op::UpdateOrganization => "OrganizationPatch",
        Op::CreateLocation | Op::UpdateLocation => "LocationInput",
        Op::CreateService | Op::UpdateService => "ServiceInput",
        Op::CreateStaff | Op::UpdateStaff => "StaffInput",
        Op::SetStaffServices => "ServiceIds",
        Op::SetWorkingHours => "WorkingHoursInput",
        Op::CreateSpot | Op::UpdateSpot => "SpotInput",
        Op::OrderSpots => "SpotOrder",
        Op::UpdateCustomer => "CustomerPatch",
        Op::CreateAppointment => "AppointmentCreate",
        Op::UpdateAppointment => "AppointmentPatch",
        Op::CancelAppointment => "CancelInput",
        Op::CreateException => "ExceptionInput",
        Op::CreateBlock => "BlockInput",
        Op::SendMessage => "SendMessageInput",
        Op::RequestMagicLink | Op::DevMagicLink => "MagicLinkRequest",
        Op::VerifyMagicLink => "VerifyRequest",
        Op::AdminLogin => "AdminLoginRequest",
        Op::AdminAttachNumber => "AttachNumberInput",
        _ => return None,
    })
}

/// What a successful answer holds.
enum Answer {
    /// One schema, by name.
    One(&'static str),
    /// `{"items": [<schema>], "next_cursor"}`.
    Page(&'static str),
    /// 204, no body.
    Empty,
}

/// The answer of an operation and its success status.
fn answer(op: Op) -> (&'static str, Answer) {
    use Answer::*;
    let a = match op {
        Op::Health => One("Health"),
        Op::HealthReady => One("Readiness"),
        Op::OpenApi => One("OpenApiDocument"),
        Op::RequestMagicLink => One("MagicLinkAccepted"),
        Op::VerifyMagicLink => One("Session"),
        Op::Logout | Op::AdminLogout => Empty,
        Op::Me => One("Me"),
        Op::AdminLogin => One("AdminSession"),
        Op::AdminMe => One("AdminMe"),
        Op::DevMagicLink => One("DevLinks"),
        Op::DevOutbox => One("OutboxPage"),
        Op::GetOrganization | Op::UpdateOrganization => One("Organization"),
        Op::AdminSuspend | Op::AdminReactivate | Op::AdminAttachNumber | Op::AdminDetachNumber => {
            One("Organization")
        }
        Op::ListLocations => Page("Location"),
        Op::CreateLocation | Op::GetLocation | Op::UpdateLocation => One("Location"),
        Op::ListServices => Page("Service"),
        Op::CreateService | Op::GetService | Op::UpdateService => One("Service"),
        // 204, or 200 with the deactivated service when appointments used it.
        Op::DeleteService => One("ServiceDeactivated"),
        Op::ListStaff => Page("Staff"),
        Op::CreateStaff
        | Op::GetStaff
        | Op::UpdateStaff
        | Op::DeactivateStaff
        | Op::ReactivateStaff
        | Op::SetStaffServices => One("Staff"),
        Op::GetWorkingHours | Op::SetWorkingHours => One("WorkingHours"),
        Op::ListSpots | Op::OrderSpots => Page("Spot"),
        Op::CreateSpot | Op::GetSpot | Op::UpdateSpot => One("Spot"),
        Op::ListCustomers => Page("Customer"),
        Op::GetCustomer => One("CustomerDetail"),
        Op::UpdateCustomer => One("Customer"),
        Op::ListAppointments => Page("Appointment"),
        Op::CreateAppointment
        | Op::GetAppointment
        | Op::UpdateAppointment
        | Op::CancelAppointment
        | Op::CompleteAppointment
        | Op::NoShowAppointment => One("Appointment"),
        Op::GetAvailability => One("Availability"),
        Op::CreateException => One("AvailabilityException"),
        Op::ListBlocks => Page("TimeBlock"),
        Op::CreateBlock => One("TimeBlock"),
        Op::Slots => One("Slots"),
        Op::ListConversations => Page("Conversation"),
        Op::ListMessages => Page("Message"),
        Op::ReleaseConversation | Op::TakeOverConversation => One("Conversation"),
        Op::SendMessage => One("Message"),
        Op::Stats => One("StatsOut"),
        Op::AdminImpersonate => One("ImpersonationOut"),
        Op::DeleteLocation
        | Op::DeleteStaff
        | Op::DeleteSpot
        | Op::DeleteException
        | Op::DeleteBlock => Empty,
        Op::AdminStats => One("AdminStats"),
        Op::AdminListOrganizations => One("AdminOrganizations"),
        Op::AdminGetOrganization => One("AdminOrganizationDetail"),
        Op::AdminConversations => Page("AdminConversation"),
        Op::AdminActivity => Page("Activity"),
    };
    let status = match (&a, op) {
        (Empty, _) => "204",
        (
            _,
            Op::CreateLocation
            | Op::CreateService
            | Op::CreateStaff
            | Op::CreateSpot
            | Op::CreateAppointment
            | Op::CreateException
            | Op::CreateBlock
            | Op::SendMessage,
        ) => "201",
        _ => "200",
    };
    (status, a)
}

fn page_schema(item: &str) -> utoipa::openapi::schema::Schema {
    ObjectBuilder::new()
        .property(
            "items",
            utoipa::openapi::schema::ArrayBuilder::new().items(Ref::from_schema_name(item)),
        )
        .required("items")
        .property(
            "next_cursor",
            ObjectBuilder::new().schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                Type::String,
                Type::Null,
            ])),
        )
        .required("next_cursor")
        .into()
}

fn success(status: &str, a: Answer) -> utoipa::openapi::Response {
    let description = match status {
        "201" => "Creado",
        "204" => "Sin contenido",
        _ => "OK",
    };
    let schema: utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> = match a {
        Answer::Empty => return ResponseBuilder::new().description(description).build(),
        Answer::One(name) => Ref::from_schema_name(name).into(),
        Answer::Page(name) => page_schema(name).into(),
    };
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(schema)).build(),
        )
        .build()
}

/// Query parameters an operation reads.
fn query_params(op: Op) -> &'static [(&'static str, &'static str)] {
    const PAGE: &[(&str, &str)] = &[
        ("limit", "1–100 (50)"),
        ("cursor", "next_cursor of the previous page"),
    ];
    match op {
        Op::ListAppointments => &[
            ("from", "ISO 8601 instant or local date (today)"),
            ("to", "ISO 8601 instant or local date, inclusive"),
            ("staff_id", "only this staff member"),
            ("service_id", "only this service"),
            ("status", "pending|confirmed|completed|cancelled|no_show"),
            ("limit", "1–100 (50)"),
            ("cursor", "next_cursor of the previous page"),
        ],
        Op::ListCustomers => &[
            ("q", "name prefix, or phone digits"),
            ("limit", "1–100 (50)"),
            ("cursor", "next_cursor of the previous page"),
        ],
        Op::ListServices | Op::ListStaff => &[
            ("active", "true: only active"),
            ("limit", "1–100 (50)"),
            ("cursor", "next_cursor of the previous page"),
        ],
        Op::ListLocations
        | Op::ListSpots
        | Op::ListConversations
        | Op::ListMessages
        | Op::AdminActivity => PAGE,
        Op::GetAvailability => &[("staff_id", "only this staff member")],
        Op::ListBlocks => &[
            ("from", "instant or local date"),
            ("to", "instant or local date"),
        ],
        Op::Slots => &[
            ("service_id", "required"),
            ("from", "local date (today)"),
            ("to", "local date, inclusive (from)"),
            ("staff_id", "only this staff member"),
            ("location_id", "default: the primary location"),
        ],
        Op::Stats => &[
            ("from", "local date (to − 29 days)"),
            ("to", "local date (today)"),
        ],
        Op::AdminListOrganizations => &[
            ("q", "name or WhatsApp number contains"),
            ("status", "onboarding|active|suspended|churned"),
            ("limit", "1–100 (50)"),
            ("cursor", "next_cursor of the previous page"),
        ],
        Op::AdminConversations => &[("org_id", "only this business"), ("limit", "1–100 (50)")],
        Op::DevOutbox => &[("to", "E.164 number"), ("after", "cursor")],
        _ => &[],
    }
}

fn method(v: Verb) -> HttpMethod {
    match v {
        Verb::Get => HttpMethod::Get,
        Verb::Post => HttpMethod::Post,
        Verb::Put => HttpMethod::Put,
        Verb::Patch => HttpMethod::Patch,
        Verb::Delete => HttpMethod::Delete,
    }
}

fn plain_object(props: &[&str]) -> utoipa::openapi::schema::Schema {
    let mut b = ObjectBuilder::new();
    for p in props {
        b = b
            .property(*p, ObjectBuilder::new().schema_type(Type::String))
            .required(*p);
    }
    b.into()
}

pub fn build() -> OpenApi {
    let mut paths = PathsBuilder::new();
    for r in ROUTES.iter() {
        let (status, answer) = answer(r.op);
        let op_id = format!("{}{:?}", if r.as_admin { "admin_" } else { "" }, r.op);
        let mut op = OperationBuilder::new()
            .operation_id(Some(op_id))
            .summary(Some(r.summary))
            .tag(match r.access {
                Access::Public => "auth",
                Access::Dev => "dev",
                Access::Admin => "admin",
                Access::Business(_) if r.as_admin => "admin",
                Access::Business(_) => "business",
            })
            .response(status, success(status, answer))
            .response(
                "default",
                ResponseBuilder::new().description("Error").content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Error")))
                        .build(),
                ),
            );
        if let Access::Business(Some(action)) = r.access {
            op = op.description(Some(format!(
                "Nivel mínimo: {:?} ({}).",
                action.minimum_level(),
                action.describe_es()
            )));
        }
        if !matches!(r.access, Access::Public | Access::Dev)
            || matches!(r.op, Op::Logout | Op::Me | Op::AdminLogout)
        {
            op = op.security(SecurityRequirement::new::<_, [&str; 0], &str>("bearer", []));
        }
        for segment in r.path.split('/') {
            if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                op = op.parameter(
                    ParameterBuilder::new()
                        .name(name)
                        .parameter_in(ParameterIn::Path)
                        .required(Required::True)
                        .schema(Some(ObjectBuilder::new().schema_type(Type::String).format(
                            Some(utoipa::openapi::SchemaFormat::KnownFormat(
                                utoipa::openapi::KnownFormat::Uuid,
                            )),
                        ))),
                );
            }
        }
        for (name, description) in query_params(r.op) {
            op = op.parameter(
                ParameterBuilder::new()
                    .name(*name)
                    .parameter_in(ParameterIn::Query)
                    .required(Required::False)
                    .description(Some(*description))
                    .schema(Some(ObjectBuilder::new().schema_type(Type::String))),
            );
        }
        if let Some(schema) = request_schema(r.op) {
            op = op.request_body(Some(
                RequestBodyBuilder::new()
                    .required(Some(Required::True))
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name(schema)))
                            .build(),
                    )
                    .build(),
            ));
        }
        paths = paths.path(r.path.clone(), PathItem::new(method(r.verb), op.build()));
    }
    let components = ComponentsBuilder::new()
        .schema_from::<OrganizationPatch>()
        .schema_from::<LocationInput>()
        .schema_from::<ServiceInput>()
        .schema_from::<StaffInput>()
        .schema_from::<ServiceIds>()
        .schema_from::<WorkingHoursInput>()
        .schema_from::<SpotInput>()
        .schema_from::<SpotOrder>()
        .schema_from::<CustomerPatch>()
        .schema_from::<AppointmentCreate>()
        .schema_from::<AppointmentPatch>()
        .schema_from::<CancelInput>()
        .schema_from::<ExceptionInput>()
        .schema_from::<BlockInput>()
        .schema_from::<SendMessageInput>()
        .schema_from::<AttachNumberInput>()
        .schema_from::<StatsOut>()
        .schema_from::<ImpersonationOut>()
        .schema_from::<StatsCounts>()
        .schema_from::<StatsDay>()
        .schema_from::<out::OrgStatus>()
        .schema_from::<out::PermissionLevel>()
        .schema_from::<out::StaffRole>()
        .schema_from::<out::AppointmentStatus>()
        .schema_from::<out::AppointmentSource>()
        .schema_from::<out::ConversationStatus>()
        .schema_from::<out::ConversationKind>()
        .schema_from::<out::Direction>()
        .schema_from::<out::SenderType>()
        .schema_from::<out::ContentType>()
        .schema_from::<out::BookingPolicy>()
        .schema_from::<out::MissedCallSettings>()
        .schema_from::<out::OrgSettings>()
        .schema_from::<out::Organization>()
        .schema_from::<out::TimeRange>()
        .schema_from::<out::WeeklyHours>()
        .schema_from::<out::Location>()
        .schema_from::<out::Staff>()
        .schema_from::<out::Service>()
        .schema_from::<out::ServiceDeactivated>()
        .schema_from::<out::Spot>()
        .schema_from::<out::Customer>()
        .schema_from::<out::Appointment>()
        .schema_from::<out::CustomerDetail>()
        .schema_from::<out::WorkingHours>()
        .schema_from::<out::RecurringAvailability>()
        .schema_from::<out::AvailabilityException>()
        .schema_from::<out::Availability>()
        .schema_from::<out::TimeBlock>()
        .schema_from::<out::Slot>()
        .schema_from::<out::Slots>()
        .schema_from::<out::Conversation>()
        .schema_from::<out::Message>()
        .schema_from::<out::MagicLinkAccepted>()
        .schema_from::<out::NamedRef>()
        .schema_from::<out::Session>()
        .schema_from::<out::Me>()
        .schema_from::<out::AdminSession>()
        .schema_from::<out::AdminMe>()
        .schema_from::<out::IssuedLink>()
        .schema_from::<out::DevLinks>()
        .schema_from::<out::Health>()
        .schema_from::<OrgStatusCounts>()
        .schema_from::<AdminStats>()
        .schema_from::<AdminOrganizations>()
        .schema_from::<AdminOrganizationCounts>()
        .schema_from::<AdminOrganizationDetail>()
        .schema_from::<AdminConversation>()
        .schema_from::<out::ActivityKind>()
        .schema_from::<out::Activity>()
        .schema_from::<out::OpenApiDocument>()
        .schema_from::<crate::dev::OutboxMessage>()
        .schema_from::<crate::dev::OutboxPage>()
        .schema_from::<out::ReadinessCheck>()
        .schema_from::<out::Readiness>()
        .schema("MagicLinkRequest", plain_object(&["phone"]))
        .schema("VerifyRequest", plain_object(&["token"]))
        .schema("AdminLoginRequest", plain_object(&["password"]))
        .schema(
            "Error",
            ObjectBuilder::new()
                .property("error", plain_object(&["code", "message"]))
                .required("error"),
        )
        .security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        )
        .build();
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Parlo API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Panel de negocios y administración de Parlo. Errores: {\"error\": {\"code\", \"message\"}}.",
                ))
                .build(),
        )
        .paths(paths.build())
        .components(Some(components))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};
    use parlo_core::*;
    use serde_json::Value;
    use std::collections::BTreeSet;
    use uuid::Uuid;

    /// The schema a `$ref` names (or the schema itself when it is inline).
    fn resolve(schema: &Value) -> &Value {
        match schema["$ref"].as_str() {
            Some(r) => {
                let name = r.trim_start_matches("#/components/schemas/");
                let target = &document()["components"]["schemas"][name];
                assert!(target.is_object(), "dangling reference {r}");
                target
            }
            None => schema,
        }
    }

    /// Properties and required names of an object schema, through `allOf`
    /// (a flattened field) and references.
    fn properties(schema: &Value, props: &mut BTreeSet<String>, required: &mut BTreeSet<String>) {
        let schema = resolve(schema);
        for part in schema["allOf"].as_array().into_iter().flatten() {
            properties(part, props, required);
        }
        for k in schema["properties"].as_object().into_iter().flatten() {
            props.insert(k.0.clone());
        }
        for r in schema["required"].as_array().into_iter().flatten() {
            required.insert(r.as_str().unwrap_or_default().to_string());
        }
    }

    /// The keys a real value serializes to are exactly the schema's
    /// properties, and every required property is there.
    fn same_shape(name: &str, value: &Value) {
        let (mut props, mut required) = (BTreeSet::new(), BTreeSet::new());
        properties(
            &document()["components"]["schemas"][name],
            &mut props,
            &mut required,
        );
        assert!(!props.is_empty(), "schema {name} has no properties");
        let keys: BTreeSet<String> = value
            .as_object()
            .unwrap_or_else(|| panic!("{name} is not an object"))
            .keys()
            .cloned()
            .collect();
        assert_eq!(props, keys, "schema {name} and its serialized value differ");
        for r in &required {
            assert!(keys.contains(r), "{name}.{r}");
        }
    }

    fn json<T: serde::Serialize>(v: &T) -> Value {
        serde_json::to_value(v).unwrap_or_default()
    }

    #[test]
    fn answer_schemas_match_what_the_handlers_serialize() {
        let t = Utc.with_ymd_and_hms(2030, 1, 8, 16, 0, 0).unwrap();
        let id = Uuid::nil();
        let org = Organization {
            id,
            name: "B".into(),
            whatsapp_number: None,
            timezone: DEFAULT_TIMEZONE.into(),
            status: OrgStatus::Active,
            settings: OrgSettings::default(),
            onboarding_state: None,
            onboarding_data: Value::Null,
            last_message_at: None,
            created_at: t,
            updated_at: t,
        };
        same_shape(
            "Organization",
            &json(&super::super::dto::OrganizationView::new(&org)),
        );
        same_shape("OrgSettings", &json(&org.settings));
        same_shape("BookingPolicy", &json(&org.settings.booking));
        same_shape("MissedCallSettings", &json(&org.settings.missed_call));
        let hours = WeeklyHours::default();
        same_shape("WeeklyHours", &json(&hours));
        same_shape("TimeRange", &json(&TimeRange::hm((10, 0), (20, 0))));
        same_shape(
            "Location",
            &json(&Location {
                id,
                org_id: id,
                name: "L".into(),
                address: None,
                is_primary: true,
                business_hours: hours,
                created_at: t,
                updated_at: t,
            }),
        );
        same_shape(
            "Staff",
            &json(&Staff {
                id,
                org_id: id,
                location_id: None,
                name: "P".into(),
                phone: "+5215511112222".into(),
                role: StaffRole::Employee,
                permission_level: PermissionLevel::Staff,
                is_active: true,
                first_message_at: None,
                default_spot_id: None,
                service_ids: vec![],
                bookable: true,
                created_at: t,
                updated_at: t,
            }),
        );
        same_shape(
            "Service",
            &json(&ServiceType {
                id,
                org_id: id,
                name: "Corte".into(),
                description: None,
                duration_minutes: 30,
                price_cents: 15000,
                currency: "MXN".into(),
                is_active: true,
                buffer_minutes: 0,
                created_at: t,
                updated_at: t,
            }),
        );
        same_shape(
            "Spot",
            &json(&Spot {
                id,
                org_id: id,
                location_id: id,
                name: "Silla 1".into(),
                display_order: 0,
                is_active: true,
                service_ids: vec![],
                created_at: t,
                updated_at: t,
            }),
        );
        same_shape(
            "Customer",
            &json(&Customer {
                id,
                org_id: id,
                phone: "+5215599998888".into(),
                name: None,
                name_verified_at: None,
                email: None,
                notes: None,
                created_at: t,
                updated_at: t,
            }),
        );
        let appt = Appointment {
            id,
            org_id: id,
            location_id: id,
            customer_id: id,
            staff_id: id,
            spot_id: None,
            service_id: id,
            start: t,
            end: t,
            buffer_minutes: 0,
            status: AppointmentStatus::Confirmed,
            source: AppointmentSource::Web,
            notes: None,
            cancellation_reason: None,
            reminder_sent_at: None,
            price_cents: 0,
            rating: Some(5),
            feedback: Some("bien".into()),
            created_at: t,
            updated_at: t,
        };
        same_shape(
            "Appointment",
            &json(&AppointmentView::new(appt, chrono_tz::America::Mexico_City)),
        );
        same_shape(
            "TimeBlock",
            &json(&TimeBlock {
                id,
                org_id: id,
                staff_id: None,
                start: t,
                end: t,
                reason: None,
                created_by: None,
                created_at: t,
            }),
        );
        same_shape(
            "AvailabilityException",
            &json(&AvailabilityException {
                id,
                org_id: id,
                staff_id: id,
                date: NaiveDate::from_ymd_opt(2030, 1, 8).unwrap(),
                range: None,
                is_available: false,
                reason: None,
                created_at: t,
            }),
        );
        same_shape(
            "RecurringAvailability",
            &json(&RecurringAvailability {
                id,
                org_id: id,
                staff_id: id,
                weekday: 0,
                range: TimeRange::hm((10, 0), (20, 0)),
                created_at: t,
            }),
        );
        same_shape(
            "Slot",
            &json(&parlo_core::scheduling::Slot {
                start: t,
                end: t,
                local_start: t.naive_utc(),
                staff_ids: vec![],
                spot_ids: vec![],
            }),
        );
        same_shape(
            "Conversation",
            &json(&Conversation {
                id,
                org_id: id,
                kind: ConversationKind::Customer,
                peer_phone: "+5215599998888".into(),
                customer_id: None,
                staff_id: None,
                status: ConversationStatus::HandedOff,
                handed_off_until: None,
                context: Value::Null,
                created_at: t,
                updated_at: t,
                last_message_at: t,
            }),
        );
        same_shape(
            "Message",
            &json(&Message {
                id,
                org_id: id,
                conversation_id: id,
                direction: Direction::Outbound,
                sender_type: SenderType::Staff,
                content_type: ContentType::Text,
                content: "Hola".into(),
                media_url: None,
                provider_id: None,
                delivery_status: None,
                created_at: t,
            }),
        );
        let d = NaiveDate::from_ymd_opt(2030, 1, 8).unwrap();
        same_shape(
            "StatsOut",
            &json(&crate::api::business::stats(
                &[],
                chrono_tz::America::Mexico_City,
                d,
                d,
            )),
        );
        // The admin's answers and the auth / dev ones the handlers build.
        let counts = OrgStatusCounts {
            total: 1,
            active: 1,
            ..Default::default()
        };
        same_shape("OrgStatusCounts", &json(&counts));
        same_shape(
            "AdminStats",
            &json(&AdminStats {
                organizations: OrgStatusCounts::default(),
                new_organizations_7_days: 0,
                organizations_with_messages_7_days: 0,
                activity_7_days: [("booking".to_string(), 2)].into(),
            }),
        );
        same_shape(
            "AdminOrganizations",
            &json(&AdminOrganizations {
                items: vec![org.clone()],
                next_cursor: None,
                counts,
            }),
        );
        let detail = json(&AdminOrganizationDetail {
            organization: org.clone(),
            locations: vec![],
            staff: vec![],
            services: vec![],
            spots: vec![],
            counts: AdminOrganizationCounts {
                staff_active: 0,
                services_active: 0,
                appointments_last_and_next_30_days: 0,
            },
        });
        same_shape("AdminOrganizationDetail", &detail);
        same_shape("AdminOrganizationCounts", &detail["counts"]);
        let conversation = Conversation {
            id,
            org_id: id,
            kind: ConversationKind::Customer,
            peer_phone: "+5215599998888".into(),
            customer_id: None,
            staff_id: None,
            status: ConversationStatus::HandedOff,
            handed_off_until: None,
            context: Value::Null,
            created_at: t,
            updated_at: t,
            last_message_at: t,
        };
        same_shape(
            "AdminConversation",
            &json(&AdminConversation {
                conversation,
                organization_name: Some("B".into()),
            }),
        );
        same_shape(
            "Activity",
            &json(&parlo_store::Activity {
                id,
                kind: parlo_store::ActivityKind::GoLive,
                org_id: Some(id),
                summary: "Listo".into(),
                at: t,
            }),
        );
        same_shape(
            "Me",
            &json(&MeOut {
                org_id: id,
                staff_id: None,
                permission_level: PermissionLevel::Owner,
                impersonated: true,
                expires_at: t,
            }),
        );
        let links = json(&DevLinksOut {
            links: vec![crate::auth::IssuedLink {
                org_id: id,
                business: "B".into(),
                staff_id: id,
                token: "t".into(),
                url: "http://x/auth?token=t".into(),
                expires_at: t,
            }],
        });
        same_shape("DevLinks", &links);
        same_shape("IssuedLink", &links["links"][0]);
        let outbox = json(&crate::dev::OutboxPage {
            messages: vec![crate::dev::OutboxMessage {
                id: "1".into(),
                key: "k".into(),
                to: "+5215599998888".into(),
                from: "+5215500000000".into(),
                body: "Hola".into(),
                created_at: "2030-01-08T16:00:00Z".into(),
                status: "sent".into(),
                mock: true,
                content_sid: None,
                content_variables: None,
            }],
        });
        same_shape("OutboxPage", &outbox);
        same_shape("OutboxMessage", &outbox["messages"][0]);
        same_shape("OpenApiDocument", document());
        same_shape(
            "Health",
            &json(&out::Health {
                status: "ok".into(),
            }),
        );
        // Enums list exactly the values serde writes.
        for (name, v) in [
            ("AppointmentStatus", json(&AppointmentStatus::NoShow)),
            ("SenderType", json(&SenderType::Ai)),
            ("ConversationStatus", json(&ConversationStatus::HandedOff)),
            ("AppointmentSource", json(&AppointmentSource::WalkIn)),
            (
                "ActivityKind",
                json(&parlo_store::ActivityKind::NumberChange),
            ),
        ] {
            let values = &document()["components"]["schemas"][name]["enum"];
            assert!(
                values.as_array().is_some_and(|a| a.contains(&v)),
                "{name} lacks {v}"
            );
        }
    }

    #[test]
    fn every_operation_has_a_typed_success_answer() {
        let doc = document();
        for r in ROUTES.iter() {
            let (status, _) = answer(r.op);
            assert!(
                doc["paths"][&r.path][r.verb.as_str()]["responses"][status].is_object(),
                "{} {}",
                r.verb.as_str(),
                r.path
            );
        }
    }

    /// Walks the whole document: every success answer of every operation
    /// has a JSON schema (204 has no body), the schema is named or has
    /// properties (never a bare `object`), and every reference anywhere
    /// resolves. So an untyped answer cannot come back.
    #[test]
    fn every_success_answer_has_a_schema() {
        fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
            match v {
                Value::Object(m) => {
                    if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                        out.push(r);
                    }
                    m.values().for_each(|v| refs(v, out));
                }
                Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
                _ => {}
            }
        }
        let doc = document();
        let mut operations = 0;
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (verb, op) in item.as_object().into_iter().flatten() {
                let Some(responses) = op["responses"].as_object() else {
                    continue;
                };
                operations += 1;
                let success: Vec<_> = responses
                    .iter()
                    .filter(|(status, _)| status.starts_with('2'))
                    .collect();
                assert!(!success.is_empty(), "{verb} {path}: no 2xx answer");
                for (status, answer) in success {
                    let content = &answer["content"];
                    if status == "204" {
                        assert!(content.is_null(), "{verb} {path}: 204 with a body");
                        continue;
                    }
                    let schema = &content["application/json"]["schema"];
                    assert!(schema.is_object(), "{verb} {path} {status}: no JSON schema");
                    let (mut props, mut required) = (BTreeSet::new(), BTreeSet::new());
                    properties(schema, &mut props, &mut required);
                    assert!(
                        !props.is_empty(),
                        "{verb} {path} {status}: the schema has no properties"
                    );
                }
            }
        }
        assert_eq!(operations, ROUTES.len(), "an operation is missing");
        let mut all = Vec::new();
        refs(doc, &mut all);
        for r in all {
            resolve(&serde_json::json!({ "$ref": r }));
        }
    }
}
