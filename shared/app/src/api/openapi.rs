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
        _ => return None,
    })
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
            .response(
                "200",
                ResponseBuilder::new()
                    .description("OK (201 on create, 204 on delete)")
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(ObjectBuilder::new().schema_type(Type::Object)))
                            .build(),
                    ),
            )
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
        .schema_from::<AppointmentView>()
        .schema_from::<StatsOut>()
        .schema_from::<ImpersonationOut>()
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
