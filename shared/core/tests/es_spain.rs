//! Spain's Spanish is understood as Mexico's: vosotros forms («¿tenéis
//! hueco?», «podéis»), «anular», «vale», «guay», «pedir cita», «móvil».

use parlo_core::es::intent::{classify, classify_customer, Intent};

#[test]
fn customers_from_spain_are_understood() {
    let rows: &[(&str, Intent)] = &[
        (
            "quería pedir cita para cortarme el pelo mañana por la tarde",
            Intent::Book,
        ),
        ("Hola! queria pedir cita", Intent::Book),
        ("¿tenéis hueco el viernes por la mañana?", Intent::Book),
        ("teneis hueco mañana?", Intent::Book),
        ("¿me podéis dar cita para el jueves?", Intent::Book),
        ("¿me la podéis cambiar al jueves?", Intent::Reschedule),
        ("anúlala porfa", Intent::Cancel),
        ("quiero anular mi cita", Intent::Cancel),
        ("anulad la cita del jueves", Intent::Cancel),
        ("vale", Intent::Yes),
        ("Vale, perfecto", Intent::Yes),
        ("guay", Intent::Yes),
        ("vale guay", Intent::Yes),
        ("¿cuánto cobráis por un corte?", Intent::Prices),
        ("¿a qué hora abrís el sábado?", Intent::Hours),
        ("¿dónde estáis?", Intent::Location),
        ("¿qué servicios hacéis?", Intent::Services),
        ("muchas gracias, majo", Intent::Thanks),
    ];
    let mut failures = Vec::new();
    for (text, want) in rows {
        let got = classify_customer(text);
        if got != *want {
            failures.push(format!("{text:?}: want {want:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn staff_from_spain_are_understood() {
    let rows: &[(&str, Intent)] = &[
        ("¿qué tengo hoy?", Intent::MySchedule),
        ("anula la de las 17:00", Intent::Cancel),
    ];
    for (text, want) in rows {
        assert_eq!(classify(text), *want, "{text}");
    }
}
