//! One reading of a whole message: the intent and every slot it carries —
//! service, date, time or part of day, staff member, the person's name, a
//! phone number — so a flow can use all of it at any step ("sí, a nombre
//! de Luis Ortega" answers the summary *and* the name; "un corte mañana a
//! las 4 con Pedro" fills four slots at once).
//!
//! Pure: the business's catalogue and the wall clock are parameters. The
//! corpus test (tests/corpus.rs) measures this reader on messages written
//! the way people write.

use chrono::NaiveDateTime;

use super::fuzzy::{find_in_text, normalize, Match};
use super::intent::{classify, classify_customer, message_words, Intent};
use super::when::{parse_when_local, When};

/// What the business offers and who works there (display names).
#[derive(Debug, Clone, Copy)]
pub struct Catalogue<'a> {
    pub services: &'a [String],
    pub staff: &'a [String],
}

/// Everything understood in one message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reading {
    pub intent: Intent,
    /// The one service meant (catalogue name).
    pub service: Option<String>,
    /// Services the message could mean when it is not clear which.
    pub service_options: Vec<String>,
    pub when: When,
    /// The staff member named (catalogue name).
    pub staff: Option<String>,
    /// A person's name given ("soy Rosa Díaz", "a nombre de Luis").
    pub name: Option<String>,
    /// A phone number written in the message, digits with a leading `+`
    /// when one was written.
    pub phone: Option<String>,
    /// «Lo de siempre», «lo mismo de la otra vez»: the customer's usual
    /// service with their usual staff member.
    pub usual: bool,
    /// «el corte me quedó chueco», «me cobraron de más»: a complaint about
    /// a visit. It asks for nothing the assistant does (its intent is
    /// `Unknown`, as every writer labels it); the chat puts a person on it.
    pub complaint: bool,
}

/// «dile eh a Marcos que eh ya llegó»: the hesitations of a voice note
/// say nothing, and stand between words that belong together.
fn without_hesitations(text: &str) -> std::borrow::Cow<'_, str> {
    let hesitation = |w: &str| {
        let w = super::words::squeeze(&w.trim_end_matches([',', '.']).to_lowercase());
        super::intent::HESITATIONS.contains(&w.as_str())
    };
    if !text.split_whitespace().any(hesitation) {
        return std::borrow::Cow::Borrowed(text);
    }
    let kept: Vec<&str> = text.split_whitespace().filter(|w| !hesitation(w)).collect();
    if kept.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(kept.join(" "))
}

/// Words typed fast on a phone, as the words they are: «kiero», «qiero»,
/// «mejro», «cualqiera», «alas 5», «mañna», «d las 6», «nesesito»,
/// «sita». Only whole words, and only spellings that are no other word.
/// A teammate's name with two letters swapped or one dropped: «con pedor»,
/// «a carlso», «con calos» (names of five letters or more only: «Ana»
/// has too many neighbours).
fn with_teammate_typos<'a>(text: &'a str, staff: &[String]) -> std::borrow::Cow<'a, str> {
    let names: Vec<String> = staff
        .iter()
        .filter_map(|s| normalize(s).split(' ').next().map(str::to_string))
        .filter(|n| n.chars().count() >= 5)
        .collect();
    let near = |w: &str, name: &str| {
        // Most words are far from every name: same first letter and
        // length within one, before anything is copied.
        if w.len().abs_diff(name.len()) > 1 || w.as_bytes().first() != name.as_bytes().first() {
            return false;
        }
        let (a, b): (Vec<char>, Vec<char>) = (w.chars().collect(), name.chars().collect());
        if a == b {
            return false;
        }
        let swapped = a.len() == b.len()
            && (0..a.len().saturating_sub(1)).any(|i| {
                let mut c = a.clone();
                c.swap(i, i + 1);
                c == b
            });
        // (A letter dropped only from a longer name: «pero» is no Pedro.)
        let dropped = a.len() >= 5
            && a.len() + 1 == b.len()
            && (0..b.len()).any(|i| {
                let mut c = b.clone();
                c.remove(i);
                c == a
            });
        swapped || dropped
    };
    let fixed = |w: &str| -> Option<String> {
        let bare = w.trim_end_matches([',', '.', '?', '!']);
        if bare.len() < 4 || names.iter().all(|n| bare.len().abs_diff(n.len()) > 2) {
            return None;
        }
        let plain = normalize(bare);
        names
            .iter()
            .find(|n| near(&plain, n))
            .map(|n| format!("{}{}", capitalize(n), &w[bare.len()..]))
    };
    let words: Vec<&str> = text.split(' ').collect();
    if !words.iter().any(|w| fixed(w).is_some()) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        words
            .iter()
            .map(|w| fixed(w).unwrap_or_else(|| w.to_string()))
            .collect::<Vec<_>>()
            .join(" "),
    )
}

fn with_common_typos(text: &str) -> std::borrow::Cow<'_, str> {
    const TYPOS: &[(&str, &str)] = &[
        ("kiero", "quiero"),
        ("qiero", "quiero"),
        ("qero", "quiero"),
        ("kisiera", "quisiera"),
        ("qisiera", "quisiera"),
        ("mejro", "mejor"),
        ("mjor", "mejor"),
        ("mejr", "mejor"),
        ("cualqiera", "cualquiera"),
        ("cualkiera", "cualquiera"),
        ("qualquiera", "cualquiera"),
        ("kualquiera", "cualquiera"),
        ("mañna", "mañana"),
        ("mañanaa", "mañana"),
        ("mañaan", "mañana"),
        ("manaña", "mañana"),
        ("mañan", "mañana"),
        ("dmingo", "domingo"),
        ("nesesito", "necesito"),
        ("nececito", "necesito"),
        ("nesecito", "necesito"),
        ("sita", "cita"),
        ("sitas", "citas"),
        ("aser", "hacer"),
        ("cortr", "cortar"),
        ("cortede", "corte de"),
        ("cancleo", "cancelo"),
        ("cancelr", "cancelar"),
        ("cancelme", "cancélame"),
        ("porfavor", "por favor"),
        // One thumb against autocorrect: «al viejes», «el juves», «barva»,
        // «bloqea», «cancla».
        ("viejes", "viernes"),
        ("bierne", "viernes"),
        ("biernes", "viernes"),
        ("juves", "jueves"),
        ("jeuves", "jueves"),
        ("barva", "barba"),
        ("bloqea", "bloquea"),
        ("bloqeua", "bloquea"),
        ("desbloqea", "desbloquea"),
        ("desbloqeua", "desbloquea"),
        ("cancla", "cancela"),
        ("agnda", "agenda"),
        ("tngo", "tengo"),
    ];
    let words: Vec<&str> = text.split_whitespace().collect();
    let fixed = |i: usize| -> Option<String> {
        let w = words[i];
        let bare = w.trim_end_matches([',', '.', '?', '!']);
        let tail = &w[bare.len()..];
        let lower = bare.to_lowercase();
        // «alas 5», «d las 6»: only before the hour they lead.
        let next = words.get(i + 1).copied().unwrap_or("");
        if lower == "alas" && next.starts_with(|c: char| c.is_ascii_digit()) {
            return Some(format!("a las{tail}"));
        }
        if lower == "d" && ["las", "la"].contains(&next) {
            return Some(format!("de{tail}"));
        }
        // «de ls 4», «ala 5».
        if lower == "ls" && next.starts_with(|c: char| c.is_ascii_digit()) {
            return Some(format!("las{tail}"));
        }
        if lower == "ala" && next.starts_with(|c: char| c.is_ascii_digit()) {
            return Some(format!("a la{tail}"));
        }
        TYPOS
            .iter()
            .find(|(from, _)| *from == lower)
            .map(|(_, to)| format!("{to}{tail}"))
    };
    if !(0..words.len()).any(|i| fixed(i).is_some()) {
        return std::borrow::Cow::Borrowed(text);
    }
    let out: Vec<String> = (0..words.len())
        .map(|i| fixed(i).unwrap_or_else(|| words[i].to_string()))
        .collect();
    std::borrow::Cow::Owned(out.join(" "))
}

/// «… no puedo, pero el jueves sí»: after its last «pero», the message
/// says what does suit.
fn suits_instead(words: &[String]) -> bool {
    words.iter().rposition(|w| w == "pero").is_some_and(|at| {
        let rest = &words[at + 1..];
        rest.iter()
            .any(|w| ["si", "podria", "puedo", "queda"].contains(&w.as_str()))
            && !rest.iter().any(|w| w == "no")
    })
}

/// A customer's message.
pub fn read_customer(text: &str, now: NaiveDateTime, cat: Catalogue<'_>) -> Reading {
    let text = &*super::catalan::with_catalan(text);
    let text = &*with_teammate_typos(text, cat.staff);
    let text = &*without_hesitations(text);
    let text = &*with_common_typos(text);
    let text = &*without_refused_after_no(text, now);
    let mut r = common(text, now, cat);
    // «las cejas nada más, no el corte», «la que quiero anular es la de
    // las 12, no la de la 1»: what a clause refuses is not asked for.
    if let std::borrow::Cow::Owned(meant) = without_refused_clauses(text, now) {
        let alt = common(&meant, now, cat);
        if alt.service.is_some() {
            (r.service, r.service_options) = (alt.service, alt.service_options);
        }
        r.staff = alt.staff.or(r.staff.take());
        if !alt.when.is_empty() {
            r.when = alt.when;
        }
    }
    let words = message_words(text);
    let has = |w: &str| words.iter().any(|x| x == w);
    // «llego en 5 minutos», «estoy a 10 min»: on the way, not a booking.
    if on_the_way(&words) {
        r.when = When::default();
    }
    // «gracias por todo hoy», «gracias, excelente servicio el de hoy»: the
    // day thanked for is not a booking.
    let thanked = text_has(&words, "gracias por") || (has("gracias") && praise(&words));
    if thanked && r.service.is_none() && r.when.time.is_none() {
        r.when.date = None;
    }
    // «gracias, nos vemos mañana», «ok, ahí te veo el viernes a las 4»: a
    // goodbye names the day already booked, it asks for nothing; «mañana
    // te marco», «luego te confirmo»: an answer put off.
    let put_off = puts_off(&words) && r.service.is_none();
    let says_nothing = (farewell(&words) && r.service.is_none()) || put_off;
    if says_nothing {
        r.when = When::default();
    }
    // «el sábado pasado fui y no había nadie»: a day gone by is no booking.
    if r.when.date.is_some_and(|d| d.last() < now.date()) {
        r.when.date = None;
    }
    let says_when = r.when.date.is_some() || r.when.time.is_some();
    let opens_with_no = words
        .first()
        .is_some_and(|w| ["no", "nel", "nop", "nah", "mmm", "uy", "pues"].contains(&w.as_str()));
    r.usual = asks_usual(&words);
    r.intent = match super::learned::second_opinion(classify_customer(text), text, false) {
        // «Quiero lo de siempre para el sábado»: a booking of the usual.
        Intent::Unknown | Intent::Greeting | Intent::Yes | Intent::Services if r.usual => {
            Intent::Book
        }
        // «gracias por todo, muy buen corte», «gracias, excelente servicio»:
        // praise for a service given.
        Intent::Thanks | Intent::Services | Intent::Unknown
            if !says_when && has("gracias") && praise(&words) && !text.contains('?') =>
        {
            Intent::Thanks
        }
        // "corte el sábado", "mañana a las 4", "corte hoy 🙏": a booking.
        Intent::Unknown | Intent::Greeting | Intent::Thanks
            if r.service.is_some() || !r.service_options.is_empty() || says_when =>
        {
            Intent::Book
        }
        // "vale, corte y barba el sábado": agreeing to book a service
        // (not «sí, confirmo, ¿y cuánto cuesta el tinte?»: a yes, and a
        // question).
        Intent::Yes
            if r.service.is_some()
                && words.len() > 2
                && !text.contains('?')
                && !["confirmo", "confirmado", "estare", "estoy"]
                    .iter()
                    .any(|w| has(w)) =>
        {
            Intent::Book
        }
        // "¿cuánto cuesta el corte? y si hay mañana me apartas uno": the
        // booking answers the price too.
        // («¿cuánto sale el corte si vengo mañana temprano?», «¿cuánto
        // estaría un corte para el viernes en la tarde?» only ask the
        // price of that day.)
        Intent::Prices | Intent::Services
            if r.service.is_some()
                && r.when.date.is_some()
                && (asks_for_a_place(&words)
                    || (r.when.time.is_some() && classify_customer(text) != Intent::Prices)
                    || classify_customer(text) == Intent::Services) =>
        {
            Intent::Book
        }
        // «¿150 el corte? o ya subió», «en face dice 120 el corte»: an
        // amount said of a service asks about its price.
        Intent::Book | Intent::Unknown
            if r.service.is_some()
                && r.when.is_empty()
                && r.phone.is_none()
                && matches!(catalogue_number(&words), Some(CatalogueNumber::Price)) =>
        {
            Intent::Prices
        }
        // «simón, quiero cita pal sábado a las 11»: an agreement opening a
        // request is the request.
        Intent::Yes
            if says_when
                && words.len() > 3
                && text.split_once(',').is_some_and(|(_, rest)| {
                    matches!(
                        classify_customer(rest),
                        Intent::Book | Intent::Reschedule | Intent::Cancel
                    )
                }) =>
        {
            text.split_once(',')
                .map_or(Intent::Book, |(_, rest)| classify_customer(rest))
        }
        // «vale pues el viernes a las 10», «sale, entonces el sábado 19 a
        // las 10 con Carlos»: an agreement that goes on to name a day is
        // the booking of that day (39 of 39 dev lines; «ok, nos vemos el
        // viernes» confirms one).
        Intent::Yes
            if r.when.date.is_some()
                && (has("entonces") || has("pues"))
                && !text.contains('?')
                && !["confirmo", "estare", "vemos", "sirve"]
                    .iter()
                    .any(|w| has(w)) =>
        {
            Intent::Book
        }
        // «a las 4 no puedo, mejor a las 6 el jueves, va?», «yo no puedo
        // el viernes, ¿tienen el sábado?»: a time turned down beside one
        // asked for is a booking.
        // (Opening with «no», it answers an offer: «no, mejor el jueves».)
        Intent::No if says_when && !opens_with_no && asks_other_time(text, now) => Intent::Book,
        // «no llego a las 5, pásame a las 6», «no voy a alcanzar a llegar
        // mañana, dame otro día»: an appointment missed, and moved (26 of
        // 28 dev lines; the other two cancel).
        Intent::No
            if opens_with_no
                && cant_make_it(&words)
                && (words.iter().any(|w| {
                    moves_by_stem(w) || w.starts_with("mover") || w == "tarde" || w == "otro"
                }) || words.windows(2).any(|p| p[0] == "cuando" && p[1] == "mas"))
                && !words.iter().any(|w| {
                    w.starts_with("cancel") || w.starts_with("anul") || w.starts_with("borr")
                }) =>
        {
            Intent::Reschedule
        }
        // «tengo turno con Ana el viernes, ¿puede ser con Pedro mejor?»,
        // «tengo cita el sábado a las 11 pero mejor a las 12»: the
        // appointment they have, asked otherwise.
        Intent::MyAppointments
            if words
                .windows(2)
                .any(|p| p[0] == "tengo" && ["cita", "turno"].contains(&p[1].as_str()))
                && !text.trim_end().ends_with("verdad?")
                && [
                    " mejor",
                    " prefiero",
                    "puede ser",
                    "podria ser",
                    "en lugar de",
                    "en vez de",
                ]
                .iter()
                .any(|p| normalize(text).contains(p)) =>
        {
            Intent::Reschedule
        }
        // «dale, anotame para el lunes a primera hora», «va, apártame el
        // sábado»: an agreement with a booking's verb books.
        Intent::Yes
            if says_when
                && words.iter().any(|w| {
                    ["anot", "agend", "apart", "apunt", "reserv"]
                        .iter()
                        .any(|v| w.starts_with(v))
                        && ["me", "ame", "anos", "nos"].iter().any(|e| w.ends_with(e))
                }) =>
        {
            Intent::Book
        }
        // «si tienen a las 6 me lanzo», «si puedes el jueves en la tarde»:
        // an «if» (no accent, no comma) asking for a place, not a yes.
        Intent::Yes if (says_when || r.service.is_some()) && conditional_si(text) => Intent::Book,
        // «ok gracias», «va, gracias», «sale gracias»: thanks, not a yes.
        Intent::Yes
            if words.len() <= 3
                && ["ok", "va", "sale", "vale", "listo", "perfecto", "genial"]
                    .contains(&words[0].as_str())
                && has("gracias") =>
        {
            Intent::Thanks
        }
        Intent::No if words == ["no", "se"] || words == ["nose"] => Intent::Unknown,
        _ if words == ["persona"] || words == ["humano"] => Intent::TalkToHuman,
        // «sí pero con Ana», «sí pero a las 4:30»: yes to the rest, and a
        // detail changed: the booking with it.
        Intent::Yes if has("pero") && (says_when || r.staff.is_some()) => Intent::Book,
        // «Confirmo mi cita, gracias», «Sí asistiré a mi cita»: a yes to the
        // reminder, not a question about it.
        Intent::MyAppointments
            if !text.contains('?')
                && ["confirmo", "asistire", "confirmada", "confirmado"]
                    .iter()
                    .any(|w| has(w)) =>
        {
            Intent::Yes
        }
        // «s», «n»: the shortest answers to a question.
        _ if words == ["s"] || words == ["k"] || words == ["me", "late"] => Intent::Yes,
        _ if words == ["n"] => Intent::No,
        i => i,
    };
    // «Necesito cita para mi papá que va en silla de ruedas, ¿podría ser
    // hoy a las 4?», «voy en bici, no sé si hay donde dejarla, ¿hay algo
    // el jueves a las 12?»: a question about the place, the hours or a
    // service beside a clause that books a day is the booking.
    if matches!(
        r.intent,
        Intent::Location | Intent::Hours | Intent::Services
    ) && says_when
        && clauses_of(text).iter().any(|c| {
            // A clause that asks for a place («quiero ir temprano» only
            // says when they would come).
            matches!(classify_customer(c), Intent::Book | Intent::Unknown)
                && [
                    "cita",
                    "agend",
                    "apart",
                    "reserv",
                    "hay algo",
                    "tienen algo",
                    "podria ser",
                ]
                .iter()
                .any(|k| c.contains(k))
        })
    {
        r.intent = Intent::Book;
    }
    if r.intent == Intent::TalkToHuman {
        // "Quiero hablar con Carlos" asks for a person, not a booking.
        r.staff = None;
    }
    // «me encantó el corte de Ana», «me cobraron doble el corte», «se me
    // hizo tarde, llego como a las 5»: praise, a complaint and a delay
    // carry no booking. A complaint goes to a person.
    // (Asking for a person, a cancellation or another cut beside it, the
    // request is what it asks.)
    let asks_beside = matches!(
        r.intent,
        Intent::Cancel | Intent::TalkToHuman | Intent::Reschedule
    ) || classify_customer(text) == Intent::Cancel
        || (r.intent == Intent::Book && (has("quiero") || asks_for_a_place(&words)))
        || (has("quiero") && r.service.is_some() && r.when.date.is_some());
    let complains = says_any(&words, COMPLAINTS);
    if complains && !asks_beside {
        r.intent = Intent::Unknown;
        r.complaint = true;
    } else if complains && classify_customer(text) == Intent::Cancel {
        // «ya no quiero la cita, la otra vez me cobraron de más»: the
        // cancellation, whatever the learned model makes of the grievance.
        r.intent = Intent::Cancel;
    } else if says_any(&words, LOVED)
        && !text.contains('?')
        && !text_has(&words, "quiero")
        && !words.iter().any(|w| w == "no")
    {
        r.intent = Intent::Thanks;
    }
    if r.complaint
        || (matches!(r.intent, Intent::Thanks | Intent::TalkToHuman)
            && (says_any(&words, LOVED) || says_any(&words, COMPLAINTS)))
    {
        r.service = None;
        r.service_options.clear();
        r.staff = None;
        r.when = When::default();
    }
    // «¿alguien encontró unos audífonos? fui el sábado», «REENVÍA ESTE
    // MENSAJE…», «¿tienen tarjetas de regalo? quiero regalarle un corte»:
    // nothing for the diary (unless it also asks for an appointment).
    let books = ["cita", "agend", "apart", "reserv"]
        .iter()
        .any(|k| words.iter().any(|w| w.starts_with(k)));
    if says_any(&words, NOT_FOR_THE_DIARY)
        && !books
        && matches!(
            r.intent,
            Intent::Book | Intent::Services | Intent::Prices | Intent::Unknown | Intent::Greeting
        )
    {
        r.intent = Intent::Unknown;
        r.service = None;
        r.service_options.clear();
        r.staff = None;
        r.when = When::default();
    }
    // «voy tarde, mejor pásame pa mañana» asks for a move.
    if says_any(&words, RUNNING_LATE)
        && !has("mejor")
        && matches!(
            r.intent,
            Intent::Book | Intent::Unknown | Intent::MyAppointments
        )
    {
        r.intent = Intent::Unknown;
        r.service = None;
        r.service_options.clear();
        r.when = When::default();
    }
    // «¿manejan productos pa la barba?», «pedí el aceite pa barba»: a
    // product for the beard is not a beard trim.
    let products = words.iter().any(|w| {
        w.starts_with("producto")
            || ["aceite", "pomada", "shampoo", "champu", "gel", "pedido"].contains(&w.as_str())
    });
    if products && r.when.is_empty() {
        r.service = None;
        r.service_options.clear();
        if matches!(r.intent, Intent::Book | Intent::Unknown) {
            // «¿venden cera?» asks what they have; «pedí el aceite, pedido
            // #48213» is about an order.
            r.intent = if text.contains('?') && !words.iter().any(|w| w == "pedido") {
                Intent::Services
            } else {
                Intent::Unknown
            };
        }
    }
    // «¿quién corta mejor, Pedro o Ana?»: a question about the team, not
    // a booking with either.
    if r.intent == Intent::Services
        && ["quien corta mejor", "quien es mejor", "quien hace mejor"]
            .iter()
            .any(|p| text_has(&words, p))
    {
        r.service = None;
        r.service_options.clear();
        r.staff = None;
    }
    // «con Pedro», «con ana porfa», «cualquiera»: the answer to «¿con
    // quién?» books.
    // So do «Con Pedro, que es el que me conoce», «con Ana de
    // preferencia, el día no importa», «lo que quiero es que me atienda
    // Ana», «cuando tengas libre con Carlos».
    let only_staff = r.staff.is_some()
        && r.when.is_empty()
        && r.service.is_none()
        && ((words.len() <= 4 && words.first().is_some_and(|w| w == "con"))
            || text_has(&words, "que sea con")
            || clauses_of(text).first().is_some_and(|c| {
                let c = c.strip_prefix("y ").unwrap_or(c);
                c.starts_with("con ") && c.split(' ').count() <= 4
            })
            || [
                "atienda",
                "preferencia",
                "libre con",
                "tienes con",
                "tienen con",
            ]
            .iter()
            .any(|p| text_has(&words, p)));
    let anyone = ([
        "cualquiera",
        "quien sea",
        "el que sea",
        "la que sea",
        "me da igual",
    ]
    .iter()
    .any(|p| text_has(&words, p))
        && words.len() <= 7)
        || [
            "me es indiferente",
            "el que este libre",
            "la que este libre",
            "el que usted considere",
            "el que tenga",
            "quien este libre",
            "con quien sea",
            "el que se desocupe",
            "el que este disponible",
            "cualquiera menos",
            "quien sea menos",
        ]
        .iter()
        .any(|p| text_has(&words, p));
    if matches!(r.intent, Intent::Unknown | Intent::Greeting) && (only_staff || anyone) {
        r.intent = Intent::Book;
    }
    // «la de las 4», «va, la segunda», «la más tarde que tengas»: one of
    // the times offered.
    let offered = [
        "la de las",
        "la primera",
        "la segunda",
        "la tercera",
        "la ultima",
        "la mas",
    ];
    let body = words
        .iter()
        .skip_while(|w| {
            [
                "va", "vale", "si", "ok", "sale", "mmm", "pues", "entonces", "orale", "simon",
                "dale", "andale", "no",
            ]
            .contains(&w.as_str())
        })
        .cloned()
        .collect::<Vec<_>>();
    if matches!(r.intent, Intent::Unknown | Intent::Yes)
        && words.len() <= 9
        && offered
            .iter()
            .any(|p| text_has(&body, p) && body.join(" ").starts_with(p))
    {
        r.intent = Intent::Book;
    }
    // The buttons «Ver otras horas», «Ver más horarios»: other times, asked.
    if ["ver otras", "ver mas", "ver otros"]
        .iter()
        .any(|p| text_has(&words, p))
        && ["horas", "fechas", "horarios", "dias", "opciones"]
            .iter()
            .any(|w| words.iter().any(|x| x == w))
    {
        r.intent = Intent::Book;
    }
    // «Sí, confirmo. ¿Y hacen cejas a mujeres?»: the yes confirms what was
    // asked; the service is the question's.
    if r.intent == Intent::Yes && text.contains('?') {
        r.service = None;
        r.service_options.clear();
        r.staff = None;
    }
    // «me viene bien, vale»: agrees; «me viene bien el lunes» books.
    let suits = ["me viene bien", "me va bien", "me queda bien"];
    if r.intent == Intent::Unknown && r.when.is_empty() && suits.iter().any(|p| text_has(&words, p))
    {
        r.intent = Intent::Yes;
    }
    // «Ramiro Castañeda», «Fernanda»: a bare name answers «¿a nombre de
    // quién?».
    if r.name.is_none() && r.intent == Intent::Unknown && r.when.is_empty() && r.service.is_none() {
        r.name = bare_name(text, cat.staff);
    }
    // «hoy ando bien sacado de onda, ¿cuánto cobran la barba?»: a price
    // is the same any day.
    if r.intent == Intent::Prices && r.when.time.is_none() {
        r.when.date = None;
    }
    // «gracias Pedro, quedó excelente», «gracias por todo, muy buen
    // corte»: thanks carry no booking.
    if r.intent == Intent::Thanks {
        r.service = None;
        r.service_options.clear();
        r.staff = None;
        r.when = When::default();
    }
    // «¿tienen algo ahorita?», «¿están abiertos ahorita?», «¿tenéis algo
    // ya mismo?»: today.
    if matches!(r.intent, Intent::Book | Intent::Hours)
        && r.when.date.is_none()
        && (has("ahorita") || text_has(&words, "ya mismo") || text_has(&words, "ahora mismo"))
    {
        r.when.date = Some(super::when::DateSpec::Day(now.date()));
    }
    // «¿De lunes a sábado abren?»: every week, not next Monday.
    if r.intent == Intent::Hours && weekday_span(&words) {
        r.when.date = None;
    }
    // «mi hijo tiene cita el viernes pero tiene un festival, ¿se puede
    // el sábado?»: the appointment named, and another day asked for.
    if r.intent == Intent::MyAppointments
        && [
            "tengo cita",
            "tiene cita",
            "tenemos cita",
            "tengo una cita",
            "tiene una cita",
        ]
        .iter()
        .any(|p| text_has(&words, p))
        && asked_instead(text, now).is_some()
    {
        r.intent = Intent::Reschedule;
    }
    if r.intent == Intent::Reschedule {
        move_target(&mut r, text, now);
    }
    // «a las 4 no puedo, ¿a las 6?»: the time offered is refused and
    // another asked for.
    // «ya no alcanzo a las 4, ¿se puede a las 5:30?» moving an
    // appointment: the new time is the one asked for.
    if matches!(
        r.intent,
        Intent::Book | Intent::Unknown | Intent::No | Intent::Reschedule
    ) {
        if let Some(instead) = instead_of_refused(text, now) {
            // «mañana no puedo pero pasado mañana a las 10 sí»: said as
            // what suits, a booking.
            if r.intent != Intent::Reschedule {
                r.intent =
                    if suits_instead(&words) || (!opens_with_no && asks_other_time(text, now)) {
                        Intent::Book
                    } else {
                        Intent::No
                    };
            }
            if instead.date.is_some() {
                r.when.date = instead.date;
            }
            if instead.time.is_some() {
                r.when.time = instead.time;
            }
        }
    }
    if !says_nothing
        && matches!(
            r.intent,
            Intent::Book
                | Intent::No
                | Intent::Yes
                | Intent::Hours
                | Intent::Prices
                | Intent::Services
                | Intent::Location
                | Intent::TalkToHuman
                | Intent::MyAppointments
                | Intent::Unknown
                | Intent::Cancel
        )
    {
        context_is_not_asked(&mut r, text, now, cat.staff);
    }
    // Last: a correction («a las 4, no perdón, a las 5») has the final
    // word over every clause before it.
    if !says_nothing {
        prefer_after_mejor(&mut r, text, now, &|c| is_context(c, true));
    }
    // «ninguna de esas, ¿tienes algo más tarde?», «el domingo… ah no, que
    // cierran; entonces el sábado»: the offer or the day turned down, and
    // another asked for.
    let turned_down = (has("ninguna") || has("ninguno"))
        && text.contains('?')
        && (asks_for_a_place(&words) || has("teneis") || has("tendras") || has("tendran"));
    let retracted = (text_has(&words, "ah no") || text_has(&words, "ay no"))
        && has("entonces")
        && r.when.date.is_some();
    if (r.intent == Intent::No && turned_down) || (r.intent == Intent::Hours && retracted) {
        r.intent = Intent::Book;
    }
    // «cancélame la de ahorita»: today's.
    if matches!(
        r.intent,
        Intent::Cancel | Intent::Reschedule | Intent::MyAppointments
    ) && r.when.date.is_none()
        && ["la de ahorita", "la de ahora", "la de hoy ahorita"]
            .iter()
            .any(|p| text_has(&words, p))
    {
        r.when.date = Some(super::when::DateSpec::Day(now.date()));
    }
    if r.intent == Intent::Book && r.when.date.is_none() {
        // "ahorita", "al rato": today; «llego en 20 min, ¿me esperan pa
        // un corte?»: today too.
        if has("ahorita") || has("ahora") || text_has(&words, "al rato") || on_the_way(&words) {
            r.when.date = Some(super::when::DateSpec::Day(now.date()));
        }
    }
    if r.name.is_none() {
        r.name = signed_name(text, cat.staff).or_else(|| leading_name(text, cat.staff));
    }
    // «cancela la cita de Mateo», «agéndale al Lic. Mauricio Leal»: the
    // person the appointment is for, as staff name customers.
    if r.name.is_none()
        && matches!(
            r.intent,
            Intent::Book | Intent::Cancel | Intent::Reschedule | Intent::MyAppointments
        )
    {
        r.name = appointment_for(text, cat.staff);
    }
    if r.staff.is_none()
        && matches!(
            r.intent,
            Intent::Book | Intent::Reschedule | Intent::No | Intent::Yes
        )
    {
        r.staff = staff_of_two(text, cat.staff);
    }
    // «pedro», «ana si puede», «pues Pedro mismo»: a teammate, as the
    // answer to who.
    if r.intent == Intent::Unknown
        && r.staff.is_some()
        && words.len() <= 5
        && r.when.is_empty()
        && r.name.is_none()
        && r.phone.is_none()
    {
        // «me pasas con Carlos», «pásame a Carlos»: the person, not a
        // booking with him.
        r.intent = if ["pasas", "pasame", "comunicas", "comunicame", "hablar"]
            .iter()
            .any(|w| has(w))
        {
            Intent::TalkToHuman
        } else {
            Intent::Book
        };
    }
    // «se me olvidó mi gorra el sábado», «el corte que me hicieron el
    // sábado quedó horrible», «perdón por no haber ido el sábado»: only
    // about what happened, no appointment asked for.
    if r.intent == Intent::Book
        && clauses_of(text).iter().all(|c| {
            let ws = message_words(c);
            ws.iter().any(|w| {
                [
                    "olvido",
                    "olvide",
                    "deje",
                    "hicieron",
                    "quedo",
                    "ido",
                    "dormido",
                    "cobraron",
                    "dejasteis",
                ]
                .contains(&w.as_str())
            }) || ws.is_empty()
        })
        && ![
            "quiero", "quisiera", "puedo", "puedes", "pueden", "tienen", "tienes", "hay", "agenda",
            "agendame", "apartame", "reserva", "otra", "otro", "cita",
        ]
        .iter()
        .any(|w| has(w))
    {
        r.intent = Intent::Unknown;
        r.when = When::default();
        r.service = None;
        r.service_options.clear();
    }
    // «el primero», «la segunda»: one of the options offered, taken.
    // «la tercera opción», «el segundo mejor»; «la de las 4 está bien»,
    // «sí, la de las 11 me viene genial»: the offered one, accepted.
    let ordinal = words.len() >= 2
        && ["el", "la"].contains(&words[0].as_str())
        && [
            "primero", "primera", "segundo", "segunda", "tercero", "tercera", "ultimo", "ultima",
        ]
        .contains(&words[1].as_str())
        && words[2..]
            .iter()
            .all(|w| ["mejor", "opcion", "porfa", "please", "pls", "va"].contains(&w.as_str()));
    let offered_one = words.len() >= 3
        && words
            .iter()
            .position(|w| w == "la" || w == "el")
            .is_some_and(|i| i <= 1 && words.get(i + 1).is_some_and(|w| w == "de"))
        && [
            "esta bien",
            "me viene",
            "me late",
            "me queda",
            "me sirve",
            "perfecto",
        ]
        .iter()
        .any(|p| text_has(&words, p));
    if (ordinal && r.intent == Intent::Unknown) || (offered_one && r.intent == Intent::Book) {
        r.intent = Intent::Yes;
    }
    // «¿cierran a mediodía pa comer?», «¿el sábado cierran temprano?»,
    // «¿qué es lo más tarde que atienden?»: a question about the hours,
    // not a time asked for.
    if r.intent == Intent::Hours {
        use super::when::{PartOfDay, TimeSpec};
        let closing = words
            .iter()
            .any(|w| w.starts_with("cierr") || w.starts_with("cerr"));
        let about_hours = has("comer")
            || (closing && r.when.time == Some(TimeSpec::Part(crate::es::when::PartOfDay::Early)))
            || (text_has(&words, "mas tarde que")
                && r.when.time == Some(TimeSpec::Part(PartOfDay::Evening)));
        if about_hours {
            r.when.time = None;
        }
    }
    // «no es corte, es corte y barba», «no era barba era cejas», «no
    // entendiste, no quiero tinte, quiero que me arreglen la barba»: a
    // customer correcting what was understood asks for what is meant.
    if r.intent == Intent::No {
        if let Some(meant) = corrected_request(text, now) {
            let alt = common(&meant, now, cat);
            if alt.service.is_some() || alt.staff.is_some() || !alt.when.is_empty() {
                r.intent = match classify_customer(&meant) {
                    i @ (Intent::Reschedule | Intent::Cancel | Intent::Prices) => i,
                    _ => Intent::Book,
                };
                if alt.service.is_some() {
                    (r.service, r.service_options) = (alt.service, alt.service_options);
                }
                r.staff = alt.staff.or(r.staff.take());
                if !alt.when.is_empty() {
                    r.when = alt.when;
                }
            }
        }
    }
    learned_if_lost(&mut r, text, false);
    // Whatever a later pass made of its words, a complaint asks for nothing
    // the assistant does.
    if r.complaint {
        r.intent = Intent::Unknown;
        r.when = When::default();
    }
    r
}

/// Whom a customer's appointment is for, when they name someone: «cancela
/// la cita de Mateo», «¿a qué hora le toca a Mateo?», «Cita para Tomás,
/// corte…», «agéndale al Lic. Mauricio Leal…», «mi padre, don Rogelio
/// Salinas». Only capitalised words after a lead or a title, and not a
/// teammate.
fn appointment_for(text: &str, staff: &[String]) -> Option<String> {
    const LEADS: &[&str] = &[
        "cita de ",
        "la de ",
        "le toca a ",
        "cita para ",
        "agendarle a ",
        "agendale a ",
        "agéndale a ",
        "agenden a ",
        "apunten a ",
        // «agenda a Diego Herrera, mi sobrino», «Agéndame a mí, Rubén
        // Castañeda, …», «lo de Emilio cámbialo»
        "agenda a ",
        "apunta a ",
        "anota a ",
        "agéndame a mí, ",
        "agendame a mi, ",
        "lo de ",
        // The River Plate: «cancelá el turno de Lucas Benítez».
        "turno de ",
    ];
    const TITLES: &[&str] = &[
        "lic.",
        "lic",
        "licenciado",
        "licenciada",
        "mtro.",
        "mtro",
        "dr.",
        "dr",
        "dra.",
        "dra",
        "doctor",
        "doctora",
        "ing.",
        "ing",
        "ingeniero",
        "sr.",
        "sra.",
        "don",
        "doña",
    ];
    // Shouted, every word looks like a name.
    if !text.chars().any(char::is_lowercase) {
        return None;
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let lowered: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let mut starts: Vec<usize> = Vec::new();
    for lead in LEADS {
        let lead: Vec<&str> = lead.split_whitespace().collect();
        for i in 0..words.len().saturating_sub(lead.len()) {
            if lead
                .iter()
                .enumerate()
                .all(|(k, l)| normalize(&lowered[i + k]) == normalize(l))
            {
                starts.push(i + lead.len());
            }
        }
    }
    if words
        .first()
        .is_some_and(|w| w.trim_end_matches(',') == "Para")
    {
        starts.push(1);
    }
    for (i, w) in lowered.iter().enumerate() {
        if TITLES.contains(&w.trim_end_matches(',')) {
            starts.push(i);
        }
    }
    starts.sort_unstable();
    starts.into_iter().find_map(|mut i| {
        // «la cita de mi esposo, Raúl», «el turno de mi viejo, Roberto
        // Sánchez»: the name after the relative.
        if lowered.get(i).is_some_and(|w| w == "mi" || w == "su")
            && words.get(i + 1).is_some_and(|w| w.ends_with(','))
        {
            i += 2;
        }
        while lowered
            .get(i)
            .is_some_and(|w| TITLES.contains(&w.as_str()) || w == "al" || w == "el")
        {
            i += 1;
        }
        // Up to three capitalised words, the last one ending a clause.
        let mut name: Vec<&str> = Vec::new();
        for raw in words[i.min(words.len())..].iter().take(3) {
            let w = raw.trim_matches(|c: char| !c.is_alphanumeric());
            if !w.chars().next().is_some_and(char::is_uppercase) {
                break;
            }
            name.push(w);
            if raw.ends_with(|c: char| ",.;:?!)".contains(c)) {
                break;
            }
        }
        let first = normalize(name.first()?);
        let teammate = staff
            .iter()
            .any(|s| normalize(s).split(' ').next() == Some(first.as_str()));
        // «la de Mañana», «Para el Sábado»: a day, not a name.
        let day = super::when::is_day_or_month_word(&first);
        (!teammate && !day && !NOT_NAME.contains(&first.as_str())).then(|| name.join(" "))
    })
}

/// «… corte y arreglo de barba. Manuel Ortega Ruiz.», «Atentamente,
/// Ricardo Molina.»: a message signed with the sender's full name.
fn signed_name(text: &str, staff: &[String]) -> Option<String> {
    let last = text
        .trim()
        .trim_end_matches(['.', '!'])
        .rsplit(['.', ',', '\n', '!', '?'])
        .next()?
        .trim();
    let words: Vec<&str> = last.split_whitespace().collect();
    let all_capitalised = words.iter().all(|w| {
        w.chars().next().is_some_and(char::is_uppercase) && w.chars().all(char::is_alphabetic)
    });
    let plain = |w: &&str| !NOT_NAME.contains(&normalize(w).as_str());
    // «…con el barbero de siempre, Pedro Ruiz.»: a teammate, not a
    // signature.
    let teammate = words.first().is_some_and(|w| {
        staff
            .iter()
            .any(|s| normalize(s).split(' ').next() == Some(normalize(w).as_str()))
    });
    ((2..=4).contains(&words.len()) && all_capitalised && !teammate && words.iter().all(plain))
        .then(|| words.join(" "))
}

/// «Regina Lozano, y es pa cejas», «Karla Ibarra, 614 555 2398»: an
/// answer that opens with a given name and its surname.
fn leading_name(text: &str, staff: &[String]) -> Option<String> {
    let head = text.trim().split([',', '.', '\n', '!', '?']).next()?.trim();
    let words: Vec<&str> = head.split_whitespace().collect();
    let capitalised = |w: &&str| {
        w.chars().next().is_some_and(char::is_uppercase) && w.chars().all(char::is_alphabetic)
    };
    let teammate = |w: &str| {
        staff
            .iter()
            .any(|s| normalize(s).split(' ').next() == Some(normalize(w).as_str()))
    };
    ((2..=4).contains(&words.len())
        && words.iter().all(capitalised)
        && super::names::is_given_name(words[0])
        && !words.iter().any(|w| teammate(w))
        && !words
            .iter()
            .any(|w| super::when::is_day_or_month_word(&normalize(w))))
    .then(|| words.join(" "))
}

/// No rule understood a message that carries nothing: the intent learned
/// from the corpus, when it is sure and harmless (`learned::guess`).
fn learned_if_lost(r: &mut Reading, text: &str, staff: bool) {
    let carries_nothing = r.service.is_none()
        && r.service_options.is_empty()
        && r.when.is_empty()
        && r.staff.is_none()
        && r.name.is_none()
        && r.phone.is_none()
        && !r.usual
        && !r.complaint;
    if r.intent == Intent::Unknown && carries_nothing {
        if let Some(i) = super::learned::guess(text, staff) {
            r.intent = i;
        }
    }
}

/// The day or hour a later clause asks for room at, after an earlier one
/// named the appointment's: «tengo cita hoy a las 3, ¿hay chance mañana?»
/// → mañana. `None` when the message has one clause, or no later clause
/// asks with a day or hour.
fn asked_instead(text: &str, now: NaiveDateTime) -> Option<When> {
    const ASKS: &[&str] = &[
        "hay chance",
        "se puede",
        "puede ser",
        "tienes algo",
        "tienen algo",
        "teneis algo",
        "hay algo",
        "hay lugar",
        "hay espacio",
        "tienes el",
        "tienen el",
        "tienes lugar",
        "tienes espacio",
        // «¿tenés mañana a la misma hora?»
        "tienes",
        "tenes",
        "tienen",
    ];
    let clauses = clauses_of(text);
    let first_when = clauses
        .iter()
        .position(|c| !parse_when_local(c, now).is_empty())?;
    clauses[first_when + 1..].iter().rev().find_map(|c| {
        let ws = message_words(c);
        let when = parse_when_local(c, now);
        (says_any(&ws, ASKS) && !when.is_empty()).then_some(when)
    })
}

/// The text without what «en vez de» / «en lugar de» turns down, up to
/// the clause's end («el jueves en vez del miércoles, porfa» → «el jueves
/// , porfa»).
fn without_instead_of(text: &str) -> String {
    let mut out = text.to_string();
    for lead in ["en vez de", "en lugar de"] {
        while let Some(r) = super::find_ci(&out, lead) {
            let end = out[r.end..]
                .find([',', '?', '.', '!', ';'])
                .map_or(out.len(), |e| r.end + e);
            out.replace_range(r.start..end, "");
        }
    }
    out
}

/// A move names where the appointment goes after its verb: «mi cita del
/// martes la puedo pasar al miércoles» goes to Wednesday, «mueve la de las
/// 3 a las 5» to 5. The date and time said after the last move verb win
/// over the ones that only point at the appointment.
fn move_target(r: &mut Reading, text: &str, now: NaiveDateTime) {
    let text = &without_instead_of(text);
    const VERBS: &[&str] = &[
        "pasar",
        "pasa",
        "pasala",
        "pasalo",
        "pasarla",
        "pasarlo",
        "cambiar",
        "cambia",
        "cambiala",
        "cambialo",
        "cambiarla",
        "cambiarlo",
        "mover",
        "mueve",
        "muevela",
        "muevelo",
        "moverla",
        "moverlo",
        "recorrer",
        "recorre",
        "recorrela",
        "recorrerla",
        // «¿me cambias la cita del jueves pal viernes?»
        "cambias",
        "cambies",
        "pasas",
        "pases",
        "mueves",
        "muevas",
        "recorres",
        // «la de las 5 quiere pasarse a las 6»
        "pasarse",
        "pasame",
        "pasarme",
        "cambiame",
        "cambiale",
        "cambiarse",
        "moverse",
        // «adelantar mi cita de las 6 a las 5», «retrasadme la cita a las 7»
        "adelantar",
        "adelanta",
        "adelantala",
        "adelantarla",
        "adelantame",
        "adelantadme",
        "atrasar",
        "atrasa",
        "atrasala",
        "atrasarla",
        "retrasar",
        "retrasa",
        "retrasala",
        "retrasarla",
        "retrasame",
        "retrasadme",
        "aplazar",
        "aplaza",
        "aplazala",
        "aplazarla",
        "trasladar",
        "trasladarla",
        "traslada",
        "trasladala",
        // «muévanme la cita de hoy pa mañana», «¿la pasamos pa mañana?»
        "muevanme",
        "pasamos",
        "pasemos",
        "cambiamos",
        "movemos",
        // «cancela la del jueves y dame una el sábado», «la del sábado la
        // podemos hacer el viernes», «me la pongáis a las 7»
        "dame",
        "hacer",
        "pongais",
        "pongas",
        "ponla",
        "ponmela",
        // «cámbiamela a la 1», «muévelas todas al 5», «pásaselo a Ana»,
        // «¿me la pasan para mañana?»
        "cambiamela",
        "cambiamelo",
        "pasamela",
        "pasamelo",
        "muevemela",
        "muevelas",
        "muevelos",
        "pasalas",
        "pasalos",
        "cambialas",
        "cambialos",
        "pasasela",
        "pasaselo",
        "pasaselas",
        "pasaselos",
        "pasan",
        "cambian",
        "mueven",
        "reprogramame",
        "reprograma",
        "reprogramala",
        "reprogramar",
        "reprogramarla",
        "reagendame",
        "reagenda",
        "reagendala",
        "reagendar",
        "reagendarla",
        "recorreme",
        "recorremelo",
        "recorremela",
        "recorrele",
        "muevele",
        // English: «move my 5pm to 7pm», «can we push it to 7?»
        "move",
        "push",
        "reschedule",
        // Spain: «¿me cambiáis lo del jueves para la semana que viene?»,
        // «¿podríamos dejar lo del miércoles para…?»
        "cambiais",
        "pasais",
        "moveis",
        "dejar",
        "dejamos",
        "dejarla",
        "dejarlo",
    ];
    // «tengo cita hoy a las 3 pero me salió algo, ¿hay chance mañana?»,
    // «quiero mover mi cita del jueves, ¿tienes algo el viernes?»: the
    // clause that asks for room says where it goes.
    if let Some(asked) = asked_instead(text, now) {
        if asked.date.is_some() {
            r.when.date = asked.date;
        }
        if asked.time.is_some() {
            r.when.time = asked.time;
        }
        return;
    }
    let plain = normalize_keeping_clock(&when_spellings(text));
    let words: Vec<&str> = plain.split_whitespace().collect();
    let Some(at) = words.iter().rposition(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        VERBS.contains(&w) || moves_by_stem(w)
    }) else {
        return;
    };
    let mut tail = words[at + 1..].join(" ");
    // «la cita del jueves pal viernes», «mi cita de hoy a mañana»: the day
    // after "pal"/"al"/"para"/"a" is where it goes; the one before points
    // at the appointment.
    // «pásala al sábado a las 11»: right after the verb is already where
    // it goes.
    let is_mark = |w: &&str| ["pal", "al", "para", "a"].contains(w);
    // («cambia mi cita a nombre de Lupita, la de las 12, pa las 3»: «a
    // nombre» names whose it is.)
    let direct = words
        .get(at + 1)
        .is_some_and(|w| ["pal", "al", "para"].contains(w))
        && words.get(at + 2) != Some(&"de");
    let marks = words[at + 1..].iter().enumerate().filter(|(k, w)| {
        !direct && *k > 0 && is_mark(w) && words.get(at + 2 + k) != Some(&"nombre")
    });
    // «me cambia la del martes a las 12 pa las 2»: a «para» says where it
    // goes before an «a» does.
    let (para, other): (Vec<_>, Vec<_>) = marks.partition(|(_, w)| ["pal", "para"].contains(w));
    for (k, _) in para.into_iter().chain(other) {
        let rest = words[at + 1 + k..].join(" ");
        if !parse_when_local(&rest, now).is_empty() {
            tail = rest;
            break;
        }
    }
    let target = parse_when_local(&tail, now);
    if let Some(d) = target.date {
        r.when.date = Some(d);
    }
    if let Some(t) = target.time {
        r.when.time = Some(t);
    }
    // «de las 3 a las 5»: from 3, to 5.
    if let Some(super::when::TimeSpec::Between(_, to)) = r.when.time {
        if (plain.contains("de las ") || plain.contains("de la "))
            && (plain.contains(" a las ") || plain.contains(" a la "))
        {
            r.when.time = Some(super::when::TimeSpec::At(to));
        }
    }
}

/// «no llego a las 5», «no voy a alcanzar a llegar mañana», «ya no
/// puedo el viernes»: the customer cannot make it.
fn cant_make_it(words: &[String]) -> bool {
    let at = words.iter().position(|w| w == "no");
    at.is_some_and(|i| {
        i <= 1
            && words.get(i + 1).is_some_and(|w| {
                ["llego", "alcanzo", "puedo", "podre"].contains(&w.as_str())
                    || (w == "voy"
                        && words.get(i + 2).is_some_and(|a| a == "a")
                        && words.get(i + 3).is_some_and(|v| {
                            ["poder", "llegar", "alcanzar", "ir"].contains(&v.as_str())
                        }))
            })
    })
}

/// A staff message opening with news for the customers: «mándales…»,
/// «avísales…», «manda a todos…», «manda un aviso…».
fn tells_customers(words: &[String]) -> bool {
    let at = usize::from(words.first().is_some_and(|w| w == "porfa" || w == "oye"));
    let (Some(verb), next) = (words.get(at), words.get(at + 1)) else {
        return false;
    };
    let to_them = [
        "mandales",
        "avisales",
        "diles",
        "escribeles",
        "notificales",
        "comunicales",
    ]
    .contains(&verb.as_str());
    let to_all = ["manda", "mandale", "avisa", "avisale", "notifica", "envia"]
        .contains(&verb.as_str())
        && next.is_some_and(|n| ["un", "una", "a", "mensaje", "aviso"].contains(&n.as_str()))
        && words
            .iter()
            .any(|w| ["todos", "todas", "aviso", "mensaje", "clientes"].contains(&w.as_str()));
    to_them || to_all
}

/// Any form of a verb that moves an appointment, by its stem: «cámbiela»,
/// «que se pase al domingo», «cambio de cita del jueves pal viernes»
/// (not «pasado mañana», «voy atrasado», «me cambiaron el turno»: a
/// participle or what others did).
fn moves_by_stem(w: &str) -> bool {
    const STEMS: &[&str] = &[
        "pas",
        "cambi",
        "muev",
        "recorr",
        "adelant",
        "atras",
        "retras",
        "aplaz",
        "traslad",
        "reagend",
        "reprogram",
    ];
    const CORRER: &[&str] = &[
        "corra", "corre", "corremos", "correr", "correla", "correlo", "corrala", "corralo",
    ];
    CORRER.contains(&w)
        || (STEMS.iter().any(|s| w.starts_with(s))
            && w != "pasa"
            && !["ado", "ada", "ados", "adas", "aron"]
                .iter()
                .any(|e| w.ends_with(e)))
}

/// The name of a service being added: after «servicio» («agrega el
/// servicio de barba a $150» → «Barba», «nuevo servicio: ceja 80 pesos» →
/// «Ceja») or else after the verb («agrega mascarilla negra, 20 min» →
/// «Mascarilla negra», «mete al catálogo lavado de cabello de 15 min» →
/// «Lavado de cabello»). The reading keeps no service for an addition, as
/// the corpus convention labels it; the add-service flow asks this.
pub fn new_service_name(text: &str) -> Option<String> {
    named_after_servicio(text).or_else(|| named_after_verb(text))
}

fn named_after_servicio(text: &str) -> Option<String> {
    let at = super::find_ci(text, "servicio")?;
    let rest = text[at.end..].trim_start_matches(|c: char| !c.is_alphanumeric() && c != '$');
    const SKIP: &[&str] = &[
        "de", "del", "nuevo", "nueva", "llamado", "que", "se", "llama",
    ];
    const STOP: &[&str] = &[
        "a", "de", "por", "en", "que", "cuesta", "vale", "dura", "con", "y", "precio", "una", "un",
        "media",
    ];
    let mut out: Vec<&str> = Vec::new();
    for (i, w) in rest.split_whitespace().enumerate() {
        let bare = normalize(w);
        if (i == 0 && SKIP.contains(&bare.as_str()))
            || (out.is_empty() && ["llamado", "llama", "se"].contains(&bare.as_str()))
        {
            continue;
        }
        let stop = w.starts_with('$')
            || bare.chars().next().is_some_and(|c| c.is_ascii_digit())
            || STOP.contains(&bare.as_str());
        match (stop, out.is_empty()) {
            (true, false) => break,
            (true, true) => continue,
            _ => {}
        }
        out.push(w.trim_matches(|c: char| !c.is_alphanumeric()));
        if w.ends_with([',', '.', ':', ';']) {
            break;
        }
    }
    capitalized(&out.join(" "))
}

fn capitalized(name: &str) -> Option<String> {
    let mut chars = name.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().chain(chars).collect())
}

fn named_after_verb(text: &str) -> Option<String> {
    const VERBS: &[&str] = &[
        "agrega ",
        "agregar ",
        "agregale ",
        "añade ",
        "anade ",
        "da de alta ",
        "dar de alta ",
        "mete al catálogo ",
        "mete al catalogo ",
    ];
    const SKIP: &[&str] = &[
        "el", "la", "servicio", "un", "una", "nuevo", "nueva", "al", "catalogo",
    ];
    const END: &[&str] = &[
        "a", "por", "en", "un", "una", "media", "hora", "horas", "que", "y", "con", "cuesta",
        "vale", "dura", "desde", "para", "pa",
    ];
    let at = VERBS
        .iter()
        .filter_map(|v| super::find_ci(text, v))
        .min_by_key(|r| r.start)?;
    // Only a message that opens with the verb adds: «¿le agrego la barba?»
    // does not.
    if message_words(&text[..at.start]).len() > 2 {
        return None;
    }
    let mut out: Vec<&str> = Vec::new();
    let words: Vec<&str> = text[at.end..].split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        let bare = normalize(w);
        if out.is_empty() && SKIP.contains(&bare.as_str()) {
            continue;
        }
        let number_next = words
            .get(i + 1)
            .is_some_and(|n| n.chars().next().is_some_and(|c| c.is_ascii_digit()));
        if bare.is_empty()
            || bare.chars().next().is_some_and(|c| c.is_ascii_digit())
            || w.starts_with('$')
            || END.contains(&bare.as_str())
            || (bare == "de" && number_next)
        {
            break;
        }
        out.push(w.trim_matches(|c: char| !c.is_alphanumeric()));
        if w.ends_with([',', '.', ':', ';']) || out.len() == 5 {
            break;
        }
    }
    capitalized(&out.join(" "))
}

/// A customer called by a nickname after its article: «el güero»,
/// «al flaco», «la güera» → «Güero», «Flaco», «Güera».
fn nickname(words: &[String]) -> Option<String> {
    const NICKNAMES: &[(&str, &str)] = &[
        ("guero", "Güero"),
        ("guera", "Güera"),
        ("guerito", "Güerito"),
        ("guerita", "Güerita"),
        ("flaco", "Flaco"),
        ("flaca", "Flaca"),
        ("gordo", "Gordo"),
        ("gordito", "Gordito"),
        ("chino", "Chino"),
        ("chato", "Chato"),
        ("pelon", "Pelón"),
        ("morenito", "Morenito"),
        ("guerejo", "Güerejo"),
    ];
    words.windows(2).find_map(|w| {
        ["el", "al", "del", "la"]
            .contains(&w[0].as_str())
            .then(|| NICKNAMES.iter().find(|(n, _)| *n == w[1]))
            .flatten()
            .map(|(_, written)| written.to_string())
    })
}

/// Verbs a staff member books a customer with: «ponle», «métemelo»,
/// «apúntale», «agéndale», «apártale».
const STAFF_BOOKS: &[&str] = &[
    "pon",
    "ponle",
    "ponme",
    "ponlo",
    "ponla",
    "ponmelo",
    "ponmela",
    "mete",
    "metele",
    "meteme",
    "metelo",
    "metela",
    "metemelo",
    "metemela",
    "apunta",
    "apuntale",
    "apuntame",
    "apuntalo",
    "apuntala",
    "anota",
    "anotale",
    "anotame",
    "anotalo",
    "anotala",
    "agenda",
    "agendale",
    "agendalo",
    "agendala",
    "aparta",
    "apartale",
    "apartalo",
    "apartala",
    "reserva",
    "reservale",
    "hazle",
];

/// [`normalize`], but a clock time keeps its colon: «pásala a las 3:30»
/// must not become «a las 3 30», read as 3:00.
fn normalize_keeping_clock(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let clock = |i: usize| {
        chars[i] == ':'
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit)
            && chars.get(i + 2).is_some_and(char::is_ascii_digit)
    };
    // A letter survives normalising: «3h30» marks the colon, and reads
    // back as «3:30» (as Spain writes «15h30»).
    let marked: String = (0..chars.len())
        .map(|i| if clock(i) { 'h' } else { chars[i] })
        .collect();
    let plain: Vec<char> = normalize(&marked).chars().collect();
    (0..plain.len())
        .map(|i| {
            let between = plain[i] == 'h'
                && i > 0
                && plain[i - 1].is_ascii_digit()
                && plain.get(i + 1).is_some_and(char::is_ascii_digit)
                && plain.get(i + 2).is_some_and(char::is_ascii_digit);
            if between {
                ':'
            } else {
                plain[i]
            }
        })
        .collect()
}

/// «si tienen…», «si hay…», «si puedes…»: a message opening with an
/// unaccented «si» and no pause before a verb of having or being able is
/// a condition («sí, a las 5» and «sí tienen» with its accent agree).
fn conditional_si(text: &str) -> bool {
    let t = text.trim_start_matches(|c: char| !c.is_alphanumeric());
    let Some(rest) = t.strip_prefix("si ").or_else(|| t.strip_prefix("Si ")) else {
        return false;
    };
    let next: Vec<String> = message_words(rest).into_iter().take(2).collect();
    let verb = |w: &str| {
        [
            "tienen", "tienes", "tiene", "hay", "puedes", "pueden", "puede", "alcanza", "alcanzas",
            "queda", "cabe", "tenes",
        ]
        .contains(&w)
    };
    match next.as_slice() {
        [v, ..] if verb(v) => true,
        [p, v] if ["se", "me", "nos"].contains(&p.as_str()) && verb(v) => true,
        _ => false,
    }
}

/// «¿y si hay mañana me apartas uno?»: words that ask for a place, not
/// for a price.
fn asks_for_a_place(words: &[String]) -> bool {
    words.iter().any(|w| {
        [
            "aparta",
            "apartas",
            "apartame",
            "agenda",
            "agendame",
            "agendas",
            "cita",
            "lugar",
            "espacio",
            "hay",
            "puedo",
            "quiero",
            "reserva",
            "reservame",
            "hueco",
            "apunta",
            "apuntame",
            "tienes",
            "tienen",
        ]
        .contains(&w.as_str())
    })
}

/// Does the message say one of these phrases (normalised words)?
fn says_any(words: &[String], phrases: &[&str]) -> bool {
    phrases.iter().any(|p| text_has(words, p))
}

/// «nos vemos mañana», «hasta el sábado», «ahí te veo»: a goodbye.
fn farewell(words: &[String]) -> bool {
    [
        "nos vemos",
        "hasta manana",
        "hasta el",
        "hasta luego",
        "te veo",
        "los veo",
        "ahi estare",
        "alli estare",
        "alla estare",
        "ahi estamos",
        "ahi estoy",
        "alla nos vemos",
    ]
    .iter()
    .any(|p| text_has(words, p))
}

/// «mañana te marco», «luego te confirmo», «te aviso al rato»: the answer
/// comes later.
fn puts_off(words: &[String]) -> bool {
    // «les escribo para cancelar…» opens a request; it puts nothing off.
    let opens = |i: usize| {
        words
            .get(i + 2)
            .is_some_and(|w| ["para", "pa", "por", "porque"].contains(&w.as_str()))
    };
    words.windows(2).enumerate().any(|(i, w)| {
        ["te", "le", "les"].contains(&w[0].as_str())
            && ["marco", "aviso", "confirmo", "escribo", "digo", "llamo"].contains(&w[1].as_str())
            && !opens(i)
    }) && !words.iter().any(|w| w == "porque" || w == "quiero")
}

/// «muy buen corte», «quedó excelente», «gracias por todo»: thanks for a
/// service already given.
fn praise(words: &[String]) -> bool {
    text_has(words, "gracias por")
        || words.iter().any(|w| {
            [
                "quedo",
                "buen",
                "excelente",
                "increible",
                "chido",
                "padre",
                "atencion",
            ]
            .contains(&w.as_str())
        })
}

/// A message that is only a person's name: one to four capitalised words,
/// none of them a word the reader knows or a teammate's name.
fn bare_name(text: &str, staff: &[String]) -> Option<String> {
    let raws: Vec<&str> = text
        .trim()
        .trim_end_matches(['.', '!'])
        .split_whitespace()
        .collect();
    if raws.is_empty() || raws.len() > 4 {
        return None;
    }
    let team: Vec<String> = staff
        .iter()
        .filter_map(|s| normalize(s).split(' ').next().map(str::to_string))
        .collect();
    let name_like = raws.iter().all(|w| {
        let n = normalize(w);
        w.chars().next().is_some_and(char::is_uppercase)
            && w.chars()
                .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
            && w.chars().count() >= 2
            && !NOT_NAME.contains(&n.as_str())
            && !team.contains(&n)
            && classify(w) == Intent::Unknown
            && super::when::WEEKDAYS.iter().all(|(d, _)| *d != n)
    });
    name_like.then(|| raws.join(" "))
}

/// «me encantó el corte», «me gustó mucho cómo me dejó Ana».
const LOVED: &[&str] = &[
    "me encanto",
    "me gusto",
    "me fascino",
    "quedo super",
    "quedo bien",
    "quedo de lujo",
    "excelente servicio",
    "los recomiendo",
    "muy buen servicio",
    "excelente atencion",
    "10 de 10",
    "quede muy contento",
    "quede muy contenta",
    "quede contento",
    "quede contenta",
    "quedaron perfectas",
    "quedo perfecto",
];

/// «me cobraron doble», «quiero poner una queja», «me trató mal».
const COMPLAINTS: &[&str] = &[
    "queja",
    "me cobraron doble",
    "me cobraron de mas",
    "cobrasteis de mas",
    "me cobrasteis",
    "cobraron mal",
    "me trato mal",
    "me trataron mal",
    "me dejo mal",
    "me dejaron mal",
    "me quedo mal",
    "pesima atencion",
    "mal servicio",
    // What a cut or a colour came out like.
    "quedo chueco",
    "quedo disparejo",
    "medio disparejo",
    "quedo torcido",
    "degradado torcido",
    "corte torcido",
    "tinte naranja",
    "no me mola nada",
    "estoy molesta",
    "estoy molesto",
    "quedo fatal",
    "quedo naranja",
    "quedo con escalones",
    "quedo horrible",
    "quedo feo",
    "se ve todo disparejo",
    "me quitaron ceja de mas",
    "me quitaron de mas",
    "ni me atendieron",
    "chueco",
    "disparejo",
    "desparejo",
    "dispareja",
    "despinto",
    "pelo naranja",
    "dejasteis fatal",
    "no me gusto nada",
    "mala atencion",
    "pesimo",
    "me hicieron esperar",
    "uneven",
    "not happy",
];

/// What reaches a business's number that is not for the diary: chains,
/// lost things, job seekers, suppliers, gift and loyalty cards, goods for
/// sale. A service or day such messages mention is no booking.
const NOT_FOR_THE_DIARY: &[&str] = &[
    "reenvia",
    "reenviado",
    "compartelo",
    "comparte si",
    "mala suerte",
    "perdi",
    "se me olvido",
    "alguien encontro",
    "encontraron",
    "se quedo por ahi",
    "vacante",
    "buscan barbero",
    "buscan estilista",
    "soy barbero",
    "soy estilista",
    "portafolio",
    "catalogo",
    "mayoreo",
    "le ofrezco",
    "les ofrezco",
    "ofrecemos",
    "tarjeta de regalo",
    "tarjetas de regalo",
    "tarjeta de lealtad",
    "venden productos",
    "venden la pomada",
    "venden cera",
    "vendeis cera",
    "las compras",
    "factura",
];

/// «se me hizo tarde», «voy tarde», «¿puede llegar 10 min tarde?»: a
/// customer running late, whose hour is the appointment already made.
const RUNNING_LATE: &[&str] = &[
    "se me hizo tarde",
    "voy tarde",
    "llego tarde",
    "voy retrasado",
    "voy retrasada",
    "me voy a retrasar",
    "voy a retrasarme",
    "me retraso",
    "llegar tarde",
    "min tarde",
    "minutos tarde",
    "un poco tarde",
    "minutitos tarde",
    "tantito tarde",
];

/// «el jueves no, mejor el viernes», «mi cita del jueves, mejor el viernes
/// a las 12»: what follows the last «mejor» replaces the day or time said
/// before it.
fn prefer_after_mejor(
    r: &mut Reading,
    text: &str,
    now: NaiveDateTime,
    context: &dyn Fn(&str) -> bool,
) {
    // The message's words, with «|» where a clause ends.
    let joined = clauses_of(text).join(" | ");
    let words: Vec<&str> = joined.split_whitespace().collect();
    // «¿el 13? ah no, que es domingo… ¿el 14 entonces?»: taken back, and
    // the reason may name the day again before the one that stands.
    let retracts =
        |i: usize| words[i] == "no" && i > 0 && ["ah", "ay", "aa", "ahh"].contains(&words[i - 1]);
    let plain = |ws: &[&str]| {
        ws.iter()
            .filter(|w| **w != "|")
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    };
    // «a las 3, digo, a las 4», «a las 3 no espera a las 4»: a voice
    // note correcting itself; «a las 4, no perdón, a las 5», «mañana,
    // bueno no, pasado mañana», «perdón, quise decir el viernes».
    let marks: Vec<usize> = (0..words.len())
        .filter(|&i| {
            let w = &words[i];
            let after = |p: &str| i > 0 && words[i - 1] == p;
            // «… no, a las 6», «ay no, el del miércoles», «bueno, a las 5 y
            // media»: a «no» or «bueno» right before another day or hour…
            let then_when = words[i + 1..].iter().find(|n| **n != "|").is_some_and(|n| {
                [
                    "a", "el", "la", "las", "de", "del", "para", "pal", "mejor", "pasado",
                    "manana", "hoy",
                ]
                .contains(n)
            });
            *w == "mejor"
            || *w == "digo"
            // «Perdón, el de las 3 me pide…» apologises; «a las 4,
            // perdón, a las 5» corrects.
            || (*w == "perdon" && !parse_when_local(&plain(&words[..i]), now).is_empty())
            || *w == "corrijo"
            || (*w == "espera" && after("no"))
            // …and only after a day or hour it corrects («no, a las 4
            // no» refuses, it corrects nothing).
            // «no era a las 4, era a las 5»: the second «era».
            || (*w == "era"
                && words[..i].contains(&"era")
                && !parse_when_local(&plain(&words[..i]), now).is_empty())
            || ((*w == "no" || *w == "bueno")
                && then_when
                && !after("y")
                && !words.get(i + 1).is_some_and(|n| ["pal", "para"].contains(n))
                && !parse_when_local(&plain(&words[..i]), now).is_empty())
            || (*w == "decir" && after("quise"))
            || (retracts(i) && !parse_when_local(&plain(&words[..i]), now).is_empty())
        })
        .collect();
    // What follows the last correction that says a day or hour («a las
    // 8 no espera a las 7 mejor»: the «mejor» closing it says none),
    // without the clauses that only mention («mejor otro día, hoy ya no
    // alcanzo»: no day asked).
    for &at in marks.iter().rev() {
        let tail = words[at + 1..].join(" ");
        let asked: Vec<&str> = tail
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty() && !context(c))
            .collect();
        let after = if retracts(at) {
            // The last day and the last hour said after it.
            let each: Vec<When> = asked.iter().map(|c| parse_when_local(c, now)).collect();
            When {
                date: each.iter().rev().find_map(|w| w.date),
                time: each.iter().rev().find_map(|w| w.time),
                matched: Vec::new(),
            }
        } else {
            parse_when_local(&asked.join(" , "), now)
        };
        if after.date.is_some() {
            r.when.date = after.date;
        }
        if after.time.is_some() {
            r.when.time = after.time;
        }
        if !after.is_empty() || words[at] != "mejor" || !tail.split_whitespace().all(|w| w == "|") {
            return;
        }
    }
}

/// Words of an occasion a customer gets ready for: the day said with
/// them is when it happens, not necessarily the appointment.
const OCCASIONS: [&str; 16] = [
    "valentin",
    "boda",
    // Chile: «un matrimonio que tengo el sábado».
    "matrimonio",
    "bodas",
    "comunion",
    "entrevista",
    "fiesta",
    "evento",
    "graduacion",
    "xv",
    "quince",
    "bautizo",
    "viaje",
    "cumple",
    "cumpleanos",
    "posada",
];

/// What the other things a customer mentions are: an appointment is not
/// asked for in a clause about their work, school, a flight or another
/// appointment («salgo de la chamba a las 3», «mi vuelo sale a las 4»),
/// about the past («el martes pasado vine a las 5», «me dijeron»), nor in
/// one that refuses («a las 4 no», «con Carlos no»).
const ACTIVITIES: &[&str] = &[
    "salgo",
    "salimos",
    "chamba",
    "trabajo",
    "trabajar",
    "curro",
    "escuela",
    "clase",
    "clases",
    "vuelo",
    "dentista",
    "doctor",
    "medico",
    "futbol",
    "partido",
    "junta",
    "recoger",
    "examen",
    "prepa",
    // «aterrizo a la 1», «entro a la oficina a las 12», «tengo audiencia
    // a la 1», «salgo de guardia a las 7», «cruzo la línea a las 11»
    "aterrizo",
    "aterriza",
    "aeropuerto",
    "oficina",
    "audiencia",
    "juzgado",
    "entro",
    "guardia",
    "cruzo",
];
const PAST: &[&str] = &[
    "pasado",
    "pasada",
    "vine",
    "fui",
    "fuimos",
    "atendio",
    "atendieron",
    "pague",
    "dijeron",
    "dijo",
    "enferme",
    "platicamos",
    "pase",
    "trasquilo",
    "estuvo",
    "hubo",
];

/// The part before a second request is joined on («… y dime quién
/// sigue», «… y de paso el link»), if the message has one. (Not at a full
/// stop: «bloquéame las 4... no, las 5», «Soy Pedro. ¿Tengo algo el
/// domingo?» go on with the same request.)
fn first_of_two_requests(text: &str) -> Option<&str> {
    const JOINS: &[&str] = &[
        " y de paso ",
        " y luego ",
        " y también ",
        " y tambien ",
        " y dime ",
        " y pásame ",
        " y pasame ",
        " y mándame ",
        " y mandame ",
        " y avísale ",
        " y avisale ",
        " y de una vez ",
        " y después ",
        " y despues ",
        " y el link ",
        " y la liga ",
    ];
    let at = JOINS
        .iter()
        .filter_map(|j| super::find_ci(text, j).map(|r| r.start))
        .min()?;
    let first = text[..at].trim();
    (first.split_whitespace().count() >= 2).then_some(first)
}

/// The message cut into clauses: at punctuation, «pero» and «y» (not the
/// «y» of «las 4 y media»).
fn clauses_of(text: &str) -> Vec<String> {
    text.split([',', '?', '¿', '.', '!', '¡', ';', '\n'])
        .map(|c| normalize_keeping_clock(&when_spellings(c)))
        .flat_map(|c| {
            let words: Vec<&str> = c.split_whitespace().collect();
            let mut out = vec![String::new()];
            for (i, w) in words.iter().enumerate() {
                let next = words.get(i + 1).copied().unwrap_or("");
                let joins_time = ["media", "cuarto"].contains(&next)
                    || next.chars().next().is_some_and(|c| c.is_ascii_digit());
                // «era pal martes no pal lunes», «quería el miércoles y no
                // el martes»: a refusal starts its own clause (and keeps
                // the «y» that tells it from a correction).
                let refusal =
                    (*w == "no" && ["pal", "para"].contains(&next)) || (*w == "y" && next == "no");
                if refusal && i > 0 {
                    out.push(w.to_string());
                    continue;
                }
                // «el jueves en vez del miércoles»: what is turned down.
                if *w == "en" && ["vez", "lugar"].contains(&next) && i > 0 {
                    out.push(w.to_string());
                    continue;
                }
                if *w == "pero" || *w == "porque" || (*w == "y" && !joins_time) {
                    out.push(String::new());
                    continue;
                }
                let last = out.last_mut().expect("one clause at least");
                if !last.is_empty() {
                    last.push(' ');
                }
                last.push_str(w);
            }
            out
        })
        .filter(|c| !c.trim().is_empty())
        .collect()
}

/// Is this clause about something other than the appointment asked for?
/// A refusal is, unless the message is a cancellation («ya no voy a ir a
/// la de mañana» names the appointment).
fn is_context(clause: &str, refusals: bool) -> bool {
    let padded = format!(" {clause} ");
    let words: Vec<&str> = clause.split_whitespace().collect();
    // «no, mejor el jueves» asks for Thursday.
    if words.contains(&"mejor") {
        return false;
    }
    if clause.starts_with("en vez de") || clause.starts_with("en lugar de") {
        return true;
    }
    // «¿abren o no?» asks, it refuses nothing.
    let refuses = words
        .iter()
        .enumerate()
        .any(|(i, w)| (*w == "no" && (i == 0 || words[i - 1] != "o")) || *w == "fatal");
    // «pasado mañana» is ahead.
    let past = |i: usize, w: &str| {
        PAST.contains(&w) && !(w == "pasado" && words.get(i + 1) == Some(&"manana"))
    };
    words
        .iter()
        .enumerate()
        .any(|(i, w)| OCCASIONS.contains(w) || ACTIVITIES.contains(w) || past(i, w))
        || work_shift(&words)
        || (refusals && refuses)
        // «hoy ando bien ocupado pero mañana sí puedo»
        || (words.iter().any(|w| ["ocupado", "ocupada"].contains(w))
            && words.iter().any(|w| ["ando", "estoy", "estare", "voy"].contains(w)))
        || ([
            "me caso",
            "nos casamos",
            "se casa",
            "son las",
            "la otra vez",
            "la vez",
        ]
        .iter()
        .any(|p| padded.contains(&format!(" {p} ")))
            // «con Pedro como la otra vez»: the same again.
            && !padded.contains(" como la otra vez"))
}

/// «me cambiaron el turno», «me tocó turno en la planta», «doble turno»:
/// a «turno» at work. Alone, «turno» is the appointment in much of Latin
/// America («quería un turno con Pedro», «¿mi turno de hoy sigue en pie?»).
fn work_shift(words: &[&str]) -> bool {
    const AT_WORK: &[&str] = &[
        "cambiaron",
        "cambio",
        "toca",
        "toco",
        "doble",
        "planta",
        "hospital",
        "rolan",
        "rolar",
        "nocturno",
        "pusieron",
        "jefe",
    ];
    words.iter().any(|w| w.starts_with("turno")) && words.iter().any(|w| AT_WORK.contains(w))
}

/// «tengo boda el sábado, ¿me pueden arreglar el viernes?», «salgo de la
/// chamba a las 3 pero el corte lo quiero el sábado a las 10», «no, a las 4
/// no, tengo que recoger a mi hija»: the day and time of a context clause
/// (see [`is_context`]) are not the ones asked for; the other clauses say
/// those. A booking whose only day is the context's keeps it («mi boda es
/// el sábado, ¿me arreglan ese día a las 12?»: Saturday at 12; «mi vuelo
/// sale el viernes, ¿una barba en la mañana ese día?»: Friday morning);
/// anything else asks for no day or time it only mentions. A teammate
/// named only in context («con Pedro no», «me atendió Carlos») is not the
/// one asked for either.
fn context_is_not_asked(r: &mut Reading, text: &str, now: NaiveDateTime, team: &[String]) {
    // «no me acuerdo si era el jueves» refuses nothing.
    let refusals = matches!(
        r.intent,
        Intent::Book | Intent::No | Intent::Yes | Intent::Reschedule
    );
    let clauses = clauses_of(text);
    if !clauses.iter().any(|c| is_context(c, refusals)) {
        return;
    }
    let asked: Vec<&str> = clauses
        .iter()
        .filter(|c| !is_context(c, refusals))
        .map(String::as_str)
        .collect();
    if let Some(s) = &r.staff {
        let first = normalize(s).split(' ').next().unwrap_or("").to_string();
        let named = |c: &&str| c.split_whitespace().any(|w| w == first);
        if !asked.iter().any(named) {
            r.staff = None;
        }
    }
    // «la última vez me atendió Pedro, pero ahora quiero con Carlos», «no,
    // con Pedro no, mejor con Carlos»: the teammate asked for.
    if r.staff.is_none() && matches!(r.intent, Intent::Book | Intent::No | Intent::Yes) {
        r.staff = staff_in(&asked.join(" , "), team);
    }
    let asked = parse_when_local(&asked.join(" , "), now);
    // A booking or a cancellation whose only day is the context's keeps it
    // («no voy a poder ir mañana por el trabajo, cancélala»).
    let booking = matches!(r.intent, Intent::Book | Intent::Cancel | Intent::Reschedule);
    if asked.date.is_some() {
        r.when.date = asked.date;
        r.when.time = asked.time;
    } else if asked.time.is_some() {
        r.when.time = asked.time;
        if !booking {
            r.when.date = None;
        }
    } else if !booking {
        r.when = When::default();
    }
}

/// What a staff member mentions without asking: the past and the present
/// moment («llegué a las 9», «son las 10 y nadie ha llegado», «el link que
/// me mandaste a las 9», «el lunes pasado estuvo muerto», «anda enferma
/// desde el finde»).
fn staff_context(clause: &str, intent: Intent) -> bool {
    let padded = format!(" {clause} ");
    // «desde ayer no viene»: since is context; «bloquéame desde las 4»,
    // «cuesta 250 desde el lunes»: it starts what the request changes.
    let since = !matches!(
        intent,
        Intent::BlockTime
            | Intent::Unblock
            | Intent::ChangeHours
            | Intent::ChangePrice
            | Intent::ChangeServiceDuration
            | Intent::AddService
            | Intent::DeactivateService
            | Intent::RemoveStaff
            | Intent::ChangePermissions
    ) && padded.contains(" desde ");
    let words: Vec<&str> = clause.split_whitespace().collect();
    // «llegué a las 9» is past; «avísale que llegue temprano» is not.
    let past = words.iter().enumerate().any(|(i, w)| {
        ["llegue", "mande", "mandaste", "hubo", "estuvo"].contains(w)
            && (i == 0 || words[i - 1] != "que")
    });
    since || past || padded.contains(" son las ")
}

/// A staff member's message: the day and time of a context clause (see
/// [`staff_context`]) are not the ones the request is about («llegué a
/// las 9 y el de las 10 no vino»: 10).
fn staff_context_is_not_asked(r: &mut Reading, text: &str, now: NaiveDateTime) {
    let clauses = clauses_of(text);
    if !clauses.iter().any(|c| staff_context(c, r.intent)) {
        return;
    }
    let asked: Vec<&str> = clauses
        .iter()
        .filter(|c| !staff_context(c, r.intent))
        .map(String::as_str)
        .collect();
    r.when = parse_when_local(&asked.join(" , "), now);
}

/// «llego en 5 minutos», «en 1 hora llego», «estoy a 10 min»: a customer
/// on the way, whose minutes are not an appointment time.
fn on_the_way(words: &[String]) -> bool {
    let arriving = [
        "llego", "llegamos", "llegando", "estoy", "estamos", "voy", "vamos", "salgo", "paso",
    ]
    .iter()
    .any(|v| words.iter().any(|w| w == v));
    arriving && in_minutes(words)
}

/// «en 10 minutos», «a 5 min», «en media hora»: a moment from now.
fn in_minutes(words: &[String]) -> bool {
    words.windows(3).any(|w| {
        ["en", "a"].contains(&w[0].as_str())
            && (w[1].chars().all(|c| c.is_ascii_digit())
                || ["una", "un", "media"].contains(&w[1].as_str()))
            && (w[2].starts_with("min") || w[2].starts_with("hora"))
    })
}

enum CatalogueNumber {
    Price,
    Minutes,
}

/// A number said of a service: minutes when «min»/«hora» follows it, a
/// price otherwise (only amounts a price can be: 20 and up).
fn catalogue_number(words: &[String]) -> Option<CatalogueNumber> {
    let at = words
        .iter()
        .position(|w| w.chars().all(|c| c.is_ascii_digit()) && !w.is_empty())?;
    let next = words.get(at + 1).map(String::as_str).unwrap_or("");
    if next.starts_with("min") || next.starts_with("hora") {
        return Some(CatalogueNumber::Minutes);
    }
    // «a 18 euros», «ahora 120 pesos»: money whatever the amount.
    if ["pesos", "euros", "varos", "baros", "mxn", "eur"].contains(&next) {
        return Some(CatalogueNumber::Price);
    }
    let n: u32 = words[at].parse().ok()?;
    let before = at.checked_sub(1).map_or("", |b| words[b].as_str());
    (n >= 20
        && (at == 0
            || ["a", "en", "de", "es", "cuesta", "vale", "cobra", "cobramos"].contains(&before)))
    .then_some(CatalogueNumber::Price)
}

/// «de lunes a sábado», «lunes a viernes»: a span of weekdays.
fn weekday_span(words: &[String]) -> bool {
    let day = |w: &String| super::when::WEEKDAYS.iter().any(|(n, _)| n == w);
    words
        .windows(3)
        .any(|w| day(&w[0]) && w[1] == "a" && day(&w[2]))
}

/// What is asked for after a refusal in the same message: «a las 4 no
/// puedo, ¿a las 6?», «mañana no me queda, el jueves». `None` when nothing
/// about a day or a time follows the refusal.
fn instead_of_refused(text: &str, now: NaiveDateTime) -> Option<When> {
    const REFUSALS: &[&str] = &[
        "no puedo",
        "no me queda",
        "no alcanzo",
        "no me late",
        "no me va bien",
        "no me viene bien",
        "me viene fatal",
        "me va fatal",
    ];
    let plain = normalize_keeping_clock(&when_spellings(text));
    let (at, len) = REFUSALS
        .iter()
        .filter_map(|r| plain.find(r).map(|at| (at, r.len())))
        .min()?;
    // Something refused must come first: «no puedo ir» alone is not this.
    let before = parse_when_local(&plain[..at], now);
    if before.date.is_none() && before.time.is_none() {
        return refused_clause_then_other(text, REFUSALS, now);
    }
    let after = parse_when_local(&plain[at + len..], now);
    (after.date.is_some() || after.time.is_some()).then_some(after)
}

/// «no me va bien el jueves, ¿lo podemos pasar al viernes?»: the refusal's
/// own clause names what is refused, a later clause what is asked instead.
fn refused_clause_then_other(text: &str, refusals: &[&str], now: NaiveDateTime) -> Option<When> {
    let clauses: Vec<&str> = text.split([',', ';', '.', '?', '¿', '!', '¡']).collect();
    let k = clauses.iter().position(|c| {
        let n = normalize(c);
        refusals.iter().any(|r| n.contains(r))
    })?;
    let refused = parse_when_local(&when_spellings(clauses[k]), now);
    if refused.is_empty() {
        return None;
    }
    let rest = parse_when_local(&when_spellings(&clauses[k + 1..].join(" ")), now);
    (!rest.is_empty()).then_some(rest)
}

fn text_has(words: &[String], phrase: &str) -> bool {
    let p: Vec<&str> = phrase.split(' ').collect();
    words
        .windows(p.len())
        .any(|w| w.iter().zip(&p).all(|(a, b)| a == b))
}

/// Staff write commands in emoji between clients: «🚫 2-3», «🔓 mi
/// tarde», «❌ la de las 4», «4 ➡️ 6», «Ulises ➡️ Pedro», «👻 el de las
/// 11», «🚶 Lalo barba», «💰 hoy», «🔗?», «👀 mañana?». Each is read as
/// the words it stands for (a lone «❌» or «✅» stays the answer it is).
fn with_staff_emojis<'a>(text: &'a str, staff: &[String]) -> std::borrow::Cow<'a, str> {
    const SAID: &[(char, &str)] = &[
        ('🚫', " bloquea "),
        ('🔒', " bloquea "),
        ('⛔', " bloquea "),
        ('🔓', " desbloquea "),
        ('❌', " cancela "),
        ('🗑', " cancela "),
        ('👀', " que tengo "),
        ('💰', " ventas "),
        ('💵', " ventas "),
        ('🔗', " link "),
        ('👻', " no vino "),
        ('🚶', " llego sin cita "),
        ('➕', " agenda a "),
        ('✂', " corte "),
        ('💈', " corte "),
        ('🧔', " barba "),
        ('💬', " dile a "),
        ('🍽', " comida "),
        ('⏰', " "),
        ('\u{FE0F}', ""),
    ];
    let arrow = |c: char| c == '➡' || c == '→';
    let said = |c: char| SAID.iter().any(|(e, _)| *e == c) || arrow(c);
    if !text.chars().any(said) || !text.chars().any(char::is_alphanumeric) {
        return std::borrow::Cow::Borrowed(text);
    }
    // «el de las 5 no llegó ❌» marks, it cancels nothing: a cancel opens
    // the message. «👀» looks at the sender's agenda, or a teammate's
    // named, in a short message only («quién está libre a las 12 👀»).
    let opening = text.trim_start().chars().next();
    let short = message_words(text).len() <= 3;
    let names_teammate = staff.iter().any(|s| {
        let first = normalize(s).split(' ').next().unwrap_or("").to_string();
        message_words(text).contains(&first)
    });
    let mut out = String::with_capacity(text.len() + 16);
    for ch in text.chars() {
        match SAID.iter().find(|(e, _)| *e == ch) {
            Some(('❌' | '🗑', _)) if opening != Some(ch) => out.push(ch),
            Some(('👀', _)) if !short => out.push(ch),
            Some(('👀', _)) if names_teammate => out.push_str(" agenda de "),
            Some((_, words)) => out.push_str(words),
            None => out.push(ch),
        }
    }
    // «4 ➡️ 6»: the one at 4 moved to 6; «Ulises ➡️ Pedro»: to Pedro;
    // «Hugo ➡️ vie»: to Friday.
    if let Some((from, to)) = out.split_once(arrow) {
        let (from, to) = (from.trim(), to.trim().trim_start_matches(arrow).trim());
        let hour =
            |w: &str| !w.is_empty() && w.split(':').all(|p| p.chars().all(|c| c.is_ascii_digit()));
        let teammate = staff
            .iter()
            .any(|s| normalize(s).split(' ').next() == Some(normalize(to).as_str()));
        let last = from.split_whitespace().last().unwrap_or("");
        let moved = if hour(last) && hour(to) {
            let head = &from[..from.len() - last.len()];
            format!("mueve {head}la de las {last} a las {to}")
        } else if teammate {
            format!("pasa {from} con {to}")
        } else {
            format!("mueve {from} para {to}")
        };
        return std::borrow::Cow::Owned(moved);
    }
    std::borrow::Cow::Owned(out)
}

/// A staff member's or owner's message.
pub fn read_staff(text: &str, now: NaiveDateTime, cat: Catalogue<'_>) -> Reading {
    let text = &*super::english::with_staff_english(text);
    let text = &*super::catalan::with_catalan(text);
    let text = &*with_staff_emojis(text, cat.staff);
    let text = &*with_teammate_typos(text, cat.staff);
    let text = &*without_hesitations(text);
    let text = &*with_common_typos(text);
    let text = &*without_refused_after_no(text, now);
    // «bloquéame de 2 a 3 y dime qué tengo mañana», «mándame mis citas de
    // la semana y de paso el link»: of two requests, the first is acted on first
    // (with its own day, time and name); a greeting or thanks before it is
    // not one.
    if let Some(first) = first_of_two_requests(text) {
        let r = read_staff(first, now, cat);
        if !matches!(
            r.intent,
            Intent::Unknown | Intent::Greeting | Intent::Thanks | Intent::Yes | Intent::No
        ) {
            return r;
        }
    }
    let mut r = common(text, now, cat);
    // «no, a Luis no, a Luisa», «perdón, no era Pedro, era Ana»: who the
    // message is about comes from what the correction means.
    let meant = without_refused_clauses(text, now);
    if let std::borrow::Cow::Owned(meant) = &meant {
        let alt = common(meant, now, cat);
        // «no, a Luis no, a Luisa», «no es Gustavo, es Gerardo»: the name
        // the correction ends on.
        r.name = alt.name.or_else(|| {
            let last = meant
                .rsplit([',', '.', ';'])
                .find(|c| !c.trim().is_empty())?;
            let last = last.trim();
            let bare = ["a ", "es ", "era ", "con "]
                .iter()
                .find_map(|lead| last.strip_prefix(lead))
                .unwrap_or(last);
            bare_name(bare, cat.staff)
        });
        r.staff = alt.staff;
        r.service = alt.service;
        // «no era la de mañana, cancela la de hoy»: the day meant.
        if !alt.when.is_empty() {
            r.when = alt.when;
        }
    }
    let words = message_words(text);
    // «voy en 5 minutos»: on the way, not a time to act on.
    if on_the_way(&words) {
        r.when = When::default();
    }
    // «soy Ana, ¿qué tengo hoy?»: a teammate saying who writes, not a
    // customer's name.
    if let Some(n) = &r.name {
        let own = cat
            .staff
            .iter()
            .any(|s| normalize(s).split(' ').next() == Some(normalize(n).as_str()));
        let introduces = ["soy ", "habla "]
            .iter()
            .any(|lead| super::find_ci(text, &format!("{lead}{n}")).is_some());
        if own && introduces {
            r.name = None;
        }
    }
    // «aquí Pedro, ¿qué tengo hoy?», «soy Ana, bloquea mi tarde»: the
    // teammate writing, not one the request is about.
    if let Some(s) = &r.staff {
        let first = normalize(s).split(' ').next().unwrap_or("").to_string();
        // «aquí Pedro», «Ana aquí»
        let intro = ["aqui", "soy", "habla"]
            .iter()
            .any(|lead| words.len() > 2 && words[0] == *lead && words[1] == first)
            || (words.len() > 2 && words[0] == first && words[1] == "aqui")
            // «Ana por aquí», «Pedro por acá»
            || (words.len() > 3
                && words[0] == first
                && words[1] == "por"
                && ["aqui", "aca"].contains(&words[2].as_str()));
        // «Don Carlos quiere hacer junta», «Pedro dijo que me iba a pasar
        // clientes»: the teammate who asked for it, not whom it is about
        // (not «la siguiente cita de don Carlos»).
        const REPORTING: &[&[&str]] = &[
            &["dijo"],
            &["me", "dijo"],
            &["me", "pidio"],
            &["pregunta"],
            &["pregunto"],
            &["quiere", "saber"],
            &["quiere", "que"],
            &["quiere", "hacer"],
        ];
        let reports = words.iter().enumerate().any(|(i, w)| {
            *w == first
                && REPORTING.iter().any(|r| {
                    r.iter()
                        .enumerate()
                        .all(|(k, x)| words.get(i + 1 + k).is_some_and(|y| y == x))
                })
                && !(i > 0 && ["de", "con", "a", "al", "para"].contains(&words[i - 1].as_str()))
                && !(i > 1
                    && ["don", "dona"].contains(&words[i - 1].as_str())
                    && ["de", "con", "a", "al", "para"].contains(&words[i - 2].as_str()))
        });
        if intro || reports {
            r.staff = None;
        }
    }
    if r.when.date.is_none() {
        // "agenda del 3": the next 3rd.
        if let Some(day) = words
            .windows(2)
            .find(|w| w[0] == "del" && w[1].len() <= 2)
            .and_then(|w| w[1].parse::<u32>().ok())
        {
            if let Some(d) = super::when::next_day_of_month(now.date(), day) {
                r.when.date = Some(super::when::DateSpec::Day(d));
                r.when.time = None;
            }
        }
    }
    let mut intent =
        super::learned::second_opinion(staff_intent(text, r.phone.is_some()), text, true);
    // «mándales a todos que el lunes no abrimos», «manda un aviso general:
    // …», «avísales a los de mañana que…»: whatever the news is about,
    // it is a message to customers (28 of 28 dev lines).
    if tells_customers(&words) {
        intent = Intent::MessageCustomer;
    }
    // «vale, el corte a 18 euros», «vale tío, el de las 5 ya está»: an
    // agreement opening a request is the request.
    if intent == Intent::Yes && words.len() > 2 {
        if let Some((_, rest)) = text.split_once([',', '.', '!']) {
            let then = staff_intent(rest, r.phone.is_some());
            // «vale, el corte a 18 euros»: a catalogue change is read below.
            let change = then == Intent::Unknown && r.service.is_some();
            if change || !matches!(then, Intent::Unknown | Intent::Yes | Intent::No) {
                intent = then;
            }
        }
    }
    // «no, el corte a 180 no a 200», «no no, no quites el tinte, quita las
    // cejas»: a «no» opening a correction is the request it corrects to.
    if intent == Intent::No && words.len() > 3 {
        if let Some((_, rest)) = meant.split_once([',', '.', '!']) {
            let rest = rest.trim_start();
            let rest_words = message_words(rest);
            // «no, mejor a las 5», «no, el jueves no, el viernes»: a bare
            // answer stays the «no» it opens with.
            let yes_said: Vec<&str> = rest_words
                .iter()
                .map(String::as_str)
                .filter(|w| *w != "no")
                .collect();
            let bare = yes_said.len() < 3
                || yes_said.contains(&"mejor")
                || just_when(&yes_said.join(" "), now);
            if !bare {
                let then = read_staff(rest, now, cat).intent;
                if !matches!(
                    then,
                    Intent::Unknown | Intent::Yes | Intent::No | Intent::Prices
                ) {
                    intent = then;
                }
            }
        }
    }
    // «no, no la canceles», «no le muevas»: a change taken back, nothing
    // asked instead.
    if text.split_inclusive([',', '.', ';', '!', '?']).all(|p| {
        refused_clause(p, now)
            || message_words(p)
                .iter()
                .all(|w| NO_WORDS.contains(&w.as_str()))
    }) && words
        .first()
        .is_some_and(|w| NO_WORDS.contains(&w.as_str()))
    {
        intent = Intent::No;
    }
    let asks_free = ["espacio", "lugar", "libre", "hueco", "huecos", "disponible"]
        .iter()
        .any(|w| words.iter().any(|x| x == w))
        || says_any(
            &words,
            &["hay algo", "tienes algo", "tienen algo", "cabe uno"],
        );
    // «ponle a Lupita corte el jueves a las 4», «métemelo a las 12:30»,
    // «otro: Ramiro Luna, sábado 10am, corte», «mañana 10:45 corte a
    // nombre de Diego», «tengo en la línea a Manuel, pide corte y barba»:
    // a customer booked (with a day, an hour or a service said).
    let books_someone = words.len() > 1
        && (words.iter().take(8).any(|w| STAFF_BOOKS.contains(&w.as_str()))
            || says_any(
                &words,
                &[
                    "a nombre de",
                    "quiere cita",
                    "pide cita",
                    "en la linea",
                    "al telefono",
                ],
            )
            || words[0] == "otro"
            || words[0] == "otra")
        && catalogue_number(&words).is_none()
        && !says_any(&words, &["de comer", "pa comer", "para comer", "a partir"])
        // «llegó el compa de siempre, ponle corte» (a walk-in), «llega
        // tarde, ponlo a las 5» (a move).
        && !words
            .iter()
            .any(|w| ["llego", "llega", "llegue", "llegando"].contains(&w.as_str()));
    r.intent = match intent {
        // «¿hay lugar el jueves entre 3 y 5?», «¿hay algo libre después de
        // las 5?»: a staff member looks at the agenda, nobody is booked;
        // asked for a customer or a service («¿hay hueco pa unas cejas al
        // mediodía?», «es pa un cliente»), the start of a booking. (The
        // staff chat answers both with the free times.)
        Intent::Book | Intent::Unknown | Intent::BusinessSchedule
            if asks_free
                && !first_person(&words)
                && text.contains('?')
                && r.name.is_none()
                && (r.when.date.is_some() || r.when.time.is_some()) =>
        {
            let for_someone = r.service.is_some()
                || words.iter().any(|w| {
                    ["cliente", "clienta", "senora", "senor", "chavo", "muchacho"]
                        .contains(&w.as_str())
                });
            if for_someone {
                Intent::Book
            } else {
                Intent::BusinessSchedule
            }
        }
        // «ponme a Nuria el martes a las 5 para tinte», «mete a Chuy Reyes
        // el jueves a las 6»: a customer booked.
        Intent::Unknown
            if books_someone
                && (r.when.date.is_some() || r.when.time.is_some() || r.service.is_some()) =>
        {
            Intent::Book
        }
        // «¿cuánto cobramos por tinte? ponlo en 600»
        Intent::Prices if r.service.is_some() && catalogue_number(&words).is_some() => {
            match catalogue_number(&words) {
                Some(CatalogueNumber::Minutes) => Intent::ChangeServiceDuration,
                _ => Intent::ChangePrice,
            }
        }
        // A staff member's "¿tengo citas hoy?" is their own agenda.
        Intent::MyAppointments => Intent::MySchedule,
        // "¿y mañana?", "el viernes, ¿cómo está?", «¿qué onda con
        // mañana?»: a day's agenda; «¿tengo algo en la tarde?», «¿ando
        // libre hoy?»: the sender's own.
        Intent::Unknown | Intent::Book | Intent::Yes | Intent::Greeting
            if (r.when.date.is_some() || (r.when.time.is_some() && first_person(&words)))
                && words.len() <= 6
                && only_about_the_day(text, now, cat.staff)
                && (text.contains('?')
                    || words.iter().any(|w| {
                        ["como", "que", "y", "agenda", "citas"].contains(&w.as_str())
                    })) =>
        {
            if first_person(&words) {
                Intent::MySchedule
            } else {
                Intent::BusinessSchedule
            }
        }
        Intent::Yes if words.len() <= 3 && words.iter().any(|w| w == "gracias") => Intent::Thanks,
        // «quita a Ana», «saca a Pedro»: a teammate named after the verb.
        Intent::Unknown
            if r.staff.is_some()
                && ["quita", "quitale", "saca", "corre", "despide"]
                    .iter()
                    .any(|v| words.first().is_some_and(|w| w == v)) =>
        {
            Intent::RemoveStaff
        }
        // «mañana llego tarde como a las 11», «el sábado llego hasta las
        // 12»: the sender arrives late (not «llegó tarde el de las 4»).
        Intent::Unknown
            if words.iter().any(|w| w == "llego")
                && words.iter().any(|w| w == "tarde" || w == "hasta")
                && r.when.time.is_some()
                && !["el de", "la de"].iter().any(|p| text_has(&words, p)) =>
        {
            Intent::BlockTime
        }
        // «cambia el corte a 180», «el tinte a 500», «ponle 30 min a la
        // barba»: a service and a new price or duration.
        // «agrega corte infantil, 100 varos, media hora»: a new service.
        Intent::Unknown
            if r.service.is_some()
                && words
                    .first()
                    .is_some_and(|w| w.starts_with("agreg") || w.starts_with("anad")) =>
        {
            Intent::AddService
        }
        // «agrega mascarilla negra, 20 min, 120 pesos», «da de alta
        // permanente, hora y media, 900»: a service the catalogue does not
        // have yet, with its price or minutes.
        Intent::Unknown
            if new_service_name(text).is_some() && catalogue_number(&words).is_some() =>
        {
            Intent::AddService
        }
        Intent::Unknown if r.service.is_some() => match catalogue_number(&words) {
            Some(CatalogueNumber::Minutes) => Intent::ChangeServiceDuration,
            Some(CatalogueNumber::Price) => Intent::ChangePrice,
            // «el tinte dura hora y media»
            None if words.iter().any(|w| w == "dura") => Intent::ChangeServiceDuration,
            None => Intent::Unknown,
        },
        i => i,
    };
    // «¿Santiago tiene algo agendado?», «el toño tiene cita esta semana?»,
    // «¿a qué hora viene Beto hoy?»: asked about a customer (not a
    // teammate's agenda), whose history says their next appointment.
    let asks_about_someone = [
        "tiene cita",
        "tiene citas",
        "tiene algo",
        "a que hora viene",
        "cuando viene",
        "si confirmo",
        "ya confirmo",
    ]
    .iter()
    .any(|p| text_has(&words, p));
    if asks_about_someone
        && r.staff.is_none()
        && matches!(
            r.intent,
            Intent::BusinessSchedule
                | Intent::MySchedule
                | Intent::NextAppointment
                | Intent::Unknown
        )
        && (given_name_in(text, cat.staff).is_some() || nickname(&words).is_some())
    {
        r.intent = Intent::CustomerHistory;
    }
    // «uff hoy no paramos, ¿quién sigue?», «siguiente cliente porfa, ya
    // van 6 hoy»: a clause asks for the next appointment; the day around
    // it is talk.
    if matches!(r.intent, Intent::MySchedule | Intent::Unknown)
        && text
            .split([',', '.', ';', '?', '¿', '!', '¡'])
            .any(|c| classify(c) == Intent::NextAppointment)
    {
        r.intent = Intent::NextAppointment;
    }
    if r.intent == Intent::Reschedule {
        move_target(&mut r, text, now);
    }
    let intent = r.intent;
    prefer_after_mejor(&mut r, &meant, now, &|c| staff_context(c, intent));
    staff_context_is_not_asked(&mut r, &meant, now);
    // «hoy salgo a las 6», «salgo temprano, a las 4»: blocked from then
    // on; «mañana entro a las 11», «el jueves entro tarde, a las 12»:
    // until then.
    // «mañana tengo doctor a las 12, bloquéame de 11:30 a 1:30»: the
    // errand's hour explains; the span asked is the block.
    if r.intent == Intent::BlockTime && matches!(r.when.time, Some(super::when::TimeSpec::At(_))) {
        let span = clauses_of(text).iter().find_map(|c| {
            parse_when_local(c, now).time.filter(|t| {
                matches!(
                    t,
                    super::when::TimeSpec::Between(..)
                        | super::when::TimeSpec::After(_)
                        | super::when::TimeSpec::Before(_)
                )
            })
        });
        if span.is_some() {
            r.when.time = span;
        }
    }
    if r.intent == Intent::BlockTime {
        let has = |w: &str| words.iter().any(|x| x == w);
        let leaving = has("salgo")
            || has("sale")
            || has("piro")
            || text_has(&words, "me voy")
            || text_has(&words, "trabajo hasta");
        // «mañana no vengo hasta las 12»: away until then.
        let arriving = !leaving
            && (has("entro")
                || has("entra")
                || has("llego")
                || has("llega")
                || text_has(&words, "hasta las")
                || text_has(&words, "hasta la"));
        match r.when.time {
            Some(super::when::TimeSpec::At(t)) if leaving => {
                r.when.time = Some(super::when::TimeSpec::After(t));
            }
            Some(super::when::TimeSpec::At(t)) if arriving => {
                r.when.time = Some(super::when::TimeSpec::Before(t));
            }
            // «hoy me voy temprano»: when they leave, not a morning.
            Some(super::when::TimeSpec::Part(super::when::PartOfDay::Early))
                if leaving || arriving =>
            {
                r.when.time = None;
            }
            _ => {}
        }
    }
    // «gracias por hoy», «buenos días, equipo»: nothing to act on, so no
    // slots either.
    if matches!(r.intent, Intent::Thanks | Intent::Greeting) {
        return Reading {
            intent: r.intent,
            ..Reading::default()
        };
    }
    // «pásame lo que me queda del día», «cancela el resto del día»: today.
    if r.when.date.is_none()
        && [
            "queda del dia",
            "resta del dia",
            "resto del dia",
            "lo que queda de hoy",
        ]
        .iter()
        .any(|p| text_has(&words, p))
    {
        r.when.date = Some(super::when::DateSpec::Day(now.date()));
    }
    // «el de las 6 de ayer no vino», «¿cómo nos fue ayer?»
    if r.when.date.is_none() && words.iter().any(|w| w == "ayer") {
        let yesterday = now.date() - chrono::Duration::days(1);
        r.when.date = Some(super::when::DateSpec::Day(yesterday));
    }
    // «dile que la atiendo en 10 minutos», «llegó alguien, en 5 min lo
    // paso»: a moment from now is not an appointment time; «ya terminé por
    // hoy»: the day is over, not one to act on.
    if in_minutes(&words) && !matches!(r.intent, Intent::BlockTime | Intent::Unblock) {
        r.when = When::default();
    }
    if text_has(&words, "por hoy") && r.when.time.is_none() {
        r.when.date = None;
    }
    // «que tngo el lunes», «cómo voy el jueves?», «a ver el tablero de
    // hoy»: a question, or a message naming a day, that no rule read may
    // still be one the learned fallback knows, and its day is the one
    // asked about (an answer to a flow's question asks nothing).
    let asks = text.contains('?')
        || [
            "que", "como", "cuantas", "cuantos", "cuanto", "quien", "cual",
        ]
        .iter()
        .any(|q| words.iter().any(|w| w == q));
    if r.intent == Intent::Unknown && (asks || r.when.date.is_some()) {
        if let Some(i) = super::learned::guess(text, true) {
            r.intent = i;
        }
    }
    // «mañana», «a las 11 y media», «de 2 a 4»: an answer to the
    // assistant's question, nothing but its day or hour.
    let bare_when = r.intent == Intent::Unknown && just_when(text, now);
    // «hoy hace calor»: a day in a message that asks nothing is small
    // talk, not a day to act on.
    if r.intent == Intent::Unknown
        && !bare_when
        && r.when.time.is_none()
        && r.service.is_none()
        && r.staff.is_none()
        && r.name.is_none()
        && r.phone.is_none()
    {
        r.when.date = None;
    }
    // «agrega corte de niño», «vamos a ofrecer tinte de barba»: a new
    // service is not the catalogue's look-alike; «agrega a mi hermano
    // Pedro como barbero»: a new teammate is not the Pedro already there.
    // («vuelve a poner el tinte», «reactiva las cejas»: a catalogue
    // service brought back keeps its name.)
    let brought_back = words
        .iter()
        .any(|w| w.starts_with("reactiv") || w == "vuelve" || w == "regresa")
        || text_has(&words, "de nuevo")
        || text_has(&words, "otra vez");
    if r.intent == Intent::AddService && !brought_back {
        r.service = None;
        r.service_options.clear();
    }
    if r.intent == Intent::AddStaff {
        r.staff = None;
        // «una chava pa las cejas, se llama Fer»: what she will do.
        r.service = None;
        r.service_options.clear();
    }
    // «cuesta 250 desde hoy»: a catalogue or team change takes effect
    // now, and its day is not a slot; «desde el lunes», «a partir del 1
    // de febrero» say the day it starts. Its hours and minutes are
    // durations, not times.
    let future_day = match r.when.date {
        Some(super::when::DateSpec::Day(d)) => d > now.date(),
        _ => false,
    };
    if matches!(
        r.intent,
        Intent::ChangePrice
            | Intent::ChangeServiceDuration
            | Intent::AddService
            | Intent::DeactivateService
            | Intent::RemoveStaff
            | Intent::ChangePermissions
    ) {
        if !future_day {
            r.when.date = None;
        }
        r.when.time = None;
    }
    // «quita el tinte, Ana es la única que lo hace», «cambia la duración
    // del corte, Pedro se tarda»: the catalogue, the shop's hours and a
    // customer's history are nobody's on the team.
    if matches!(
        r.intent,
        Intent::ChangePrice
            | Intent::ChangeServiceDuration
            | Intent::AddService
            | Intent::DeactivateService
            | Intent::ChangeHours
            | Intent::CustomerHistory
    ) {
        r.staff = None;
    }
    // «4 ✅», «hecho ✅ el de las 12»: a cut ticked off.
    if matches!(r.intent, Intent::Yes | Intent::Unknown) && text.contains(['✅', '✔']) {
        let hour = words
            .iter()
            .find_map(|w| w.parse::<u32>().ok().filter(|h| (1..=12).contains(h)));
        if r.when.time.is_none() {
            if let Some(h) = hour {
                r.when.time = parse_when_local(&format!("a las {h}"), now).time;
            }
        }
        if r.when.time.is_some() || r.name.is_some() {
            r.intent = Intent::MarkCompleted;
        }
    }
    // «no, mejor dime qué tengo el sábado», «no, en vez de eso ciérrame
    // el miércoles»: the answer refuses and asks for something else.
    if r.intent == Intent::No {
        let lead = [
            "no", "nel", "mejor", "en", "vez", "de", "eso", "pues", "entonces",
        ];
        let rest: Vec<&str> = text
            .split_whitespace()
            .skip_while(|w| lead.contains(&normalize(w).as_str()))
            .collect();
        if rest.len() >= 2 {
            let then = staff_intent(&rest.join(" "), r.phone.is_some());
            if !matches!(
                then,
                Intent::Unknown
                    | Intent::Yes
                    | Intent::No
                    | Intent::Greeting
                    | Intent::Thanks
                    | Intent::Cancel
                    | Intent::Prices
                    | Intent::Services
                    | Intent::Hours
                    | Intent::Location
                    | Intent::TalkToHuman
                    | Intent::MyAppointments
            ) {
                r.intent = then;
            }
        }
    }
    // «listo Beto», «Listo el señor de las 11», «listo las cejas de
    // Karen»: done with a customer, not a yes.
    if matches!(r.intent, Intent::Yes | Intent::Unknown)
        && words
            .first()
            .is_some_and(|w| ["listo", "lista"].contains(&w.as_str()))
    {
        let customer = given_name_in(text, cat.staff);
        let pointed = [
            "el de",
            "la de",
            "el del",
            "la del",
            "el senor",
            "la senora",
            "don",
            "dona",
        ]
        .iter()
        .any(|p| text_has(&words, p));
        if customer.is_some() || pointed || r.service.is_some() {
            r.intent = Intent::MarkCompleted;
        }
    }
    // «avísale a la señora Carmen que ya llegó su tinte», «bloquea que
    // me llega el proveedor de tintes», «el que sigue, ¿corte o barba?»:
    // a service these requests mention is not what they act on.
    if !matches!(
        r.intent,
        Intent::Book
            | Intent::WalkIn
            | Intent::Reschedule
            | Intent::Cancel
            | Intent::MarkNoShow
            | Intent::MarkCompleted
            | Intent::Stats
            | Intent::ChangePrice
            | Intent::ChangeServiceDuration
            | Intent::DeactivateService
            | Intent::AddService
            | Intent::Unknown
            // «¿a cuánto tenemos el corte de niño?»: the price asked.
            | Intent::Prices
            | Intent::Services
    ) {
        r.service = None;
        r.service_options.clear();
    }
    // What each request can carry: a link, a teammate's removal or
    // permissions, the next appointment's day, a walk-in (now) take no
    // day or time they mention («mándame el link, el de ayer ya no
    // sirve», «saca a Pedro, lleva 3 faltas esta semana», «sin cita, se
    // va a las 12»); a report takes no hour («el contador lo quiere pa las
    // 5»); the weekdays of new opening hours are every week («de lunes a
    // viernes abrimos de 10 a 8»).
    match r.intent {
        Intent::MagicLink => {
            return Reading {
                intent: r.intent,
                ..Reading::default()
            }
        }
        Intent::WalkIn => {
            r.when = When::default();
        }
        Intent::NextAppointment => r.when.date = None,
        Intent::Stats => r.when.time = None,
        Intent::ChangeHours if weekday_span(&words) => r.when.date = None,
        // «de lunes a sábado de 10 a 8»: the opening hours of the week.
        Intent::Unknown if weekday_span(&words) && r.when.time.is_some() => {
            r.intent = Intent::ChangeHours;
            r.when.date = None;
        }
        // «el partido es a las 7»: an hour in a message that asks nothing
        // is talk, unless it points at an appointment («llegó tarde el de
        // las 4»).
        Intent::Unknown
            if !bare_when
                && !["el de", "la de", "el del", "la del"]
                    .iter()
                    .any(|p| text_has(&words, p)) =>
        {
            r.when.time = None;
        }
        _ => {}
    }
    use super::when::TimeSpec;
    // «abrimos a las 12 y cerramos a las 8»: the new hours, from one to
    // the other.
    if r.intent == Intent::ChangeHours && !matches!(r.when.time, Some(TimeSpec::Between(..))) {
        let at = |verbs: &[&str]| {
            clauses_of(text).iter().find_map(|c| {
                let ws = message_words(c);
                if !ws.iter().any(|w| verbs.contains(&w.as_str())) {
                    return None;
                }
                match parse_when_local(c, now).time {
                    Some(TimeSpec::At(t)) => Some(t),
                    _ => None,
                }
            })
        };
        let opens = at(&["abrimos", "abre", "abren", "abrir", "abro"]);
        let closes = at(&["cerramos", "cierra", "cierran", "cerrar", "cierro"]);
        if let (Some(a), Some(b)) = (opens, closes) {
            if a < b {
                r.when.time = Some(TimeSpec::Between(a, b));
            }
        }
    }
    // «a ver si puedo salir temprano», «quiero ver si cierro temprano»,
    // «que si puede venir más temprano»: leaving or coming early is the
    // reason for the question, not its time.
    if matches!(
        r.intent,
        Intent::MySchedule | Intent::BusinessSchedule | Intent::MessageCustomer
    ) && r.when.time == Some(TimeSpec::Part(super::when::PartOfDay::Early))
        && words.windows(2).any(|w| {
            w[1] == "temprano"
                && [
                    "salir", "ir", "irme", "cierro", "cerrar", "escapo", "venir", "mas", "llegar",
                ]
                .contains(&w[0].as_str())
        })
    {
        // What the rest says («… me quiero ir temprano; ¿tengo algo en
        // la tarde?»).
        let rest: Vec<&str> = text
            .split_whitespace()
            .filter(|w| normalize(w) != "temprano")
            .collect();
        r.when.time = parse_when_local(&rest.join(" "), now).time;
    }
    // «bloquéame de 11 a 1, y si alguien pide que se la den con Pedro»:
    // the sender's own block; the teammate is where others go.
    if r.intent == Intent::BlockTime
        && words.iter().any(|w| {
            [
                "bloqueame",
                "cierrame",
                "bloquearme",
                "bloqueas",
                "apartame",
            ]
            .contains(&w.as_str())
        })
    {
        r.staff = None;
    }
    // «me voy a las 4, cierra mi agenda de ahí pa delante», «salgo como
    // a las 6, ya no me pongas nada»: from that hour on.
    if r.intent == Intent::BlockTime {
        if let Some(TimeSpec::At(t)) = r.when.time {
            if [
                "de ahi pa delante",
                "de ahi para adelante",
                "de ahi en adelante",
                "en adelante",
                "ya no me pongas nada",
                "ya no me agendes",
                "cierrale despues",
                "cierrame despues",
            ]
            .iter()
            .any(|p| text_has(&words, p))
            {
                r.when.time = Some(TimeSpec::After(t));
            }
        }
    }
    // «¿cuánto sacamos el sábado?», «¿cuánto se facturó el 31 de
    // diciembre?»: a report on what happened asks about the day gone by.
    if r.intent == Intent::Stats {
        const PAST: &[&str] = &[
            "sacamos",
            "saco",
            "fue",
            "entro",
            "faltaron",
            "vendimos",
            "vendio",
            "facturo",
            "facturamos",
            "hicimos",
            "hizo",
            "ganamos",
            "gano",
            "estuvo",
            "vinieron",
            "atendimos",
            "atendio",
            "tuvimos",
            "tuvo",
            "cobramos",
            "cobro",
            "hubo",
            "cerramos",
            // «ventas sábado», «¿cuánta lana hicimos?»: money made is
            // money already in.
            "ventas",
            "venta",
            "ingresos",
            "ganancias",
            "ganancia",
            "caja",
            "faltistas",
            "faltas",
        ];
        if let Some(super::when::DateSpec::Day(d)) = r.when.date {
            if d > now.date() && words.iter().any(|w| PAST.contains(&w.as_str())) {
                let gone = if (d - now.date()).num_days() <= 7 {
                    d - chrono::Duration::days(7)
                } else {
                    chrono::Datelike::with_year(&d, chrono::Datelike::year(&d) - 1).unwrap_or(d)
                };
                r.when.date = Some(super::when::DateSpec::Day(gone));
            }
        }
    }
    // «ingresos de la semana»: the period is the report's, not a day.
    if r.intent == Intent::Stats {
        if let Some(super::when::DateSpec::Range { .. }) = r.when.date {
            r.when.date = None;
        }
    }
    if r.name.is_none() {
        r.name = customer_named(&meant, cat.staff, r.intent);
    }
    // «el güero no vino», «dile al güero que…»: a regular by nickname.
    let about_a_customer = matches!(
        r.intent,
        Intent::MarkNoShow
            | Intent::MarkCompleted
            | Intent::WalkIn
            | Intent::Book
            | Intent::Reschedule
            | Intent::Cancel
            | Intent::CustomerHistory
            | Intent::MessageCustomer
            | Intent::TakeOver
            | Intent::ReleaseHandoff
    );
    if r.name.is_none() && about_a_customer {
        r.name = nickname(&words);
    }
    // «¿hay hueco pa unas cejas al mediodía?» asks for room, for nobody
    // named.
    if r.name.is_none() && r.intent == Intent::Book && !asks_free {
        r.name = booked_for(text, now, cat);
    }
    if r.name.is_some() && r.intent != Intent::RemoveStaff && r.intent != Intent::ChangePermissions
    {
        // "La cita de Pedro Gómez" names a customer, not the barber; «con
        // Pedro» still does («apunta a Luis el sábado con Pedro»).
        // Nor a list's item of its own (not the first, which may call
        // out to someone): «Cita: Tomás Herrera, corte, lunes 14, 11am,
        // Pedro».
        let with_staff = r.staff.as_deref().is_some_and(|s| {
            let first = normalize(s).split(' ').next().unwrap_or("").to_string();
            text_has(&words, &format!("con {first}"))
                // «la cita de Hugo pásasela a Pedro»: moved to a teammate.
                || (r.intent == Intent::Reschedule
                    && text_has(&words, &format!("a {first}"))
                    && words
                        .iter()
                        .any(|w| w.starts_with("pas") || w.starts_with("muev")))
                // «book juan sab 10 c/ pedro»
                || text.to_lowercase().contains(&format!("c/ {first}"))
                || text.to_lowercase().contains(&format!("c/{first}"))
                || text
                    .split([',', ';'])
                    .skip(1)
                    .any(|item| normalize(item) == first)
        });
        if !with_staff
            && r.name.as_deref().is_some_and(|n| {
                r.staff
                    .as_deref()
                    .is_some_and(|s| normalize(s) != normalize(n))
            })
        {
            r.staff = None;
        }
    }
    if r.intent == Intent::Unknown
        && r.name.is_none()
        && r.when.is_empty()
        && r.service.is_none()
        && r.staff.is_none()
    {
        r.name = bare_name(text, cat.staff);
    }
    // «cambia a Memo de Ana a Pedro»: the customer is Memo; Ana is whose
    // agenda he is on.
    if let Some((who, whose)) = r.name.as_deref().and_then(|n| n.rsplit_once(" de ")) {
        let whose = normalize(whose);
        if cat
            .staff
            .iter()
            .any(|s| normalize(s).split(' ').next() == Some(whose.as_str()))
        {
            r.name = Some(who.to_string());
        }
    }
    if r.staff.is_none() && matches!(r.intent, Intent::Book | Intent::Reschedule | Intent::WalkIn) {
        r.staff = staff_of_two(text, cat.staff);
    }
    learned_if_lost(&mut r, text, true);
    first_request_slots(&mut r, text, now, cat);
    if super::intent::yes_to_what_was_asked(text) {
        r.intent = Intent::Yes;
    }
    r
}

/// «oye ponle a chuy el viernes a las 5 corte y bloquéame mañana de 2 a 4
/// y dile a la señora rosa que ya quedó»: several commands in one message,
/// each opening with its verb. The one read is the first of its kind, and
/// its slots are its own, not the other commands' (Rosa is not whom Chuy's
/// booking is for).
fn first_request_slots(r: &mut Reading, text: &str, now: NaiveDateTime, cat: Catalogue<'_>) {
    // Verbs that open a command (their beginnings).
    const COMMANDS: &[&str] = &[
        "bloque",
        "desbloque",
        "dile",
        "diles",
        "avisale",
        "avisales",
        "mandale",
        "cancela",
        "anula",
        "mueve",
        "muevele",
        "pasa",
        "ponle",
        "ponme",
        "ponlo",
        "ponla",
        "agenda",
        "apunta",
        "marca",
        "quita",
        "regresa",
        "mete",
        "cambia",
        "recorre",
        "registra",
    ];
    const FILLERS: &[&str] = &[
        "oye", "este", "porfa", "bueno", "luego", "tambien", "ya", "pues",
    ];
    // The clause's first word past its fillers («y luego bloquéame…»);
    // not «pasado» nor «mi agenda».
    let opens = |clause: &str| {
        message_words(clause)
            .iter()
            .find(|w| !FILLERS.contains(&w.as_str()))
            .is_some_and(|w| {
                !["pasado", "pasada", "agenda", "agendas"].contains(&w.as_str())
                    && COMMANDS.iter().any(|c| w.starts_with(c))
            })
    };
    let normalized = text.replace(", y ", " y ");
    let clauses: Vec<&str> = normalized.split(" y ").collect();
    if clauses.len() < 2 || !opens(clauses[0]) {
        return;
    }
    // Joined back where the next part opens no command («a las 4 y media»).
    let mut commands: Vec<String> = vec![clauses[0].to_string()];
    for c in &clauses[1..] {
        if opens(c) {
            commands.push(c.to_string());
        } else if let Some(last) = commands.last_mut() {
            last.push_str(" y ");
            last.push_str(c);
        }
    }
    if commands.len() < 2 {
        return;
    }
    let readings: Vec<Reading> = commands.iter().map(|c| read_staff(c, now, cat)).collect();
    let kinds: std::collections::HashSet<Intent> = readings.iter().map(|o| o.intent).collect();
    if kinds.len() < 2 {
        return;
    }
    if let Some(own) = readings.into_iter().find(|o| o.intent == r.intent) {
        r.name = own.name;
        r.when = own.when;
        r.service = own.service;
        r.service_options = own.service_options;
        r.staff = own.staff;
    }
}

/// The day and time of a staff member's message inside a flow that
/// already knows what it is `about` (a block, a no-show): the reader's
/// spellings («bloq 10-12», «no show 11», «mi tarde»), corrections («de 3
/// a 4, ah no, de 4 a 5») and what is only mentioned («llegué a las 9»),
/// without the intent's own clearing (an answer like «de 2 a 3» reads as
/// nothing on its own).
pub fn staff_when(text: &str, now: NaiveDateTime, about: Intent) -> When {
    let text = &*without_refused_after_no(text, now);
    let when_text = match phone_in(text) {
        Some(_) => strip_phone(text),
        None => text.to_string(),
    };
    let mut r = Reading {
        intent: about,
        when: parse_when_local(&when_spellings(&when_text), now),
        ..Reading::default()
    };
    prefer_after_mejor(&mut r, text, now, &|c| staff_context(c, about));
    staff_context_is_not_asked(&mut r, text, now);
    r.when
}

/// The customer a staff member books for: «agenda un corte para Jorge el
/// viernes», «cita para Ana López mañana», «agéndale un tinte a Paty» —
/// the word after «para»/«a» when it is no day, hour, service nor small
/// word.
fn booked_for(text: &str, now: NaiveDateTime, cat: Catalogue<'_>) -> Option<String> {
    ["para ", "pa ", "a ", "al "]
        .iter()
        .find_map(|lead| booked_after(text, lead, now, cat))
}

fn booked_after(text: &str, lead: &str, now: NaiveDateTime, cat: Catalogue<'_>) -> Option<String> {
    let mut from = 0;
    while let Some(at) = super::find_ci(&text[from..], lead) {
        let (start, end) = (from + at.start, from + at.end);
        from = end;
        if text[..start]
            .chars()
            .next_back()
            .is_some_and(char::is_alphabetic)
        {
            continue;
        }
        let Some(first) = text[end..].split_whitespace().next() else {
            break;
        };
        let word = normalize(first);
        let plain = !word.is_empty()
            && word.chars().all(|c| c.is_ascii_alphabetic())
            && !NOT_NAME.contains(&word.as_str())
            && parse_when_local(first, now).is_empty()
            && service_in(first, cat.services) == (None, Vec::new())
            && super::fuzzy::tokens(first).len() == 1;
        if plain {
            if let Some(n) = name_words(&text[end..]) {
                return Some(n);
            }
        }
    }
    None
}

/// «tengo», «ando», «estoy»: the sender asks about their own day.
fn first_person(words: &[String]) -> bool {
    words
        .iter()
        .any(|w| ["tengo", "ando", "estoy", "yo", "entro", "salgo"].contains(&w.as_str()))
}

/// «¿y mañana?», «¿qué onda con el jueves?», «lo del viernes, ¿cómo
/// está?»: besides the day, only the small words of a question about it
/// (or a teammate's name). «¿Qué calor hace hoy?» says something else.
/// Nothing but a day or an hour, as an answer: «mañana», «como a las
/// 6», «el sábado en la mañana», «de 2 a 4».
fn just_when(text: &str, now: NaiveDateTime) -> bool {
    const FILLER: &[&str] = &[
        "como", "a", "el", "la", "las", "de", "porfa", "pues", "ok", "entonces", "tipo", "eh",
        "mejor", "ya", "mmm", "este",
    ];
    let plain = when_spellings(text);
    let when = parse_when_local(&plain, now);
    if when.is_empty() {
        return false;
    }
    let mut rest = plain.clone();
    for span in when.matched.iter().rev() {
        rest.replace_range(span.clone(), " ");
    }
    message_words(&rest)
        .iter()
        .all(|w| FILLER.contains(&w.as_str()))
}

fn only_about_the_day(text: &str, now: NaiveDateTime, staff: &[String]) -> bool {
    const SMALL: &[&str] = &[
        "y", "que", "como", "onda", "con", "el", "la", "lo", "los", "las", "de", "del", "para",
        "pa", "a", "en", "al", "hay", "esta", "estamos", "viene", "pinta", "va", "agenda", "citas",
        "cita", "tengo", "ando", "tenemos", "entro", "salgo", "me", "mi", "mis", "algo", "quien",
        "quienes", "hora", "dia", "libre", "libres", "todo", "toda", "porfa", "porfavor", "oye",
        "entonces", "ok", "bueno", "pues", "tal", "cuantas", "cuantos", "ver", "pasame", "mandame",
        "tiene", "tienen", "anda", "andan", "chamba", "trabajo", "hueco", "huecos", "espacio",
        "espacios", "lugar", "alguien", "gente", "clientes", "cliente", "tio", "wey", "jefe",
        "ves", "dime",
    ];
    let plain = when_spellings(text);
    let when = parse_when_local(&plain, now);
    let mut rest = plain.clone();
    for span in when.matched.iter().rev() {
        rest.replace_range(span.clone(), " ");
    }
    let names: Vec<String> = staff
        .iter()
        .filter_map(|s| normalize(s).split(' ').next().map(str::to_string))
        .collect();
    message_words(&rest)
        .iter()
        .all(|w| SMALL.contains(&w.as_str()) || names.contains(w))
}

/// The customer a staff member's message is about: "cancela la cita de
/// Juan", "pasa a Roberto al sábado", "ya terminé con Pepe", "dile a María
/// que…", "¿quién es Juan Pérez?".
fn customer_named(text: &str, staff: &[String], intent: Intent) -> Option<String> {
    const LEADS: &[&str] = &[
        "cita de ",
        "cita del sabado de ",
        "cita del sábado de ",
        "cancelale a ",
        "cancélale a ",
        "pasa a ",
        "mueve a ",
        "dile a ",
        "avisale a ",
        "avísale a ",
        // Voseo and usted: «decile a Lucas que…», «avísele a Mateo…»,
        // «poneme a Leandro a las 18:30», «anotá a Martín».
        "decile a ",
        "avisale a ",
        "avisele a ",
        "avísele a ",
        "dígale a ",
        "digale a ",
        "poneme a ",
        "anotá a ",
        "mensaje a ",
        "quien es ",
        "quién es ",
        "termine con ",
        "terminé con ",
        "acabe con ",
        "acabé con ",
        "contrate a ",
        "contraté a ",
        "listo con ",
        "ya quedo ",
        "ya quedó ",
        "contesto a ",
        "historial de ",
        "veces vino ",
        "llego ",
        "llegó ",
        "agrega a ",
        "alta a ",
        "ha venido ",
        "cancelale a la señora ",
        "cancelale al señor ",
        "marca a ",
        "marcale a ",
        "encargo de ",
        "reagenda a ",
        "agenda a ",
        "agendale a ",
        "apartale a ",
        "anota a ",
        "atendi a ",
        "cambia a ",
        "cuando vino ",
        "no vino ",
        "no se presento ",
        "terminado con ",
        "acabado con ",
        "pasa la de ",
        "mueve la de ",
        "agregar a ",
        "contratar a ",
        "chat de ",
        "agendame a ",
        "apunta a ",
        "mete a ",
        "ponle cita a ",
        "hazle cita a ",
        "reserva para ",
        "reserva pa ",
        "despues de ",
        "después de ",
        "no show a ",
        "cita a ",
        "bot con ",
        "hable con ",
        "hablé con ",
        "el tinte de ",
        "la barba de ",
        "el corte de ",
        "barbero: ",
        "barbera: ",
        "cita del lunes de ",
        "cita del martes de ",
        "cita del miercoles de ",
        "cita del miércoles de ",
        "cita del jueves de ",
        "cita del viernes de ",
        "respondas a ",
        "cancela la de ",
        "pasame a ",
        "cuándo vino ",
        "escribele a ",
        "escríbele a ",
        "se fue ",
        "sabemos de ",
        "hablo con ",
        "seguir con ",
        "contestes a ",
        "cancela a ",
        // «Cita: Lalo, martes 15, 12:30, corte»
        "cita: ",
        "cita para ",
    ];
    const NOT_A_NAME: &[&str] = &[
        "las",
        "la",
        "el",
        "los",
        "mi",
        "su",
        "un",
        "una",
        "manana",
        "hoy",
        "siguiente",
        "que",
        "cliente",
        "clienta",
        "alguien",
        "tarde",
        "temprano",
        "nadie",
        "otro",
        "otra",
        "a",
        "con",
        "para",
        "sin",
        "atendido",
        "atendida",
        "listo",
        "lista",
        "bien",
        "ya",
        "su",
        "mi",
        "tu",
        "de",
        "del",
        "al",
        // «ya quedó todo», «la cita de ayer», «quién es ese?», «pues no
        // vino el de las 5»: words, not customers.
        "todo",
        "todos",
        "toda",
        "todas",
        "esto",
        "ese",
        "esa",
        "este",
        "esta",
        "eso",
        "aquel",
        "aquella",
        "ayer",
        "pues",
        "parece",
        "creo",
        "ahorita",
        "oye",
        "mira",
        "fijate",
        "tampoco",
        "nadie",
        "alguien",
        "todavia",
        "siempre",
        "nunca",
        "senor",
        "senora",
        "perdon",
        "disculpa",
        "disculpe",
        "oiga",
        "chale",
        "neta",
        "bro",
        "wey",
        "bueno",
        "entonces",
        "igual",
        "jefe",
        "verdad",
        "uno",
        "una",
        "hasta",
        "como",
        "lo",
        "comer",
        "comida",
        "cabello",
        "pelo",
        "cejas",
        "barba",
        "tinte",
        "corte",
        "fade",
        // «el corte de niño a 8 euros»: a kind of service, not a customer.
        "nino",
        "nina",
        "ninos",
        "dama",
        "damas",
        "caballero",
        "caballeros",
        "hombre",
        "mujer",
        // «la cita de mñn de Raúl»
        "mnn",
        "mñn",
        // «no llegó pls», «se fue contento», «ponle cita al chavo»
        "pls",
        "plis",
        "contento",
        "contenta",
        "chavo",
        "chava",
        "chavito",
        "chavita",
        "morro",
        "morra",
        // «llegó así nomás», «ya quedó arreglado»
        "asi",
        "nomas",
        "arreglado",
        "arreglada",
    ];
    // «la señora Lupe no llegó», «termine con el señor Ramírez», «ya
    // quedó Don Pepe»: a courtesy title names the customer after it.
    let about_customer = matches!(
        intent,
        Intent::MarkNoShow
            | Intent::MarkCompleted
            | Intent::Cancel
            | Intent::Reschedule
            | Intent::CustomerHistory
            | Intent::MessageCustomer
            | Intent::WalkIn
            | Intent::TakeOver
            | Intent::ReleaseHandoff
            | Intent::Book
    );
    if about_customer {
        for title in [
            "la señora ",
            "la senora ",
            "la señorita ",
            "la senorita ",
            "el señor ",
            "el senor ",
            "la sra ",
            "el sr ",
            "don ",
            "doña ",
        ] {
            let Some(at) = super::find_ci(text, title) else {
                continue;
            };
            // A word of its own: not the end of «perdón».
            if text[..at.start]
                .chars()
                .next_back()
                .is_some_and(char::is_alphabetic)
            {
                continue;
            }
            if let Some(n) = name_words(&text[at.end..]) {
                return Some(n);
            }
        }
    }
    for lead in LEADS {
        if let Some(at) = super::find_ci(text, lead) {
            let rest = &text[at.end..];
            // «no vino, ¿lo marco?»: the lead's clause ended.
            if rest
                .trim_start()
                .starts_with([',', '.', '?', '¿', '!', ';'])
            {
                continue;
            }
            let first = rest.split_whitespace().next().map(normalize)?;
            // «da de alta a mi sobrino Kevin»: name_words skips the relation.
            let relation = first == "mi"
                && rest
                    .split_whitespace()
                    .nth(1)
                    .is_some_and(|w| RELATIVES.contains(&normalize(w).as_str()));
            // «agenda al primo de Rubén»: a relative, named by whose.
            if RELATIVES.contains(&first.as_str()) {
                continue;
            }
            if (NOT_A_NAME.contains(&first.as_str()) && !relation)
                || first.chars().any(|c| c.is_ascii_digit())
            {
                continue;
            }
            if let Some(n) = name_words(rest) {
                return Some(n);
            }
        }
    }
    // «falta para Iker, no ha venido», «cámbiale el día a Sofía», «ya está
    // Lupita, lista»: a capitalised word inside a message about a
    // customer, that is no teammate, day or service.
    if about_customer || intent == Intent::AddStaff {
        if let Some(n) = capitalised_customer(text, staff, NOT_A_NAME) {
            return Some(n);
        }
    }
    // "Juan no vino": a name opening a no-show or a completion («Juan dice
    // que no viene, cancela»: or any request about them).
    if about_customer {
        let first = text.split_whitespace().next()?;
        let n = normalize(first);
        let is_staff = staff
            .iter()
            .any(|s| normalize(s).split(' ').next() == Some(n.as_str()));
        if !is_staff && !NOT_A_NAME.contains(&n.as_str()) && !NOT_NAME.contains(&n.as_str()) {
            let common = [
                "no", "ya", "el", "la", "listo", "marca", "marcala", "marcale", "marcalo", "me",
                "nos", "ponle", "ponlo", "ponla", "pon", "oye", "pues",
            ];
            // «Juan no vino», «Karla Mora no se presentó», «Pepe ya se
            // fue»: the name leads the verb.
            let named = name_words(text).unwrap_or_default();
            let k = named.split(' ').count();
            let verb_at = |k: usize| {
                text.split_whitespace().nth(k).is_some_and(|w| {
                    [
                        "no", "ya", "nunca", "dice", "dijo", "avisa", "aviso", "pregunta", "falto",
                    ]
                    .contains(&normalize(w).as_str())
                })
            };
            let written_as_name = first.chars().next().is_some_and(char::is_uppercase);
            if verb_at(k) && k == 2 && written_as_name && !common.contains(&n.as_str()) {
                return Some(named);
            }
            // «Chuy me escribió que…», «Rubén pide que su cita pase…»,
            // «Lalo me dejó plantado»: written as a name, before a verb
            // about the sender.
            let told = |k: usize| {
                text.split_whitespace().nth(k).is_some_and(|w| {
                    ["me", "pide", "quiere", "escribio", "hablo", "llamo"]
                        .contains(&normalize(w).as_str())
                })
            };
            if written_as_name && !common.contains(&n.as_str()) {
                if k == 2 && told(2) {
                    return Some(named);
                }
                if told(1) && first.chars().all(char::is_alphabetic) {
                    return Some(capitalize(first));
                }
            }
            let leads_verb = verb_at(1);
            let laugh = laugh_at(&n);
            if !common.contains(&n.as_str())
                && !laugh
                && first.chars().all(char::is_alphabetic)
                && leads_verb
            {
                return Some(capitalize(first));
            }
        }
    }
    // «listo juan», «falta beto», «Octavio canceló lo de hoy», «saca a
    // Rubén del sistema»: a given name anywhere, with its surname.
    if about_customer
        || matches!(
            intent,
            Intent::RemoveStaff | Intent::ChangePermissions | Intent::Stats
        )
    {
        return given_name_in(text, staff);
    }
    None
}

/// The first given name in `text` that is no teammate's, nor a relative's
/// («mi hermano Juan»), with the capitalised surname written after it.
fn given_name_in(text: &str, staff: &[String]) -> Option<String> {
    let raws: Vec<&str> = text.split_whitespace().collect();
    let teammate = |n: &str| {
        staff
            .iter()
            .any(|s| normalize(s).split(' ').next() == Some(n))
    };
    let i = raws.iter().enumerate().position(|(i, w)| {
        let n = normalize(w);
        super::names::is_given_name(w)
            && !teammate(&n)
            && !(i > 0 && RELATIVES.contains(&normalize(raws[i - 1]).as_str()))
            // «el hermano de Beto»
            && !(i > 1
                && normalize(raws[i - 1]) == "de"
                && RELATIVES.contains(&normalize(raws[i - 2]).as_str()))
    })?;
    let first = raws[i].trim_matches(|c: char| !c.is_alphanumeric());
    let mut name = vec![capitalize(first)];
    if !raws[i].ends_with([',', '.', ':', ';', '?', '!']) {
        for w in &raws[i + 1..] {
            let bare = w.trim_matches(|c: char| !c.is_alphanumeric());
            let surname = bare.chars().next().is_some_and(char::is_uppercase)
                && bare.chars().all(char::is_alphabetic)
                && !super::when::is_day_or_month_word(&normalize(bare))
                && !teammate(&normalize(bare));
            if !surname || name.len() == 3 {
                break;
            }
            name.push(bare.to_string());
            if w.ends_with([',', '.', ':', ';', '?', '!']) {
                break;
            }
        }
    }
    Some(name.join(" "))
}

fn laugh_at(w: &str) -> bool {
    w.starts_with("jaj") || w.starts_with("jej") || w.starts_with("jsj")
}

/// The first capitalised word that is not where a sentence starts, nor a
/// teammate, a day, a month or a word of the trade, with the name words
/// after it.
fn capitalised_customer(text: &str, staff: &[String], not_a_name: &[&str]) -> Option<String> {
    let raws: Vec<&str> = text.split_whitespace().collect();
    let teammate = |n: &str| {
        staff
            .iter()
            .any(|s| normalize(s).split(' ').any(|p| p == n))
    };
    // «¿Tere Lozano ya había faltado?»: the «¿» is not part of the name.
    let capitalised = |w: &str| {
        w.trim_start_matches(['¿', '¡', '(', '"', '«'])
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
    };
    for (i, raw) in raws.iter().enumerate().skip(1) {
        // («sin cita: Diego» names him after the colon.)
        let starts_sentence = raws[i - 1].ends_with(['.', '!', '?']);
        // Inside a name already passed over («Karla Mora», «Ana López»),
        // or someone's relative («el hermano de Beto»).
        let continues = capitalised(raws[i - 1]) && !raws[i - 1].ends_with(',');
        let relative = i >= 2
            && normalize(raws[i - 1]) == "de"
            && RELATIVES.contains(&normalize(raws[i - 2]).as_str());
        if starts_sentence || continues || relative || !capitalised(raw) {
            continue;
        }
        let n = normalize(raw.trim_matches(|c: char| !c.is_alphanumeric()));
        let trade = super::when::is_day_or_month_word(&n)
            || not_a_name.contains(&n.as_str())
            || NOT_NAME.contains(&n.as_str())
            || TRADE_WORDS.contains(&n.as_str());
        if n.chars().count() < 2 || teammate(&n) || trade {
            continue;
        }
        let from_here = raws[i..].join(" ");
        if let Some(name) = name_words(from_here.trim_start_matches(['¿', '¡', '(', '"', '«'])) {
            return Some(name);
        }
    }
    None
}

/// Capitalised words staff write that name no customer.
const TRADE_WORDS: &[&str] = &[
    "corte",
    "barba",
    "tinte",
    "cejas",
    "depilacion",
    "arreglo",
    "cliente",
    "clienta",
    "bot",
    "ok",
    "vale",
    "gracias",
    "porfa",
    "plis",
    "oye",
    "hola",
    "buenas",
    "yo",
    "tu",
    "el",
    "ella",
    "usted",
    "nuevo",
    "nueva",
    "servicio",
    "precio",
    "agenda",
    "cita",
    "citas",
    "dile",
    "pon",
    "ponle",
    "cancela",
    "anula",
    "marca",
    "bloquea",
    "dos",
    "tres",
    "cosas",
    "chicos",
    "equipo",
];

/// `text` without the service named right after «en vez de» / «en lugar
/// de», when another service is named too.
fn without_replaced_service(text: &str, services: &[String]) -> Option<String> {
    let at = ["en vez de", "en lugar de"]
        .iter()
        .filter_map(|p| super::find_ci(text, p).map(|r| r.end))
        .min()?;
    // The replaced service: the next few words, up to a comma or «mejor».
    let tail = &text[at..];
    let mut end = 0;
    for (k, w) in tail.split_inclusive(' ').enumerate() {
        let bare = normalize(w);
        if k > 0 && (bare == "mejor" || bare == "nomas" || bare == "solo") {
            break;
        }
        end += w.len();
        if k >= 3 || w.trim_end().ends_with([',', '.', '?', ';']) {
            break;
        }
    }
    let replaced = &tail[..end];
    let (gone, _) = service_in(replaced, services);
    let gone = gone?;
    let kept = format!("{} {}", &text[..at], &tail[end..]);
    let (asked, _) = service_in(&kept, services);
    (asked.is_some() && asked.as_ref() != Some(&gone)).then_some(kept)
}

fn common(text: &str, now: NaiveDateTime, cat: Catalogue<'_>) -> Reading {
    // «voy con mi hermano Pedro»: a relative named like a teammate is only
    // mentioned (the corpus convention), not whom the booking is for.
    let name = name_in(text).filter(|n| {
        let first = normalize(n).split(' ').next().unwrap_or("").to_string();
        let teammate = cat
            .staff
            .iter()
            .any(|s| normalize(s).split(' ').next() == Some(first.as_str()));
        let words = message_words(text);
        let after_relative = words
            .windows(2)
            .any(|w| RELATIVES.contains(&w[0].as_str()) && w[1] == first)
            || words
                .windows(2)
                .any(|w| ["compa", "colega"].contains(&w[0].as_str()) && w[1] == first);
        !(teammate && after_relative)
    });
    // The name given is not a staff preference nor a service.
    let rest = match &name {
        Some(n) => remove_ci(text, n),
        None => text.to_string(),
    };
    // «ya me corté en otro lado», «el que me corta siempre», «me cortó
    // chueco»: a cut had or habitual, not one asked for.
    let mut rest = rest;
    for had in [
        "ya me corté",
        "ya me corte",
        "me corté",
        "me cortó",
        "me corto",
        "que me corta",
        "me corta siempre",
        "me lo corté",
    ] {
        while let Some(r) = super::find_ci(&rest, had) {
            rest.replace_range(r, " ");
        }
    }
    // «en vez de corte, las cejas», «en lugar del tinte mejor nomás
    // corte»: the service replaced is not the one asked for.
    let rest = match without_replaced_service(&rest, cat.services) {
        Some(r) => r,
        None => rest,
    };
    // «a beard trim» is the beard's, not a cut's.
    let rest = if super::find_ci(&rest, "beard").is_some() {
        remove_ci(&rest, "trim")
    } else {
        rest
    };
    // «¿hacen cejas o nomás cortes?», «¿qué más hacen aparte de corte?»:
    // the service set against another is not the one asked about.
    let rest = without_contrasted_service(&rest);
    let (mut service, mut service_options) = service_in(&rest, cat.services);
    // (A service is still said without the declined word: «sin fade en
    // los lados» describes the cut.)
    if let std::borrow::Cow::Owned(kept) = without_declined(&rest) {
        let (s, o) = service_in(&kept, cat.services);
        if s.is_some() {
            (service, service_options) = (s, o);
        }
    }
    let staff =
        staff_in(&rest, cat.staff).filter(|s| !someone_elses(&rest, s) && !excluded(&rest, s));
    let phone = phone_in(text);
    // Digits of a phone number are not a time nor a date.
    let when_text = match &phone {
        Some(_) => strip_phone(text),
        None => text.to_string(),
    };
    let when_text = without_counted_appointments(&when_text);
    let when_text = without_clipper_guards(&when_text);
    let when_text = without_first_appointment(&when_text);
    let when_text = without_replaced_when(&when_spellings(&when_text), now);
    Reading {
        intent: Intent::Unknown,
        service,
        service_options,
        when: parse_when_local(&when_text, now),
        staff,
        name,
        phone,
        usual: false,
        complaint: false,
    }
}

/// «el viernes 18 no el 11», «a las 5 no a las 4», «de 10 a 8 no de 9 a
/// 8», «la de las 4 no la de las 3»: the day or hour said right before
/// «no» is meant, the one right after it is refused. Every writer reads
/// them so; «a las 4, no, a las 5» (a pause before the «no») corrects
/// instead, and is left to [`prefer_after_mejor`].
fn without_refused_after_no(text: &str, now: NaiveDateTime) -> std::borrow::Cow<'_, str> {
    const PUNCTUATION: &[char] = &[',', '.', ';', '?', '!', '¿', '¡'];
    // What may open the refused day or hour («no el 11», «no a las 3»,
    // «no de 9 a 8», «no pal lunes»), and the words that end it («no a
    // las 6, mejor a las 7» is a correction of its own).
    const OPENS: &[&str] = &[
        "a", "al", "el", "la", "las", "los", "de", "del", "pal", "para", "en", "hoy", "manana",
        "pasado",
    ];
    const ENDS: &[&str] = &[
        "mejor", "perdon", "espera", "digo", "bueno", "sino", "pero", "que", "q", "porque", "xq",
        "y",
    ];
    let mut out = std::borrow::Cow::Borrowed(text);
    let mut from = 0;
    while let Some(at) = super::find_ci(&out[from..], " no ") {
        let (start, end) = (from + at.start, from + at.end);
        from = end;
        // A day or hour in the last four words before «no», in its clause.
        let before = &out[..start];
        let clause_start = before
            .char_indices()
            .rev()
            .find(|(_, c)| PUNCTUATION.contains(c))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let head: Vec<&str> = before[clause_start..].split_whitespace().collect();
        let said_before = (1..=head.len().min(4))
            .any(|n| !parse_when_local(&head[head.len() - n..].join(" "), now).is_empty());
        if !said_before {
            continue;
        }
        // The words after «no», up to the clause's end or a word that
        // ends the refusal («y» only after the first three: «a las 4 y
        // media»).
        let after = &out[end..];
        let mut words: Vec<(usize, &str)> = Vec::new();
        let mut offset = 0;
        for w in after.split_inclusive(char::is_whitespace) {
            let bare = w.trim();
            let plain = normalize(bare);
            let stop = bare.starts_with(PUNCTUATION)
                || (ENDS.contains(&plain.as_str()) && !(plain == "y" && words.len() >= 2));
            if stop || words.len() == 6 {
                break;
            }
            offset += w.len();
            words.push((offset, bare));
            if bare.ends_with(PUNCTUATION) {
                break;
            }
        }
        let Some(&(_, first)) = words.first() else {
            continue;
        };
        let first = normalize(first);
        if !OPENS.contains(&first.as_str()) && parse_when_local(&first, now).is_empty() {
            continue;
        }
        // The longest run that reads as a day or hour.
        let refused =
            words.iter().rev().map(|&(e, _)| e).find(|&e| {
                !parse_when_local(after[..e].trim_end_matches(PUNCTUATION), now).is_empty()
            });
        if let Some(e) = refused {
            let keep_punct = after[..e].trim_end().ends_with(PUNCTUATION);
            let kept = format!(
                "{}{} {}",
                &out[..start],
                if keep_punct { "," } else { "" },
                out[end + e..].trim_start()
            );
            from = start;
            out = std::borrow::Cow::Owned(kept);
        }
    }
    out
}

/// What a bare refusal says: «no, no…», «nel», «perdón».
const NO_WORDS: &[&str] = &[
    "no", "nel", "nop", "nope", "perdon", "uy", "ay", "oye", "espera",
];

/// A clause a correction takes back: «a Luis no», «Juan Pérez no», «no
/// era Pedro», «no le cambies la barba». Not what is no longer wanted
/// («el tinte ya no», «siempre no»), a block asked («no me agendes
/// nada»), nor a day or hour (the day pre-pass and the context reading
/// see to those).
fn refused_clause(piece: &str, now: NaiveDateTime) -> bool {
    // Negative commands a correction takes back («no le cambies…»); not
    // «no me agendes nada», which asks for a block.
    const UNDONE: &[&str] = &[
        "quites", "quite", "canceles", "cancele", "cambies", "cambie", "borres", "muevas",
        "marques", "cobres", "anules", "era", "es", "fue", "dije", "pedi", "pregunte",
    ];
    const CLITICS: &[&str] = &["le", "la", "lo", "las", "los", "les", "me", "se", "te"];
    const NOT_REFUSING: &[&str] = &[
        "ya", "siempre", "todavia", "aun", "que", "q", "mejor", "porque", "xq", "como", "o",
        "ahora", "creo", "nada", "nadie",
    ];
    let words = message_words(piece);
    if words.iter().any(|w| w == "nada" || w == "nadie") {
        return false;
    }
    let n = words.len();
    let ends_no = parse_when_local(piece, now).is_empty()
        && n >= 2
        && words[n - 1] == "no"
        && !NOT_REFUSING.contains(&words[n - 2].as_str())
        && words.iter().any(|w| w.len() > 2);
    let at = words.iter().position(|w| w == "no");
    let undoes = at.is_some_and(|i| {
        let mut j = i + 1;
        while words.get(j).is_some_and(|w| CLITICS.contains(&w.as_str())) {
            j += 1;
        }
        // Only in the clause's first words: «perdón no era Pedro»; not
        // when the clause says what was meant too («no era a las 4 wey era
        // a las 4 y media»).
        i <= 2
            && words.get(j).is_some_and(|w| {
                UNDONE.contains(&w.as_str()) && words.iter().filter(|x| *x == w).count() == 1
            })
    });
    ends_no || undoes || points_away(piece)
}

/// «desactiva las cejas, no la barba», «mi agenda de mañana, no la de
/// hoy»: a clause opening with «no» and an article points away from what
/// it names (not «no la movías pa las 6», a «la» before a verb).
fn points_away(piece: &str) -> bool {
    const POINTERS: &[&str] = &[
        "el", "la", "los", "las", "a", "al", "de", "del", "con", "para", "pal", "en",
    ];
    let words = message_words(piece);
    let article = words.get(1).map(String::as_str);
    let pronoun_like = matches!(article, Some("la" | "las" | "los"));
    words.len() <= 6
        && words.first().is_some_and(|w| w == "no")
        && article.is_some_and(|w| POINTERS.contains(&w))
        && (!pronoun_like
            || words.len() <= 3
            || words.get(2).is_some_and(|w| w == "de" || w == "del"))
        && !piece.trim_start().starts_with("no,")
}

/// A clause without a «no» that asks for a day or hour: «mejor a las 6 el
/// jueves», «¿tienen el sábado?».
fn asks_other_time(text: &str, now: NaiveDateTime) -> bool {
    const ASKING: &[&str] = &[
        "mejor",
        "tienen",
        "tienes",
        "hay",
        "puede",
        "podria",
        "quiero",
        "necesito",
        "necesitamos",
        "va",
        "sirve",
        "queda",
    ];
    text.split_inclusive([',', '.', ';', '!', '?', '¿', '¡'])
        .any(|c| {
            let words = message_words(c);
            !words.iter().any(|w| w == "no" || w == "nel")
                && !parse_when_local(c, now).is_empty()
                && (c.contains('?') || words.iter().any(|w| ASKING.contains(&w.as_str())))
        })
}

/// `text` without the clauses a correction refuses, when a clause follows
/// that says what is meant: «no, a Luis no, a Luisa», «Juan Pérez no,
/// Juan Peña», «no era Pedro, era Ana», «no quites el tinte, quita las
/// cejas». A refusal said last («no, con Carlos no») is left: nothing
/// replaces it.
fn without_refused_clauses(text: &str, now: NaiveDateTime) -> std::borrow::Cow<'_, str> {
    let pieces: Vec<&str> = text.split_inclusive([',', '.', ';', '!', '?']).collect();
    if pieces.len() < 2 {
        return std::borrow::Cow::Borrowed(text);
    }
    // Each clause read once: refused, and saying something of its own.
    let refused: Vec<bool> = pieces.iter().map(|p| refused_clause(p, now)).collect();
    let meant: Vec<bool> = pieces
        .iter()
        .zip(&refused)
        .map(|(p, r)| !r && message_words(p).iter().any(|w| w != "no"))
        .collect();
    let mut kept = String::new();
    let mut dropped = false;
    for (i, piece) in pieces.iter().enumerate() {
        let meant_after = meant[i + 1..].iter().any(|m| *m);
        // «mi agenda de mañana, no la de hoy»: said last, after what is meant.
        let after_meant = points_away(piece) && meant[..i].iter().any(|m| *m);
        if (meant_after || after_meant) && refused[i] {
            dropped = true;
            continue;
        }
        kept.push_str(piece);
    }
    if dropped && !kept.trim().is_empty() {
        std::borrow::Cow::Owned(kept)
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// What a customer's correction means, when the message opens with «no»
/// and corrects (not «no, mejor el jueves», an answer to an offer): the
/// words after the last «es», «era», «dije» or «quiero» that is not the
/// refusal itself («no era barba era cejas» → «cejas»; «no, no quiero la
/// de las 5, quiero la de las 6» → «la de las 6»), else the message
/// without its refused clauses («no es para el 1 de enero, para el 1 de
/// febrero»).
fn corrected_request(text: &str, now: NaiveDateTime) -> Option<String> {
    const SAYS: &[&str] = &["es", "era", "dije", "quiero", "quise"];
    let (raws, plain) = words_and_plain(text);
    let opens_no = plain
        .first()
        .is_some_and(|w| ["no", "nel", "nop", "nope"].contains(&w.as_str()));
    // A correction says so: «no entendiste», «yo dije», or «es»/«era»
    // right after the opening «no» («no era barba…», «no, es el martes»).
    // («no, es que ese día trabajo» gives a reason; «no, esa hora no es
    // buena» turns an offer down.)
    let lead = plain.iter().take_while(|w| *w == "no").count();
    let corrects = plain.iter().enumerate().any(|(i, w)| {
        let is_was =
            (w == "es" || w == "era") && i <= lead && plain.get(i + 1).is_none_or(|n| n != "que");
        is_was || w == "dije" || w == "quise" || w.starts_with("entend")
    });
    if !opens_no || !corrects || plain.iter().any(|w| w == "mejor") {
        return None;
    }
    let last_said = (1..plain.len())
        .rev()
        .find(|&i| SAYS.contains(&plain[i].as_str()) && plain[i - 1] != "no");
    if let Some(i) = last_said.filter(|&i| i + 1 < raws.len()) {
        let tail = raws[i + 1..].join(" ");
        // («es el martes, no el lunes»: not what it refuses last.)
        return Some(without_refused_clauses(&tail, now).into_owned());
    }
    match without_refused_clauses(text, now) {
        std::borrow::Cow::Owned(meant) => Some(meant),
        std::borrow::Cow::Borrowed(_) => Some(text.to_string()),
    }
}

/// `text`'s words as written (split at spaces, so joining them back
/// keeps the rest of the text), and each one normalised without its
/// punctuation, for the passes below that rewrite a word or two.
fn words_and_plain(text: &str) -> (Vec<&str>, Vec<String>) {
    let raws: Vec<&str> = text.split(' ').collect();
    let plain = raws
        .iter()
        .map(|w| normalize(w.trim_matches(|c: char| !c.is_alphanumeric())))
        .collect();
    (raws, plain)
}

/// `text` without «el primero» said of the day's first appointment, with
/// the day named beside it: «¿a qué hora me toca el primero el lunes?»,
/// «¿a qué hora llega el primero mañana?» (not «el primero de febrero»).
fn without_first_appointment(text: &str) -> std::borrow::Cow<'_, str> {
    let (raws, plain) = words_and_plain(text);
    let first = (1..plain.len()).find(|&i| {
        plain[i] == "primero"
            && ["el", "al"].contains(&plain[i - 1].as_str())
            && !plain.get(i + 1).is_some_and(|w| w == "de" || w == "del")
    });
    match first {
        Some(i)
            if plain.iter().any(|w| {
                w == "hoy" || w == "manana" || super::when::WEEKDAYS.iter().any(|(d, _)| d == w)
            }) =>
        {
            let mut out = raws.clone();
            out[i] = "";
            std::borrow::Cow::Owned(out.join(" "))
        }
        _ => std::borrow::Cow::Borrowed(text),
    }
}

/// `text` without a clipper guard: «rapado al 1 y arriba al 4», «corte
/// buzz, al 3», «a los lados al 2» are lengths, not the 1st or the 3rd.
fn without_clipper_guards(text: &str) -> std::borrow::Cow<'_, str> {
    const CLIPPER: &[&str] = &[
        "rapado", "rapada", "rapar", "rape", "rapen", "maquina", "buzz", "arriba", "lados",
        "costados", "todo", "numero", "atras", "nuca",
    ];
    let (raws, plain) = words_and_plain(text);
    let guard = |i: usize| {
        plain[i] == "al"
            && plain
                .get(i + 1)
                .is_some_and(|n| n.len() == 1 && n.chars().all(|c| c.is_ascii_digit()))
            && plain[..i]
                .iter()
                .rev()
                .take(3)
                .any(|w| CLIPPER.contains(&w.as_str()))
    };
    if !(0..raws.len()).any(guard) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out: Vec<&str> = Vec::with_capacity(raws.len());
    let mut i = 0;
    while i < raws.len() {
        if guard(i) {
            i += 2;
            continue;
        }
        out.push(raws[i]);
        i += 1;
    }
    std::borrow::Cow::Owned(out.join(" "))
}

/// `text` without what follows «o nomás», «o solo», «aparte de», «además
/// de» to the clause's end: the service set against the one asked about.
fn without_contrasted_service(text: &str) -> std::borrow::Cow<'_, str> {
    const MARKERS: &[&str] = &[
        " o nomas ",
        " o nomás ",
        " o namas ",
        " o solo ",
        " o sólo ",
        " o nada mas ",
        " o nada más ",
        "aparte de ",
        "además de ",
        "ademas de ",
        "fuera de ",
    ];
    // (Accented markers only where the text has accents: the ASCII ones
    // are compared in place, the others would copy the text.)
    let ascii = text.is_ascii();
    let Some(at) = MARKERS
        .iter()
        .filter(|m| !ascii || m.is_ascii())
        .filter_map(|m| super::find_ci(text, m))
        .min_by_key(|r| r.start)
    else {
        return std::borrow::Cow::Borrowed(text);
    };
    let end = text[at.end..]
        .find([',', '.', ';', '?', '!'])
        .map_or(text.len(), |e| at.end + e);
    std::borrow::Cow::Owned(format!("{} {}", &text[..at.start], &text[end..]))
}

/// `text` without «sin» and the word it declines: «solo corte, sin
/// barba» asks for no beard («sin cita» and «sin prisa» lose nothing).
fn without_declined(text: &str) -> std::borrow::Cow<'_, str> {
    if super::find_ci(text, "sin ").is_none() {
        return std::borrow::Cow::Borrowed(text);
    }
    let (raws, plain) = words_and_plain(text);
    let Some(at) = plain.iter().position(|w| w == "sin") else {
        return std::borrow::Cow::Borrowed(text);
    };
    let article = plain
        .get(at + 1)
        .is_some_and(|w| ["el", "la", "lo", "los", "las"].contains(&w.as_str()));
    let end = (at + 2 + usize::from(article)).min(raws.len());
    let mut out = raws.clone();
    out.drain(at..end);
    std::borrow::Cow::Owned(out.join(" "))
}

/// `text` without «las dos» and «las 2» said of appointments, not of an
/// hour: «cancela las dos porfa», «sí, confírmame las dos», «cancela las 2
/// de mañana a las 4» (a mother's two boys). Said after a verb or a yes
/// and not followed by what makes it a clock («las 2 y media», «las dos
/// de la tarde»).
fn without_counted_appointments(text: &str) -> std::borrow::Cow<'_, str> {
    const COUNTS: &[&str] = &["dos", "2", "tres", "3"];
    const BEFORE: &[&str] = &[
        "cancela",
        "cancelame",
        "cancelen",
        "cancelalas",
        "confirma",
        "confirmame",
        "confirmalas",
        "mueve",
        "muevan",
        "muevelas",
        "cambia",
        "cambialas",
        "cambiame",
        "pasalas",
        "reserva",
        "reservame",
        "aparta",
        "apartame",
        "si",
        "ok",
        "va",
        "son",
        "ambas",
        "anula",
        "anulame",
    ];
    const CLOCK: &[&str] = &[
        "y", "pm", "am", "p", "en", "de", "con", "menos", "hrs", "horas",
    ];
    let (raws, plain) = words_and_plain(text);
    let hit = (1..plain.len()).find(|&i| {
        plain[i] == "las"
            && plain
                .get(i + 1)
                .is_some_and(|w| COUNTS.contains(&w.as_str()))
            && BEFORE.contains(&plain[i - 1].as_str())
            && !raws[i + 1].contains(':')
            && match plain.get(i + 2).map(String::as_str) {
                None => true,
                // «las 2 de mañana a las 4»: another hour follows.
                Some("de") => {
                    plain.get(i + 3).is_some_and(|w| w == "manana")
                        && plain[i + 4..].iter().any(|w| w == "las")
                }
                Some(w) => !CLOCK.contains(&w),
            }
    });
    match hit {
        Some(i) => {
            let mut out: Vec<&str> = raws.clone();
            out[i] = "";
            out[i + 1] = "ambas";
            std::borrow::Cow::Owned(out.join(" "))
        }
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// `text` without the day or hour it says is replaced: «en vez del
/// viernes, el sábado» asks for the sábado, «¿y si en lugar de hoy voy
/// pasado mañana?» for pasado mañana, «a las 2 en lugar de la 1» for 2
/// (unchanged when nothing else is left); nor the one it excludes:
/// «cualquier día menos el sábado» asks for no sábado at all.
fn without_replaced_when(text: &str, now: NaiveDateTime) -> String {
    let text = without_when_after(text, &["en vez de", "en lugar de"], true, now);
    without_when_after(
        &text,
        &[
            "menos el ",
            "salvo el ",
            "excepto el ",
            "menos los ",
            "menos a ",
            "salvo a ",
            "except ",
        ],
        false,
        now,
    )
}

/// `text` without the shortest run of words after a marker that reads as
/// a day or an hour; when `keep_if_alone`, unchanged if nothing else is
/// left.
fn without_when_after(
    text: &str,
    markers: &[&str],
    keep_if_alone: bool,
    now: NaiveDateTime,
) -> String {
    let Some(at) = markers.iter().find_map(|m| super::find_ci(text, m)) else {
        return text.to_string();
    };
    // «menos el sábado»: the article belongs to the day.
    let at = match text[..at.end].trim_end().rsplit_once(' ') {
        Some((head, last)) if ["el", "los"].contains(&last) => at.start..head.len() + 1,
        _ => at,
    };
    let after = &text[at.end..];
    // Up to the clause's end.
    let clause = after
        .find([',', '.', ';', '?', '!'])
        .map_or(after, |e| &after[..e]);
    // Where each of the first four words ends.
    let ends = clause
        .char_indices()
        .filter(|(i, c)| {
            !c.is_whitespace()
                && clause[i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace)
        })
        .map(|(i, c)| i + c.len_utf8())
        .take(4);
    for end in ends {
        if !parse_when_local(&clause[..end], now).is_empty() {
            let rest = format!("{}{}", &text[..at.start], &after[end..]);
            return if keep_if_alone && parse_when_local(&rest, now).is_empty() {
                text.to_string()
            } else {
                rest
            };
        }
    }
    text.to_string()
}

/// «Lo de siempre», «lo mismo de la otra vez», «lo mismo q la vez
/// pasada», «como siempre»: the customer's usual booking.
pub fn asks_usual(words: &[String]) -> bool {
    const PHRASES: &[&str] = &[
        "lo de siempre",
        "lo mismo de siempre",
        "lo mismo que siempre",
        "lo mismo q siempre",
        "lo mismo de la otra vez",
        "lo mismo que la otra vez",
        "lo mismo q la otra vez",
        "lo de la otra vez",
        "lo mismo de la vez pasada",
        "lo mismo que la vez pasada",
        "lo mismo q la vez pasada",
        "lo de la vez pasada",
        "lo mismo de la ultima vez",
        "lo mismo que la ultima vez",
        "lo de la ultima vez",
        "lo de costumbre",
        "lo mismo de costumbre",
        "lo mismo que la ultima",
        "lo mismo de la ultima",
        "lo mismo que el otro dia",
        "lo mismo de la otra ves",
        "lo de siempree",
        "lo d siempre",
        "lo de simpre",
        "lo mismo ke la otra vez",
    ];
    PHRASES.iter().any(|p| text_has(words, p))
}

/// WhatsApp spellings of day words, written out for the date parser:
/// "mñn" → "mañana", "sabadito" → "sábado", "pal" → "para el".
fn when_spellings(text: &str) -> String {
    const SPELLED: &[(&str, &str)] = &[
        ("mñn", "mañana"),
        ("mñna", "mañana"),
        ("mnn", "mañana"),
        ("mñana", "mañana"),
        ("manana", "mañana"),
        ("sabadito", "sábado"),
        ("sabdo", "sábado"),
        ("viernesito", "viernes"),
        ("pal", "para el"),
        ("pa", "para"),
        ("hoi", "hoy"),
        // Galician a customer in Galicia mixes in: «mañá», «hoxe», «o
        // venres», «pola tarde».
        ("mañá", "mañana"),
        ("hoxe", "hoy"),
        ("luns", "lunes"),
        ("mércores", "miércoles"),
        ("xoves", "jueves"),
        ("venres", "viernes"),
        ("pola", "por la"),
        ("oy", "hoy"),
        // Andalusia drops and swaps its consonants: «er sábado», «ar
        // domingo», «der martes», «pasao mañana», «a las do y media»;
        // Veracruz too: «a la' 4».
        ("er", "el"),
        ("ar", "al"),
        ("der", "del"),
        ("pasao", "pasado"),
        ("do", "dos"),
        ("tre", "tres"),
        ("la'", "las"),
        ("pa'", "para"),
        ("pa'l", "para el"),
        // English a customer mixes in: «for tomorrow afternoon».
        ("tomorrow", "mañana"),
        ("today", "hoy"),
        ("tonight", "hoy en la noche"),
        ("morning", "en la mañana"),
        ("afternoon", "en la tarde"),
        ("evening", "en la noche"),
        ("monday", "lunes"),
        ("tuesday", "martes"),
        ("wednesday", "miércoles"),
        ("thursday", "jueves"),
        ("friday", "viernes"),
        ("saturday", "sábado"),
        ("sunday", "domingo"),
        ("tomorrow's", "mañana"),
        ("today's", "hoy"),
        ("monday's", "lunes"),
        ("tuesday's", "martes"),
        ("wednesday's", "miércoles"),
        ("thursday's", "jueves"),
        ("friday's", "viernes"),
        ("saturday's", "sábado"),
        ("sunday's", "domingo"),
        // «tomorrow at 2», «around 11», «friday after 5».
        ("at", "a las"),
        ("around", "como a las"),
        // Shorthand: «sem q viene», «dsps de las 6».
        ("q", "que"),
        ("sem", "semana"),
        // A voice note's transcription: «a las sinco», «en la tardé».
        ("sinco", "cinco"),
        ("tardé", "tarde"),
        ("dsps", "después"),
        ("desp", "después"),
        // «prox sem», «la d las 3», «lo d hoy».
        ("prox", "próxima"),
        ("próx", "próxima"),
        ("d", "de"),
        // Catalan a Barcelona or Valencia customer mixes in: «per demà»,
        // «dimarts».
        ("demà", "mañana"),
        ("avui", "hoy"),
        ("dilluns", "lunes"),
        ("dimarts", "martes"),
        ("dimecres", "miércoles"),
        ("dijous", "jueves"),
        ("divendres", "viernes"),
        ("dissabte", "sábado"),
        ("diumenge", "domingo"),
        ("after", "después de las"),
        ("before", "antes de las"),
        // English dates and spans: «Jan 17», «February 1st», «the 22nd»,
        // «between 3 and 5», «this weekend», «move my 5pm to 7pm».
        ("january", "enero"),
        ("jan", "enero"),
        ("february", "febrero"),
        ("feb", "febrero"),
        ("march", "marzo"),
        ("april", "abril"),
        ("apr", "abril"),
        ("june", "junio"),
        ("july", "julio"),
        ("august", "agosto"),
        ("aug", "agosto"),
        ("september", "septiembre"),
        ("sept", "septiembre"),
        ("october", "octubre"),
        ("oct", "octubre"),
        ("november", "noviembre"),
        ("nov", "noviembre"),
        ("december", "diciembre"),
        ("dec", "diciembre"),
        ("the", "el"),
        ("between", "entre"),
        ("and", "y"),
        ("to", "a"),
        ("this", "este"),
        ("weekend", "fin de semana"),
        ("tmrw", "mañana"),
        ("tmr", "mañana"),
        ("tomorow", "mañana"),
        ("noon", "mediodía"),
    ];
    // «Good afternoon, …»: a greeting, not the afternoon.
    let mut text = text.to_string();
    // «el miércoles de mañanas», «de tardes»: Spain's «in the mornings».
    for (habit, part) in [("de mañanas", "en la mañana"), ("de tardes", "en la tarde")] {
        if let Some(r) = super::find_ci(&text, habit) {
            text.replace_range(r, part);
        }
    }
    // Guadalajara's «a la de ya»: right now.
    if let Some(r) = super::find_ci(&text, "a la de ya") {
        text.replace_range(r, "hoy");
    }
    // The River Plate's «¿lo pasamos para pasado?»: the day after tomorrow.
    for lead in ["para pasado", "pa pasado", "hasta pasado"] {
        if let Some(r) = super::find_ci(&text, lead) {
            let rest = text[r.end..].trim_start().to_lowercase();
            if !rest.starts_with("mañana") && !rest.starts_with("manana") {
                text.insert_str(r.end, " mañana");
            }
        }
    }
    for greeting in ["good morning", "good afternoon", "good evening"] {
        if let Some(r) = super::find_ci(&text, greeting) {
            text.replace_range(r, "buenas");
        }
    }
    // «bloquea 1 a 2»: from one to the other.
    let text = {
        let ws: Vec<&str> = text.split(' ').collect();
        let mut out: Vec<String> = Vec::with_capacity(ws.len() + 1);
        for (i, w) in ws.iter().enumerate() {
            let hour =
                |x: &str| x.len() <= 2 && x.chars().all(|c| c.is_ascii_digit()) && !x.is_empty();
            // «sab tarde», «mñn tarde», «hoy noche»: the part of that day.
            let day_before = i > 0
                && [
                    "hoy",
                    "mañana",
                    "manana",
                    "mñn",
                    "lunes",
                    "martes",
                    "miércoles",
                    "miercoles",
                    "jueves",
                    "viernes",
                    "sábado",
                    "sabado",
                    "lun",
                    "mar",
                    "mie",
                    "jue",
                    "vie",
                    "sab",
                ]
                .contains(&ws[i - 1].to_lowercase().as_str());
            if day_before && ["tarde", "noche"].contains(&w.to_lowercase().as_str()) {
                out.push("en la".to_string());
            }
            // («bloq hoy 3 a 4»: a day may come between.)
            let blocks = (i > 0 && normalize(ws[i - 1]).starts_with("bloq"))
                || (i > 1 && normalize(ws[i - 2]).starts_with("bloq"));
            if blocks
                && hour(w)
                && ws.get(i + 1) == Some(&"a")
                && ws.get(i + 2).is_some_and(|x| hour(x))
            {
                out.push("de".to_string());
            }
            out.push(w.to_string());
        }
        out.join(" ")
    };
    // «bloq 10-12», «desbloq 1-2»: a range of hours, and «no show 11»:
    // the hour of the appointment.
    let text = text
        .split(' ')
        .map(|w| match w.split_once('-') {
            // («🚫 5:30-6:30»: with minutes too.)
            Some((a, b))
                if !a.is_empty()
                    && a.len() <= 5
                    && b.len() <= 5
                    && !b.is_empty()
                    && a.chars()
                        .chain(b.chars())
                        .all(|c| c.is_ascii_digit() || c == ':')
                    && a.chars().take_while(char::is_ascii_digit).count() <= 2
                    && b.chars().take_while(char::is_ascii_digit).count() <= 2 =>
            {
                format!("de {a} a {b}")
            }
            _ => w.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ");
    // «ns 11», «done 11», «block 11»: a command and the hour it is about.
    let lower = text.to_lowercase();
    let command = [
        "no show ", "ns ", "done ", "block ", "bloq ", "unblock ", "desbloq ",
    ]
    .iter()
    .find_map(|c| lower.strip_prefix(c).map(|rest| (c, rest)));
    let text = match command {
        Some((c, rest))
            if !rest.trim().is_empty()
                && rest.trim().len() <= 2
                && rest.trim().chars().all(|c| c.is_ascii_digit()) =>
        {
            format!("{c}a las {}", rest.trim())
        }
        _ => text,
    };
    // «bloquea mi tarde», «me cojo la mañana»: the part of a day; «a
    // última hora», «por las mañanas», «cualquier mañana»: one too;
    // «next week»: the coming one.
    const PHRASES: &[(&str, &str)] = &[
        ("mi tarde", "la tarde"),
        ("mi mañana", "la mañana"),
        ("mi manana", "la mañana"),
        ("mi semana q viene", "la semana que viene"),
        ("mi semana que viene", "la semana que viene"),
        ("mi semana", "esta semana"),
        // «el sábado a primera hora»: early.
        ("primera hora de la", "la"),
        ("primera hora", "temprano"),
        ("última hora de", "hora de"),
        ("ultima hora de", "hora de"),
        ("última hora", "en la noche"),
        ("ultima hora", "en la noche"),
        ("por las mañanas", "en la mañana"),
        ("por las tardes", "en la tarde"),
        ("en las noches", "en la noche"),
        ("por las noches", "en la noche"),
        ("cualquier mañana", "en la mañana"),
        // «el último de la tarde», «lo último que tengas»: the evening;
        // «lo primero que tengas», «el primero del día»: early; «después
        // de comer»: the afternoon.
        ("el último de la tarde", "en la noche"),
        ("el ultimo de la tarde", "en la noche"),
        ("último que tengas", "en la noche"),
        ("ultimo que tengas", "en la noche"),
        ("último del día", "en la noche"),
        ("ultimo del dia", "en la noche"),
        ("primero que tengas", "temprano"),
        ("primero del día", "temprano"),
        ("primero del dia", "temprano"),
        ("lo más tarde que", "en la noche"),
        ("lo mas tarde que", "en la noche"),
        ("el último turno", "en la noche"),
        ("el ultimo turno", "en la noche"),
        ("el último de hoy", "hoy en la noche"),
        ("el ultimo de hoy", "hoy en la noche"),
        ("después de comer", "en la tarde"),
        ("despues de comer", "en la tarde"),
        ("ya noche", "en la noche"),
        ("cualquier tarde", "en la tarde"),
        ("next week", "la semana que viene"),
        ("this afternoon", "hoy en la tarde"),
        ("this morning", "hoy en la mañana"),
        ("this evening", "hoy en la noche"),
        ("at noon", "al mediodía"),
        ("before noon", "antes de las 12"),
        ("by noon", "antes de las 12"),
        // Catalan: «a les 6», «de vesprada», «a la tarda», «al matí».
        ("a les ", "a las "),
        ("de vesprada", "en la tarde"),
        ("a la tarda", "en la tarde"),
        ("per la tarda", "en la tarde"),
        ("al matí", "en la mañana"),
        ("d'avui", "de hoy"),
        ("d’avui", "de hoy"),
    ];
    let mut text = text;
    for (from, to) in PHRASES {
        // Most messages hold none: no copy for them.
        if text.contains(from) {
            text = text.replace(from, to);
        }
    }
    // Catalan hours: «a les sis», «a les set» (not «set» or «nou» alone).
    const CATALAN_HOURS: &[(&str, &str)] = &[
        ("dues", "dos"),
        ("quatre", "cuatro"),
        ("cinc", "cinco"),
        ("sis", "seis"),
        ("set", "siete"),
        ("vuit", "ocho"),
        ("nou", "nueve"),
        ("deu", "diez"),
        ("onze", "once"),
        ("dotze", "doce"),
    ];
    if text.contains("las ") {
        let ws: Vec<&str> = text.split(' ').collect();
        let catalan = |i: usize| {
            let bare = ws[i].trim_end_matches(['?', '!', ',', '.']);
            (i > 0 && ws[i - 1].eq_ignore_ascii_case("las"))
                .then(|| {
                    CATALAN_HOURS
                        .iter()
                        .find(|(c, _)| bare.eq_ignore_ascii_case(c))
                })
                .flatten()
                .map(|(c, es)| ws[i].replacen(c, es, 1))
        };
        if (0..ws.len()).any(|i| catalan(i).is_some()) {
            text = (0..ws.len())
                .map(|i| catalan(i).unwrap_or_else(|| ws[i].to_string()))
                .collect::<Vec<_>>()
                .join(" ");
        }
    }
    text.split(' ')
        .map(|w| {
            let bare = w.trim_end_matches(['?', '!', ',', '.']);
            let tail = &w[bare.len()..];
            // «the 22nd», «February 1st»: the day's number.
            let digits = bare.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            let ordinal = !digits.is_empty()
                && digits.len() <= 2
                && digits.chars().all(|c| c.is_ascii_digit())
                && ["st", "nd", "rd", "th"]
                    .contains(&bare[digits.len()..].to_ascii_lowercase().as_str());
            if ordinal {
                return format!("{digits}{tail}");
            }
            match SPELLED
                .iter()
                .find(|(from, _)| bare.eq_ignore_ascii_case(from))
            {
                Some((_, to)) => format!("{to}{tail}"),
                // The Caribbean's dropped «s»: «a la' do'», «el jueve'».
                None if bare.len() > 2 && bare.ends_with('\'') => {
                    format!("{}s{tail}", &bare[..bare.len() - 1])
                }
                None => w.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn remove_ci(text: &str, needle: &str) -> String {
    match super::find_ci(text, needle) {
        Some(r) => format!("{} {}", &text[..r.start], &text[r.end..]),
        None => text.to_string(),
    }
}

/// Service words that say nothing on their own: "corte" means "corte de
/// cabello" rather than "corte y barba", "barba" means "arreglo de barba".
const PLAIN_WORDS: &[&str] = &[
    "cabello",
    "pelo",
    "arreglo",
    "servicio",
    "depilacion",
    "caballero",
    "clasico",
    "sencillo",
    "normal",
    "de",
    "y",
    "con",
    "el",
    "la",
];

/// «pelo y barba», «turno mañana, pelo, a la tarde», «los dos pelo»: in
/// the River Plate «pelo» alone is the haircut (and «corre la cita»
/// moves it, it is no «corte» misspelt). Not «el pelo», «mi pelo»,
/// «pal pelo», where it is the hair («diseños en el pelo», «el pelo gris»).
fn pelo_as_the_cut(text: &str) -> String {
    const HAIR: &[&str] = &[
        "el", "mi", "su", "tu", "del", "al", "pal", "de", "en", "lo", "le", "pa", "para",
        "nuestro", "sin", "con", "un", "otro", "ese", "este", "cada", "ningun", "ni", "me", "te",
        "se",
    ];
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        let bare = w
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        let before = i.checked_sub(1).map(|j| {
            words[j]
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        });
        let after_a_comma = i > 0 && words[i - 1].ends_with(',');
        // «para pelo y barba», «el pelo y la barba»: both services.
        let with_beard = words
            .get(i + 1..i + 3)
            .is_some_and(|n| n[0] == "y" && n[1].to_lowercase().starts_with("barba"))
            || words.get(i + 1..i + 4).is_some_and(|n| {
                n[0] == "y" && n[1] == "la" && n[2].to_lowercase().starts_with("barba")
            });
        let hair =
            before.is_some_and(|b| HAIR.contains(&b.as_str())) && !after_a_comma && !with_beard;
        let moves = bare == "corre"
            && words.get(i + 1).is_some_and(|n| {
                ["la", "al", "el", "los", "las", "lo", "prisa"].contains(&n.to_lowercase().as_str())
            });
        if moves {
            out.push("mueve".to_string());
        } else if (bare == "pelo" || bare == "cabello") && !hair {
            out.push(w.to_lowercase().replace(&bare, "corte"));
        } else {
            out.push(w.to_string());
        }
    }
    out.join(" ")
}

/// The service the text names; when several tie, the plainest one whose
/// other words are only "de cabello"-like, else the options.
pub fn service_in(text: &str, services: &[String]) -> (Option<String>, Vec<String>) {
    let text = &pelo_as_the_cut(text);
    match find_in_text(text, services, |s| s.as_str()) {
        None => (None, Vec::new()),
        Some(Match::Found(s)) => (Some(s.item.clone()), Vec::new()),
        Some(Match::Ambiguous(v)) => {
            // The words as written and as the matcher reads them
            // («cortarme el pelo» says «corte» and «cabello»).
            let mut said = message_words(text);
            said.extend(super::fuzzy::tokens(text));
            let name_words = |name: &str| -> Vec<String> {
                normalize(name)
                    .split(' ')
                    .filter(|w| !PLAIN_WORDS.contains(w))
                    .map(str::to_string)
                    .collect()
            };
            let missing = |name: &str| {
                name_words(name)
                    .iter()
                    .filter(|w| !said.contains(w))
                    .count()
            };
            // Words said that name another option and not this one: «el
            // pelo y la barba» is not only the «Corte de cabello».
            let vocabulary: Vec<String> = v.iter().flat_map(|s| name_words(s.item)).collect();
            let left_out = |name: &str| {
                let own = name_words(name);
                said.iter()
                    .filter(|w| vocabulary.contains(w) && !own.contains(w))
                    .collect::<std::collections::BTreeSet<_>>()
                    .len()
            };
            let key = |name: &str| (missing(name), left_out(name));
            let best = v.iter().map(|s| key(s.item)).min().unwrap_or((0, 0));
            let plain: Vec<&String> = v
                .iter()
                .filter(|s| key(s.item) == best)
                .map(|s| s.item)
                .collect();
            let best = best.0;
            if best == 0 && plain.len() == 1 {
                (Some(plain[0].clone()), Vec::new())
            } else {
                (None, v.iter().map(|s| s.item.clone()).collect())
            }
        }
    }
}

/// The staff member named in the text, if exactly one: their first name
/// as a word ("con Pedro", "mejor Pedro"), or a near spelling right after
/// "con" ("con pedrito") — "perro" alone is not Pedro.
pub fn staff_in(text: &str, staff: &[String]) -> Option<String> {
    let n = format!(" {} ", normalize(text));
    let full: Vec<&String> = staff
        .iter()
        .filter(|s| n.contains(&format!(" {} ", normalize(s))))
        .collect();
    if let [one] = full.as_slice() {
        return Some((*one).clone());
    }
    let words: Vec<String> = normalize(text).split(' ').map(str::to_string).collect();
    let exact: Vec<&String> = staff
        .iter()
        .filter(|s| {
            normalize(s).split(' ').next().is_some_and(|first| {
                // «Anita», «Pedrito», «el Carlitos»: what the shop calls them.
                words.iter().any(|w| {
                    w == first
                        || (w.len() > first.len()
                            && !w.ends_with('s')
                            && super::fuzzy::diminutive_bases(w).iter().any(|b| b == first))
                })
            })
        })
        .collect();
    if let [one] = exact.as_slice() {
        return Some((*one).clone());
    }
    if !exact.is_empty() {
        return None;
    }
    let after_con: Vec<&str> = words
        .windows(2)
        .filter(|w| w[0] == "con")
        .map(|w| w[1].as_str())
        .collect();
    if after_con.is_empty() {
        return None;
    }
    match find_in_text(&after_con.join(" "), staff, |s| s.as_str())? {
        Match::Found(s) => Some(s.item.clone()),
        Match::Ambiguous(_) => None,
    }
}

/// «mejor con Ana en vez de Pedro», «cambia a Memo de Ana a Pedro», «las
/// de Ana pásaselas a Pedro», «con Pedro no, con Carlos», «Pedro no
/// viene, pásale sus citas a Carlos»: a message that names two teammates
/// asks for the one it does not move away from or refuse.
fn staff_of_two(text: &str, staff: &[String]) -> Option<String> {
    let words: Vec<String> = normalize(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let first = |s: &String| normalize(s).split(' ').next().unwrap_or("").to_string();
    let firsts: Vec<String> = staff.iter().map(first).collect();
    let said: Vec<(usize, usize)> = words
        .iter()
        .enumerate()
        .filter_map(|(i, w)| firsts.iter().position(|f| f == w).map(|t| (i, t)))
        .collect();
    let mut who: Vec<usize> = said.iter().map(|&(_, t)| t).collect();
    who.sort_unstable();
    who.dedup();
    // «con Pedro o Carlos, me da igual»: either.
    let either = said
        .windows(2)
        .any(|w| w[1].0 == w[0].0 + 2 && ["o", "y", "u"].contains(&words[w[0].0 + 1].as_str()));
    if who.len() != 2 || either {
        return None;
    }
    let at = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    let before = |i: usize, phrase: &str| {
        let n = phrase.split(' ').count();
        i >= n && words[i - n..i].join(" ") == phrase
    };
    let is_teammate = |w: &str| firsts.iter().any(|f| f == w);
    // Where each mention points: away (-1), to (+1 after «a», «mejor»),
    // or nowhere said (0).
    let weight = |i: usize| -> i32 {
        let away = [
            "vez de",
            "lugar de",
            "vez de con",
            "lugar de con",
            "menos con",
            "no con",
            "no quiero con",
            "no",
        ]
        .iter()
        .any(|p| before(i, p))
            || before(i, "de")
            || words[i.saturating_sub(3)..i]
                .iter()
                .any(|w| ["tenia", "tengo", "tenias"].contains(&w.as_str()))
            || (at(i + 1) == "no" && !is_teammate(at(i + 2)))
            // «con Pedro ya no»
            || (at(i + 1) == "ya"
                && at(i + 2) == "no"
                && at(i + 3) != "con"
                && !is_teammate(at(i + 3)))
            || (at(i + 1) == "a" && is_teammate(at(i + 2)));
        // «pásamela con Ana», «¿me lo podés pasar con Ana?»: where a move
        // sends it.
        let moved_to = i >= 2 && before(i, "con") && moves_by_stem(at(i - 2));
        if away {
            -1
        } else if before(i, "a") || before(i, "mejor con") || before(i, "mejor") || moved_to {
            2
        } else if before(i, "con") {
            1
        } else {
            0
        }
    };
    let mut scores = [i32::MAX; 2];
    for &(i, t) in &said {
        let k = who.iter().position(|&w| w == t).unwrap_or(0);
        scores[k] = scores[k].min(weight(i));
    }
    let pick = match scores {
        [a, b] if a > b && a >= 0 => 0,
        [a, b] if b > a && b >= 0 => 1,
        _ => return None,
    };
    Some(staff[who[pick]].clone())
}

/// «cualquiera menos Pedro», «con quien sea excepto Ana», «que no sea
/// Carlos»: the teammate left out is not the one asked for.
fn excluded(text: &str, staff: &str) -> bool {
    let first = normalize(staff).split(' ').next().unwrap_or("").to_string();
    let words: Vec<String> = normalize(text).split(' ').map(str::to_string).collect();
    let lead = |w: &[String]| {
        ["menos", "excepto", "salvo", "except"].contains(&w[w.len() - 1].as_str())
            || w.ends_with(&["no".to_string(), "sea".to_string()])
    };
    (1..words.len()).any(|i| {
        words[i] == first
            && (lead(&words[..i])
                || (i >= 2
                    && ["con", "a", "el", "la"].contains(&words[i - 1].as_str())
                    && lead(&words[..i - 1])))
    })
}

/// «mi hermano Pedro también quiere ir», «mi compa Carlos»: a relative or
/// a friend who shares a teammate's first name.
fn someone_elses(text: &str, staff: &str) -> bool {
    let first = normalize(staff).split(' ').next().unwrap_or("").to_string();
    let words: Vec<String> = normalize(text).split(' ').map(str::to_string).collect();
    let relation = |w: &str| {
        RELATIVES.contains(&w)
            || [
                "compa", "amigo", "amiga", "cuate", "carnal", "vecino", "vecina",
            ]
            .contains(&w)
    };
    // «mi hermano Pedro», «la esposa de Pedro»
    words.windows(2).any(|w| w[1] == first && relation(&w[0]))
        || words
            .windows(3)
            .any(|w| w[2] == first && w[1] == "de" && relation(&w[0]))
}

/// Words that lead a name: "me llamo Juan", "a nombre de Juan".
const NAME_LEADS: &[&str] = &[
    "a nombre de ",
    "se llama ",
    "me llamo ",
    "mi nombre es ",
    "mi nombre: ",
    "nombre: ",
    "a nombre d ",
    "ponla a nombre de ",
    "de parte de ",
    "les escribe ",
    "le escribe ",
    "te escribe ",
    "soy ",
    // «habla Jorge Salas», as a call is answered.
    "habla ",
    // «para mi hijo Mateo»: only with the relation (see `name_in`).
    "para mi ",
    "pa mi ",
];

/// Words that end a name ("soy Ana, quiero…", "soy ana gomez quiero…").
const NOT_NAME: &[&str] = &[
    "quiero",
    "quisiera",
    "queria",
    "y",
    "para",
    "pa",
    "porfa",
    "porfavor",
    "por",
    "favor",
    "necesito",
    "me",
    "mi",
    "te",
    "tengo",
    "de",
    "del",
    "el",
    "la",
    "los",
    "las",
    "un",
    "una",
    "cliente",
    "clienta",
    "nuevo",
    "nueva",
    "dueno",
    "duena",
    "con",
    "a",
    "en",
    "que",
    "si",
    "no",
    "ok",
    "gracias",
    "hola",
    "manana",
    "hoy",
    "pasado",
    "tambien",
    "ya",
    "este",
    "esta",
    "otra",
    "otro",
    "yo",
    "muy",
    "puedo",
    "puedes",
    "podrias",
    "agendame",
    "apuntame",
    "ponme",
    "ponla",
    "ponlo",
    "buenas",
    "buenos",
    "tardes",
    "dias",
    "noches",
    "cita",
    "corte",
    "barba",
    "al",
    "a",
    "que",
    "sin",
    "alergico",
    "alergica",
    // Verbs that follow a name: «la cita de Sofi pásala al viernes».
    "pasala",
    "pasalo",
    "muevela",
    "muevelo",
    "cambiala",
    "cambialo",
    "cancelala",
    "cancelalo",
    "recorrela",
    "reagendala",
    "marcala",
    "marcalo",
    "avisale",
    "dile",
    "quiere",
    "pidio",
    "llego",
    "vino",
    "viene",
    "espanol",
    "ingles",
    "desde",
    "aqui",
    "alla",
    "usted",
    "ella",
    "como",
    "se",
    "llama",
    "verdad",
    "entonces",
    "ponle",
    "eh",
    // «¿a nombre de quién quedó?» asks; «… a mi nombre? Es Sofía».
    "quien",
    "es",
    // What someone does, not who: «soy mesera y descanso los martes».
    "mesera",
    "mesero",
    "barbero",
    "barbera",
    "estilista",
    "guardia",
    "enfermera",
    "enfermero",
    "taxista",
    "chofer",
    "estudiante",
    "repartidor",
    "repartidora",
    "abogado",
    "abogada",
    "vendedor",
    "vendedora",
    "policia",
    "medico",
    "medica",
    "contador",
    "contadora",
    "mecanico",
    "albanil",
    "cocinero",
    "cocinera",
    "velador",
    "uber",
    // Where someone is from, not who: «soy brasileño».
    "brasileno",
    "brasilena",
    "argentino",
    "argentina",
    "colombiano",
    "colombiana",
    "venezolano",
    "venezolana",
    "cubano",
    "cubana",
    "chileno",
    "chilena",
    "peruano",
    "peruana",
    "mexicano",
    "mexicana",
    "espanola",
    "extranjero",
    "extranjera",
    "gringo",
    "gringa",
    // A day or hour after a name written in shorthand: «mete a marta sab
    // 10», «agendame a alex dsps d las 6», «ponle cita a fer entre 3 y 5».
    "sab",
    "sabado",
    "vie",
    "viernes",
    "lun",
    "lunes",
    "martes",
    "mie",
    "miercoles",
    "jue",
    "jueves",
    "dom",
    "domingo",
    "mnn",
    "dsps",
    "despues",
    "entre",
    "antes",
    "temprano",
    "tarde",
    "noche",
    "prox",
    "proxima",
    "finde",
    // «a nombre de rocío fernández vale», «soy persona mayor».
    "vale",
    "mayor",
    "persona",
    // «¿ya quedó agendado Mario?», «una cita de día», «agendar a dos
    // personas», «agendo a alguien».
    "agendado",
    "agendada",
    "dia",
    "dos",
    "personas",
    "alguien",
];

/// A person's name led by "soy", "me llamo", "a nombre de"… anywhere in
/// the message, up to four words, as written (title-cased).
pub fn name_in(text: &str) -> Option<String> {
    // Child leads last: «para mi hijo Mateo» is read by its own lead.
    for lead in NAME_LEADS.iter().chain(CHILD_LEADS) {
        let mut from = 0;
        while let Some(at) = super::find_ci(&text[from..], lead) {
            let (start, end) = (from + at.start, from + at.end);
            from = end;
            // "soy" must start a clause: "hola soy Ana", "sí, soy Ana".
            if matches!(*lead, "soy " | "habla ") && !starts_clause(&text[..start]) {
                continue;
            }
            // «soy su mamá», «soy la señora de Ramiro»: who they are to
            // someone, not a name (the relation's own lead reads it).
            let next: Vec<String> = text[end..]
                .split_whitespace()
                .take(3)
                .map(normalize)
                .collect();
            let relation = match next.as_slice() {
                [w, ..] if ["su", "tu", "un", "una"].contains(&w.as_str()) => true,
                [d, r, rest @ ..] if d == "la" || d == "el" => {
                    RELATIVES.contains(&r.as_str())
                        || (["senora", "senor"].contains(&r.as_str())
                            && rest.first().is_some_and(|w| w == "de"))
                }
                _ => false,
            };
            // «soy mamá de dos niños»: who they are, without the article.
            let bare_relation = next
                .first()
                .is_some_and(|w| RELATIVES.contains(&w.as_str()));
            if *lead == "soy " && (relation || bare_relation) {
                continue;
            }
            // «a nombre de su papá, Jorge Medina»: the name after the
            // relation.
            if !matches!(*lead, "soy " | "para mi " | "pa mi ")
                && !CHILD_LEADS.contains(lead)
                && next.len() >= 2
                && ["su", "mi", "tu"].contains(&next[0].as_str())
                && RELATIVES.contains(&next[1].as_str())
            {
                let after: Vec<&str> = text[end..].split_whitespace().skip(2).collect();
                if let Some(n) = name_words(&after.join(" ")) {
                    return Some(n);
                }
                continue;
            }
            // «para mi hijo Mateo» names Mateo; «para mi corte» names no one.
            if matches!(*lead, "para mi " | "pa mi ") {
                let mut after = text[end..].split_whitespace();
                let relation = after
                    .next()
                    .filter(|w| RELATIVES.contains(&normalize(w).as_str()));
                // (A name written as one: «para mi suegro, Rogelio»; not
                // «para mi niña, solo despunte», «para mi hijo urgente».)
                let named = after.next().is_some_and(|w| {
                    w.chars().next().is_some_and(char::is_uppercase)
                        || super::names::is_given_name(w)
                });
                if relation.is_none() || !named {
                    continue;
                }
                if let Some(n) = name_words(&format!("mi {}", &text[end..])) {
                    return Some(n);
                }
                continue;
            }
            // «mi hijo Joaquín quiere un fade», «soy la mamá de Emilia»: the
            // child's name, written as one.
            if CHILD_LEADS.contains(lead) {
                // Only the capitalised words: «mi hijo Santiago necesita…».
                let written: Vec<&str> = text[end..]
                    .split_whitespace()
                    .skip_while(|w| TITLES.contains(w))
                    .take_while(|w| w.chars().next().is_some_and(char::is_uppercase))
                    .take(4)
                    .collect();
                match name_words(&written.join(" ")) {
                    Some(n) => return Some(n),
                    None => continue,
                }
            }
            if let Some(n) = name_words(&text[end..]) {
                return Some(n);
            }
        }
    }
    None
}

/// Leads of a child's name, taken only when it is capitalised («mi hijo
/// necesita corte» names no one).
const CHILD_LEADS: &[&str] = &[
    "mi hijo ",
    "mi hija ",
    "mamá de ",
    "mama de ",
    "papá de ",
    "papa de ",
    // Booked for a relative: «la cita de mi esposo Raúl», «soy la
    // esposa de Ramiro Salinas», «my son Diego», «nombre Daniel Ibarra».
    "mi esposo ",
    "mi esposa ",
    "mi marido ",
    "mi papá ",
    "mi papa ",
    "mi mamá ",
    "mi mama ",
    "mi abuelo ",
    "mi abuela ",
    "mi nieto ",
    "mi nieta ",
    "mi sobrino ",
    "mi sobrina ",
    "mi hermano ",
    "mi hermana ",
    "mi primo ",
    "mi prima ",
    "mi colega ",
    "mi roomie ",
    "mi compa ",
    "mi compadre ",
    "mi novio ",
    "mi novia ",
    "esposa de ",
    "señora de ",
    "senora de ",
    "my son ",
    "my daughter ",
    "my dad ",
    "my wife ",
    "his name is ",
    "her name is ",
    "my name is ",
    "nombre ",
];

/// Titles before a name: «mi papá Don Aurelio» is Aurelio.
const TITLES: &[&str] = &["Don", "Doña", "Dona", "Sr.", "Sra.", "Sr", "Sra"];

fn starts_clause(before: &str) -> bool {
    let b = before.trim_end();
    if b.is_empty() || b.ends_with([',', '.', '!', '?', ';', ':']) {
        return true;
    }
    let words = message_words(b);
    words.last().is_some_and(|w| {
        [
            "hola", "si", "buenas", "tardes", "dias", "noches", "ok", "y", "va", "claro", "yo",
            "que", "tal", "onda", "porfa", "porfavor", "favor", "pues", "bueno", "oye", "mira",
            "oiga",
        ]
        .contains(&w.as_str())
    })
}

/// «a nombre de mi hijo Emiliano»: the relation is not the name.
const RELATIVES: &[&str] = &[
    "compadre", "comadre", "cunado", "cunada", "suegro", "suegra", "tio", "tia", "hijo", "hija",
    "esposo", "esposa", "mama", "papa", "novio", "novia", "hermano", "hermana", "sobrino",
    "sobrina", "nieto", "nieta", "primo", "prima", "marido", "mujer", "chavo", "nino", "nina",
    "ahijado", "ahijada", "roomie",
];

fn name_words(rest: &str) -> Option<String> {
    let mut out: Vec<String> = Vec::new();
    let mut raws: Vec<&str> = rest.split_whitespace().collect();
    if raws.len() > 2
        && normalize(raws[0]) == "mi"
        && RELATIVES.contains(&normalize(raws[1]).as_str())
    {
        raws.drain(..2);
    }
    // «Don Ramón», «la señora Gloria», «el licenciado Arturo Beltrán»: the
    // name without the courtesy or title.
    const TITLES: &[&str] = &[
        "don",
        "dona",
        "sr",
        "sra",
        "senor",
        "senora",
        "licenciado",
        "licenciada",
        "lic",
        "ingeniero",
        "ingeniera",
        "ing",
        "doctor",
        "doctora",
        "dr",
        "dra",
        "profe",
        "profesor",
        "profesora",
        "maestro",
        "maestra",
        "senorita",
        "srita",
    ];
    let title = |w: &str| TITLES.contains(&normalize(w).as_str());
    if raws.len() > 2 && ["el", "la"].contains(&normalize(raws[0]).as_str()) && title(raws[1]) {
        raws.remove(0);
    }
    if raws.len() > 1 && title(raws[0]) {
        raws.remove(0);
    }
    let clean = |raw: &str| -> Option<String> {
        let word: String = raw
            .chars()
            .filter(|c| c.is_alphabetic() || *c == '\'' || *c == '-')
            .collect();
        let plain = raw
            .trim_end_matches([',', '.', '!', '?', ';', ':'])
            .chars()
            .all(|c| c.is_alphabetic() || c == '\'' || c == '-');
        (plain && word.chars().count() >= 2).then_some(word)
    };
    let mut i = 0;
    while i < raws.len() {
        let raw = raws[i];
        // «Ma. Elena», «J. Luis»: an abbreviation inside the name when a
        // capitalised word follows.
        let abbreviation = raw.ends_with('.')
            && raw.chars().filter(|c| c.is_alphabetic()).count() <= 2
            && raws
                .get(i + 1)
                .and_then(|w| w.chars().next())
                .is_some_and(char::is_uppercase);
        if abbreviation {
            out.push(raw.to_string());
            i += 1;
            continue;
        }
        let ends = raw.ends_with([',', '.', '!', '?', ';', ':']);
        // «Nombre: Alberto Ruiz Chávez Teléfono: 55…»: the next field's
        // label is not part of the name.
        const LABELS: &[&str] = &[
            "telefono", "tel", "cel", "celular", "servicio", "dia", "fecha", "hora", "cliente",
            "nombre", "barbero",
        ];
        if !out.is_empty()
            && raw.ends_with(':')
            && LABELS.contains(&normalize(raw.trim_end_matches(':')).as_str())
        {
            break;
        }
        let Some(word) = clean(raw) else {
            break;
        };
        let n = normalize(&word);
        // «José Luis de la Torre»: «de», «del», «de la» inside a name
        // when a capitalised surname follows.
        if !out.is_empty() && ["de", "del"].contains(&n.as_str()) && !ends {
            let mut k = i + 1;
            if raws
                .get(k)
                .is_some_and(|w| ["la", "los", "las"].contains(&normalize(w).as_str()))
            {
                k += 1;
            }
            let surname = raws.get(k).and_then(|w| clean(w)).filter(|w| {
                w.chars().next().is_some_and(char::is_uppercase)
                    && !NOT_NAME.contains(&normalize(w).as_str())
            });
            if let Some(surname) = surname {
                out.extend(raws[i..k].iter().map(|w| w.to_lowercase()));
                out.push(capitalize(&surname));
                let ends = raws[k].ends_with([',', '.', '!', '?', ';', ':']);
                i = k + 1;
                if ends || out.len() >= 4 {
                    break;
                }
                continue;
            }
        }
        if NOT_NAME.contains(&n.as_str()) {
            break;
        }
        // «la señora Carmen nada»: a name written capitalised ends at the
        // first word that is not.
        let capitalised = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
        if !out.is_empty()
            && out.iter().all(|w| capitalised(w))
            && raws[..i].iter().any(|w| capitalised(w))
            && !capitalised(raw)
        {
            break;
        }
        out.push(capitalize(&word));
        if ends || out.len() == 4 {
            break;
        }
        i += 1;
    }
    (!out.is_empty()).then(|| out.join(" "))
}

fn capitalize(w: &str) -> String {
    let lower = w.to_lowercase();
    let mut c = lower.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// A phone number written inside a message ("mi cel es 33 1234 5678",
/// "+52 55 1234 5678"): eight digits or more, spaces and dashes allowed.
pub fn phone_in(text: &str) -> Option<String> {
    let digits_of = |s: &str| s.chars().filter(char::is_ascii_digit).count();
    let mut best = String::new();
    let mut current = String::new();
    for c in text.chars().chain(std::iter::once('§')) {
        if c.is_ascii_digit() || (c == '+' && current.is_empty()) {
            current.push(c);
        } else if " -().".contains(c) && !current.is_empty() {
            continue;
        } else {
            if digits_of(&current) > digits_of(&best) {
                best = current.clone();
            }
            current.clear();
        }
    }
    (digits_of(&best) >= 8).then(|| {
        let plus = if best.starts_with('+') { "+" } else { "" };
        format!(
            "{plus}{}",
            best.chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
        )
    })
}

/// The text without the digit runs of a phone number.
fn strip_phone(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() || chars[i] == '+' {
            let mut j = i;
            let mut digits = 0;
            while j < chars.len() && (chars[j].is_ascii_digit() || " -+".contains(chars[j])) {
                if chars[j].is_ascii_digit() {
                    digits += 1;
                }
                j += 1;
            }
            if digits >= 8 {
                out.push(' ');
                i = j;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// What a staff member's message asks for, the order deciding between
/// readings ("¿quién es el siguiente?" is the next appointment, "¿quién es
/// Juan?" a customer's history).
pub fn staff_intent(text: &str, has_phone: bool) -> Intent {
    let n = normalize(text);
    let words: Vec<&str> = n.split_whitespace().collect();
    let any = |prefixes: &[&str]| {
        words
            .iter()
            .any(|w| prefixes.iter().any(|p| w.starts_with(p)))
    };
    let first = classify(text);
    if matches!(first, Intent::NextAppointment | Intent::Unblock) {
        return first;
    }
    // «que Ana pueda cancelar» gives a permission, it cancels nothing
    // (a mere mention of «permiso» or «administrador» decides nothing).
    // «quítale el permiso a Pedro de cancelar» changes a permission too
    // (not «bloquea…, él me dio permiso»).
    let permission_verb = any(&["permiso"]) && any(&["quita", "dale", "cambia"]);
    // «cambia cuánto dura la barba»
    if n.contains("cuanto dura") && any(&["cambi"]) {
        return Intent::ChangeServiceDuration;
    }
    // «que Ana pueda ver las ventas»: what a teammate may do.
    if words.first() == Some(&"que") && any(&["pueda"]) {
        return Intent::ChangePermissions;
    }
    if first == Intent::ChangePermissions && (any(&["pueda"]) || permission_verb) {
        return first;
    }
    if n.contains("historial")
        || n.contains("cuando vino")
        || n.contains("ultima vez que vino")
        || (n.starts_with("quien es") && !n.starts_with("quien es el que"))
        || (has_phone && n.contains("quien es"))
        || n.contains("que sabemos de")
        || n.contains("habia venido")
        || n.contains("ha venido antes")
        || n.contains("vino antes")
        || n.contains("cuantas veces ha venido")
        || n.contains("cuantas veces vino")
    {
        return Intent::CustomerHistory;
    }
    if n.contains("mensaje a")
        || n.starts_with("dile a ")
        || n.starts_with("decile a ")
        || n.starts_with("decile al ")
        || n.starts_with("dile al ")
        || n.starts_with("avisale a ")
        || n.starts_with("avisale al ")
        || n.starts_with("mandale mensaje")
        || n.starts_with("escribele a")
        || n.starts_with("mandale al")
        || n.starts_with("mandale a ")
        || n.starts_with("escribele al")
        // «recuérdale a Luis lo de mañana», «¿le puedes avisar a Fer que
        // voy tarde?», «manda un mensajito a Héctor: …», «mándales a
        // todos los del sábado que cerramos».
        || [
            "recuerdale a ",
            "recordale a ",
            "le puedes avisar a ",
            "le avisas a ",
            "mandale msj",
            "manda un mensaje",
            "manda un mensajito",
            "mandale un mensaje",
            "mandale un mensajito",
            "mandales a ",
            "avisales a ",
            // Usted (Colombia): «avísele a Mateo que confirme», «dígale a
            // Juan que…», «escríbale a la señora…».
            "avisele a ",
            "avisele al ",
            "digale a ",
            "digale al ",
            "escribale a",
            "mandele un mensaje",
            "comentele a ",
            "le puede avisar a ",
        ]
        .iter()
        .any(|p| n.contains(p))
    {
        return Intent::MessageCustomer;
    }
    if has_phone {
        if n.contains("ya atendi") || n.contains("ya lo atendi") || n.contains("ya la atendi") {
            return Intent::ReleaseHandoff;
        }
        if n.contains("me encargo") {
            return Intent::TakeOver;
        }
    }
    // «el miércoles tengo cita en el banco de 12 a 1»: the sender's own
    // errand blocks their time.
    if n.contains("tengo cita en")
        || n.contains("tengo cita con el")
        || any(&["dentista", "doctor", "medico", "banco"])
            && any(&["tengo"])
            && !any(&["canc", "anul"])
    {
        return Intent::BlockTime;
    }
    // «quítale a Pedro lo de cancelar citas»: a permission taken away.
    if ["quitale", "dale"].contains(&words.first().copied().unwrap_or(""))
        && n.contains(" lo de ")
        && any(&["cancelar", "agendar", "ver", "mover"])
    {
        return Intent::ChangePermissions;
    }
    // One-word shorthand.
    match words.as_slice() {
        ["agenda"] => return Intent::BusinessSchedule,
        ["link"] | ["liga"] | ["panel"] => return Intent::MagicLink,
        ["prox"] | ["proximo"] | ["proxima"] | ["siguiente"] | ["next"] => {
            return Intent::NextAppointment
        }
        _ => {}
    }
    // «pásame la cita de Octavio del miércoles para el jueves», «pásame a
    // Álvaro del jueves al viernes»: a move.
    if (n.contains("pasame la cita") || n.starts_with("pasame a "))
        && (n.contains(" para ") || n.contains(" al "))
    {
        return Intent::Reschedule;
    }
    if let Some(change) = appointment_change(text) {
        return change;
    }
    if any(&["desbloq"]) || (any(&["quit", "elimin", "borr", "cancel", "anul"]) && any(&["bloque"]))
    {
        return Intent::Unblock;
    }
    if any(&["bloque"]) {
        return Intent::BlockTime;
    }
    // «estoy enfermo, no voy a ir mañana»: a staff member's own absence,
    // not a customer's cancellation.
    if first == Intent::Cancel
        && !any(&[
            "canc", "cansel", "anul", "quit", "borr", "elimin", "fuera", "vola",
        ])
    {
        return Intent::BlockTime;
    }
    // «va a entrar a trabajar el Jonathan, agrégalo», «sube a la plataforma
    // a mi sobrino».
    if (any(&["agreg", "anad"])
        && any(&[
            "emplead",
            "estilista",
            "barber",
            "personal",
            "equipo",
            "trabajar",
        ]))
        || (any(&["sube"]) && any(&["plataforma", "sistema"]))
    {
        return Intent::AddStaff;
    }
    // «agrega a Luis, su cel es 33 1234 5678»: a person with a number.
    if has_phone && words.len() > 2 && words[0].starts_with("agreg") && words[1] == "a" {
        return Intent::AddStaff;
    }
    first
}

/// A request to cancel ([`Intent::Cancel`]) or move ([`Intent::Reschedule`])
/// a customer's appointment: "cancela la cita de Juan", "mueve la cita de
/// las 3 a las 5", "pasa a Roberto al sábado".
pub fn appointment_change(text: &str) -> Option<Intent> {
    let n = normalize(text);
    let words: Vec<&str> = n.split_whitespace().collect();
    if words.len() < 2 || super::intent::books_again(text) {
        return None;
    }
    let any = |prefixes: &[&str]| {
        words
            .iter()
            .any(|w| prefixes.iter().any(|p| w.starts_with(p)))
    };
    // «la cita», or one pointed at by its hour: «cambia la de las 11».
    let about_appointment = any(&["cita"])
        || [
            "la de las",
            "el de las",
            "la de la",
            "el de la",
            "mi de las",
            "mi de la",
        ]
        .iter()
        .any(|p| n.contains(p));
    // «quita la cita de Kevin», «bórrame la de las 12:30», «táchale la
    // cita a Octavio», «tumba la de las 6 de Ana», «se cae la de las 4».
    let pointed = about_appointment || n.starts_with("la de ") || n.contains(" la de ");
    if (any(&["cancel", "anul"]) && (about_appointment || words.len() >= 3))
        || (any(&["borra", "quita", "elimina", "tacha", "tumba"]) && pointed)
        || [
            "se cae la de",
            "se cae el de",
            "ya no va la de",
            "ya no va el de",
        ]
        .iter()
        .any(|p| n.contains(p))
    {
        return Some(Intent::Cancel);
    }
    // "Pasa a Roberto…" starts a clause ("soy el dueño, mueve la cita…");
    // inside a sentence "pasa" means something else ("¿qué pasa?").
    let clause_starts: Vec<String> = text
        .split([',', '.', ';', ':'])
        .filter_map(|c| normalize(c).split_whitespace().next().map(str::to_string))
        .collect();
    // «cambia a José para el sábado»: a person moved.
    let moves_someone = words
        .windows(2)
        .any(|w| ["cambia", "cambiale"].contains(&w[0]) && ["a", "al"].contains(&w[1]))
        && !words
            .iter()
            .any(|w| w.starts_with("precio") || w.starts_with("horario"));
    let moving_verb = moves_someone
        || clause_starts.iter().any(|w| {
            [
                "mueve",
                "muevele",
                "muevela",
                "pasa",
                "pasale",
                "pasala",
                "recorre",
                "recorrele",
            ]
            .contains(&w.as_str())
        })
        || any(&["reagend", "reprogram"])
        // «el de las 12 del sábado pásalo a las 2»: a pronoun that can
        // only be an appointment (not «llegaron 3, pásalos con Pedro»).
        || !any(&["llegaron"]) && words.iter().any(|w| {
            [
                "pasalo", "pasala", "muevelo", "muevela", "recorrelo", "recorrela", "pasarse",
                "cambiarse", "moverse", "pasamelo", "pasamela", "pasaselo", "pasasela",
                "pasaselas", "pasaselos", "pasalas", "pasalos", "muevelas", "muevelos",
            ]
            .contains(w)
        });
    // «que Pedro agarre al de las 4», «que Ana se quede con Fer»: handed
    // to a teammate.
    let handed = [
        "agarre al de",
        "agarre a la de",
        "se quede con el de",
        "se quede con la de",
    ]
    .iter()
    .any(|p| n.contains(p));
    if moving_verb || handed || (any(&["cambi", "mover"]) && about_appointment) {
        return Some(Intent::Reschedule);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::es::when::{DateSpec, TimeSpec};
    use chrono::NaiveDate;

    fn now() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2030, 1, 7)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap()
    }

    fn cat() -> (Vec<String>, Vec<String>) {
        (
            [
                "Corte de cabello",
                "Arreglo de barba",
                "Corte y barba",
                "Tinte",
            ]
            .map(String::from)
            .to_vec(),
            ["Carlos Méndez", "Pedro Ruiz", "Ana Torres"]
                .map(String::from)
                .to_vec(),
        )
    }

    /// «A no B» means A; «A, no, B» corrects to B; a «no» before anything
    /// but a day or hour refuses nothing.
    #[test]
    fn the_day_or_hour_before_no_is_meant() {
        let (services, staff) = cat();
        let cat = Catalogue {
            services: &services,
            staff: &staff,
        };
        let time = |t: &str, staff_side: bool| {
            let r = if staff_side {
                read_staff(t, now(), cat)
            } else {
                read_customer(t, now(), cat)
            };
            (r.when.date, r.when.time)
        };
        let day = |d: u32| Some(DateSpec::Day(NaiveDate::from_ymd_opt(2030, 1, d).unwrap()));
        let at = |h: u32, m: u32| {
            Some(TimeSpec::At(
                chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap(),
            ))
        };
        assert_eq!(
            time("muévela, la de Saúl es el viernes 18 no el 11", true).0,
            day(18)
        );
        assert_eq!(
            time("avisale a rocio q su cita es a las 5 no a las 4", true).1,
            at(17, 0)
        );
        assert_eq!(time("perdon el 16 no el 15", false).0, day(16));
        assert_eq!(time("¿el 13? no, el 14", false).0, day(14));
        assert_eq!(time("a las 4, no, a las 5", false).1, at(17, 0));
        assert_eq!(
            time("el jueves a las 5 no a las 6 mejor a las 7", false).1,
            at(19, 0)
        );
        assert_eq!(
            time("mañana no puedo pero pasado mañana a las 10 sí", false).0,
            day(9)
        );
        assert_eq!(time("no era a las 4, era a las 5", true).1, at(17, 0));
    }

    /// A correction means what follows what it refuses: «no, a Luis no, a
    /// Luisa» is about Luisa; a «no» opening a corrected request is that
    /// request; a bare correction («no, mejor a las 5») stays a «no».
    #[test]
    fn a_correction_means_what_it_corrects_to() {
        let (s, t) = cat();
        let c = both(&s, &t);
        let read = |text: &str| read_staff(text, now(), c);
        assert_eq!(
            read("no, Juan Pérez no, Juan Peña. que se ha hecho ese")
                .name
                .as_deref(),
            Some("Juan Peña")
        );
        assert_eq!(
            read("no, Juan Pérez no, Juan Peña. que se ha hecho ese").intent,
            Intent::CustomerHistory
        );
        let r = read("no no, no quites el tinte, quita la barba");
        assert_eq!(
            (r.intent, r.service.as_deref()),
            (Intent::DeactivateService, Some("Arreglo de barba"))
        );
        let r = read("no, el corte a 180 no a 200, me equivoque");
        assert_eq!(
            (r.intent, r.service.as_deref()),
            (Intent::ChangePrice, Some("Corte de cabello"))
        );
        let r = read("perdon no era Pedro, era Ana la q va a faltar el sabado, bloquea a Ana");
        assert_eq!(
            (r.intent, r.staff.as_deref()),
            (Intent::BlockTime, Some("Ana Torres"))
        );
        for bare in [
            "no, mejor a las 5",
            "no, el jueves no, el viernes",
            "no, no la canceles",
            "no, con Ana mejor",
        ] {
            assert_eq!(read(bare).intent, Intent::No, "{bare}");
        }
        // «X, no Y»: X is meant.
        let r = read("desactiva la barba, no el tinte, me equivoqué");
        assert_eq!(r.service.as_deref(), Some("Arreglo de barba"));
        let tomorrow = Some(DateSpec::Day(NaiveDate::from_ymd_opt(2030, 1, 8).unwrap()));
        assert_eq!(
            read("no, te pregunté mi agenda de mañana, no la de hoy")
                .when
                .date,
            tomorrow
        );
        assert_eq!(
            read("no era la de hoy, cancela la de mañana de Beto")
                .when
                .date,
            tomorrow
        );
        // Not refusals: what is no longer wanted, and a block asked.
        assert_eq!(
            read("el tinte ya no, nadie lo pide desde diciembre")
                .service
                .as_deref(),
            Some("Tinte")
        );
        assert_eq!(
            read("no me agendes nada antes de las 12, llego tarde").intent,
            Intent::BlockTime
        );
    }

    /// Staff commands in emoji read as the words they stand for; a mark
    /// after the fact («no llegó ❌») cancels nothing.
    #[test]
    fn staff_emoji_commands() {
        let (s, t) = cat();
        let c = both(&s, &t);
        let read = |text: &str| read_staff(text, now(), c);
        for (text, intent) in [
            ("🚫 2-3", Intent::BlockTime),
            ("🔓 sáb", Intent::Unblock),
            ("❌ la de las 12", Intent::Cancel),
            ("4 ➡️ 6", Intent::Reschedule),
            ("Ulises ➡️ Pedro", Intent::Reschedule),
            ("👻 el de las 11", Intent::MarkNoShow),
            ("💰 hoy", Intent::Stats),
            ("🔗 porfa", Intent::MagicLink),
            ("🚶 Lalo barba", Intent::WalkIn),
        ] {
            assert_eq!(read(text).intent, intent, "{text}");
        }
        let at = |h: u32| {
            Some(TimeSpec::At(
                chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap(),
            ))
        };
        assert_eq!(read("4 ➡️ 6").when.time, at(18));
        assert_ne!(read("Memo no llegó ❌").intent, Intent::Cancel);
        assert_eq!(read("❌").intent, Intent::No);
    }

    /// The service set against another («o nomás cortes», «aparte de
    /// corte») is not the one asked about.
    #[test]
    fn a_contrasted_service_is_not_asked() {
        let (s, t) = cat();
        let c = both(&s, &t);
        let service = |text: &str| read_customer(text, now(), c).service;
        assert_eq!(service("¿qué más hacen aparte de corte?"), None);
        assert_eq!(service("hacen permanente o nomás cortes?"), None);
        assert_eq!(
            service("¿arreglan barba también o solo cortes?").as_deref(),
            Some("Arreglo de barba")
        );
    }

    /// One thumb against autocorrect: a teammate's name with two letters
    /// swapped, «ls 4», «al viejes»; «pero» is no Pedro.
    #[test]
    fn staff_typos_read_as_meant() {
        let (s, t) = cat();
        let c = both(&s, &t);
        let read = |text: &str| read_staff(text, now(), c);
        assert_eq!(
            read("bloquea a pedor el sabado en la mañana")
                .staff
                .as_deref(),
            Some("Pedro Ruiz")
        );
        assert_eq!(
            read("agendale a kike con carlso el martes alas 6 corte")
                .staff
                .as_deref(),
            Some("Carlos Méndez")
        );
        let at = |h: u32| {
            Some(TimeSpec::At(
                chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap(),
            ))
        };
        assert_eq!(read("el de ls 4 no llego").when.time, at(16));
        let friday = Some(DateSpec::Day(NaiveDate::from_ymd_opt(2030, 1, 11).unwrap()));
        assert_eq!(
            read("pasa la cita de Roberto al viejes alas 11").when.date,
            friday
        );
        assert_eq!(read_customer("ok pero con quien sea", now(), c).staff, None);
    }

    /// A clipper guard («rapado al 1», «corte buzz, al 3») is a length,
    /// not the 1st or the 3rd of next month.
    #[test]
    fn clipper_guards_are_no_dates() {
        let (s, t) = cat();
        let c = both(&s, &t);
        let today = Some(DateSpec::Day(NaiveDate::from_ymd_opt(2030, 1, 7).unwrap()));
        let r = read_customer(
            "me anotas hoy en la noche? rapado al 1 y arriba al 4",
            now(),
            c,
        );
        assert_eq!(r.when.date, today);
        let r = read_customer("del 28 al 3 de febrero no estoy", now(), c);
        assert!(r.when.date.is_some());
    }

    /// What reaches the number that is not for the diary books nothing,
    /// whatever service or day it mentions.
    #[test]
    fn not_for_the_diary() {
        let (s, t) = cat();
        let c = both(&s, &t);
        for text in [
            "alguien encontró unos audífonos blancos? fui el sábado en la tarde",
            "REENVÍA ESTE MENSAJE A 10 CONTACTOS Y MAÑANA TENDRÁS UNA SORPRESA",
            "hola tendrán vacante? soy barbero",
        ] {
            let r = read_customer(text, now(), c);
            assert_eq!(
                (r.intent, r.when.date, r.name),
                (Intent::Unknown, None, None),
                "{text}"
            );
        }
        // Asking for an appointment still books.
        let r = read_customer(
            "perdí mi cita del sábado, ¿me agendan otra vez el lunes?",
            now(),
            c,
        );
        assert_ne!(r.intent, Intent::Unknown);
    }

    /// A complaint about a visit asks for nothing the assistant does: it is
    /// `Unknown` (as writers label it), flagged for a person, and books
    /// nothing; beside a request, the request is read.
    #[test]
    fn a_complaint_is_flagged_and_books_nothing() {
        let (s, t) = cat();
        let c = both(&s, &t);
        for text in [
            "el corte me lo dejaron bien chueco wey 😡",
            "The fade I got on Saturday is uneven on the left side, not happy",
            "el tinte que me hicieron el sábado pasado ya se me despintó",
            "la otra vez me cobraron de más",
        ] {
            let r = read_customer(text, now(), c);
            assert_eq!((r.intent, r.complaint), (Intent::Unknown, true), "{text}");
            assert!(r.when.is_empty() && r.service.is_none(), "{text}: {r:?}");
        }
        for (text, intent) in [
            (
                "que me marque el dueño, el corte quedo fatal",
                Intent::TalkToHuman,
            ),
            (
                "quiero otro corte con carlos hoy mismo, el de la otra vez quedo chueco",
                Intent::Book,
            ),
            (
                "ya no quiero la cita, la otra vez me cobraron de mas",
                Intent::Cancel,
            ),
        ] {
            let r = read_customer(text, now(), c);
            assert_eq!((r.intent, r.complaint), (intent, false), "{text}");
        }
    }

    /// Any form of a moving verb points at where the appointment goes.
    #[test]
    fn a_move_in_any_form_goes_where_it_says() {
        let (s, t) = cat();
        let c = both(&s, &t);
        let day = |d| Some(DateSpec::Day(NaiveDate::from_ymd_opt(2030, 1, d).unwrap()));
        for text in [
            "Cambio mi cita del sábado para el domingo si abren",
            "La señora Lupita me pidió que su cita del sábado se pase al domingo a las 10.",
        ] {
            assert_eq!(read_staff(text, now(), c).when.date, day(13), "{text}");
        }
        let r = read_customer("la de hoy pasenla para mañana temprano porfa", now(), c);
        assert_eq!(r.when.date, day(8));
        // An appointment missed and moved; missed and cancelled.
        for (text, intent) in [
            ("no llego a las 5, pásame a las 6", Intent::Reschedule),
            (
                "no voy a alcanzar a llegar mañana, dame otro día",
                Intent::Reschedule,
            ),
            (
                "no voy a llegar el jueves, mejor la cancelo y luego reagendo",
                Intent::Cancel,
            ),
        ] {
            assert_eq!(read_customer(text, now(), c).intent, intent, "{text}");
        }
    }

    /// Appointments marked done in bulk.
    #[test]
    fn appointments_marked_done_in_bulk() {
        let (s, t) = cat();
        let c = both(&s, &t);
        for text in [
            "marca todas las de hoy como completadas",
            "márcame atendidas todas las de hoy de antes de las 2",
            "ponle hecho a lo de Pedro de hoy en la mañana",
        ] {
            assert_eq!(
                read_staff(text, now(), c).intent,
                Intent::MarkCompleted,
                "{text}"
            );
        }
    }

    /// Northern Spain: Basque and Galician greetings and days, «de mañanas».
    #[test]
    fn northern_spain_words() {
        let (s, t) = cat();
        let c = both(&s, &t);
        let day = |d| Some(DateSpec::Day(NaiveDate::from_ymd_opt(2030, 1, d).unwrap()));
        for (text, intent) in [
            ("Kaixo!", Intent::Greeting),
            ("grazas!", Intent::Thanks),
            ("bai, ondo", Intent::Yes),
        ] {
            assert_eq!(read_customer(text, now(), c).intent, intent, "{text}");
        }
        let r = read_customer("bo día, teño cita para mañá?", now(), c);
        assert_eq!(r.when.date, day(8));
        let r = read_customer("buenas, ¿el miércoles de mañanas tenéis hueco?", now(), c);
        assert_eq!(
            r.when.time,
            Some(super::super::when::TimeSpec::Part(
                super::super::when::PartOfDay::Morning
            ))
        );
    }

    /// News for all the customers is a message to them, whatever it says.
    #[test]
    fn news_for_the_customers_is_a_message_to_them() {
        let (s, t) = cat();
        let c = both(&s, &t);
        for text in [
            "mandales a todos que el lunes 18 de marzo no abrimos",
            "manda un aviso general: el 14 de febrero hay promo pa parejas, 2x1",
            "avisales a todos mis clientes de la próxima semana q no voy a estar",
        ] {
            assert_eq!(
                read_staff(text, now(), c).intent,
                Intent::MessageCustomer,
                "{text}"
            );
        }
    }

    /// A customer's appointment passed «a» a teammate goes to them.
    #[test]
    fn an_appointment_passed_to_a_teammate_goes_to_them() {
        let (s, t) = cat();
        let c = both(&s, &t);
        let r = read_staff("la cita de Hugo pásasela a Pedro", now(), c);
        assert_eq!(
            (r.intent, r.name.as_deref(), r.staff.as_deref()),
            (Intent::Reschedule, Some("Hugo"), Some("Pedro Ruiz"))
        );
    }

    /// A customer correcting what was understood asks for what is meant;
    /// a «no» turning an offer down, or giving a reason, stays a no.
    #[test]
    fn a_customers_correction_asks_for_what_is_meant() {
        let (s, t) = cat();
        let c = both(&s, &t);
        let day = |d| Some(DateSpec::Day(NaiveDate::from_ymd_opt(2030, 1, d).unwrap()));
        let r = read_customer("no era barba era tinte jaja perdon", now(), c);
        assert_eq!(
            (r.intent, r.service.as_deref()),
            (Intent::Book, Some("Tinte"))
        );
        let r = read_customer("no, es el martes, no el lunes", now(), c);
        assert_eq!((r.intent, r.when.date), (Intent::Book, day(8)));
        let r = read_customer("no, el 17 es jueves, yo dije el jueves 10", now(), c);
        assert_eq!((r.intent, r.when.date), (Intent::Book, day(10)));
        // What a clause refuses is not asked for.
        let r = read_customer("el tinte nada mas, no el corte", now(), c);
        assert_eq!(r.service.as_deref(), Some("Tinte"));
        // «sin» declines a service.
        let r = read_customer(
            "me equivoqué, es solo corte, sin barba, y el jueves",
            now(),
            c,
        );
        assert_eq!(r.service.as_deref(), Some("Corte de cabello"));
        let r = read_customer("y barba sola sin corte a como?", now(), c);
        assert_eq!(r.service.as_deref(), Some("Arreglo de barba"));
        let r = read_customer("Ana no, mejor Pedro", now(), c);
        assert_eq!(r.staff.as_deref(), Some("Pedro Ruiz"));
        for text in [
            "no, mejor el jueves",
            "no, es que ese día trabajo, ¿el viernes?",
            "No, esa hora no es buena para mí",
        ] {
            assert_eq!(read_customer(text, now(), c).intent, Intent::No, "{text}");
        }
    }

    /// Replies to the assistant's summaries and reminders: a yes with one
    /// detail changed books with it; «confirmo mi cita» is a yes; «el
    /// primero» beside a day is its first appointment.
    #[test]
    fn replies_to_the_assistant() {
        let (s, t) = cat();
        let c = both(&s, &t);
        let r = read_customer("sí pero con Ana", now(), c);
        assert_eq!(
            (r.intent, r.staff.as_deref()),
            (Intent::Book, Some("Ana Torres"))
        );
        assert_eq!(
            read_customer("Confirmo mi cita, gracias", now(), c).intent,
            Intent::Yes
        );
        assert_eq!(read_customer("nambre", now(), c).intent, Intent::No);
        // An agreement going on to a day books it; one seeing it is a yes.
        for (text, intent) in [
            ("vale pues el viernes a las 10", Intent::Book),
            (
                "sale, entonces el sábado 19 a las 10 con Carlos",
                Intent::Book,
            ),
            ("ok perfecto nos vemos el viernes", Intent::Yes),
            ("obvi", Intent::Yes),
            ("ya vas", Intent::Yes),
            ("me late", Intent::Yes),
            ("Muy bien, de acuerdo", Intent::Yes),
            ("perfect, book it", Intent::Yes),
            ("me late el viernes en la mañana", Intent::Book),
            ("ni modo, no", Intent::No),
        ] {
            assert_eq!(read_customer(text, now(), c).intent, intent, "{text}");
        }
        let monday = Some(DateSpec::Day(NaiveDate::from_ymd_opt(2030, 1, 14).unwrap()));
        assert_eq!(
            read_staff("a que hora me toca el primero el lunes", now(), c)
                .when
                .date,
            monday
        );
        let first = Some(DateSpec::Day(NaiveDate::from_ymd_opt(2030, 2, 1).unwrap()));
        assert_eq!(
            read_customer("el primero de febrero a las 5", now(), c)
                .when
                .date,
            first
        );
    }

    /// «las dos» said of two appointments is no hour.
    #[test]
    fn two_appointments_are_not_two_oclock() {
        let (s, t) = cat();
        let c = both(&s, &t);
        let at = |h: u32| {
            Some(TimeSpec::At(
                chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap(),
            ))
        };
        for text in [
            "cancela las dos porfa",
            "sí, confírmame las dos",
            "muévelas las dos al viernes",
        ] {
            assert_eq!(read_customer(text, now(), c).when.time, None, "{text}");
        }
        let r = read_customer("cancela las 2 de mañana a las 4", now(), c);
        assert_eq!(r.when.time, at(16));
        for text in [
            "sí, las dos de la tarde",
            "va, las 2 y media",
            "¿tienen a las dos?",
        ] {
            assert!(read_customer(text, now(), c).when.time.is_some(), "{text}");
        }
    }

    /// The add-service flow names the service from either way of saying
    /// it (it used to read only «servicio …» and asked again for a name
    /// the owner had given: «agrega mascarilla negra, 20 min, 120 pesos»).
    #[test]
    fn new_service_names_either_way() {
        for (text, want) in [
            (
                "agrega el servicio de barba a $150 de 30 minutos",
                Some("Barba"),
            ),
            ("nuevo servicio: ceja 80 pesos 15 min", Some("Ceja")),
            (
                "agrega un servicio nuevo, keratina, 1500 pesos, 2 horas",
                Some("Keratina"),
            ),
            (
                "agrega mascarilla negra, 20 min, 120 pesos",
                Some("Mascarilla negra"),
            ),
            (
                "mete al catálogo lavado de cabello de 15 min",
                Some("Lavado de cabello"),
            ),
            ("¿cuánto cuesta el corte?", None),
        ] {
            assert_eq!(new_service_name(text).as_deref(), want, "{text}");
        }
    }

    /// Two teammates in one message: the one it moves to, not the one it
    /// moves from or refuses.
    #[test]
    fn the_teammate_asked_for_among_two() {
        let (s, t) = cat();
        let c = Catalogue {
            services: &s,
            staff: &t,
        };
        let customer = |text: &str| read_customer(text, now(), c).staff;
        let staff = |text: &str| read_staff(text, now(), c).staff;
        let pedro = Some("Pedro Ruiz".to_string());
        let ana = Some("Ana Torres".to_string());
        assert_eq!(customer("reagendame con ana en vez de pedro"), ana);
        assert_eq!(
            customer("no, con pedro no, mejor con carlos"),
            Some("Carlos Méndez".to_string())
        );
        assert_eq!(customer("me cambias a Pedro? Carlos anda muy lleno"), pedro);
        assert_eq!(customer("con Pedro o Carlos, me da igual, el lunes"), None);
        assert_eq!(staff("el de las 11 de Pedro pásaselo a Ana porfa"), ana);
        assert_eq!(staff("cambia a Memo de Ana a Pedro, misma hora"), pedro);
        let r = read_staff("cambia a Memo de Ana a Pedro, misma hora", now(), c);
        assert_eq!(r.name.as_deref(), Some("Memo"));
    }

    /// Staff name customers without a lead, often in lowercase.
    #[test]
    fn customers_named_by_their_given_name() {
        let (s, t) = cat();
        let c = Catalogue {
            services: &s,
            staff: &t,
        };
        let r = read_staff("listo juan", now(), c);
        assert_eq!(r.intent, Intent::MarkCompleted);
        assert_eq!(r.name.as_deref(), Some("Juan"));
        let r = read_staff("Octavio canceló lo de hoy, bórralo", now(), c);
        assert_eq!(r.name.as_deref(), Some("Octavio"));
        // A verb that looks like a name is not one.
        let r = read_staff("creo que el de las 4 no vino, ¿lo marco?", now(), c);
        assert_eq!(r.name, None);
    }

    #[test]
    fn yes_and_a_name_in_one_message() {
        let (s, t) = cat();
        let c = Catalogue {
            services: &s,
            staff: &t,
        };
        let r = read_customer("sí, a nombre de Luis Ortega", now(), c);
        assert_eq!(r.intent, Intent::Yes);
        assert_eq!(r.name.as_deref(), Some("Luis Ortega"));
        let r = read_customer("hola soy ana gomez quiero corte hoy a las 5", now(), c);
        assert_eq!(r.name.as_deref(), Some("Ana Gomez"));
        assert_eq!(r.service.as_deref(), Some("Corte de cabello"));
        assert_eq!(r.staff, None);
        let r = read_customer("no, mejor con pedro", now(), c);
        assert_eq!(r.staff.as_deref(), Some("Pedro Ruiz"));
        let r = read_customer("barba el sabado", now(), c);
        assert_eq!(r.service.as_deref(), Some("Arreglo de barba"));
    }

    fn both<'a>(services: &'a [String], staff: &'a [String]) -> Catalogue<'a> {
        Catalogue { services, staff }
    }

    #[test]
    fn what_the_fourth_sessions_writers_said() {
        let (s, t) = cat();
        let c = both(&s, &t);
        // Whom a customer's appointment is for; not a teammate, not a
        // shouted message.
        for (text, name) in [
            ("cancela la cita de Mateo porfa, está malito", Some("Mateo")),
            (
                "agéndale al Lic. Mauricio Leal el 24 a las 5, corte",
                Some("Mauricio Leal"),
            ),
            (
                "Buen día, le saluda el Lic. Arturo Benítez. Quiero cita mañana",
                Some("Arturo Benítez"),
            ),
            ("cámbiame la cita de Pedro a las 6", None),
            ("CITA PARA CEJAS EL MIÉRCOLES EN LA TARDE", None),
        ] {
            assert_eq!(
                read_customer(text, now(), c).name.as_deref(),
                name,
                "{text}"
            );
        }
        // What suits, said after what does not, books it.
        let r = read_customer("mañana no puedo pero pasado mañana a las 10 sí", now(), c);
        assert_eq!(r.intent, Intent::Book);
        // A time turned down beside another asked for books (the corpus
        // convention); opened with «no», it answers an offer.
        assert_eq!(
            read_customer("a las 4 no puedo, ¿a las 6?", now(), c).intent,
            Intent::Book
        );
        assert_eq!(
            read_customer("no, mejor a las 6", now(), c).intent,
            Intent::No
        );
        // «🙏» after a request asks nicely; alone it thanks.
        let r = read_customer("con Ana, porfa 🙏", now(), c);
        assert_eq!(
            (r.intent, r.staff.as_deref()),
            (Intent::Book, Some("Ana Torres"))
        );
        assert_eq!(read_customer("🙏", now(), c).intent, Intent::Thanks);
        // A dictated clock; a teammate as a list's last item.
        let r = read_staff("el de las 4 30 no llegó nunca márcalo", now(), c);
        assert_eq!(
            r.when.time,
            Some(TimeSpec::At(
                chrono::NaiveTime::from_hms_opt(16, 30, 0).unwrap()
            ))
        );
        let r = read_staff(
            "Cita: Tomás Herrera, corte, lunes 14, 11am, Pedro",
            now(),
            c,
        );
        assert_eq!(r.staff.as_deref(), Some("Pedro Ruiz"));
        assert_eq!(r.name.as_deref(), Some("Tomás Herrera"));
    }

    #[test]
    fn shop_words_name_the_service() {
        let (s, t) = cat();
        let c = both(&s, &t);
        for text in [
            "un fade",
            "un desvanecido",
            "un degradado",
            "me pueden rapar",
        ] {
            let r = read_customer(text, now(), c);
            assert_eq!(r.service.as_deref(), Some("Corte de cabello"), "{text}");
        }
        let r = read_customer("me quiero pintar el cabello", now(), c);
        assert_eq!(r.service.as_deref(), Some("Tinte"));
        // Both words said: the service that has both.
        let r = read_customer("cortarme el pelo y arreglarme la barba", now(), c);
        assert_eq!(r.service.as_deref(), Some("Corte y barba"));
        let r = read_customer("corte y arreglo de barba", now(), c);
        assert_eq!(r.service.as_deref(), Some("Corte y barba"));
        // «se me cortó la llamada» is no service.
        let r = read_customer("se me cortó la llamada", now(), c);
        assert_eq!(r.service, None);
        assert_eq!(r.intent, Intent::Unknown);
        let r = read_customer("con anita el jueves", now(), c);
        assert_eq!(r.staff.as_deref(), Some("Ana Torres"));
    }

    #[test]
    fn names_after_the_ways_people_give_them() {
        for (text, name) in [
            ("de parte de mi esposo Raúl, quiere corte", Some("Raúl")),
            ("hola, habla Jorge Salas", Some("Jorge Salas")),
            ("para mi hijo Mateo, un corte", Some("Mateo")),
            ("para mi corte del sabado", None),
            (
                "Para mi suegro, Rogelio, corte el miércoles",
                Some("Rogelio"),
            ),
            ("cita para mi niña, solo despunte", None),
            ("corte para mi hijo urgente tiene piojos", None),
            ("Hola soy mamá de dos niños", None),
            ("a nombre de su papá, Jorge Medina", Some("Jorge Medina")),
            ("les escribe Laura", Some("Laura")),
            ("a nombre de Ma. Guadalupe Ruiz", Some("Ma. Guadalupe Ruiz")),
            (
                "le escribe el licenciado Arturo Beltrán, deseo agendar",
                Some("Arturo Beltrán"),
            ),
            ("mi hijo Joaquín quiere un fade", Some("Joaquín")),
            ("mi hijo necesita corte", None),
            ("soy la mamá de Emilia, ¿le hacen corte?", Some("Emilia")),
            ("soy alergico a la navaja", None),
            ("¿habla español?", None),
            (
                "me llamo José Luis de la Torre",
                Some("José Luis de la Torre"),
            ),
            ("a nombre de luis de mañana", Some("Luis")),
            ("soy la señora Gómez, quiero tinte", Some("Gómez")),
            ("mi nombre: Rodrigo Téllez", Some("Rodrigo Téllez")),
        ] {
            assert_eq!(name_in(text).as_deref(), name, "{text}");
        }
    }

    #[test]
    fn an_occasions_day_is_context_not_the_appointment() {
        let (s, t) = cat();
        let c = both(&s, &t);
        let day = |n| Some(NaiveDate::from_ymd_opt(2030, 1, n).unwrap());
        let read = |text: &str| {
            let r = read_customer(text, now(), c);
            (r.intent, r.when.date.map(|d| d.first()), r.when.time)
        };
        let (i, d, _) = read("tengo boda el sabado, me pueden arreglar el viernes?");
        assert_eq!((i, d), (Intent::Book, day(11)));
        let (_, d, t) = read("el viernes es mi graduacion, ¿tienen cita el jueves en la tarde?");
        assert_eq!(d, day(10));
        assert!(matches!(t, Some(TimeSpec::Part(_))), "{t:?}");
        // The occasion's day is the only one: kept, with the time asked.
        let (_, d, t) = read("mi boda es el sábado, ¿me pueden peinar ese día a las 12?");
        assert_eq!(d, day(12));
        assert_eq!(
            t,
            Some(TimeSpec::At(
                chrono::NaiveTime::from_hms_opt(12, 0, 0).unwrap()
            ))
        );
        // No day beside the occasion's: the day said stands as before.
        let (_, d, _) = read("quiero cita el viernes, es para una fiesta");
        assert_eq!(d, day(11));
        let (_, d, _) = read("me caso el sabado y quiero peinado el viernes");
        assert_eq!(d, day(11));
        let (_, d, _) = read("quiero cita el viernes para mi boda, el sabado no puedo");
        assert_eq!(d, day(11), "a refused day is not the one asked for");
        let (_, d, _) = read("me caso el sabado, quiero peinado el viernes");
        assert_eq!(d, day(11));
    }

    #[test]
    fn mejor_replaces_what_was_said_before() {
        let (s, t) = cat();
        let c = both(&s, &t);
        let r = read_customer("no, el sabado no, mejor el domingo", now(), c);
        assert_eq!(r.intent, Intent::No);
        assert_eq!(
            r.when.date,
            Some(DateSpec::Day(NaiveDate::from_ymd_opt(2030, 1, 13).unwrap()))
        );
        let r = read_customer(
            "necesito mover mi cita del jueves, mejor el viernes a las 12",
            now(),
            c,
        );
        assert_eq!(r.intent, Intent::Reschedule);
        assert_eq!(
            r.when.date,
            Some(DateSpec::Day(NaiveDate::from_ymd_opt(2030, 1, 11).unwrap()))
        );
        // The refusal's own clause names what is refused.
        let r = read_customer(
            "no me va bien el jueves, ¿lo podemos pasar al viernes?",
            now(),
            c,
        );
        assert_eq!(r.intent, Intent::No);
        assert_eq!(
            r.when.date,
            Some(DateSpec::Day(NaiveDate::from_ymd_opt(2030, 1, 11).unwrap()))
        );
        // A move's target after «a»: «de hoy a mañana».
        let r = read_customer("se puede cambiar mi cita de hoy a mañana?", now(), c);
        assert_eq!(
            r.when.date,
            Some(DateSpec::Day(NaiveDate::from_ymd_opt(2030, 1, 8).unwrap()))
        );
    }

    #[test]
    fn goodbyes_praise_and_put_off_answers_ask_for_nothing() {
        let (s, t) = cat();
        let c = both(&s, &t);
        for (text, intent) in [
            ("gracias, nos vemos mañana", Intent::Thanks),
            ("ok nos vemos el viernes", Intent::Yes),
            ("mañana te marco", Intent::Unknown),
            ("gracias por todo, muy buen corte", Intent::Thanks),
            ("gracias Pedro, quedo excelente", Intent::Thanks),
        ] {
            let r = read_customer(text, now(), c);
            assert_eq!(r.intent, intent, "{text}");
            assert!(r.when.is_empty(), "{text}: {:?}", r.when);
            assert_eq!((r.service, r.staff), (None, None), "{text}");
        }
        // A day gone by, a promise to be there: nothing to book.
        for text in [
            "el sabado pasado fui y no habia nadie",
            "sii, ahi estare a las 4",
        ] {
            assert!(read_customer(text, now(), c).when.is_empty(), "{text}");
        }
        let r = read_customer("mejor la proxima semana te escribo", now(), c);
        assert!(r.when.is_empty());
        // A booking with a put-off detail is still a booking.
        let r = read_customer("corte mañana, te confirmo la hora al rato", now(), c);
        assert_eq!(r.intent, Intent::Book);
        assert!(r.when.date.is_some());
    }

    #[test]
    fn staff_small_talk_and_moments_are_not_slots() {
        let (s, t) = cat();
        let c = both(&s, &t);
        let r = read_staff("que calor hace hoy", now(), c);
        assert_eq!(r.intent, Intent::Unknown);
        assert!(r.when.is_empty());
        // An agenda (the sender's or everyone's: the learned model leans
        // either way), of tomorrow.
        let r = read_staff("qué onda con mañana?", now(), c);
        assert!(
            matches!(r.intent, Intent::BusinessSchedule | Intent::MySchedule),
            "{r:?}"
        );
        assert!(r.when.date.is_some());
        let r = read_staff("ando libre hoy en la tarde?", now(), c);
        assert_eq!(r.intent, Intent::MySchedule);
        let r = read_staff("dile a Laura que la atiendo en 15 minutos", now(), c);
        assert_eq!(r.name.as_deref(), Some("Laura"));
        assert!(r.when.is_empty());
        let r = read_staff("soy Ana, que tengo hoy?", now(), c);
        assert_eq!(r.name, None);
        let r = read_staff("hoy salgo temprano, a las 4", now(), c);
        assert_eq!(r.intent, Intent::BlockTime);
        assert_eq!(
            r.when.time,
            Some(TimeSpec::After(
                chrono::NaiveTime::from_hms_opt(16, 0, 0).unwrap()
            ))
        );
    }

    #[test]
    fn what_is_only_mentioned_is_not_asked_for() {
        let (s, t) = cat();
        let c = both(&s, &t);
        let at = |h| TimeSpec::At(chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap());
        let day = |d| Some(DateSpec::Day(NaiveDate::from_ymd_opt(2030, 1, d).unwrap()));
        // Work, school, a flight: their hours are not the appointment's.
        let r = read_customer(
            "salgo de la chamba a las 3 pero el corte lo quiero el sabado a las 10",
            now(),
            c,
        );
        assert_eq!((r.when.date, r.when.time), (day(12), Some(at(10))));
        let r = read_customer(
            "hasta que hora abren el sabado? salgo de trabajar a las 2",
            now(),
            c,
        );
        assert_eq!((r.when.date, r.when.time), (day(12), None));
        // The past and a refusal, with the teammate they name.
        let r = read_customer(
            "el martes pasado vine a las 5 y me atendio carlos, ahora quiero barba mañana temprano",
            now(),
            c,
        );
        assert_eq!(r.when.date, day(8));
        assert_eq!(r.staff, None);
        let r = read_customer("no, a las 4 no, tengo que recoger a mi hija", now(), c);
        assert_eq!(r.intent, Intent::No);
        assert!(r.when.is_empty());
        // «¿abren o no?» refuses nothing; a cancellation keeps its day.
        let r = read_customer("el domingo abren o no?", now(), c);
        assert_eq!(r.when.date, day(13));
        let r = read_customer(
            "no voy a poder ir mañana por el trabajo, cancelala",
            now(),
            c,
        );
        assert_eq!(r.when.date, day(8));
        // A relative who shares a teammate's name.
        let r = read_customer(
            "soy Fer, mi hermano Pedro tambien quiere corte mañana",
            now(),
            c,
        );
        assert_eq!(r.staff, None);
        // Staff: the past and the present moment.
        let r = read_staff("llegue a las 9 y el de las 10 no vino", now(), c);
        assert_eq!((r.intent, r.when.time), (Intent::MarkNoShow, Some(at(10))));
        let r = read_staff("son las 10 y nadie ha llegado, quien me toca?", now(), c);
        assert_eq!(r.intent, Intent::NextAppointment);
        assert!(r.when.is_empty());
        let r = read_staff("el link que me mandaste a las 9 ya caduco", now(), c);
        assert_eq!(r.intent, Intent::MagicLink);
        assert!(r.when.is_empty());
        let r = read_staff("avisale a maria que llegue temprano", now(), c);
        assert!(r.when.time.is_some());
    }

    #[test]
    fn staff_requests_said_the_long_way() {
        let (s, t) = cat();
        let c = both(&s, &t);
        let read = |text: &str| read_staff(text, now(), c).intent;
        assert_eq!(read("vale, el corte a 18 euros"), Intent::ChangePrice);
        assert_eq!(read("vale tío, el de las 5 ya está"), Intent::MarkCompleted);
        assert_eq!(
            read("hay lugar el jueves entre 3 y 5?"),
            Intent::BusinessSchedule
        );
        assert_eq!(read("ando libre mañana a las 5?"), Intent::MySchedule);
        assert_eq!(
            read("ponme a Nuria el martes a las 5 para tinte"),
            Intent::Book
        );
        assert_eq!(
            read("agrega corte infantil, 100 varos, media hora"),
            Intent::AddService
        );
        assert_eq!(
            read("agrega a Luis, su cel es 33 1234 5678"),
            Intent::AddStaff
        );
        assert_eq!(
            read("acaba de entrar Don Pancho sin cita pa su corte"),
            Intent::WalkIn
        );
        assert_eq!(
            read("el de las 12 del sabado pasalo a las 2"),
            Intent::Reschedule
        );
        assert_eq!(read("de lunes a sabado de 10 a 8"), Intent::ChangeHours);
        assert_eq!(
            read("uff hoy no paramos, quien sigue?"),
            Intent::NextAppointment
        );
        let r = read_staff("aqui Pedro, q tengo pa hoy", now(), c);
        assert_eq!((r.intent, r.staff), (Intent::MySchedule, None));
        let r = read_staff("el corte de niño a 8 euros", now(), c);
        assert_eq!(r.name, None);
        let r = read_staff(
            "agendame a Sergio el jueves a las 3 no espera a las 4",
            now(),
            c,
        );
        assert_eq!(
            r.when.time,
            Some(TimeSpec::At(
                chrono::NaiveTime::from_hms_opt(16, 0, 0).unwrap()
            ))
        );
    }

    #[test]
    fn staff_name_the_customer_not_the_words_around() {
        let (s, t) = cat();
        let c = both(&s, &t);
        for (text, name) in [
            ("la señora Carmen no llego", Some("Carmen")),
            ("ya quedó Don Pepe", Some("Pepe")),
            ("termine con el señor Ramírez", Some("Ramírez")),
            ("la cita de Sofi pasala al viernes", Some("Sofi")),
            ("pues no vino el de las 5", None),
            ("ya quedo todo", None),
            ("cancela la cita de ayer", None),
            ("perdon no vino", None),
        ] {
            assert_eq!(read_staff(text, now(), c).name.as_deref(), name, "{text}");
        }
    }

    #[test]
    fn staff_book_for_the_customer_they_name() {
        let (s, t) = cat();
        let c = both(&s, &t);
        for (text, name, staff) in [
            (
                "agenda un corte para Jorge el viernes a las 5",
                Some("Jorge"),
                None,
            ),
            (
                "agendale un tinte a Paty el jueves con ana",
                Some("Paty"),
                Some("Ana Torres"),
            ),
            (
                "apunta a Luis el sabado a las 10 con pedro",
                Some("Luis"),
                Some("Pedro Ruiz"),
            ),
            ("hazle cita a la señora Lupe el jueves", Some("Lupe"), None),
            ("agendame un corte para mañana a las 4", None, None),
            ("agendame para tinte el viernes", None, None),
        ] {
            let r = read_staff(text, now(), c);
            assert_eq!(r.intent, Intent::Book, "{text}");
            assert_eq!(r.name.as_deref(), name, "{text}");
            assert_eq!(r.staff.as_deref(), staff, "{text}");
        }
    }

    #[test]
    fn permissions_only_when_one_is_changed() {
        assert_eq!(
            staff_intent("quitale el permiso a pedro de cancelar", false),
            Intent::ChangePermissions
        );
        assert_eq!(
            staff_intent(
                "Soy el dueño, bloquea la agenda de Beto de 4 a 5, él me dio permiso",
                false
            ),
            Intent::BlockTime
        );
    }

    #[test]
    fn phones_are_not_times() {
        let (s, t) = cat();
        let c = Catalogue {
            services: &s,
            staff: &t,
        };
        let r = read_customer("mi cel es 33 1234 5678", now(), c);
        assert_eq!(r.phone.as_deref(), Some("3312345678"));
        assert!(r.when.is_empty(), "{:?}", r.when);
    }

    /// River Plate, Guadalajara and Colombian ways of asking: «turno» is
    /// the appointment, «pelo» the cut, «tintura» the dye, «corra la cita»
    /// moves it, «para pasado» is the day after tomorrow, «Anita» is Ana.
    #[test]
    fn regional_ways_of_asking() {
        let (s, t) = cat();
        let c = both(&s, &t);
        let day = |d: u32| Some(DateSpec::Day(NaiveDate::from_ymd_opt(2030, 1, d).unwrap()));
        let at = |h: u32| {
            Some(TimeSpec::At(
                chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap(),
            ))
        };
        let r = read_customer(
            "quería un turno con Pedro para el sábado a la mañana",
            now(),
            c,
        );
        assert_eq!(
            (r.intent, r.staff.as_deref()),
            (Intent::Book, Some("Pedro Ruiz"))
        );
        let r = read_customer("¿mi turno de hoy sigue en pie?", now(), c);
        assert_eq!((r.intent, r.when.date), (Intent::MyAppointments, day(7)));
        // A shift at work is still no appointment.
        let r = read_customer(
            "me cambiaron el turno en la chamba, ¿me pasas la cita al viernes?",
            now(),
            c,
        );
        assert_eq!((r.intent, r.when.date), (Intent::Reschedule, day(11)));
        for (text, service) in [
            (
                "holaa, para el finde tenés algo? pelo y barba",
                "Corte y barba",
            ),
            (
                "quería pedirte turno para pelo y barba el 2 de febrero",
                "Corte y barba",
            ),
            (
                "turno mañana con Carlos, pelo, a la tarde, gracias!!",
                "Corte de cabello",
            ),
            ("¿hacen tintura?", "Tinte"),
        ] {
            assert_eq!(
                read_customer(text, now(), c).service.as_deref(),
                Some(service),
                "{text}"
            );
        }
        for text in [
            "hacen diseños en el pelo? mi hijo quiere una rayita",
            "que le dijo un pelo a otro pelo?? jaja",
            "corre la cita de las 11 a las 12",
        ] {
            assert_eq!(read_staff(text, now(), c).service, None, "{text}");
        }
        let r = read_customer(
            "che, no llego a las 17, ¿lo corremos a las 18 hs?",
            now(),
            c,
        );
        assert_eq!((r.intent, r.when.time), (Intent::Reschedule, at(18)));
        let r = read_staff("corra la cita de las 11 pa las 12", now(), c);
        assert_eq!((r.intent, r.when.time), (Intent::Reschedule, at(12)));
        let r = read_customer(
            "che, el turno de mañana ¿lo podemos pasar para pasado a las 12?",
            now(),
            c,
        );
        assert_eq!(r.when.date, day(9));
        let r = read_customer(
            "quería cambiar el turno, ¿puede ser el jueves a la tarde en vez del miércoles?",
            now(),
            c,
        );
        assert_eq!(r.when.date, day(10));
        let r = read_customer(
            "hola, tengo turno con Ana el viernes, ¿puede ser con Pedro mejor?",
            now(),
            c,
        );
        assert_eq!(r.intent, Intent::Reschedule);
        let r = read_customer("dale, anotame para el lunes a primera hora", now(), c);
        assert_eq!(r.intent, Intent::Book);
        let r = read_customer(
            "hoy ando bien ocupado pero mañana a las 6 sí puedo, ¿me apartas?",
            now(),
            c,
        );
        assert_eq!(r.when.date, day(8));
        let r = read_customer(
            "quería cambiar la hora de mi cita de mañana, ¿hay algo más temprano?",
            now(),
            c,
        );
        assert_eq!(r.when.time, None);
        let r = read_customer("lo más temprano que tengas mañana", now(), c);
        assert_eq!(
            r.when.time,
            Some(TimeSpec::Part(crate::es::when::PartOfDay::Early))
        );
        let r = read_customer("cancelá el turno de Lucas Benítez, es mi hijo", now(), c);
        assert_eq!(r.name.as_deref(), Some("Lucas Benítez"));
        assert_eq!(
            read_customer("¿está libre Anita hoy?", now(), c)
                .staff
                .as_deref(),
            Some("Ana Torres")
        );
        let r = read_customer(
            "es para mi nieto, tiene 8 añitos, corte el sábado",
            now(),
            c,
        );
        assert_eq!(r.staff, None);
        for (text, intent) in [
            ("no, pos sí", Intent::Yes),
            ("nombre, a esa hora ando en la chamba", Intent::No),
            ("ni en pedo jaja", Intent::No),
        ] {
            assert_eq!(read_customer(text, now(), c).intent, intent, "{text}");
        }
        assert_eq!(
            read_customer("Nombre: Ricardo Salinas Vega", now(), c)
                .name
                .as_deref(),
            Some("Ricardo Salinas Vega")
        );
        for (text, intent) in [
            (
                "listo, ya hablé con Juan, devuélvale el chat al bot",
                Intent::ReleaseHandoff,
            ),
            ("la cita de las 10 ya se hizo", Intent::MarkCompleted),
            (
                "quite la cita de Camilo del sábado a las 11",
                Intent::Cancel,
            ),
            ("nada, no señor", Intent::No),
            (
                "si se puede, quisiera ver las citas de todo el equipo",
                Intent::BusinessSchedule,
            ),
            (
                "no sé si se pueda, pero quisiera no tener citas después de las 6 hoy",
                Intent::BlockTime,
            ),
        ] {
            assert_eq!(read_staff(text, now(), c).intent, intent, "{text}");
        }
        for (text, intent) in [
            (
                "avísele a Mateo que confirme la cita del sábado",
                Intent::MessageCustomer,
            ),
            (
                "tranque la agenda de Carlos mañana después de las 6",
                Intent::BlockTime,
            ),
            (
                "listo, y a mí cómo me quedó el día de hoy?",
                Intent::MySchedule,
            ),
            ("¿me dices qué servicio se vende más?", Intent::Stats),
        ] {
            assert_eq!(staff_intent(text, false), intent, "{text}");
        }
        let r = read_staff("Ana por aquí 🙋‍♀️ ¿me dices qué me toca hoy?", now(), c);
        assert_eq!((r.intent, r.staff), (Intent::MySchedule, None));
    }

    /// Andalusia and Veracruz as they type, the River Plate's staff, and
    /// two requests in one staff message.
    #[test]
    fn southern_spain_the_coast_and_two_requests() {
        let (s, t) = cat();
        let c = both(&s, &t);
        let day = |d: u32| Some(DateSpec::Day(NaiveDate::from_ymd_opt(2030, 1, d).unwrap()));
        let r = read_customer(
            "a las do y media hoy hay hueco? pa arreglarme la barba",
            now(),
            c,
        );
        assert_eq!(
            r.when.time,
            Some(TimeSpec::At(
                chrono::NaiveTime::from_hms_opt(14, 30, 0).unwrap()
            ))
        );
        let r = read_customer("se puede cambiar pa pasao mañana?", now(), c);
        assert_eq!(r.when.date, day(9));
        let r = read_customer(
            "quería mover lo de pelo y barba ar domingo, ¿abrís?",
            now(),
            c,
        );
        assert_eq!((r.intent, r.when.date), (Intent::Reschedule, day(13)));
        let r = read_customer(
            "illo me la mueves a la semana que viene? er martes o er miércoles, lo que haya",
            now(),
            c,
        );
        assert_eq!(
            r.when.date,
            Some(DateSpec::Range {
                first: NaiveDate::from_ymd_opt(2030, 1, 15).unwrap(),
                last: NaiveDate::from_ymd_opt(2030, 1, 16).unwrap(),
            })
        );
        for text in [
            "kiero pedir cita pa mi hijo, pa pelarlo, mañana sobre las 5",
            "hay sitio er sábado? somos do, mi niño y yo, pa pelarnos",
        ] {
            let r = read_customer(text, now(), c);
            assert_eq!(r.service.as_deref(), Some("Corte de cabello"), "{text}");
        }
        for text in [
            "venga quillo borra la cita, ya me pelo en otro lao",
            "ey abren hoy? con este norte no sé si abrieron",
        ] {
            assert_eq!(read_customer(text, now(), c).service, None, "{text}");
        }
        let r = read_customer(
            "cancela la cita de mi esposo, Raúl, la del sábado",
            now(),
            c,
        );
        assert_eq!(r.name.as_deref(), Some("Raúl"));
        let r = read_customer(
            "cambia mi cita a nombre de Lupita Ramos, la de las 12, pa las 3",
            now(),
            c,
        );
        assert_eq!(
            r.when.time,
            Some(TimeSpec::At(
                chrono::NaiveTime::from_hms_opt(15, 0, 0).unwrap()
            ))
        );
        for text in [
            "la cita con Pedro pásamela con Ana si se puede, mismo día",
            "quiero pasar mi cita con Ana, con Pedro ya no",
            "mi turno con Pedro, ¿me lo podés pasar con Ana? mismo día y hora",
        ] {
            assert_eq!(
                read_customer(text, now(), c).staff.as_deref(),
                Some("Ana Torres"),
                "{text}"
            );
        }
        assert_eq!(
            read_staff("cambia a Hugo con Ana, ya no con Pedro", now(), c)
                .staff
                .as_deref(),
            Some("Ana Torres")
        );
        let r = read_customer("primo contéstame tú, no la máquina", now(), c);
        assert_eq!(r.intent, Intent::TalkToHuman);
        for (text, intent) in [
            (
                "decile a Nico que el viernes no estoy",
                Intent::MessageCustomer,
            ),
            ("volá el turno de Ariel", Intent::Cancel),
            (
                "que no se ofrezca más corte y barba",
                Intent::DeactivateService,
            ),
            (
                "listo, ya hablé con Juan, devolvéselo al bot",
                Intent::ReleaseHandoff,
            ),
            ("no me des turnos después de las 19 hoy", Intent::BlockTime),
        ] {
            assert_eq!(read_staff(text, now(), c).intent, intent, "{text}");
        }
        let r = read_staff(
            "decile a Lucas que ya quedó confirmado lo del sábado",
            now(),
            c,
        );
        assert_eq!(r.name.as_deref(), Some("Lucas"));
        // Two requests: the first, with its own day.
        let r = read_staff(
            "mándame mis citas de la semana que viene y de paso el link del panel",
            now(),
            c,
        );
        assert_eq!(r.intent, Intent::MySchedule);
        assert!(matches!(r.when.date, Some(DateSpec::Range { .. })));
        let r = read_staff(
            "pásame las ventas de la semana y el link del panel",
            now(),
            c,
        );
        assert_eq!(r.intent, Intent::Stats);
        // A correction after a full stop is the same request.
        let r = read_staff(
            "bloquéame el martes... perdón, el miércoles, de 4 a 6",
            now(),
            c,
        );
        assert_eq!(r.when.date, day(9));
    }

    /// A Barcelona team writing Catalan; Chilean and Caribbean customers.
    #[test]
    fn catalan_chilean_and_caribbean() {
        let (s, t) = cat();
        let c = both(&s, &t);
        let day = |d: u32| Some(DateSpec::Day(NaiveDate::from_ymd_opt(2030, 1, d).unwrap()));
        let at = |h: u32, m: u32| {
            Some(TimeSpec::At(
                chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap(),
            ))
        };
        let r = read_staff("què té en Pedro demà?", now(), c);
        assert_eq!(
            (r.intent, r.staff.as_deref(), r.when.date),
            (Intent::BusinessSchedule, Some("Pedro Ruiz"), day(8))
        );
        let r = read_staff("bloqueja'm demà de 2 a 3 q tinc metge", now(), c);
        assert_eq!((r.intent, r.when.date), (Intent::BlockTime, day(8)));
        let r = read_staff(
            "fes-me una reserva pel Toni a dos quarts de 7 d'avui",
            now(),
            c,
        );
        assert_eq!((r.intent, r.when.time), (Intent::Book, at(18, 30)));
        let r = read_staff("passa la cita de la Marta a dijous", now(), c);
        assert_eq!((r.intent, r.when.date), (Intent::Reschedule, day(10)));
        assert_eq!(
            read_staff("avui tanquem a les 7", now(), c).intent,
            Intent::ChangeHours
        );
        // Spanish that looks a little like it is read as written.
        let r = read_customer("cuánto tarda el tinte?", now(), c);
        assert_eq!(r.intent, Intent::Services);
        for (text, intent) in [
            ("ya", Intent::Yes),
            ("ya, dale", Intent::Yes),
            ("nopo", Intent::No),
            ("tato", Intent::Yes),
            ("bórreme la hora del sábado con el Pedro", Intent::Cancel),
            ("hola, me guarda una hora pa mañana?", Intent::Book),
            ("tumba lo del sábado a la' do' mi hermano", Intent::Cancel),
        ] {
            assert_eq!(read_customer(text, now(), c).intent, intent, "{text}");
        }
        assert_ne!(read_customer("ya llegué", now(), c).intent, Intent::Yes);
        assert_ne!(
            read_staff("ya, ahí muere, devuélveselo al asistente", now(), c).intent,
            Intent::Yes
        );
        let r = read_customer(
            "asere necesito un fade bajito pa hoy, a la' do' puede ser?",
            now(),
            c,
        );
        assert_eq!(r.when.time, at(14, 0));
        let r = read_customer("me cambia la del martes a las 12 pa las 2?", now(), c);
        assert_eq!(r.when.time, at(14, 0));
        let r = read_customer("cámbiame la cita de las 5 pa' las 6 porfa", now(), c);
        assert_eq!(r.when.time, at(18, 0));
        let r = read_customer("me hace falta un recorte urgente bro, hoy mismo", now(), c);
        assert_eq!(r.service.as_deref(), Some("Corte de cabello"));
        // Valencian and Catalan customers.
        let r = read_staff("què tinc hui?", now(), c);
        assert_eq!((r.intent, r.when.date), (Intent::MySchedule, day(7)));
        let r = read_staff("tanca'm esta vesprada", now(), c);
        assert_eq!(r.when.date, day(7));
        assert_eq!(
            read_staff("lleva'm el bloqueig de demà", now(), c).intent,
            Intent::Unblock
        );
        let r = read_customer("em podeu canviar la cita de dijous a divendres?", now(), c);
        assert_eq!((r.intent, r.when.date), (Intent::Reschedule, day(11)));
        assert_eq!(read_customer("on sou?", now(), c).intent, Intent::Location);
        assert_eq!(read_customer("merci!!", now(), c).intent, Intent::Thanks);
        assert_eq!(
            read_staff("va a entrar a trabajar el Jonathan, agrégalo", now(), c).intent,
            Intent::AddStaff
        );
        let r = read_customer(
            "necesito arreglarme la barba pa un matrimonio que tengo el sábado, ¿tiene hora el viernes?",
            now(),
            c,
        );
        assert_eq!(r.when.date, day(11));
    }
}
