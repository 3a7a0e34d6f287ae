//! Who on a business's staff may do what: the permission matrix of
//! spec/001 "Permission System", as one pure function.
//!
//! | Action                      | Owner | Admin | Staff | Viewer |
//! |-----------------------------|-------|-------|-------|--------|
//! | View own schedule           | ✅    | ✅    | ✅    | ✅     |
//! | View full business schedule | ✅    | ✅    | ✅    | ✅     |
//! | Create booking (walk-in)    | ✅    | ✅    | ✅    | ❌     |
//! | Mark attendance             | ✅    | ✅    | ✅    | ❌     |
//! | Block own time              | ✅    | ✅    | ✅    | ❌     |
//! | Cancel appointment          | ✅    | ✅    | ✅    | ❌     |
//! | View stats                  | ✅    | ✅    | ❌    | ❌     |
//! | Add staff                   | ✅    | ✅    | ❌    | ❌     |
//! | Remove staff                | ✅    | ✅    | ❌    | ❌     |
//! | Change permissions          | ✅    | ❌    | ❌    | ❌     |
//! | Change business hours       | ✅    | ❌    | ❌    | ❌     |
//! | Change service durations    | ✅    | ❌    | ❌    | ❌     |
//! | Modify services/prices      | ✅    | ❌    | ❌    | ❌     |
//!
//! Not in the spec's matrix, decided here:
//! - Blocking ANOTHER staff member's time (or the whole business) is
//!   [`Action::BlockOthersTime`]: Admin and Owner only ("can manage staff").
//!   The matrix's "block own time" covers only the person's own calendar.
//!
//! Customers have no permission level: what they may touch is decided by
//! ownership (their own appointments), not by this matrix.

use serde::{Deserialize, Serialize};

use crate::entities::PermissionLevel;

/// Every row of the permission matrix (plus [`Action::BlockOthersTime`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    ViewOwnSchedule,
    ViewBusinessSchedule,
    /// Create a booking (walk-in or on someone's behalf).
    CreateBooking,
    MarkAttendance,
    BlockOwnTime,
    /// Block another staff member's time or close the whole business.
    /// Not a row of the spec's matrix: Admin and above.
    BlockOthersTime,
    CancelAppointment,
    ViewStats,
    AddStaff,
    RemoveStaff,
    ChangePermissions,
    ChangeBusinessHours,
    ChangeServiceDurations,
    ModifyServicesPrices,
}

impl Action {
    /// Every action, in matrix order ([`Action::BlockOthersTime`] after
    /// "block own time").
    pub const ALL: [Action; 14] = [
        Action::ViewOwnSchedule,
        Action::ViewBusinessSchedule,
        Action::CreateBooking,
        Action::MarkAttendance,
        Action::BlockOwnTime,
        Action::BlockOthersTime,
        Action::CancelAppointment,
        Action::ViewStats,
        Action::AddStaff,
        Action::RemoveStaff,
        Action::ChangePermissions,
        Action::ChangeBusinessHours,
        Action::ChangeServiceDurations,
        Action::ModifyServicesPrices,
    ];

    /// The least powerful level allowed to do this.
    pub fn minimum_level(self) -> PermissionLevel {
        use PermissionLevel::*;
        match self {
            Action::ViewOwnSchedule | Action::ViewBusinessSchedule => Viewer,
            Action::CreateBooking
            | Action::MarkAttendance
            | Action::BlockOwnTime
            | Action::CancelAppointment => Staff,
            Action::BlockOthersTime
            | Action::ViewStats
            | Action::AddStaff
            | Action::RemoveStaff => Admin,
            Action::ChangePermissions
            | Action::ChangeBusinessHours
            | Action::ChangeServiceDurations
            | Action::ModifyServicesPrices => Owner,
        }
    }

    /// What the action is, in Spanish, for "no tienes permiso para …".
    pub fn describe_es(self) -> &'static str {
        match self {
            Action::ViewOwnSchedule => "ver tu agenda",
            Action::ViewBusinessSchedule => "ver la agenda del negocio",
            Action::CreateBooking => "registrar citas",
            Action::MarkAttendance => "marcar asistencia",
            Action::BlockOwnTime => "bloquear horarios",
            Action::BlockOthersTime => "bloquear horarios de otras personas",
            Action::CancelAppointment => "cancelar citas",
            Action::ViewStats => "ver estadísticas",
            Action::AddStaff => "agregar personal",
            Action::RemoveStaff => "dar de baja personal",
            Action::ChangePermissions => "cambiar permisos",
            Action::ChangeBusinessHours => "cambiar el horario del negocio",
            Action::ChangeServiceDurations => "cambiar la duración de los servicios",
            Action::ModifyServicesPrices => "modificar servicios y precios",
        }
    }
}

/// Whether a staff member with `level` may do `action` (the matrix; levels
/// are ordered, so a level can do everything the levels below it can).
pub fn allows(level: PermissionLevel, action: Action) -> bool {
    level >= action.minimum_level()
}

#[cfg(test)]
mod tests {
    use super::*;
    use PermissionLevel::*;

    /// The spec's table, cell by cell: (action, [owner, admin, staff, viewer]).
    const MATRIX: [(Action, [bool; 4]); 14] = [
        (Action::ViewOwnSchedule, [true, true, true, true]),
        (Action::ViewBusinessSchedule, [true, true, true, true]),
        (Action::CreateBooking, [true, true, true, false]),
        (Action::MarkAttendance, [true, true, true, false]),
        (Action::BlockOwnTime, [true, true, true, false]),
        (Action::BlockOthersTime, [true, true, false, false]),
        (Action::CancelAppointment, [true, true, true, false]),
        (Action::ViewStats, [true, true, false, false]),
        (Action::AddStaff, [true, true, false, false]),
        (Action::RemoveStaff, [true, true, false, false]),
        (Action::ChangePermissions, [true, false, false, false]),
        (Action::ChangeBusinessHours, [true, false, false, false]),
        (Action::ChangeServiceDurations, [true, false, false, false]),
        (Action::ModifyServicesPrices, [true, false, false, false]),
    ];

    #[test]
    fn matrix_cell_by_cell() {
        let levels = [Owner, Admin, Staff, Viewer];
        let mut cells = 0;
        for (action, row) in MATRIX {
            for (level, expected) in levels.iter().zip(row) {
                assert_eq!(
                    allows(*level, action),
                    expected,
                    "{level:?} × {action:?} should be {expected}"
                );
                cells += 1;
            }
        }
        assert_eq!(cells, 56);
    }

    #[test]
    fn matrix_covers_every_action_once() {
        let in_matrix: Vec<Action> = MATRIX.iter().map(|(a, _)| *a).collect();
        assert_eq!(in_matrix, Action::ALL.to_vec());
    }

    #[test]
    fn owner_can_do_everything_viewer_only_reads() {
        assert!(Action::ALL.iter().all(|a| allows(Owner, *a)));
        let viewer: Vec<Action> = Action::ALL
            .into_iter()
            .filter(|a| allows(Viewer, *a))
            .collect();
        assert_eq!(
            viewer,
            vec![Action::ViewOwnSchedule, Action::ViewBusinessSchedule]
        );
    }

    #[test]
    fn monotone_in_level() {
        let levels = [Viewer, Staff, Admin, Owner];
        for a in Action::ALL {
            for w in levels.windows(2) {
                assert!(!allows(w[0], a) || allows(w[1], a), "{a:?}");
            }
        }
    }

    #[test]
    fn every_action_has_spanish_text() {
        for a in Action::ALL {
            assert!(!a.describe_es().is_empty());
        }
    }
}
