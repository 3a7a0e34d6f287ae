//! Mexican-Spanish text helpers: intent classification, fuzzy matching of
//! services and staff, and formatting, with messages as people really write
//! them on WhatsApp (typos, no accents, emoji).

use chrono::{NaiveDate, NaiveTime};
use parlo_core::es::format;
use parlo_core::es::fuzzy::{best_match, find_in_text, normalize, Match};
use parlo_core::es::intent::{classify, Intent};

// ───────────────────────────── intent ─────────────────────────────

#[test]
fn classifies_customer_and_staff_messages() {
    use Intent::*;
    let cases: &[(&str, Intent)] = &[
        // greetings, thanks, yes/no
        ("Hola buenas tardes", Greeting),
        ("holaaa 👋", Greeting),
        ("Buenos días", Greeting),
        ("que onda", Greeting),
        ("Gracias", Thanks),
        ("muchas gracias!! 🙏", Thanks),
        ("grax", Thanks),
        ("Sí perfecto gracias", Yes),
        ("si", Yes),
        ("Siii", Yes),
        ("va", Yes),
        ("órale", Yes),
        ("dale", Yes),
        ("claro que si", Yes),
        ("perfecto", Yes),
        ("👍", Yes),
        ("ok", Yes),
        ("Está bien", Yes),
        (
            "Si, dile que esperamos que esté bien y que nos avise para reagendar",
            Yes,
        ),
        ("no", No),
        ("No gracias", No),
        ("mejor otro dia", No),
        // A negation does not reach across a comma.
        ("ya no, cancela todo", Cancel),
        // issue #12 dev lines: phrasings of staff and customers
        ("no estoy el viernes en la tarde", BlockTime),
        ("ana no viene mañana", BlockTime),
        ("me voy de vacaciones la otra semana", BlockTime),
        ("siempre si vengo mañana", Unblock),
        ("la de las 4 y media nos dejo plantados", MarkNoShow),
        ("listo el de las 3", MarkCompleted),
        ("a q hora quedamos mañana?", MyAppointments),
        ("me pueden marcar?", TalkToHuman),
        ("mandame la ubi porfa", Location),
        ("listo, ya puedes seguir tu", ReleaseHandoff),
        ("quien viene a las 5?", BusinessSchedule),
        ("no me llega el link", MagicLink),
        ("cuanto facturamos este mes", Stats),
        ("la de las cinco no se ha presentado", MarkNoShow),
        ("el de las 11 ya se ha ido", MarkCompleted),
        ("¿quién va ahora?", NextAppointment),
        ("esta tarde no estoy", BlockTime),
        ("mejor no", No),
        ("No solo las 4", No),
        ("nel", No),
        // booking
        ("Quiero una cita para un corte", Book),
        ("kiero una sita para mañana", Book),
        ("me puedes agendar el sabado?", Book),
        ("quisiera reservar para mi hijo", Book),
        ("Hola, hay espacio hoy en la tarde?", Book),
        ("que horarios tienes el viernes", Book),
        ("Si hay espacio el sábado?", Book),
        ("me quiero cortar el pelo", Book),
        // reschedule / cancel
        ("Hola, necesito cambiar mi cita de mañana", Reschedule),
        ("puedo cambiar la hora de mi cita?", Reschedule),
        ("quiero reagendar", Reschedule),
        (
            "no puedo ir mañana, me la cambias para el sabado?",
            Reschedule,
        ),
        ("se puede mover mi cita a las 5?", Reschedule),
        ("quiero cancelar mi cita", Cancel),
        ("cancela porfa", Cancel),
        ("Ya no voy a poder ir, disculpa", Cancel),
        ("kanselar sita", Cancel),
        ("No, cancélala por favor", Cancel),
        ("cancelar", Cancel),
        // my appointments
        ("a que hora es mi cita?", MyAppointments),
        ("tengo cita mañana?", MyAppointments),
        ("olvide la hora de mi cita jaja", MyAppointments),
        // info
        ("¿Cuánto cuesta el corte?", Prices),
        ("cuanto cobran por la barba", Prices),
        ("precios?", Prices),
        ("¿Dónde están?", Location),
        ("me pasas la direccion", Location),
        ("como llego?", Location),
        ("¿A qué hora abren?", Hours),
        ("abren los domingos?", Hours),
        ("cual es su horario", Hours),
        ("hasta que hora atienden hoy", Hours),
        ("Oye quiero saber si hacen tintes para hombre", Services),
        ("que servicios tienen", Services),
        ("cuanto dura el corte y barba?", Services),
        // human
        ("quiero hablar con alguien", TalkToHuman),
        ("con una persona por favor", TalkToHuman),
        ("eres un bot? quiero hablar con el dueño", TalkToHuman),
        ("No, quiero hablar con una persona", TalkToHuman),
        // staff
        ("Qué tengo hoy?", MySchedule),
        ("q tengo mañana", MySchedule),
        ("quien sigue?", NextAppointment),
        ("agenda de hoy", BusinessSchedule),
        ("citas de hoy", BusinessSchedule),
        ("Bloquea las 4, tengo que salir temprano", BlockTime),
        ("bloquea de 2 a 3", BlockTime),
        ("no me agendes nada despues de las 6", BlockTime),
        ("desbloquea las 4", Unblock),
        ("quita el bloqueo de la tarde", Unblock),
        ("El de las 3 no llegó", MarkNoShow),
        ("el de las 11 no llego", MarkNoShow),
        ("la clienta de las 5 no vino", MarkNoShow),
        ("no llego", MarkNoShow),
        ("ya terminé con Juan", MarkCompleted),
        ("marca como completada la de las 12", MarkCompleted),
        ("llegó un cliente sin cita", WalkIn),
        ("Acaba de llegar alguien para uñas", WalkIn),
        ("agrega a Luis como barbero", AddStaff),
        ("Quiero agregar un nuevo empleado", AddStaff),
        ("Luis ya no trabaja aqui", RemoveStaff),
        ("quita a Pedro del equipo", RemoveStaff),
        ("dale permisos de admin a Maria", ChangePermissions),
        ("cambia el horario del sábado", ChangeHours),
        ("los sabados abrimos a las 9", ChangeHours),
        ("el corte ahora dura 40 minutos", ChangeServiceDuration),
        (
            "cambia la duracion del tinte a 2 horas",
            ChangeServiceDuration,
        ),
        ("el corte ahora cuesta 180", ChangePrice),
        ("sube el precio de la barba a $120", ChangePrice),
        ("agrega el servicio de keratina", AddService),
        ("nuevo servicio: planchado", AddService),
        ("ya no hacemos tintes", DeactivateService),
        ("desactiva el pedicure", DeactivateService),
        ("¿cómo vamos este mes?", Stats),
        ("cuanto vendimos la semana pasada", Stats),
        ("yo me encargo", TakeOver),
        ("suelta la conversación", TakeOver),
        ("ya puedes seguir tú", ReleaseHandoff),
        ("regresale la conversacion al bot", ReleaseHandoff),
        ("mándame el link del panel", MagicLink),
        ("pasame la liga para entrar a la pagina", MagicLink),
        // nothing to act on alone
        ("Mañana en la tarde", Unknown),
        ("A las 4", Unknown),
        ("Juan Pérez", Unknown),
        ("", Unknown),
        ("😂😂", Unknown),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter(|(text, want)| classify(text) != *want)
        .map(|(text, want)| format!("{text:?}: want {want:?}, got {:?}", classify(text)))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} misclassified:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(cases.len() >= 60);
}

#[test]
fn staff_command_flags() {
    assert!(Intent::BlockTime.is_staff_command());
    assert!(Intent::MagicLink.is_staff_command());
    assert!(!Intent::Book.is_staff_command());
    assert!(Intent::ChangePrice.is_owner_command());
    assert!(!Intent::MySchedule.is_owner_command());
}

// ───────────────────────────── fuzzy ─────────────────────────────

const SERVICES: &[&str] = &[
    "Corte de cabello",
    "Arreglo de barba",
    "Corte y barba",
    "Manicure",
    "Pedicure",
    "Mani-pedi",
    "Tinte completo",
    "Depilación de cejas",
];

const STAFF: &[&str] = &[
    "Pedro Hernández",
    "Luis Ramírez",
    "María López",
    "Carlos Mendoza",
];

fn found<'a>(query: &str, list: &'a [&'a str]) -> Option<&'a str> {
    best_match(query, list, |s| s).and_then(|m| m.unique().copied())
}

#[test]
fn matches_services_as_customers_write_them() {
    let cases: &[(&str, &str)] = &[
        ("corte", "Corte de cabello"),
        ("Corte de pelo", "Corte de cabello"),
        ("corte de cabello", "Corte de cabello"),
        ("CORTE DE CABELLO!!", "Corte de cabello"),
        ("cortes", "Corte de cabello"),
        ("barba", "Arreglo de barba"),
        ("barbas", "Arreglo de barba"),
        ("arreglo de barba", "Arreglo de barba"),
        ("corte y barba", "Corte y barba"),
        ("corte + barba", "Corte y barba"),
        ("mani pedi", "Mani-pedi"),
        ("manipedi", "Mani-pedi"),
        ("manicure y pedicure", "Mani-pedi"),
        ("mani", "Manicure"),
        ("uñas", "Manicure"),
        ("pedi", "Pedicure"),
        ("pedicura", "Pedicure"),
        ("cortre", "Corte de cabello"),
        ("barva", "Arreglo de barba"),
        ("tinte", "Tinte completo"),
        ("color", "Tinte completo"),
        ("coloración", "Tinte completo"),
        ("tinte conpleto", "Tinte completo"),
        ("cejas", "Depilación de cejas"),
        ("depilacion cejas", "Depilación de cejas"),
        ("manicur", "Manicure"),
    ];
    for (query, want) in cases {
        assert_eq!(found(query, SERVICES), Some(*want), "query {query:?}");
    }
}

#[test]
fn matches_staff_names() {
    let cases: &[(&str, &str)] = &[
        ("Pedro", "Pedro Hernández"),
        ("pedrito", "Pedro Hernández"),
        ("con Luis", "Luis Ramírez"),
        ("luis ramirez", "Luis Ramírez"),
        ("maria", "María López"),
        ("con la maria", "María López"),
        ("Carlos", "Carlos Mendoza"),
        ("Karlos", "Carlos Mendoza"),
    ];
    for (query, want) in cases {
        assert_eq!(found(query, STAFF), Some(*want), "query {query:?}");
    }
}

#[test]
fn no_match_below_threshold() {
    for query in ["xyz", "alisado japones", "", "cita", "hola", "masaje"] {
        assert!(
            best_match(query, SERVICES, |s| s).is_none(),
            "query {query:?}"
        );
    }
    assert!(best_match("Roberto", STAFF, |s| s).is_none());
    let empty: [&str; 0] = [];
    assert!(best_match("corte", &empty, |s| s).is_none());
}

#[test]
fn ties_are_ambiguous() {
    let services = ["Corte caballero", "Corte dama", "Tinte"];
    let m = best_match("corte", &services, |s| s).expect("some match");
    assert!(m.is_ambiguous());
    assert_eq!(m.items(), vec![&"Corte caballero", &"Corte dama"]);
    assert!(m.unique().is_none());

    let staff = ["Luis Ramírez", "Luis Gómez", "Pedro"];
    match best_match("con luis", &staff, |s| s) {
        Some(Match::Ambiguous(v)) => {
            assert_eq!(v.len(), 2);
            assert_eq!(v[0].index, 0);
            assert_eq!(v[1].index, 1);
        }
        other => panic!("expected ambiguity, got {other:?}"),
    }
    // The full name settles it.
    assert_eq!(
        best_match("luis gomez", &staff, |s| s).and_then(|m| m.unique().copied()),
        Some("Luis Gómez")
    );
}

#[test]
fn exact_match_scores_one_and_works_on_structs() {
    struct Service {
        name: String,
        price_cents: i64,
    }
    let list = vec![
        Service {
            name: "Corte de cabello".into(),
            price_cents: 15_000,
        },
        Service {
            name: "Corte y barba".into(),
            price_cents: 22_000,
        },
    ];
    let m = best_match("corte y barba", &list, |s| s.name.as_str()).unwrap();
    assert_eq!(m.score(), 1.0);
    assert_eq!(m.unique().unwrap().price_cents, 22_000);
}

#[test]
fn finds_services_inside_sentences() {
    let cases: &[(&str, Option<&str>)] = &[
        (
            "quiero una cita para un corte mañana",
            Some("Corte de cabello"),
        ),
        ("Quiero una cita para un corte", Some("Corte de cabello")),
        (
            "me puedes agendar corte y barba el sabado?",
            Some("Corte y barba"),
        ),
        ("nomas la barba porfa", Some("Arreglo de barba")),
        ("cuanto cuesta el tinte?", Some("Tinte completo")),
        ("Acaba de llegar alguien para mani pedi", Some("Mani-pedi")),
        (
            "quiero que me arreglen las cejas",
            Some("Depilación de cejas"),
        ),
        ("hola buenas tardes", None),
        ("a que hora abren mañana?", None),
        ("quiero unas cejas bonitas", Some("Depilación de cejas")),
    ];
    for (text, want) in cases {
        let got = find_in_text(text, SERVICES, |s| s).and_then(|m| m.unique().copied());
        assert_eq!(got, *want, "text {text:?}");
    }
    let got = find_in_text("agendame con luis mañana a las 4", STAFF, |s| s)
        .and_then(|m| m.unique().copied());
    assert_eq!(got, Some("Luis Ramírez"));
    // Both services named: ask which.
    let m = find_in_text(
        "quiero manicure o pedicure",
        &["Manicure", "Pedicure"],
        |s| s,
    )
    .unwrap();
    assert!(m.is_ambiguous());
}

#[test]
fn normalizes_text() {
    assert_eq!(normalize("Peluquería"), "peluqueria");
    assert_eq!(normalize("¡Órale, güey!"), "orale guey");
    assert_eq!(normalize("Mani + Pedi"), "mani pedi");
    assert_eq!(normalize("  muchos   espacios  "), "muchos espacios");
}

// ───────────────────────────── format ─────────────────────────────

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}
fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

#[test]
fn formats_like_the_spec_examples() {
    let today = date(2026, 1, 15); // jueves
    let friday = date(2026, 1, 16);
    assert_eq!(format::mxn(15_000), "$150");
    assert_eq!(format::price(125_000, "MXN"), "$1,250");
    assert_eq!(format::price(15_050, "MXN"), "$150.50");
    assert_eq!(format::price(15_000, "EUR"), "150 €");
    assert_eq!(format::date_long(friday, today), "viernes 16 de enero");
    assert_eq!(
        format::capitalize(&format::date_long(friday, today)),
        "Viernes 16 de enero"
    );
    assert_eq!(
        format::date_long(date(2027, 1, 15), today),
        "viernes 15 de enero de 2027"
    );
    assert_eq!(format::day_label(friday, today), "mañana");
    assert_eq!(format::day_label(today, today), "hoy");
    assert_eq!(format::day_label(date(2026, 1, 17), today), "pasado mañana");
    assert_eq!(
        format::day_label(date(2026, 1, 19), today),
        "lunes 19 de enero"
    );
    assert_eq!(
        format::day_label_with_weekday(friday, today),
        "mañana viernes"
    );
    assert_eq!(format::time_12h(time(15, 0)), "3:00 PM");
    assert_eq!(format::time_12h(time(10, 30)), "10:30 AM");
    assert_eq!(format::time_12h(time(12, 0)), "12:00 PM");
    assert_eq!(
        format::time_range(time(14, 0), time(15, 0)),
        "2:00 PM - 3:00 PM"
    );
    assert_eq!(format::duration(45), "45 min");
    assert_eq!(format::duration(75), "1 h 15 min");
    assert_eq!(format::duration(120), "2 horas");
    assert_eq!(
        format::join_and(&["corte", "barba", "tinte"]),
        "corte, barba y tinte"
    );
    assert_eq!(
        format::join_or(&["corte de cabello", "corte y barba"]),
        "corte de cabello o corte y barba"
    );
    assert_eq!(
        format::slot_label(friday.and_time(time(16, 0)), today),
        "mañana a las 4:00 PM"
    );
    assert_eq!(
        format::slot_label(date(2026, 1, 20).and_time(time(13, 30)), today),
        "martes 20 de enero a la 1:30 PM"
    );
}
