//! A Barcelona team (or customer) writing in Catalan, or in Spanish with
//! Catalan in it («bloqueja'm de 2 a 3», «què té en Pedro demà?», «passa
//! la cita de la Marta a dijous», «dos quarts de 5») is read like one
//! writing in Spanish: a pre-pass turns the Catalan words into the Spanish
//! the reader understands, as `english` does for English.
//!
//! Only a message with a word no Spanish message uses («què», «demà»,
//! «tinc», «amb», an «l'» or «d'» before a word, a «-la» or «'m» after a
//! verb) is rewritten; a Spanish message comes back borrowed, byte for
//! byte. The rewriting works on words: a verb with its pronouns
//! («passa-la», «bloqueja'm», «canvia-li») is spelt the Spanish way
//! («pasala», «bloqueame», «cambiale»), the half hours of «dos quarts de
//! 5» become «4 y media», and a dictionary turns the rest into Spanish. A
//! word it does not know stays as it is: names, and the Spanish mixed in.

use std::borrow::Cow;

/// The message as Spanish the reader understands: `text` itself unless it
/// is written (partly) in Catalan.
pub(crate) fn with_catalan(text: &str) -> Cow<'_, str> {
    if !is_catalan(text) {
        return Cow::Borrowed(text);
    }
    let mut words: Vec<String> = Vec::new();
    for raw in text.split_whitespace() {
        words.extend(split_article(raw));
    }
    let words = quarters(&words);
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        if let Some((n, spanish)) = phrase_at(&words, i) {
            // Keep the punctuation that ended the phrase («demà passat?»).
            let last = &words[i + n - 1];
            let bare = last.trim_end_matches(|c: char| ",.;:!?»\"".contains(c));
            out.push(format!("{spanish}{}", &last[bare.len()..]));
            i += n;
            continue;
        }
        let w = &words[i];
        // «en Pedro», «na Maria», «l'Ana»: the article before a name goes.
        let next_is_name = words
            .get(i + 1)
            .is_some_and(|n| n.chars().next().is_some_and(char::is_uppercase));
        if ["en", "na"].contains(&w.as_str()) && next_is_name && i > 0 {
            i += 1;
            continue;
        }
        out.push(word(w));
        i += 1;
    }
    Cow::Owned(out.join(" "))
}

/// Words (as written, lowercase) that mark Catalan and that no Spanish
/// message uses.
const MARKERS: &[&str] = &[
    "què",
    "qué?",
    "demà",
    "avui",
    "ahir",
    "tinc",
    "tens",
    "tenim",
    "amb",
    "següent",
    "setmana",
    "tanquem",
    "obrim",
    "gràcies",
    "matí",
    "vespre",
    "migdia",
    "celles",
    "tint",
    "forat",
    "forats",
    "algú",
    "només",
    "fins",
    "meva",
    "meu",
    "seva",
    "quantes",
    "quants",
    "plego",
    "dilluns",
    "dimarts",
    "dimecres",
    "dijous",
    "divendres",
    "dissabte",
    "diumenge",
    "vingut",
    "marxat",
    "acabat",
    "esborra",
    "treu",
    "digues",
    "dóna",
    "fes",
    "sóc",
    "està",
    "també",
    "preu",
    "tall",
    "servei",
    "equip",
    "enllaç",
    "d'acord",
    "bon",
    "bona",
    "anul·la",
    "cancel·la",
    "avís",
    "ara",
    "lliure",
    "client",
    "ple",
    "horari",
    "qui",
    "hi",
    "apuja",
    "abaixa",
    "dues",
    "hores",
    "quarts",
    "mitja",
    "dinar",
    "metge",
    "banc",
    "ve",
    "pot",
    "fet",
    "llesta",
    "llest",
    "oferim",
    "fem",
    "ensenya",
    "escriu",
    "envia",
    "missatge",
    "canvia",
    "posa",
    "passa",
    "tanca",
    "bloqueja",
    "ei",
    // Valencian, and what customers write.
    "hui",
    "vesprada",
    "huit",
    "xe",
    "obriu",
    "tanqueu",
    "teniu",
    "podeu",
    "voldria",
    "vull",
    "sou",
    "puc",
    "pots",
    "fill",
    "filla",
    "cabells",
    "feina",
    "faena",
    "bloqueig",
    "bloquejos",
    "trau",
    "lleva",
    "xat",
    "vindre",
    "vindré",
    "podré",
    "moure",
    "canviar",
    "canvieu",
    "adreça",
    "quins",
    "sisplau",
    "casament",
    "arribo",
];

fn is_catalan(text: &str) -> bool {
    let mut strong = 0;
    for raw in text.split_whitespace() {
        let w = raw
            .trim_matches(|c: char| ",.;:!?¿¡()«»\"".contains(c))
            .to_lowercase();
        // «l'Ana», «d'avui», «bloqueja'm», «passa-la»: Catalan's apostrophes
        // and hyphens.
        if w.starts_with("l'") || w.starts_with("d'") || w.contains("'m") || w.contains("'n") {
            return true;
        }
        // «bon dia», «bona tarda», «qui és», «a les 10».
        if ["és", "dia", "tarda", "nit"].contains(&w.as_str()) {
            strong += 1;
        }
        if let Some((verb, clitic)) = w.split_once('-') {
            if CLITICS.iter().any(|(c, _)| *c == clitic) && verb_of(verb).is_some() {
                return true;
            }
        }
        // «hi», «ve», «fet», «ara»… alone could be something else; two
        // markers, or one that is only Catalan, decide.
        if MARKERS.contains(&w.as_str()) {
            let only_catalan = ![
                "hi", "ve", "fet", "ara", "bon", "bona", "fes", "pot", "fem", "banc", "ple",
                "posa", "passa", "tanca", "envia", "client", "qui", "ei", "xe", "lleva",
            ]
            .contains(&w.as_str());
            strong += if only_catalan { 2 } else { 1 };
        }
    }
    strong >= 2
}

/// «l'Ana» → «Ana», «l'agenda» → «la agenda», «d'avui» → «de avui»,
/// «d'en Pol» → «de en Pol»: the apostrophe's article or preposition apart.
fn split_article(raw: &str) -> Vec<String> {
    let lower = raw.to_lowercase();
    for (lead, spanish) in [("l'", "la"), ("d'", "de"), ("l’", "la"), ("d’", "de")] {
        if lower.starts_with(lead) && raw.len() > lead.len() {
            let rest = &raw[lead.len()..];
            let name = rest.chars().next().is_some_and(char::is_uppercase);
            let mut out = Vec::new();
            if !(name && lead.starts_with('l')) {
                out.push(spanish.to_string());
            }
            out.extend(split_article(rest));
            return out;
        }
    }
    vec![raw.to_string()]
}

/// «dos quarts de 5» → «4 y media», «un quart de 7» → «6 y cuarto»,
/// «tres quarts de 10» → «9 y 45», «dos quarts d'1» → «12 y media».
fn quarters(words: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let w = words[i].to_lowercase();
        let q = match w.as_str() {
            "un" => Some("cuarto"),
            "dos" => Some("media"),
            "tres" => Some("45"),
            _ => None,
        };
        let is_quart = words
            .get(i + 1)
            .is_some_and(|n| n.eq_ignore_ascii_case("quart") || n.eq_ignore_ascii_case("quarts"));
        let hour = words.get(i + 3).and_then(|h| {
            h.trim_matches(|c: char| !c.is_ascii_digit())
                .parse::<u32>()
                .ok()
        });
        if let (Some(q), true, true, Some(h)) = (
            q,
            is_quart,
            words.get(i + 2).is_some_and(|d| d == "de"),
            hour,
        ) {
            let before = if h <= 1 { 12 } else { h - 1 };
            let tail: String = words[i + 3]
                .chars()
                .filter(|c| !c.is_ascii_digit())
                .collect();
            out.push(format!("{before} y {q}{tail}"));
            i += 4;
            continue;
        }
        out.push(words[i].clone());
        i += 1;
    }
    out
}

/// Pronouns after a verb: «passa-la», «bloqueja'm», «tanca-ho».
const CLITICS: &[(&str, &str)] = &[
    ("m", "me"),
    ("me", "me"),
    ("la", "la"),
    ("les", "las"),
    ("lo", "lo"),
    ("l", "lo"),
    ("li", "le"),
    ("ho", "lo"),
    ("los", "los"),
    ("ns", "nos"),
    ("nos", "nos"),
    ("hi", ""),
];

/// The imperatives staff use, as Spanish spells them.
const VERBS: &[(&str, &str)] = &[
    ("passa", "pasa"),
    ("bloqueja", "bloquea"),
    ("desbloqueja", "desbloquea"),
    ("tanca", "cierra"),
    ("obre", "abre"),
    ("canvia", "cambia"),
    ("treu", "quita"),
    ("posa", "pon"),
    ("dona", "da"),
    ("dóna", "da"),
    ("ensenya", "ensena"),
    ("escriu", "escribe"),
    ("envia", "envia"),
    ("registra", "registra"),
    ("reserva", "reserva"),
    ("fes", "haz"),
    ("tapa", "tapa"),
    ("marca", "marca"),
    ("apuja", "sube"),
    ("abaixa", "baja"),
    ("esborra", "borra"),
    ("anul·la", "anula"),
    ("anulla", "anula"),
    ("cancel·la", "cancela"),
    ("cancella", "cancela"),
    ("digues", "di"),
    ("avisa", "avisa"),
    ("apunta", "apunta"),
    ("desapunta", "cancela"),
    ("mou", "mueve"),
    ("agenda", "agenda"),
    ("truca", "llama"),
    ("allarga", "alarga"),
    ("deixa", "deja"),
    ("torna", "regresa"),
    ("retorna", "regresa"),
    ("agafa", "toma"),
    ("mira", "mira"),
    ("afegeix", "agrega"),
    ("elimina", "elimina"),
    ("desactiva", "desactiva"),
    ("activa", "activa"),
    ("baixa", "baja"),
    ("puja", "sube"),
    ("lleva", "quita"),
    ("trau", "quita"),
    ("fica", "pon"),
    ("comenta", "comenta"),
    ("afig", "agrega"),
    ("amaga", "desactiva"),
    ("avança", "adelanta"),
    ("endarrereix", "atrasa"),
    ("canvieu", "cambien"),
    ("passeu", "pasen"),
    ("anul·leu", "anulen"),
    ("cancel·leu", "cancelen"),
    ("reserveu", "reserven"),
    ("apunteu", "apunten"),
];

fn verb_of(v: &str) -> Option<&'static str> {
    VERBS.iter().find(|(c, _)| *c == v).map(|(_, s)| *s)
}

/// Several words said one way in Catalan and another in Spanish.
const PHRASES: &[(&[&str], &str)] = &[
    (&["demà", "passat"], "pasado mañana"),
    (&["hi", "ha"], "hay"),
    (&["hi", "haurà"], "habrá"),
    (&["no", "hi", "sóc"], "no estoy"),
    (&["no", "hi", "seré"], "no estaré"),
    (&["hi", "sóc"], "estoy"),
    (&["la", "setmana", "que", "ve"], "la semana que viene"),
    (&["el", "dilluns", "que", "ve"], "el lunes"),
    (&["al", "matí"], "en la mañana"),
    (&["pel", "matí"], "en la mañana"),
    (&["el", "matí"], "en la mañana"),
    (&["del", "matí"], "de la mañana"),
    (&["a", "la", "tarda"], "en la tarde"),
    (&["per", "la", "tarda"], "en la tarde"),
    (&["la", "tarda"], "la tarde"),
    (&["del", "vespre"], "de la noche"),
    (&["al", "vespre"], "en la noche"),
    (&["del", "migdia"], "de la tarde"),
    (&["a", "primera", "hora"], "a primera hora"),
    (&["a", "les"], "a las"),
    (&["de", "les"], "de las"),
    (&["i", "mitja"], "y media"),
    (&["ha", "vingut"], "vino"),
    (&["no", "ha", "vingut"], "no vino"),
    (&["no", "ve"], "no viene"),
    (&["ha", "marxat"], "se fue"),
    (&["ja", "ha", "marxat"], "ya se fue"),
    (&["he", "acabat"], "termine"),
    (&["ja", "he", "acabat"], "ya termine"),
    (&["ha", "plegat"], "renuncio"),
    (&["ha", "trucat"], "llamo"),
    (&["ha", "avisat"], "aviso"),
    (&["com", "ha", "anat"], "como nos fue"),
    (&["com", "ha", "anat", "avui"], "como nos fue hoy"),
    (&["sense", "cita"], "sin cita"),
    (&["de", "passada"], "sin cita"),
    (&["no", "disponible"], "no disponible"),
    (&["alguna", "cosa"], "algo"),
    (&["una", "mica"], "un poco"),
    (&["bon", "dia"], "buenos dias"),
    (&["bona", "tarda"], "buenas tardes"),
    (&["bona", "nit"], "buenas noches"),
    (&["de", "acord"], "de acuerdo"),
    (&["d'acord"], "de acuerdo"),
    (&["de", "alta"], "de alta"),
    (&["dóna", "de", "alta"], "da de alta a"),
    (&["dona", "de", "alta"], "da de alta a"),
    (&["avisa", "la"], "avisale a"),
    (&["avisa", "el"], "avisale al"),
    (&["avisa", "a"], "avisale a"),
    (&["digues", "al"], "dile al"),
    (&["digues", "a"], "dile a"),
    (&["digues", "a", "la"], "dile a"),
    (&["de", "baixa"], "de baja"),
    (&["ja", "no", "en", "fem"], "ya no hacemos"),
    (&["ja", "no", "oferim"], "ya no ofrecemos"),
    (&["fins", "a", "nou", "avís"], ""),
    (&["m'encarrego"], "me encargo"),
    (&["me'n", "vaig"], "me voy"),
    (&["me'n", "dones"], "me das"),
    (&["no", "em", "posis"], "no me pongas"),
    (&["no", "em", "donis"], "no me des"),
    (&["em", "passes"], "me pasas"),
    (&["a", "quina", "hora"], "a que hora"),
    (&["quina", "hora"], "que hora"),
    (&["qui", "és"], "quien es"),
    (&["qui", "és", "el", "següent"], "quien sigue"),
    (&["el", "següent"], "el siguiente"),
    (&["per", "dinar"], "para comer"),
    (&["per", "obres"], "por obras"),
    (&["esta", "vesprada"], "hoy en la tarde"),
    (&["aquesta", "tarda"], "hoy en la tarde"),
    (&["de", "vesprada"], "en la tarde"),
    (&["per", "la", "vesprada"], "en la tarde"),
    (&["a", "la", "vesprada"], "en la tarde"),
    (&["de", "matí"], "en la mañana"),
    (&["passa-li", "a"], "dile a"),
    (&["passa-li", "al"], "dile al"),
    (&["passa-li", "a", "la"], "dile a"),
    (&["s'ha", "presentat"], "se presento"),
    (&["no", "s'ha", "presentat"], "no se presento"),
    (&["m'ha", "deixat", "plantat"], "me dejo plantado"),
    (&["ara", "no"], "ahora no"),
    (&["millor", "no"], "mejor no"),
    (&["de", "moment", "no"], "por ahora no"),
    (&["de", "moment"], "por ahora"),
    (&["em", "sembla", "bé"], "me parece bien"),
    (&["em", "va", "bé"], "me va bien"),
    (&["no", "em", "va", "bé"], "no me va bien"),
    (&["quant", "triga"], "cuánto tarda"),
    (&["quanta", "estona"], "cuánto tiempo"),
    (&["cap", "de", "setmana"], "fin de semana"),
    (&["aquest", "cap", "de", "setmana"], "este fin de semana"),
    (&["en", "lloc", "de"], "en vez de"),
    (&["en", "comptes", "de"], "en vez de"),
    (&["a", "nom", "de"], "a nombre de"),
    (&["si", "us", "plau"], "por favor"),
    (&["fins", "aviat"], "hasta pronto"),
    (&["carn", "i", "ossos"], "una persona"),
    (&["no", "arribo"], "no llego"),
    (&["no", "vindré"], "no voy a ir"),
    (&["no", "podré", "venir"], "no podre ir"),
    (&["no", "podré", "anar"], "no podre ir"),
    (&["no", "podré", "anar-hi"], "no podre ir"),
    (&["no", "puc", "anar"], "no puedo ir"),
    (&["hauria", "de"], "tengo que"),
    (&["es", "pot"], "se puede"),
    (&["i", "quart"], "y cuarto"),
    (&["tots", "els", "meus"], "todos mis"),
    (&["la", "mateixa", "hora"], "la misma hora"),
    (&["m'ha", "sortit"], "me salio"),
    (&["des", "de", "les"], "desde las"),
];

fn phrase_at(words: &[String], i: usize) -> Option<(usize, &'static str)> {
    let clean = |w: &String| {
        w.trim_matches(|c: char| ",.;:!?¿¡()«»\"".contains(c))
            .to_lowercase()
    };
    PHRASES
        .iter()
        .filter(|(p, _)| {
            p.len() <= words.len() - i
                && p.iter()
                    .enumerate()
                    .all(|(k, w)| clean(&words[i + k]) == *w)
        })
        .max_by_key(|(p, _)| p.len())
        .map(|(p, s)| (p.len(), *s))
}

/// Single words.
const WORDS: &[(&str, &str)] = &[
    ("què", "qué"),
    ("qui", "quién"),
    ("tinc", "tengo"),
    ("tens", "tienes"),
    ("té", "tiene"),
    ("tenim", "tenemos"),
    ("teniu", "tienen"),
    ("demà", "mañana"),
    ("avui", "hoy"),
    ("ahir", "ayer"),
    ("setmana", "semana"),
    ("matí", "mañana"),
    ("vespre", "noche"),
    ("nit", "noche"),
    ("migdia", "mediodía"),
    ("les", "las"),
    ("els", "los"),
    ("amb", "con"),
    ("per", "para"),
    ("pel", "para el"),
    ("fins", "hasta"),
    ("i", "y"),
    ("ja", "ya"),
    ("ara", "ahora"),
    ("només", "solo"),
    ("tot", "todo"),
    ("tota", "toda"),
    ("tots", "todos"),
    ("totes", "todas"),
    ("algú", "alguien"),
    ("res", "nada"),
    ("forat", "hueco"),
    ("forats", "huecos"),
    ("lliure", "libre"),
    ("ple", "lleno"),
    ("cites", "citas"),
    ("tall", "corte"),
    ("celles", "cejas"),
    ("cella", "cejas"),
    ("tint", "tinte"),
    ("preu", "precio"),
    ("preus", "precios"),
    ("hores", "horas"),
    ("dues", "dos"),
    ("quantes", "cuántas"),
    ("quants", "cuántos"),
    ("com", "cómo"),
    ("següent", "siguiente"),
    ("client", "cliente"),
    ("clients", "clientes"),
    ("clienta", "clienta"),
    ("senyor", "señor"),
    ("senyora", "señora"),
    ("obrim", "abrimos"),
    ("tanquem", "cerramos"),
    ("obro", "abro"),
    ("tanco", "cierro"),
    ("plego", "salgo"),
    ("allarguem", "alargamos"),
    ("ve", "viene"),
    ("vindrà", "vendrá"),
    ("acabat", "terminado"),
    ("acabada", "terminada"),
    ("acabo", "termino"),
    ("fet", "hecho"),
    ("feta", "hecha"),
    ("llesta", "lista"),
    ("llest", "listo"),
    ("completada", "completada"),
    ("meva", "mi"),
    ("meu", "mi"),
    ("meves", "mis"),
    ("meus", "mis"),
    ("seva", "su"),
    ("seu", "su"),
    ("estadístiques", "estadísticas"),
    ("enllaç", "link"),
    ("equip", "equipo"),
    ("horari", "horario"),
    ("servei", "servicio"),
    ("serveis", "servicios"),
    ("oferim", "ofrecemos"),
    ("fem", "hacemos"),
    ("pot", "puede"),
    ("vol", "quiere"),
    ("prefereix", "prefiere"),
    ("necessito", "necesito"),
    ("vacances", "vacaciones"),
    ("festa", "festivo"),
    ("dinar", "comer"),
    ("banc", "banco"),
    ("metge", "doctor"),
    ("gràcies", "gracias"),
    ("ei", "hey"),
    ("també", "también"),
    ("molt", "muy"),
    ("anem", "vamos"),
    ("podem", "podemos"),
    ("atendre", "atender"),
    ("missatge", "mensaje"),
    ("abans", "antes"),
    ("després", "después"),
    ("sóc", "soy"),
    ("és", "es"),
    ("està", "está"),
    ("aquest", "este"),
    ("aquesta", "esta"),
    ("sense", "sin"),
    ("quin", "qué"),
    ("quina", "qué"),
    ("on", "dónde"),
    ("quan", "cuándo"),
    ("quant", "cuánto"),
    ("costa", "cuesta"),
    ("val", "cuesta"),
    ("reserva", "reserva"),
    ("historial", "historial"),
    ("avisat", "avisado"),
    ("trucat", "llamado"),
    ("dona", "da"),
    ("dóna", "da"),
    ("em", "me"),
    ("et", "te"),
    ("el", "el"),
    ("al", "al"),
    ("del", "del"),
    ("mitja", "media"),
    ("mig", "medio"),
    ("canvi", "cambio"),
    ("cap", "ningún"),
    ("ningú", "nadie"),
    ("junt", "junto"),
    ("gent", "gente"),
    ("hui", "hoy"),
    ("vesprada", "tarde"),
    ("huit", "ocho"),
    ("bloqueig", "bloqueo"),
    ("bloquejos", "bloqueos"),
    ("xat", "chat"),
    ("conteste", "contesto"),
    ("porte", "llevo"),
    ("perruquera", "barbera"),
    ("perruquer", "barbero"),
    ("buit", "hueco"),
    ("vindre", "venir"),
    ("puga", "pueda"),
    ("vore", "ver"),
    ("xiquet", "niño"),
    ("endavant", "adelante"),
    ("obriu", "abren"),
    ("tanqueu", "cierran"),
    ("sou", "están"),
    ("adreça", "dirección"),
    ("quins", "qué"),
    ("llista", "lista"),
    ("merci", "gracias"),
    ("gracies", "gracias"),
    ("inclou", "incluye"),
    ("canviar", "cambiar"),
    ("moure", "mover"),
    ("avançar", "adelantar"),
    ("endarrerir", "atrasar"),
    ("treure", "quitar"),
    ("desapuntar", "cancelar"),
    ("trucar", "llamar"),
    ("parlar", "hablar"),
    ("tenyir", "teñir"),
    ("talleu", "cortan"),
    ("arregleu", "arreglan"),
    ("barbes", "barbas"),
    ("pentinats", "peinados"),
    ("casament", "boda"),
    ("voldria", "quisiera"),
    ("vull", "quiero"),
    ("cal", "hay que"),
    ("podeu", "pueden"),
    ("podríem", "podríamos"),
    ("mateixa", "misma"),
    ("maca", "guapa"),
    ("bones", "buenas"),
    ("sisplau", "por favor"),
    ("fill", "hijo"),
    ("filla", "hija"),
    ("pare", "padre"),
    ("mare", "madre"),
    ("nens", "niños"),
    ("nenes", "niñas"),
    ("rentar", "lavar"),
    ("cabells", "cabello"),
    ("cabell", "cabello"),
    ("qualsevol", "cualquiera"),
    ("menys", "menos"),
    ("reservat", "reservado"),
    ("feina", "trabajo"),
    ("puc", "puedo"),
    ("pots", "puedes"),
    ("vaig", "voy"),
    ("plantat", "plantado"),
    ("prompte", "temprano"),
];

/// One word: a verb with its pronouns, or the dictionary's Spanish, or the
/// word as written.
fn word(raw: &str) -> String {
    let lead: String = raw.chars().take_while(|c| "¿¡(«\"".contains(*c)).collect();
    let body = &raw[lead.len()..];
    let core = body.trim_end_matches(|c: char| ",.;:!?)»\"".contains(c));
    let tail = &body[core.len()..];
    let lower = core.to_lowercase();
    // «passa-la», «canvia-li», «bloqueja'm», «posa'm», «tanca-ho».
    let split = lower
        .split_once('-')
        .or_else(|| lower.split_once('\'').or_else(|| lower.split_once('’')));
    if let Some((verb, clitics)) = split {
        if let Some(spanish) = verb_of(verb) {
            let pronouns: Option<Vec<&str>> = clitics
                .split(['-', '\''])
                .map(|c| CLITICS.iter().find(|(k, _)| *k == c).map(|(_, s)| *s))
                .collect();
            if let Some(p) = pronouns {
                return format!("{lead}{spanish}{}{tail}", p.concat());
            }
        }
    }
    if let Some((_, spanish)) = WORDS.iter().find(|(c, _)| *c == lower) {
        return format!("{lead}{spanish}{tail}");
    }
    if let Some(spanish) = verb_of(&lower) {
        return format!("{lead}{spanish}{tail}");
    }
    raw.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_is_left_as_it_is() {
        for text in [
            "bloquéame de 2 a 3",
            "¿qué tengo mañana?",
            "cancela la cita de Marta",
            "hi, what's on tomorrow?",
            "ve a ver si ya llegó",
        ] {
            assert!(matches!(with_catalan(text), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn catalan_reads_as_spanish() {
        for (catalan, spanish) in [
            ("què tinc demà?", "qué tengo mañana?"),
            ("bloqueja'm de 2 a 3", "bloqueame de 2 a 3"),
            (
                "passa la cita de la Marta a dijous",
                "pasa la cita de la Marta a dijous",
            ),
            (
                "què té en Pedro avui al matí",
                "qué tiene Pedro hoy en la mañana",
            ),
            (
                "les cites de l'Ana de demà passa-les amb en Carlos",
                "las citas de Ana de mañana pasalas con Carlos",
            ),
            (
                "fes-me una reserva pel Toni a dos quarts de 7 d'avui",
                "hazme una reserva para el Toni a 6 y media de hoy",
            ),
            (
                "qui hi ha apuntat demà passat a la tarda",
                "quién hay apuntat pasado mañana en la tarde",
            ),
            ("dos quarts d'1", "12 y media"),
        ] {
            assert_eq!(with_catalan(catalan), spanish, "{catalan}");
        }
    }
}
