use chrono::NaiveDate;
use parlo_core::es::read::{read_customer, read_staff, Catalogue};
fn main() {
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let staff = args[0] == "s";
    for t in &args[1..] {
        let r = if staff {
            read_staff(t, now, cat)
        } else {
            read_customer(t, now, cat)
        };
        println!(
            "{t}: {:?} svc={:?} opts={:?} when={:?}/{:?} staff={:?} name={:?} phone={:?}",
            r.intent,
            r.service,
            r.service_options,
            r.when.date,
            r.when.time,
            r.staff,
            r.name,
            r.phone
        );
        println!(
            "  svc_in={:?}",
            parlo_core::es::read::service_in(t, &services)
        );
    }
}
