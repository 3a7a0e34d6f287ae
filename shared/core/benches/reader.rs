//! The Spanish reader's cost per message (issue #12): every turn reads its
//! message once, so this is CPU the turn Lambda pays on each WhatsApp
//! message; and one guess of the learned fallback (trained at build
//! time), on a message no rule reads.
//!
//! `cargo bench -p parlo-core --bench reader`

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use parlo_core::es::learned;
use parlo_core::es::read::{read_customer, read_staff, Catalogue};

const CUSTOMER: [&str; 8] = [
    "Hola, quiero una cita para un corte mañana en la tarde",
    "sí, a nombre de Luis Ortega",
    "salgo de la chamba a las 3 pero el corte lo quiero el sabado a las 10",
    "¿cuánto cuesta el tinte?",
    "me cambias la cita del jueves pal viernes a las 5?",
    "oigan tienen algun tratamiento pal cabello maltratado?",
    "no, a las 4 no, tengo que recoger a mi hija",
    "hola buenas tardes mira soy Alejandro el que fue hace como dos semanas y queria ver si me puedes agendar un corte normal el sabado en la mañana",
];
const STAFF: [&str; 6] = [
    "¿Qué tengo hoy?",
    "Bloquea de 2 a 3",
    "El de las 11 no llegó",
    "llegue a las 9 y el de las 10 no vino",
    "vale, el corte a 18 euros",
    "agendame a Rosa mañana a las 5 para tinte, su cel 3312345678",
];

fn bench(c: &mut Criterion) {
    let services: Vec<String> = [
        "Corte de cabello",
        "Arreglo de barba",
        "Corte y barba",
        "Tinte",
        "Depilación de cejas",
    ]
    .map(String::from)
    .to_vec();
    let team: Vec<String> = ["Carlos Méndez", "Pedro Ruiz", "Ana Torres"]
        .map(String::from)
        .to_vec();
    let cat = Catalogue {
        services: &services,
        staff: &team,
    };
    let now = NaiveDate::from_ymd_opt(2030, 1, 7)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap();
    c.bench_function("reader/customer_8_messages", |b| {
        b.iter(|| {
            for m in CUSTOMER {
                black_box(read_customer(black_box(m), now, cat));
            }
        })
    });
    c.bench_function("reader/staff_6_messages", |b| {
        b.iter(|| {
            for m in STAFF {
                black_box(read_staff(black_box(m), now, cat));
            }
        })
    });
    c.bench_function("reader/learned_guess", |b| {
        b.iter(|| black_box(learned::guess(black_box("¿en que zona quedan?"), false)))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
