//! The route table: one row per method and path, read by the router
//! ([`super::Api::handle`]) and by the OpenAPI document
//! ([`super::openapi`]), so the document cannot miss a route.
//!
//! Business routes are also served to admins under
//! `/api/v1/admin/organizations/{org_id}/…` (the same handler, with the
//! business from the path instead of the token).

use std::sync::LazyLock;

use parlo_core::permissions::Action;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verb {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Verb {
    pub fn parse(m: &lambda_http::http::Method) -> Option<Self> {
        use lambda_http::http::Method;
        Some(match *m {
            Method::GET => Verb::Get,
            Method::POST => Verb::Post,
            Method::PUT => Verb::Put,
            Method::PATCH => Verb::Patch,
            Method::DELETE => Verb::Delete,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::Post => "post",
            Verb::Put => "put",
            Verb::Patch => "patch",
            Verb::Delete => "delete",
        }
    }
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Public,
    /// Local stack only (`PARLO_ENV=local`).
    Dev,
    /// A business session; `None` = any level (reads), else the matrix row.
    Business(Option<Action>),
    Admin,
}

/// What a route does (the router's `match`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Health,
    HealthReady,
    OpenApi,
    RequestMagicLink,
    VerifyMagicLink,
    Logout,
    Me,
    AdminLogin,
    AdminLogout,
    AdminMe,
    DevMagicLink,
    DevOutbox,
    // business
    GetOrganization,
    UpdateOrganization,
    ListLocations,
    CreateLocation,
    GetLocation,
    UpdateLocation,
    DeleteLocation,
    ListServices,
    CreateService,
    GetService,
    UpdateService,
    DeleteService,
    ListStaff,
    CreateStaff,
    GetStaff,
    UpdateStaff,
    DeleteStaff,
    DeactivateStaff,
    ReactivateStaff,
    SetStaffServices,
    GetWorkingHours,
    SetWorkingHours,
    ListSpots,
    CreateSpot,
    GetSpot,
    UpdateSpot,
    DeleteSpot,
    OrderSpots,
    ListCustomers,
    GetCustomer,
    UpdateCustomer,
    ListAppointments,
    CreateAppointment,
    GetAppointment,
    UpdateAppointment,
    CancelAppointment,
    CompleteAppointment,
    NoShowAppointment,
    GetAvailability,
    CreateException,
    DeleteException,
    ListBlocks,
    CreateBlock,
    DeleteBlock,
    Slots,
    ListConversations,
    ListMessages,
    ReleaseConversation,
    TakeOverConversation,
    SendMessage,
    Stats,
    // admin
    AdminStats,
    AdminListOrganizations,
    AdminGetOrganization,
    AdminSuspend,
    AdminReactivate,
    AdminAttachNumber,
    AdminDetachNumber,
    AdminImpersonate,
    AdminConversations,
    AdminActivity,
}

#[derive(Debug, Clone)]
pub struct Route {
    pub verb: Verb,
    pub path: String,
    pub op: Op,
    pub summary: &'static str,
    pub access: Access,
    /// An admin calling a business route for the business in the path.
    pub as_admin: bool,
}

pub const ADMIN_ORG_PREFIX: &str = "/api/v1/admin/organizations/{org_id}";

use Access::*;
use Op::*;
use Verb::*;

type Row = (Verb, &'static str, Op, &'static str, Access);

const fn b(a: Action) -> Access {
    Business(Some(a))
}
const READ: Access = Business(None);

/// Every route but the admin mirrors of the business routes.
const ROWS: &[Row] = &[
    (Get, "/api/v1/health", Health, "Estado del servicio", Public),
    (
        Get,
        "/api/v1/health/ready",
        HealthReady,
        "Disponibilidad: tabla, cola y credenciales del proveedor (503 si algo falla)",
        Public,
    ),
    (
        Get,
        "/api/v1/openapi.json",
        OpenApi,
        "Este documento OpenAPI",
        Public,
    ),
    (
        Post,
        "/api/v1/auth/request-magic-link",
        RequestMagicLink,
        "Pedir un enlace de acceso por WhatsApp",
        Public,
    ),
    (
        Post,
        "/api/v1/auth/verify-magic-link",
        VerifyMagicLink,
        "Canjear un enlace por una sesión",
        Public,
    ),
    (
        Post,
        "/api/v1/auth/logout",
        Logout,
        "Cerrar la sesión",
        Public,
    ),
    (Get, "/api/v1/auth/me", Me, "Quién es la sesión", Public),
    (
        Post,
        "/api/v1/admin/auth/login",
        AdminLogin,
        "Entrar como administrador",
        Public,
    ),
    (
        Post,
        "/api/v1/admin/auth/logout",
        AdminLogout,
        "Cerrar la sesión de administrador",
        Public,
    ),
    (
        Get,
        "/api/v1/admin/auth/me",
        AdminMe,
        "Sesión de administrador",
        Admin,
    ),
    (
        Post,
        "/api/v1/dev/auth/magic-link",
        DevMagicLink,
        "Solo local: enlaces para un teléfono",
        Dev,
    ),
    (
        Get,
        "/api/v1/dev/outbox",
        DevOutbox,
        "Solo local: mensajes enviados",
        Dev,
    ),
    // The business of the session.
    (
        Get,
        "/api/v1/organization",
        GetOrganization,
        "El negocio",
        READ,
    ),
    (
        Patch,
        "/api/v1/organization",
        UpdateOrganization,
        "Editar el negocio (nombre, zona, ajustes)",
        b(Action::ChangeBusinessHours),
    ),
    (Get, "/api/v1/locations", ListLocations, "Sucursales", READ),
    (
        Post,
        "/api/v1/locations",
        CreateLocation,
        "Crear sucursal",
        b(Action::ChangeBusinessHours),
    ),
    (
        Get,
        "/api/v1/locations/{id}",
        GetLocation,
        "Una sucursal",
        READ,
    ),
    (
        Patch,
        "/api/v1/locations/{id}",
        UpdateLocation,
        "Editar sucursal y horario",
        b(Action::ChangeBusinessHours),
    ),
    (
        Delete,
        "/api/v1/locations/{id}",
        DeleteLocation,
        "Borrar sucursal",
        b(Action::ChangeBusinessHours),
    ),
    (Get, "/api/v1/services", ListServices, "Servicios", READ),
    (
        Post,
        "/api/v1/services",
        CreateService,
        "Crear servicio",
        b(Action::ModifyServicesPrices),
    ),
    (
        Get,
        "/api/v1/services/{id}",
        GetService,
        "Un servicio",
        READ,
    ),
    (
        Patch,
        "/api/v1/services/{id}",
        UpdateService,
        "Editar servicio",
        b(Action::ModifyServicesPrices),
    ),
    (
        Delete,
        "/api/v1/services/{id}",
        DeleteService,
        "Borrar servicio (o desactivarlo si tiene citas)",
        b(Action::ModifyServicesPrices),
    ),
    (Get, "/api/v1/staff", ListStaff, "Personal", READ),
    (
        Post,
        "/api/v1/staff",
        CreateStaff,
        "Agregar personal",
        b(Action::AddStaff),
    ),
    (
        Get,
        "/api/v1/staff/{id}",
        GetStaff,
        "Una persona del equipo",
        READ,
    ),
    (
        Patch,
        "/api/v1/staff/{id}",
        UpdateStaff,
        "Editar persona (nombre, lugar por defecto, permisos)",
        b(Action::AddStaff),
    ),
    (
        Delete,
        "/api/v1/staff/{id}",
        DeleteStaff,
        "Borrar persona sin citas (si tiene, desactivarla)",
        b(Action::RemoveStaff),
    ),
    (
        Post,
        "/api/v1/staff/{id}/deactivate",
        DeactivateStaff,
        "Dar de baja",
        b(Action::RemoveStaff),
    ),
    (
        Post,
        "/api/v1/staff/{id}/reactivate",
        ReactivateStaff,
        "Reactivar",
        b(Action::AddStaff),
    ),
    (
        Put,
        "/api/v1/staff/{id}/services",
        SetStaffServices,
        "Servicios que realiza",
        b(Action::AddStaff),
    ),
    (
        Get,
        "/api/v1/staff/{id}/working-hours",
        GetWorkingHours,
        "Horario semanal",
        READ,
    ),
    (
        Put,
        "/api/v1/staff/{id}/working-hours",
        SetWorkingHours,
        "Cambiar horario semanal",
        b(Action::BlockOwnTime),
    ),
    (
        Get,
        "/api/v1/spots",
        ListSpots,
        "Lugares (sillas, camas)",
        READ,
    ),
    (
        Post,
        "/api/v1/spots",
        CreateSpot,
        "Crear lugar",
        b(Action::ModifyServicesPrices),
    ),
    (
        Put,
        "/api/v1/spots/order",
        OrderSpots,
        "Orden de los lugares",
        b(Action::ModifyServicesPrices),
    ),
    (Get, "/api/v1/spots/{id}", GetSpot, "Un lugar", READ),
    (
        Patch,
        "/api/v1/spots/{id}",
        UpdateSpot,
        "Editar lugar y sus servicios",
        b(Action::ModifyServicesPrices),
    ),
    (
        Delete,
        "/api/v1/spots/{id}",
        DeleteSpot,
        "Borrar lugar",
        b(Action::ModifyServicesPrices),
    ),
    (
        Get,
        "/api/v1/customers",
        ListCustomers,
        "Clientes (búsqueda por nombre o teléfono)",
        READ,
    ),
    (
        Get,
        "/api/v1/customers/{id}",
        GetCustomer,
        "Cliente con su historial",
        READ,
    ),
    (
        Patch,
        "/api/v1/customers/{id}",
        UpdateCustomer,
        "Editar cliente y notas",
        b(Action::CreateBooking),
    ),
    (
        Get,
        "/api/v1/appointments",
        ListAppointments,
        "Citas por rango de fechas",
        b(Action::ViewBusinessSchedule),
    ),
    (
        Post,
        "/api/v1/appointments",
        CreateAppointment,
        "Agendar",
        b(Action::CreateBooking),
    ),
    (
        Get,
        "/api/v1/appointments/{id}",
        GetAppointment,
        "Una cita",
        b(Action::ViewBusinessSchedule),
    ),
    (
        Patch,
        "/api/v1/appointments/{id}",
        UpdateAppointment,
        "Mover o editar una cita",
        b(Action::CreateBooking),
    ),
    (
        Post,
        "/api/v1/appointments/{id}/cancel",
        CancelAppointment,
        "Cancelar",
        b(Action::CancelAppointment),
    ),
    (
        Post,
        "/api/v1/appointments/{id}/complete",
        CompleteAppointment,
        "Marcar como completada",
        b(Action::MarkAttendance),
    ),
    (
        Post,
        "/api/v1/appointments/{id}/no-show",
        NoShowAppointment,
        "Marcar como no asistida",
        b(Action::MarkAttendance),
    ),
    (
        Get,
        "/api/v1/availability",
        GetAvailability,
        "Horarios recurrentes y excepciones",
        READ,
    ),
    (
        Post,
        "/api/v1/availability/exceptions",
        CreateException,
        "Crear excepción (día libre u horario especial)",
        b(Action::BlockOwnTime),
    ),
    (
        Delete,
        "/api/v1/availability/exceptions/{id}",
        DeleteException,
        "Borrar excepción",
        b(Action::BlockOwnTime),
    ),
    (
        Get,
        "/api/v1/availability/blocks",
        ListBlocks,
        "Bloqueos en un rango",
        READ,
    ),
    (
        Post,
        "/api/v1/availability/blocks",
        CreateBlock,
        "Bloquear tiempo (o cerrar el negocio)",
        b(Action::BlockOwnTime),
    ),
    (
        Delete,
        "/api/v1/availability/blocks/{id}",
        DeleteBlock,
        "Quitar bloqueo",
        b(Action::BlockOwnTime),
    ),
    (
        Get,
        "/api/v1/availability/slots",
        Slots,
        "Horarios libres para un servicio",
        READ,
    ),
    (
        Get,
        "/api/v1/conversations",
        ListConversations,
        "Conversaciones",
        READ,
    ),
    (
        Get,
        "/api/v1/conversations/{id}/messages",
        ListMessages,
        "Mensajes de una conversación",
        READ,
    ),
    (
        Post,
        "/api/v1/conversations/{id}/release",
        ReleaseConversation,
        "Devolver la conversación al asistente",
        b(Action::CreateBooking),
    ),
    (
        Post,
        "/api/v1/conversations/{id}/take-over",
        TakeOverConversation,
        "Atender la conversación personalmente (el asistente se pausa 24 horas)",
        b(Action::CreateBooking),
    ),
    (
        Post,
        "/api/v1/conversations/{id}/messages",
        SendMessage,
        "Enviar un mensaje como el negocio",
        b(Action::CreateBooking),
    ),
    (
        Get,
        "/api/v1/stats",
        Stats,
        "Estadísticas por periodo",
        b(Action::ViewStats),
    ),
    // Platform administration.
    (
        Get,
        "/api/v1/admin/stats",
        AdminStats,
        "Estadísticas de la plataforma",
        Admin,
    ),
    (
        Get,
        "/api/v1/admin/organizations",
        AdminListOrganizations,
        "Negocios (búsqueda y estado)",
        Admin,
    ),
    (
        Get,
        "/api/v1/admin/organizations/{org_id}",
        AdminGetOrganization,
        "Detalle de un negocio",
        Admin,
    ),
    (
        Post,
        "/api/v1/admin/organizations/{org_id}/suspend",
        AdminSuspend,
        "Suspender",
        Admin,
    ),
    (
        Post,
        "/api/v1/admin/organizations/{org_id}/reactivate",
        AdminReactivate,
        "Reactivar",
        Admin,
    ),
    (
        Post,
        "/api/v1/admin/organizations/{org_id}/number",
        AdminAttachNumber,
        "Conectar un número de WhatsApp y activar",
        Admin,
    ),
    (
        Delete,
        "/api/v1/admin/organizations/{org_id}/number",
        AdminDetachNumber,
        "Desconectar el número de WhatsApp",
        Admin,
    ),
    (
        Post,
        "/api/v1/admin/organizations/{org_id}/impersonate",
        AdminImpersonate,
        "Entrar como el negocio",
        Admin,
    ),
    (
        Get,
        "/api/v1/admin/conversations",
        AdminConversations,
        "Conversaciones recientes de todos los negocios",
        Admin,
    ),
    (
        Get,
        "/api/v1/admin/activity",
        AdminActivity,
        "Actividad de la plataforma",
        Admin,
    ),
];

/// Every route, admin mirrors included.
pub static ROUTES: LazyLock<Vec<Route>> = LazyLock::new(|| {
    let mut out: Vec<Route> = ROWS
        .iter()
        .map(|&(verb, path, op, summary, access)| Route {
            verb,
            path: path.to_string(),
            op,
            summary,
            access,
            as_admin: false,
        })
        .collect();
    let mirrors: Vec<Route> = out
        .iter()
        .filter(|r| matches!(r.access, Business(_)))
        .map(|r| Route {
            path: format!("{ADMIN_ORG_PREFIX}{}", r.path.trim_start_matches("/api/v1")),
            as_admin: true,
            ..r.clone()
        })
        .collect();
    out.extend(mirrors);
    out
});

/// Path parameters of a matched route.
#[derive(Debug, Default, Clone)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The route for a method and path; `Err(true)` when the path exists with
/// another method (405), `Err(false)` when no route has it (404).
/// Literal segments win over parameters (`/spots/order` before
/// `/spots/{id}`).
pub fn find(verb: Option<Verb>, path: &str) -> Result<(&'static Route, Params), bool> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let mut best: Option<(&Route, Params, usize)> = None;
    let mut path_exists = false;
    for route in ROUTES.iter() {
        let Some((params, literals)) = match_path(&route.path, &segments) else {
            continue;
        };
        if Some(route.verb) != verb {
            path_exists = true;
            continue;
        }
        if best.as_ref().is_none_or(|(_, _, l)| literals > *l) {
            best = Some((route, params, literals));
        }
    }
    match best {
        Some((r, p, _)) => Ok((r, p)),
        None => Err(path_exists),
    }
}

fn match_path(template: &str, segments: &[&str]) -> Option<(Params, usize)> {
    let parts: Vec<&str> = template.split('/').collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut params = Vec::new();
    let mut literals = 0;
    for (t, s) in parts.iter().zip(segments) {
        if let Some(name) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            if s.is_empty() {
                return None;
            }
            params.push((name.to_string(), (*s).to_string()));
        } else if t == s {
            literals += 1;
        } else {
            return None;
        }
    }
    Some((Params(params), literals))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_segments_win_and_params_are_captured() {
        let (r, _) = find(Some(Put), "/api/v1/spots/order").unwrap();
        assert_eq!(r.op, OrderSpots);
        let (r, p) = find(Some(Get), "/api/v1/spots/abc").unwrap();
        assert_eq!((r.op, p.get("id")), (GetSpot, Some("abc")));
        let (r, p) = find(Some(Get), "/api/v1/admin/organizations/o1/services/s1").unwrap();
        assert_eq!(r.op, GetService);
        assert!(r.as_admin);
        assert_eq!((p.get("org_id"), p.get("id")), (Some("o1"), Some("s1")));
        let (r, _) = find(Some(Get), "/api/v1/admin/organizations/o1").unwrap();
        assert_eq!(r.op, AdminGetOrganization);
        assert!(find(Some(Delete), "/api/v1/stats").unwrap_err());
        assert!(!find(Some(Get), "/api/v1/nope").unwrap_err());
    }

    #[test]
    fn every_route_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for r in ROUTES.iter() {
            assert!(
                seen.insert((r.verb, r.path.clone())),
                "{:?} {}",
                r.verb,
                r.path
            );
        }
    }
}
