//! Deterministic intent classifier for WhatsApp messages in Mexican
//! Spanish, from customers and from staff/owners.
//!
//! Rules are keyword/phrase patterns over normalised words (lowercase, no
//! accents, no punctuation, WhatsApp spellings like "q", "kiero", "sita"
//! folded), tried in a fixed priority order: the first rule that matches
//! wins. Short social replies (yes/no/thanks/greeting) are decided last
//! unless the message opens with "sí,"/"no," as an answer.
//!
//! The classifier does not know who is writing: `MyAppointments` ("¿cuándo
//! es mi cita?") from a staff phone should be read as `MySchedule`, and
//! staff commands from a customer phone should be ignored by the caller.

use super::fuzzy::normalize;
pub use super::words::message_words;
use super::words::words_for_emoji;

/// Labelled in snake case in the corpus (`my_schedule`, `talk_to_human`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    // ── Customers ──
    Greeting,
    /// Wants an appointment, or asks for availability ("¿hay espacio hoy?").
    Book,
    Reschedule,
    Cancel,
    /// "¿A qué hora es mi cita?", "¿tengo cita mañana?".
    MyAppointments,
    Prices,
    /// What the business offers, how long a service takes.
    Services,
    /// Opening hours.
    Hours,
    Location,
    TalkToHuman,
    Thanks,
    Yes,
    No,
    #[default]
    Unknown,
    // ── Staff / owner commands ──
    /// "¿Qué tengo hoy?" — the sender's own agenda.
    MySchedule,
    /// "Agenda de hoy", "citas de mañana" — everyone's agenda.
    BusinessSchedule,
    BlockTime,
    Unblock,
    MarkNoShow,
    MarkCompleted,
    WalkIn,
    AddStaff,
    RemoveStaff,
    ChangePermissions,
    ChangeHours,
    ChangeServiceDuration,
    ChangePrice,
    AddService,
    DeactivateService,
    Stats,
    /// A staff member takes a conversation over from the bot: "yo me
    /// encargo", "suelta la conversación", "déjamelo a mí".
    TakeOver,
    /// A staff member hands a conversation back to the bot (ends a handoff):
    /// "ya puedes seguir tú", "regrésale la conversación al bot".
    ReleaseHandoff,
    /// "Mándame el link del panel".
    MagicLink,
    /// "¿Qué sigue?", "¿quién sigue?": the next appointment.
    NextAppointment,
    /// "Historial de +52…", "¿quién es Juan Pérez?".
    CustomerHistory,
    /// "Dile a Juan que…": a message relayed to a customer.
    MessageCustomer,
}

impl Intent {
    /// Staff/owner commands (meaningless from a customer phone).
    pub fn is_staff_command(self) -> bool {
        use Intent::*;
        matches!(
            self,
            MySchedule
                | BusinessSchedule
                | BlockTime
                | Unblock
                | MarkNoShow
                | MarkCompleted
                | WalkIn
                | AddStaff
                | RemoveStaff
                | ChangePermissions
                | ChangeHours
                | ChangeServiceDuration
                | ChangePrice
                | AddService
                | DeactivateService
                | Stats
                | TakeOver
                | ReleaseHandoff
                | MagicLink
                | NextAppointment
                | CustomerHistory
                | MessageCustomer
        )
    }

    /// Owner-level commands: changing the team, prices, hours, services.
    pub fn is_owner_command(self) -> bool {
        use Intent::*;
        matches!(
            self,
            AddStaff
                | RemoveStaff
                | ChangePermissions
                | ChangeHours
                | ChangeServiceDuration
                | ChangePrice
                | AddService
                | DeactivateService
                | Stats
        )
    }
}

/// Does the pattern word match the message word? A trailing `*` makes the
/// pattern a prefix; `#` matches any number.
fn word_matches(pattern: &str, word: &str) -> bool {
    if pattern == "#" {
        return word.chars().all(|c| c.is_ascii_digit());
    }
    match pattern.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => pattern == word,
    }
}

/// Does `phrase` (space-separated pattern words) occur as consecutive words
/// of the message?
fn has(words: &[String], phrase: &str) -> bool {
    let pat: Vec<&str> = phrase.split(' ').collect();
    if pat.len() > words.len() {
        return false;
    }
    words
        .windows(pat.len())
        .any(|w| w.iter().zip(&pat).all(|(word, p)| word_matches(p, word)))
}

fn has_any(words: &[String], phrases: &[&str]) -> bool {
    phrases.iter().any(|p| has(words, p))
}

/// One classification rule: matches when some `any` phrase occurs, or when
/// every group of `all` has an occurrence, and no `none` phrase occurs.
struct Rule {
    intent: Intent,
    any: &'static [&'static str],
    all: &'static [&'static [&'static str]],
    none: &'static [&'static str],
}

impl Rule {
    /// `clauses` are the message's words cut at punctuation: a `none`
    /// phrase must sit inside one («ya no, cancela todo» is not «no
    /// cancela»).
    fn matches(&self, words: &[String], clauses: &[Vec<String>]) -> bool {
        let hit = has_any(words, self.any)
            || (!self.all.is_empty() && self.all.iter().all(|g| has_any(words, g)));
        hit && !clauses.iter().any(|c| has_any(c, self.none))
    }
}

const STAFF_NOUNS: &[&str] = &[
    "empleado*",
    "empleada*",
    "barbero*",
    "barbera*",
    "estilista*",
    "manicurista*",
    "colaborador*",
    "trabajador*",
    "personal",
    "staff",
    "equipo",
    "chalan*",
];

const CANCEL_NEGATED: &[&str] = &[
    "no cancel*",
    "no quiero cancel*",
    "no la cancel*",
    "no lo cancel*",
    "no me cancel*",
    "sin cancel*",
    // «si alguien cancela avísame», «por si alguien cancela»: a waiting
    // list, not a cancellation.
    "si alguien cancel*",
    "si cancelan",
    "si alguien mas cancel*",
    "no vayas a cancel*",
    // «cancelé a Memo por error, vuélvelo a agendar»: booked again.
    "vuelv* a agend*",
    "vuelv* a apart*",
    "agendal* de nuevo",
    "agendal* otra vez",
];

/// «cancelé a Memo por error, vuélvelo a agendar»: an appointment booked
/// again, whatever cancelled it (the last four phrases that keep a message
/// from reading as a cancellation).
pub(crate) fn books_again(text: &str) -> bool {
    has_any(
        &message_words(text),
        &CANCEL_NEGATED[CANCEL_NEGATED.len() - 4..],
    )
}

/// Rules in priority order: the first match wins.
const RULES: &[Rule] = &[
    Rule {
        intent: Intent::TalkToHuman,
        any: &[
            "hablar con alguien",
            // «contéstame tú, no la máquina»
            "no la maquina",
            "no una maquina",
            // Chile: «¿me comunicai con alguien?»
            "comunicai con",
            "me comunica con",
            "comunicame con",
            "hablar con una persona",
            "hablar con un humano",
            "hablar con el dueno",
            "hablar con la duena",
            "hablar con el encargado",
            "hablar con la encargada",
            "hablar con el jefe",
            "hablar con la jefa",
            "hablar con un asesor",
            "hablar con una asesora",
            "persona real",
            "ser humano",
            "un humano",
            "con una persona",
            "alguien real",
            "comunicame con",
            "me comunicas con",
            "pasame con",
            "pasame al",
            "pasame a la",
            "quiero hablar con",
            "necesito hablar con",
            "puedo hablar con",
            "eres un bot",
            "eres bot",
            "eres robot",
            "eres un robot",
            "eres una maquina",
            "asesor",
            "asesora",
            "operador*",
            "atencion personal",
            "que me llame alguien",
            "que alguien me llame",
            "que me marquen",
            "me puede llamar alguien",
            "me puede marcar alguien",
            "me pueden marcar",
            "me puedes marcar",
            "me pueden llamar",
            "me puedes llamar",
            "marquenme",
            "llamenme",
            "alguien del equipo",
            "alguien me ayude",
            "me ayude con",
            "pasar con",
            "que me marque",
            "quisiera hablar con",
            "comunicarme con",
            "talk to",
            "eres persona",
            "persona o maquina",
            "llamame",
            "atender por telefono",
            "atienda por telefono",
            "me puede llamar",
            "me puedes hablar",
            "me pueden hablar",
            "con el dueno",
            "en persona",
            "numero al que pueda llamar",
            "prefiero hablarlo",
            "me puede marcar",
            "atender una persona",
            "atienda una persona",
            "marcame",
            "que me hable",
            "carne y hueso",
            "me devuelva la llamada",
            "me devuelvan la llamada",
            "me regrese la llamada",
            "con quien puedo hablar",
            "comuniqueme con",
            "comuniquenme con",
            "que una persona",
            "alguien que me atienda",
            "comunicar con alguien",
            "hablar con un barbero",
            "hablar con el barbero",
            "que me llame el",
            "que me llame la",
            "me marcas",
            "me puede hablar",
            "me puede contestar",
            "me puedes contestar",
            "una persona me conteste",
            "contestar una persona",
            "hay alguien ahi",
            "alguien ahi",
            "me podria llamar alguien",
            "puede alguien llamarme",
            "alguien me puede llamar",
            "alguien me llame",
            "call me",
            "someone call",
            "habla ingles",
            "speaks english",
            "speak english",
            "persona que me pueda atender",
            "persona que me atienda",
            "me pasas con el encargado",
            "me pasas con la encargada",
            "me pasas con el dueno",
            "platicar con el",
            "platicar con ella",
            "alguien de ahi",
            "alguien de alli",
            "el bot no me entiende",
            "no me entiende*",
            "una persona",
            "me marcan",
            "marquenme",
            "me pueden marcar",
            "me comunica con",
            "me podria comunicar con",
            "me puede comunicar con",
            "comunicar con",
            "pueda llamar directo",
            "llamar directo",
            "me pueda marcar",
            "me pueda llamar",
            "a human",
            "speak with someone",
            "speak to someone",
            "real person",
            "speak with a",
            "speak to a",
            "paseme con",
            "les puedo llamar",
            "puedo llamar",
            "llameme",
            "marqueme",
            "hableme",
            "call someone",
            "talk to someone",
            "can i call",
            "alguien me conteste",
            "no el bot",
            "me comunican con",
            "alguien atendiendo",
            "puro robot",
            "alguien de verdad",
            "comunicarse conmigo",
            "comuniquese conmigo",
        ],
        all: &[],
        // «cambio de planes, pásame al finde»: a day, not a person.
        none: &[
            "al finde",
            "al lunes",
            "al martes",
            "al miercoles",
            "al jueves",
            "al viernes",
            "al sabado",
            "al domingo",
        ],
    },
    Rule {
        intent: Intent::TakeOver,
        any: &[
            "yo me encargo",
            "yo lo atiendo",
            "yo contesto",
            "yo respondo",
            "yo atiendo al",
            "yo atiendo a la",
            "yo la atiendo",
            "yo le contesto",
            "yo le respondo",
            "yo le escribo",
            "dejamelo a mi",
            "dejame contestar*",
            "dejame responder*",
            "dejame a mi",
            "dejamela a mi",
            "dejamelo",
            "dejamela",
            "suelta la conversacion",
            "suelta el chat",
            "suelta la platica",
            "tomo la conversacion",
            "tomo el chat",
            "tomo el control",
            "pausa el bot",
            "deja de contestar*",
            "ya no le contestes",
            "ya no contestes",
            "deja ese chat",
            "deja el chat",
            "yo lo llevo",
            "yo la llevo",
            "yo hablo con",
            "ya no le respondas",
            "ya no le contestes a",
            "para el bot",
            "la cojo yo",
            "me escribo yo",
            "le escribo yo",
            "no le contestes",
            "tomo yo el chat",
            "le contesto yo",
            "quieto bot",
            "lo tomo yo",
            "la tomo yo",
            "yo le sigo",
            "yo sigo con",
            "me lo quedo yo",
            "me la quedo yo",
            "lo atiendo yo",
            "la atiendo yo",
            "dejame ese chat",
            "pasame la conversacion",
            "pasame el chat",
            "ese chat me lo quedo",
            "yo me lo quedo",
            "no le respondas",
            "ya me encargo yo",
            "lo llevo yo",
            "me encargo yo",
            "bot off",
            "takeover",
            "yo tomo ese chat",
            "yo tomo el chat",
            "tomo ese chat",
            "yo lo tomo",
            "yo la tomo",
        ],
        all: &[],
        // «llegó doña Mary sin avisar, la atiendo yo»: a walk-in; «ya no
        // lo atiendo yo, regrésalo al automático»: handed back.
        none: &[
            "llego",
            "sin cita",
            "sin avisar",
            "automatico",
            "ya no lo atiendo",
            "ya no la atiendo",
        ],
    },
    Rule {
        intent: Intent::ReleaseHandoff,
        any: &[
            "sigue tu",
            "siguele tu",
            "continua tu",
            "ya puedes seguir",
            "ya puedes contestar",
            "ya puedes responder",
            "puedes seguir tu",
            "puedes seguir",
            "puedes contestarle",
            "ya puedes contestarle",
            "regresale el chat",
            "regresa el chat",
            "devuelvele el chat",
            "retoma la conversacion",
            "retomala",
            "retomalo",
            "regresale la conversacion",
            "devuelvele la conversacion",
            "reactiva el bot",
            "activa el bot",
            "libera la conversacion",
            "cierra el handoff",
            "termina el handoff",
            "ya quedo atendido",
            "ya quedo atendida",
            "vuelve a activar el bot",
            "todo tuyo",
            "todo tuya",
            "vuelve a contestarle",
            "vuelve a contestar",
            "puedes retomar",
            "retoma tu",
            "suelto la conversacion",
            "suelto el chat",
            "te lo regreso",
            "te la regreso",
            "atender tu otra vez",
            "ya puedes atender tu",
            "contestale tu",
            "te lo devuelvo",
            "te la devuelvo",
            "que siga el bot",
            "que le siga el bot",
            "el bot le siga",
            "ahi te lo dejo",
            "ahi te la dejo",
            "agarralo otra vez",
            "agarrala otra vez",
            "ya lo puedes atender",
            "ya la puedes atender",
            "que lo atienda el bot",
            "que la atienda el bot",
            "volver a contestar tu",
            "te lo paso otra vez",
            "te la paso otra vez",
            "bot tuyo",
            "bot on",
            "atiendelo tu",
            "atiendela tu",
            "tu siguele",
            "tu siguele con",
            "ya no lo atiendo",
            "ya no la atiendo",
            "modo automatico",
            "regresalo al bot",
            "regresala al bot",
            "regresaselo al bot",
            "que siga el asistente",
            "que le siga el asistente",
            "devuelvo al bot",
            "se lo devuelvo",
            "se la devuelvo",
            "regreso al bot",
            // Colombian usted: «devuélvale el chat al bot», «Camilo es
            // todo suyo otra vez».
            "devuelvale el chat",
            "devolveselo",
            "devuelveselo",
            "devuelvesela",
            "devolvesela",
            "devolvelo al bot",
            "devolvela al bot",
            "devuelvale la conversacion",
            "devuelva el chat",
            "todo suyo",
            "toda suya",
        ],
        all: &[],
        none: &[],
    },
    Rule {
        intent: Intent::MagicLink,
        any: &[
            // «no me llega el link», «mándame otro link», «mándame el acceso»
            "el link",
            "otro link",
            "nuevo link",
            "mi link",
            "el enlace",
            "la liga",
            "mandame el acceso",
            "panel",
            "dashboard",
            "iniciar sesion",
            "inicio de sesion",
            "login",
            "alguna pagina",
            "una app",
            "pagina o app",
        ],
        all: &[
            &[
                "link*", "liga*", "enlace*", "acceso", "entrar", "entro", "ingresar", "ingreso",
                "url",
            ],
            // «acaba de entrar Don Pancho» is a walk-in: going in needs
            // somewhere to go.
            &[
                "panel",
                "pagina",
                "web",
                "admin*",
                "sistema",
                "plataforma",
                "portal",
                "compu",
                "computadora",
                "laptop",
            ],
        ],
        none: &["quitale", "quitarle"],
    },
    Rule {
        intent: Intent::Stats,
        any: &[
            "como vamos",
            "como va el mes",
            "como va la semana",
            "como nos fue",
            "como nos va",
            "como me fue",
            "como le fue",
            "estadistica*",
            "metricas",
            "numeros del mes",
            "numeros de la semana",
            "cuanto vendimos",
            "cuanto hemos vendido",
            "cuanto llevamos",
            "cuanto gane",
            "cuanto ganamos",
            "cuanto hicimos",
            "cuanto se vendio",
            "cuanto vendio",
            "cuanto ha vendido",
            "cuanto lleva",
            "cuanto sacamos",
            "factur*",
            "cuanto llevo",
            "cuantos no vinieron",
            "cuantos faltaron",
            "mis numeros",
            "los numeros",
            "cuanto saque",
            "cuanto hice",
            "ingresos",
            "ventas",
            "reporte",
            "resumen del mes",
            "resumen de la semana",
            "cuantas citas llevamos",
            "cuantas citas hubo",
            "cuantas citas tuvimos",
            "cuantos clientes",
            "cuantos cortes",
            "cuantos servicios",
            "cuantas barbas",
            "cuantos tintes",
            "cuantos no show*",
            "cuanto saco",
            "cuanto hemos hecho",
            "cuanto hemos sacado",
            "que tal vamos",
            "de caja",
            "stats",
            "numeros de",
            "como cerramos el #",
            "cuanto genero",
            "la caja",
            "cuanto facturamos",
            "cuanto facturo",
            "cuanto hizo",
            "comision",
            "total del dia",
            "quien atendio mas",
            "que mas se vende",
            "mas se vende",
            "cuanto he sacado",
            "cuanto he hecho",
            // «¿qué servicio se vende más?»
            "se vende mas",
        ],
        all: &[],
        none: &[],
    },
    Rule {
        intent: Intent::MarkNoShow,
        any: &[
            "no llego",
            "no vino",
            "no se presento",
            "no asistio",
            "no show",
            "noshow",
            "dejo plantado*",
            "nos dejo plantad*",
            "nunca llego",
            "nunca vino",
            "me planto",
            "nos planto",
            "como falta",
            "falto a su cita",
            "no se aparecio",
            // Spain's perfect tense: «no se ha presentado», «no ha venido».
            "no se ha presentado",
            "no ha venido",
            "no ha llegado",
            "dejado tirad*",
            "dejo tirad*",
            "nos planta",
            "marcale falta",
            "falta a",
            "ponle falta",
            "tampoco llego",
            "tampoco vino",
            "no ha aparecido",
            "no aparecio",
            "no se ha aparecido",
            "ni se presento",
            "ni llego",
            "ni vino",
            "ponle que no vino",
            "falto",
            "faltaron",
            "marca falta",
            "pongo que alguien no vino",
            "nadie llego a la",
            "marca inasistencia",
            "inasistencia",
            "falta pa",
            "no presentado",
            "no presentada",
            "ns #",
            "nou chou",
        ],
        all: &[],
        none: &[
            "voy",
            "mi cita",
            "puedo",
            "alcanzo",
            "a tiempo",
            "llegar",
            "mensaje",
            "recordatorio",
            "link",
            "codigo",
            "correo",
            "notificacion",
            "confirmacion",
            "cuantos",
        ],
    },
    Rule {
        intent: Intent::MarkCompleted,
        any: &[
            "ya termine",
            "termine con",
            "ya acabe",
            "acabe con",
            "ya quedo",
            "ya atendi",
            "ya lo atendi",
            "ya la atendi",
            "marca* como completad*",
            "marca* como terminad*",
            "completada",
            "completado",
            "como atendid*",
            "listo con",
            "ya se fue",
            "ya quedo el",
            "ya quedo la",
            "listo el de las",
            "listo la de las",
            "listo el corte",
            "ya salio",
            "se ha ido",
            "he terminado",
            "he acabado",
            "ya atendio",
            "atendio al",
            "atendio a la",
            "listo el fade",
            "terminamos con",
            "ya cobre",
            "ya le cobre",
            "ya quede con",
            "quede con el",
            "quede con la",
            "las # ya esta",
            "listo el tinte",
            "listo la barba",
            "lista la barba",
            "listo el arreglo",
            "marca como hecha",
            "marca como hecho",
            "marcala como hecha",
            "ya acabo con",
            "ya termino con",
            "finalizada",
            "finalizado",
            "ya despache",
            "despache al",
            "despache a",
            "ya cobrado",
            "finiquitado",
            "finiquitada",
            "despacho al",
            "despacho a",
            "termine el de",
            "termine la de",
            "done con",
            "terminado",
            "fin cita",
            "marcalo como hecho",
            "acabo de terminar",
            "hecho el corte",
            "pagado y fuera",
            "done",
            "acabe",
            "hecho lo de",
            "hecho el de",
            "hecha la de",
            "por hecho lo de",
            // In bulk: «marca todas las de hoy como completadas», «márcame
            // atendidas las de la mañana», «ponle hecho a lo de Pedro».
            "completadas",
            "completados",
            "marca* atendid*",
            "marca* * atendid*",
            "terminadas",
            "ponle hecho",
            "ponles hecho",
            // «la cita de las 10 ya se hizo»
            "ya se hizo",
        ],
        all: &[],
        none: &["mi cita", "conversacion"],
    },
    Rule {
        intent: Intent::WalkIn,
        any: &[
            "sin cita",
            // The River Plate: «se presentó Gonzalo sin turno».
            "sin turno",
            "walk in",
            "walkin",
            "walk ins",
            "acaba de llegar",
            "acaba de entrar",
            "acaban de llegar",
            "llego un cliente",
            "llego una clienta",
            "llego alguien",
            "llegaron # para",
            "llegaron # pa",
            "llegaron dos",
            "llegaron tres",
            "llego la senora",
            "llego el senor",
            "llego la senorita",
            "entro un",
            "entro una",
            "llego una chica",
            "llego un chico",
            "llego una muchacha",
            "llego un muchacho",
            "llego un chamaco",
            "llego un morro",
            "llego una morra",
            "llego un nino",
            "llego una nina",
            "ha entrado un",
            "ha entrado una",
            "llegaron # chavos",
            "llegaron # clientes",
            "llegaron # personas",
            "llego un senor",
            "llego una senora",
            "llego un chavo",
            "llego una chava",
            "tengo un cliente aqui",
            "tengo una clienta aqui",
            "esta aqui un cliente",
            "aqui esta un cliente",
            "cliente en el local",
            "registra a un cliente",
            "registrar un cliente",
            "registra un cliente",
            "cliente de paso",
            "de paso",
            "sin reserva",
            "asi nomas",
            "registra a",
            "sin avisar",
            "de sorpresa",
            "se me sento",
            "de la calle",
            "sin apartar",
            "walk in",
            "walkin",
        ],
        all: &[],
        none: &[
            "puedo", "se puede", "aceptan", "atienden", "reciben", "pueden",
        ],
    },
    Rule {
        intent: Intent::AddService,
        any: &[
            "nuevo servicio",
            "agrega* servicio",
            "agrega* el servicio",
            "agrega* un servicio",
            "anade el servicio",
            "crea* servicio",
            "crea* un servicio",
            "dar de alta el servicio",
            "da de alta el servicio",
            "vamos a ofrecer",
            "ahora ofrecemos",
            "ahora tambien hacemos",
            "vamos a meter",
            "quiero ofrecer",
            "queremos ofrecer",
            "vamos a empezar a hacer",
            "en el catalogo",
            "servicio nuevo",
            "al catalogo",
            "agrega el servicio",
            "agregar el servicio",
            "vuelve a poner",
        ],
        all: &[],
        none: &["ya no"],
    },
    Rule {
        intent: Intent::DeactivateService,
        any: &[
            "ya no hacemos",
            "ya no vamos a hacer",
            // «que no se ofrezca más corte y barba»
            "no se ofrezca",
            "dejar de ofrecer",
            "dejamos de ofrecer",
            "ya no ofrecemos",
            "ya no damos",
            "lo quitamos",
            "la quitamos",
            "ya no lo hacemos",
            "ya no vamos a ofrecer",
            "desactiva*",
            "pausa el servicio",
            "quita* el servicio",
            "elimina* el servicio",
            "borra* el servicio",
            "da de baja el servicio",
            "dar de baja el servicio",
            "quita* del menu",
            "quita* de la lista",
            "ya no ofrezcas",
            "ya no ofrezcan",
        ],
        all: &[
            &["quita*", "saca*", "elimina*", "borra*"],
            &["menu", "catalogo"],
        ],
        none: &[],
    },
    Rule {
        intent: Intent::ChangePermissions,
        any: &[
            "permiso*",
            "hazlo admin*",
            "hazla admin*",
            "hazlo encargad*",
            "hazla encargad*",
            "dale acceso",
            "quitale el acceso",
            "quitale acceso",
            "administrador*",
            "admin",
            "cambia* su rol",
            "cambia* el rol",
            "que pueda ver",
            "pueda ver toda",
            "pueda ver la agenda",
            "pueda agendar",
            "pueda cancelar",
            "dale permiso",
            "darle permiso",
            "dale permisos",
        ],
        all: &[],
        none: &[],
    },
    Rule {
        intent: Intent::AddStaff,
        any: &[
            "nuevo empleado",
            "nueva empleada",
            "nuevo barbero",
            "nueva barbera",
            "nuevo estilista",
            "nueva estilista",
            "nueva manicurista",
            "contrate a",
            "contratamos a",
            "entra a trabajar",
            "da de alta a",
            "dar de alta a",
            "dale de alta a",
            "empieza a trabajar",
            "chava nueva",
            "chavo nuevo",
            "meter a una",
            "meter a un",
            "dalo de alta",
            "dala de alta",
            "nuevo compa",
            "nueva compa",
            "al equipo",
            "como usuaria",
            "como usuario",
            "chica nueva",
            "chico nuevo",
            "entra una chica",
            "entra un chico",
        ],
        all: &[
            &[
                "agrega*",
                "anade*",
                "anadir",
                "dar de alta",
                "da de alta",
                "registra*",
                "suma*",
                "mete*",
            ],
            STAFF_NOUNS,
        ],
        none: &["cita"],
    },
    Rule {
        intent: Intent::RemoveStaff,
        any: &[
            "ya no trabaja",
            "ya no viene a trabajar",
            "ya no va a venir a trabajar",
            "ya no va a trabajar",
            "renuncio",
            "lo despedi",
            "la despedi",
            "se fue del equipo",
            "dalo de baja",
            "dala de baja",
            "dale de baja",
            "de baja a",
            "del personal",
            "del sistema",
            "deja de trabajar",
        ],
        all: &[
            &[
                "quita*",
                "elimina*",
                "borra*",
                "da de baja",
                "dar de baja",
                "saca*",
                "despedi*",
            ],
            STAFF_NOUNS,
        ],
        none: &["cita"],
    },
    Rule {
        intent: Intent::ChangeServiceDuration,
        any: &[
            "ahora dura",
            "ahora tarda",
            "que dure",
            "dure una hora",
            "dure media hora",
            "dure # min*",
            "dure # hora*",
            "que tarde #",
            "dura # min*",
            "dura # hora*",
            "dura una hora",
            "dura media hora",
            "duracion del",
            "duracion de la",
            "duracion de",
            "cambia cuanto dura",
            "cambiar cuanto dura",
            "que sea de hora",
        ],
        all: &[
            &["cambia*", "pon*", "actualiza*", "sube*", "baja*"],
            &["duracion", "dura", "tiempo"],
        ],
        none: &["cuanto", "cuanta", "que tanto", "horario"],
    },
    Rule {
        intent: Intent::ChangePrice,
        any: &[
            "nuevo precio",
            "ahora cuesta",
            "cuesta # desde",
            "cuesta # a partir",
            "va a costar",
            "sube el corte",
            "sube la barba",
            "sube el tinte",
            "ahora vale",
            "ahora cobra*",
            "que cueste",
            "que valga",
            "que cobre*",
            "sube el precio",
            "subele",
            "baja el precio",
            "bajale",
            "aumenta el precio",
            "cambia el precio",
            "cambiar el precio",
            "actualiza el precio",
            "cambia los precios",
            "ponle de precio",
            "sube todo",
            "sube los precios",
            "baja todo",
            "# euros mas",
            "# pesos mas",
            "subimos precios",
            "subimos los precios",
            "subir precios",
        ],
        all: &[
            &[
                "cambia*",
                "pon*",
                "actualiza*",
                "sube*",
                "baja*",
                "aumenta*",
            ],
            &["precio*", "costo*"],
        ],
        none: &["cuanto"],
    },
    Rule {
        intent: Intent::ChangeHours,
        any: &[
            "cambia el horario",
            "cambiar el horario",
            "cambia* los horarios",
            "cambio de horario",
            "nuevo horario",
            "modifica* el horario",
            "actualiza* el horario",
            "abrimos",
            "cerramos",
            "cierro a las",
            "abro a las",
            "no abrimos",
            "vamos a abrir",
            "vamos a cerrar",
            "no vamos a abrir",
            "el horario del",
            "el horario de los",
            "el horario ahora",
            "horario ahora es",
            "horario nuevo",
            "cierro temprano",
            "cierro a la",
            "abro de",
            "abrimos de",
            // «¿podemos empezar a las 12?», «abrir más tarde mañana».
            "abrir mas tarde",
            "abrir mas temprano",
            "empezar a las",
            "empezamos a las",
        ],
        all: &[],
        none: &[],
    },
    Rule {
        intent: Intent::Unblock,
        any: &[
            "desbloque*",
            "quita el bloqueo",
            "quitar el bloqueo",
            "quita* mi bloqueo",
            "elimina el bloqueo",
            "borra el bloqueo",
            "ya no bloquees",
            "ya no lo bloquees",
            "siempre si puedo",
            "siempre si voy a estar",
            "libera el espacio",
            "libera mi",
            "abre el espacio",
            "abre mi agenda",
            "abre la agenda",
            "siempre si voy",
            "siempre si vengo",
            "siempre si trabajo",
            "libera",
            "libera de",
            "libera el",
            "libera la",
            "borra lo de la comida",
            "quita lo de la comida",
            "borra lo del",
            "quita lo del banco",
            "abrele la agenda",
            "vuelve a abrir mi agenda",
            "abreme la agenda",
            "vuelve a abrir",
            "quita lo de",
            "abre su agenda",
            "abreme",
            "abre otra vez",
            "otra vez la agenda",
            "quita bloq",
            "quita el bloq",
            "quitar bloq",
            "quitame el bloq",
            "reabre",
            "reabris",
            "reabrir",
            "reabreme",
            "abreme de nuevo",
            "abrime de nuevo",
            "abreme otra vez",
        ],
        all: &[],
        none: &[],
    },
    Rule {
        intent: Intent::BlockTime,
        any: &[
            "bloque*",
            "no me agendes",
            "no agendes",
            "tengo que salir",
            "voy a salir",
            "me voy a comer",
            "voy a comer",
            "no me metas",
            "no le metas",
            "no metas",
            "no estoy",
            "no le entren",
            "no me entren",
            "nada de citas",
            "no va a estar",
            "no va a venir",
            "hora de comida",
            "tiempo personal",
            "cierra mi agenda",
            "no voy a atender",
            "no atiendo",
            "no voy a trabajar",
            "salgo a las",
            "me voy a las",
            "me voy temprano",
            "vacaciones",
            "me voy mas temprano",
            "sale a las",
            "sale temprano",
            "entra a las",
            "entra tarde",
            "entro a las",
            "entro tarde",
            "salgo temprano",
            "descanso",
            "no voy a estar",
            "no voy a venir",
            "no vengo",
            "no estare",
            // «no estoy el viernes en la tarde», «Ana no viene mañana»,
            // «me voy a tomar el día», «no me pongas citas el sábado».
            "no estoy el",
            "no estoy en la",
            "no estoy hoy",
            "no estoy manana",
            "hoy no estoy",
            "manana no estoy",
            "tarde no estoy",
            "manana no vengo",
            "no viene",
            "no trabaja",
            "no trabajo",
            "tomar el dia",
            "me tomo el dia",
            "cierra la agenda",
            "cierrale la agenda",
            "no me pongas",
            "no le pongas",
            "no pongas citas",
            "llego a las",
            "hora de la comida",
            "mi hora de comida",
            "salgo a comer",
            "voy a comer",
            "me cojo",
            "me tomo la",
            "no curro",
            "trabajo hasta",
            "nomas trabajo",
            "solo trabajo",
            "entro a la",
            "llega a las",
            "llega a la",
            "me piro",
            "sale a la",
            "quita mis horas",
            "no cuentes conmigo",
            "cogeme la tarde",
            "cogeme la manana",
            "cogeme el dia",
            "la tarde libre",
            "la manana libre",
            "no voy a poder venir",
            "apartar media hora",
            "para comer",
            "no me agenden",
            "no cuenten conmigo",
            "no me den citas",
            "no me entre nadie",
            "tapa el hueco",
            "ponme ocupado",
            "no puedo currar",
            "salgo antes",
            "no me des citas",
            // «no quiero citas temprano mañana»
            "no quiero citas",
            // The River Plate: «no me des turnos después de las 19».
            "no me des turnos",
            "no me den turnos",
            "no me pongas nada",
            "ya no me pongas",
            "no me pongas citas",
            // Colombia: «tranque la agenda de Carlos»; «quisiera no tener
            // citas después de las 6».
            "tranque*",
            "tranca*",
            "no tener citas",
        ],
        all: &[],
        // «anula lo de mañana, tengo que llevar a mi esposa al doctor»:
        // the appointments go, whatever the errand.
        none: &[
            "seguro",
            "segura",
            "de acuerdo",
            "cancel*",
            "anula",
            "anulame",
            "anulalas",
        ],
    },
    Rule {
        intent: Intent::NextAppointment,
        any: &[
            "quien sigue",
            "que sigue",
            "el siguiente",
            "la siguiente",
            "mi siguiente",
            "siguiente cita",
            "siguiente cliente",
            "proximo cliente",
            "proxima cita",
            "la proxima",
            "el proximo",
            "quien me toca",
            "a quien me toca",
            "quien viene",
            "tengo despues",
            "quien sigue despues",
            "el que sigue",
            "quien va ahora",
            "a quien le toca",
            "la que sigue",
            "sigue alguien",
            "quien es el que viene",
            "quien es el que sigue",
            "a quien tengo ahorita",
            "quien tengo ahorita",
            "quien le sigue",
            "el siguiente de",
        ],
        all: &[],
        none: &[
            "semana",
            "mes",
            "hoy",
            "manana",
            "pasado",
            "lunes",
            "martes",
            "miercoles",
            "jueves",
            "viernes",
            "sabado",
            "domingo",
            // «¿qué tengo después de las 2?»: the agenda from an hour.
            "despues de las",
            // «¿quién viene a las 5?»: the agenda at an hour.
            "a las",
            "a la",
        ],
    },
    Rule {
        intent: Intent::MySchedule,
        any: &[
            "que tengo",
            "mi agenda",
            "como tengo el dia",
            "como tengo hoy",
            "como esta mi dia",
            "quien sigue",
            "quien me toca",
            "a quien tengo",
            "que me toca",
            "mis citas de hoy",
            "como ando",
            "tengo algo a las",
            "tengo algo el",
            "tengo algo hoy",
            "tengo algo manana",
            "que clientes tengo",
            "mis citas de manana",
            "mis citas de la semana",
            "cuantas citas tengo",
            "mi siguiente cliente",
            "mi proximo cliente",
            "tengo algo antes",
            "tengo algo despues",
            "tengo algo",
            "tengo alguien",
            "tengo a alguien",
            "lo mio del",
            "lo mio de",
            "mis citas del",
            "mi ultima cita",
            "mi semana",
            "me tocan hoy",
            "clientes me tocan",
            "alguien me agendo",
            "como voy",
            "agenda mia",
            // «y a mí cómo me quedó el día de hoy?»
            "como me quedo el dia",
            "como me queda el dia",
            // «¿estoy libre el miércoles a las 15?», «¿cómo vengo hoy a la
            // tarde?»
            "estoy libre",
            "como vengo",
        ],
        all: &[],
        // «cancela lo que tengo mañana» cancels it.
        none: &["que tengo que", "cancel*", "anula", "anulame", "anulalas"],
    },
    Rule {
        intent: Intent::BusinessSchedule,
        any: &[
            "agenda de hoy",
            "agenda de manana",
            "agenda del dia",
            "agenda de la semana",
            "la agenda",
            "ver agenda",
            "agenda general",
            "agenda del negocio",
            "agenda de todos",
            "agenda de",
            "citas de hoy",
            "citas de manana",
            "citas del dia",
            "citas de la semana",
            "todas las citas",
            "cuantas citas hay",
            "cuantas citas tenemos",
            "que hay hoy",
            "como viene el dia",
            "como esta el dia",
            "agenda del",
            "agenda para",
            "agenda pa",
            "que hay",
            "que tenemos",
            "como andamos",
            "que tiene",
            "que tienes",
            "quien tiene",
            "quien viene",
            "quienes vienen",
            "como esta el",
            "como esta la",
            "como viene",
            "como pinta",
            "como va el dia",
            "como va hoy",
            "que citas tiene",
            "que citas tenia",
            "que le queda a",
            "como vamos hoy de agenda",
            "como vamos de agenda",
            "como estan los chicos",
            "agenda completa",
            "de gente",
            "quienes tenemos",
            "el libro de",
            "quien esta libre",
            "agendado con",
            "lo de pasado manana",
            "hay mucha gente",
            "de quien es la cita",
            "de quien es la de",
            "quien tiene la cita de",
        ],
        all: &[],
        none: &[],
    },
    Rule {
        intent: Intent::Reschedule,
        any: &[
            "reagend*",
            "reajend*",
            "re agendar",
            "reprogram*",
            "pospon*",
            "posterg*",
            "recorr*",
            "cambiala",
            "cambiarla",
            "cambiamela",
            "cambiarmela",
            "cambiame",
            "muevela",
            "moverla",
            "muevemela",
            "movermela",
            "pasala",
            "pasarla",
            "pasamela",
            "pasarmela",
            "me la pasas",
            "me lo pasas",
            "me la recorres",
            "me la mueves",
            "me la cambias",
            "la cambi*",
            "lo cambi*",
            "puedes cambiar*",
            "puedo cambiar*",
            "se puede cambiar*",
            "podemos cambiar*",
            "podrias cambiar*",
            "otro horario",
            "otra hora",
            "adelanta*",
            "la puedo pasar",
            "lo puedo pasar",
            "pasar mi cita",
            "pasar la cita",
            "puedo mover",
            "pueden cambiar*",
            "la pueden cambiar",
            "la pueden mover",
            "pueden mover",
            "lo pases",
            "la pases",
            "lo pasas",
            "la puedes mover",
            "lo puedes mover",
            "la pasas a",
            "la pasas para",
            "cambiar mi corte",
            "quiero cambiar con",
            "la puedes pasar",
            "lo puedes pasar",
            "me la podeis pasar",
            "la podeis pasar",
            "la pueden pasar",
            "pasame al",
            "pasame para el",
            // Spain and formal: «trasladarla al viernes», «aplazar mi
            // cita», «retrasadme la cita», «atrasar la de las 12».
            "traslad*",
            "aplaz*",
            "retrasa",
            "retrasar mi",
            "retrasar la",
            "retrasarla",
            "retrasarme la",
            "retrasad*",
            "retrasame",
            "retrasala",
            "atrasar*",
            "atrasala",
            "atrasa la",
            "atrasa mi",
            "dejar lo del",
            "dejamos lo del",
            "pasarme la hora",
            "pasarme la cita",
            "cambiar la hora",
            "la podemos hacer",
            "lo podemos hacer",
            "y dame una",
            "y dame otra",
            "y ponme otra",
            "y agendame otra",
            "en lugar del",
            "en vez del",
            "cambio de planes",
            "dejarlo para",
            "dejarla para",
            "en vez de las",
            "en vez de a las",
            "en lugar de las",
            "me pide pasarlo",
            "pide pasarla",
            "movemos lo",
            "me cambias al",
            "me cambias a las",
            "me cambias para",
            "me cambias con",
            "cambiame con",
            "su cita pase",
            "que pase al",
            "reschedul*",
            "push mi cita",
            "move mi cita",
            "lo dejamos para",
            "la dejamos para",
            "pasar lo mio",
            "paso lo mio",
            "en vez de hoy",
            "en lugar de hoy",
            "en vez de manana",
            "en lugar de manana",
            "me mueven a",
            "me mueves a",
            "me pasas para",
            "me pasan para",
            "me pasas a las",
            "me pasan a las",
            "regresala como estaba",
            "regresalo como estaba",
            "regresala a las",
            "regresalo a las",
            "regresala a la",
            "regresalo a la",
            "regresala pal",
            "regresalo pal",
            "regresala para el",
            "regresalo para el",
            // «muévemelo pasado mañana entre 12 y 2», «movelo al 16».
            "muevemelo",
            "muevemela",
            "muevelo a*",
            "muevela a*",
            "muevelo pa*",
            "muevela pa*",
            "movelo",
            "movela",
        ],
        all: &[
            &[
                "cambi*", "mover", "muev*", "adelant*",
                // Colombia and the River Plate: «corra la cita de las 11
                // pa las 12», «¿lo corremos a las 18?».
                "corra", "corre", "corremos", "correr", "correla", "correlo", "corrala", "corralo",
            ],
            &[
                "cita", "citas", "hora", "horario", "dia", "reserv*", "fecha", "turno",
            ],
        ],
        // «quiero cambiar de look»: a new style, not a new day.
        none: &["de look", "el look", "de estilo"],
    },
    Rule {
        intent: Intent::Cancel,
        any: &[
            "cancel*",
            "cansel*",
            "kancel*",
            "kansel*",
            "anul*",
            "ya no voy",
            "ya no ire",
            "ya no puedo ir",
            "ya no podre ir",
            "no voy a poder ir",
            "no voy a poder llegar",
            "no podre ir",
            "no podre llegar",
            "no voy a ir",
            "no puedo ir",
            "no voy a llegar",
            "borra mi cita",
            "borrar mi cita",
            "elimina mi cita",
            "eliminar mi cita",
            "quita mi cita",
            "quitar mi cita",
            "ya no la necesito",
            "ya no quiero la cita",
            "no voy a poder asistir",
            "no podre asistir",
            "no podre acudir",
            "no voy a poder acudir",
            "no podre llevar",
            "no voy a poder llevar",
            "quita la cita",
            "quitar la cita",
            "quitame la cita",
            // Usted: «quite la cita de Camilo»; the River Plate «me tengo
            // que bajar del turno».
            "quite la cita",
            "quiteme la cita",
            "quite el turno",
            "quita el turno",
            "bajar del turno",
            "bajo del turno",
            // «volá el turno de Ariel»
            "vola el turno",
            "vola la cita",
            "volale el turno",
            // Chile: «bórreme la hora», «ya no necesito la hora»; the
            // Caribbean: «tumba lo del sábado».
            "borreme la",
            "ya no necesito la",
            "tumba lo",
            "tumba la",
            "tumbame",
            "de baja la cita",
            "de baja mi cita",
            "borra la de",
            "borra la cita",
            "borrame la",
            "dala de baja",
            "darla de baja",
            "ya no va",
            "canc cita",
            "fuera la cita",
        ],
        all: &[],
        none: CANCEL_NEGATED,
    },
    Rule {
        intent: Intent::MyAppointments,
        any: &[
            "mi cita",
            "mis citas",
            "tengo cita",
            "tengo una cita",
            "tengo citas",
            // The River Plate's «turno» is the appointment.
            "tengo turno",
            "mi turno",
            "cuando es mi",
            "a que hora es mi",
            "a que hora era mi",
            "mi reservacion",
            "mi reserva",
            "para cuando quede",
            "a que hora quede",
            "que dia quede",
            "olvide la hora",
            "tengo algo agendado",
            "estoy agendado",
            "estoy agendada",
            "citas tengo",
            "cita tengo",
            "tengo que ir",
            "me toca ir",
            "cuando me toca",
            "tengo alguna reserva",
            "tengo reserva",
            "mis reservas",
            "recuerdame mi",
            "me recuerdas mi",
            "ver mis citas",
            "algo pendiente",
            "con quien me toca",
            "quien me toca",
            "me toca con",
            // «¿a qué hora quedamos?», «¿a qué hora tenía la cita?»,
            // «¿con quién quedé?», «¿para qué día era lo mío?»
            "a que hora quedamos",
            "que dia quedamos",
            "cuando quedamos",
            "tenia la cita",
            "tenia cita",
            "con quien quede",
            "que dia era",
            "era lo mio",
            "recordar a que hora",
            "es lo mio",
            "quede agendad*",
            "me dijiste",
            "la cita es con",
            "era con",
            "alguna cita",
            "tiene cita",
            "quedo apuntado",
            "quedo apuntada",
            "what time is",
            "cuando era mi",
            "que dia me toca",
            "cita pendiente",
            "quedo agendado",
            "quedo agendada",
            "que dia tenia",
            "me recuerdas que dia",
            "que dia tengo",
            "tengo algo el",
            "tengo algo con ustedes",
            "para cuando tengo",
            "cuando tengo",
            "sigo agendad*",
            "sigo apuntad*",
            "tengo la reserva",
            "sigue en pie",
            "sigo teniendo",
            "estoy apuntado",
            "estoy apuntada",
            "me confirma si",
            "me confirmas si",
            "mi proxima cita",
            "me toco con",
            "a que hora es lo de",
            "que servicio me agende",
            "que me agende",
            "con quien tenia",
            "que dia quedo",
            "a que hora quedo",
            "le quedo la cita",
            "a que hora es la cita",
            "quedaron apartadas",
            "quedaron apartados",
            "quedo apartada",
            "a que hora es la de",
        ],
        all: &[],
        none: &[],
    },
    Rule {
        intent: Intent::Services,
        any: &[
            "cuanto dura",
            "cuanto tarda",
            "cuanto tiempo",
            "que tanto dura",
            "que tanto tarda",
            "cuanto tardan",
            "lavan el pelo",
            "lavan el cabello",
            "dura # min* verdad",
            "realizan",
            "afeitado",
            "navaja",
            "atienden mujeres",
            "atienden a mujeres",
            "a chicas",
            "aparte de",
            "que mas hacen",
            "keratina",
            "cuanto se tarda*",
            "cuanto tarda*",
            "you do",
            "guys do",
            "cuanto demora",
            "cuanto se demora",
            "cuanto demoran",
        ],
        all: &[],
        // «¿Cuánto cuesta el tinte y cuánto dura?»: the price first.
        none: &[
            "cuesta*", "cuestan", "precio*", "costo*", "cobran", "cobras",
        ],
    },
    Rule {
        intent: Intent::Prices,
        any: &[
            "cuanto",
            "precio*",
            "costo*",
            "cuesta*",
            "cobran",
            "cobras",
            "tarifa*",
            "que vale",
            "lo que vale",
            "cuestan",
            "a como",
            "paquete*",
            "mas barato",
            "promo",
            "me sale",
            "que sale",
            "descuento*",
            "promo*",
            "promocion*",
            "2x1",
            "sigue igual",
            "sigue en lo mismo",
            "ya subio",
            "subieron",
            "importe",
            "how much",
        ],
        all: &[],
        none: &[],
    },
    Rule {
        // Availability questions are booking, not opening hours.
        intent: Intent::Book,
        any: &[
            "horarios disponibles",
            "horario disponible",
            "hay espacio",
            "tienes espacio",
            "tienen espacio",
            "hay lugar",
            "tienes lugar",
            "tienen lugar",
            "hay disponibilidad",
            "tienes disponible",
            "tienen disponible",
            "que horarios tienes",
            "que horarios tienen",
            "que horarios hay",
            "hay horario",
            "tienes horario",
            "hay chance",
            "hay hueco",
            "tienes hueco",
            "tienen hueco",
            "algun hueco",
            "el primerito",
            "el primero que tengas",
            "lo primero que tengas",
            "lo mas pronto",
            "hay que meter a",
            "cogeme hueco",
            "cogedme hueco",
            "hueco para",
            "queria hora",
            "quisiera hora",
            "pedir hora",
            "coger hora",
            "coger cita",
            "reservar hora",
            "book me",
            "hazle un hueco",
            "hazle hueco",
            "apuntalo",
            "apuntala",
            "lista de espera",
            "si alguien cancel*",
            "si cancelan",
            "si se desocupa*",
            "si se le desocupa*",
            "si se libera*",
            "si se le libera*",
        ],
        all: &[],
        none: &[],
    },
    Rule {
        intent: Intent::Hours,
        any: &[
            "a que hora abr*",
            "a que hora cierr*",
            "hasta que hora",
            "desde que hora",
            "a que horas abr*",
            "a que horas cierr*",
            "abren",
            "cierran",
            "cerrais",
            "abris",
            "estan abiertos",
            "esta abierto",
            "abierto",
            "abiertos",
            "que dias",
            "su horario",
            "el horario",
            "tu horario",
            "sus horarios",
            "horario de atencion",
            "horarios de atencion",
            "horario de servicio",
            "dias de atencion",
            "trabajan hoy",
            "trabajan el",
            "trabajan los",
            "atienden hoy",
            "atienden el",
            "atienden los",
            "abre",
            "cierra",
            "horario",
            "horarios",
        ],
        all: &[],
        // «ya estoy aquí afuera, ¿me abren?»: someone at the door.
        none: &["afuera", "mismo horario", "agendame", "apartame"],
    },
    Rule {
        intent: Intent::Location,
        any: &[
            "donde",
            "direccion",
            "ubicacion",
            "ubicados",
            "ubicada",
            "ubicado",
            "ubican",
            "como llego",
            "como llegar",
            "mapa",
            "maps",
            "que calle",
            "en que calle",
            "domicilio",
            "sucursal*",
            "local queda",
            "en que parte",
            "por donde",
            "estacionamiento",
            "estacionarme",
            "donde me estaciono",
            "ubi",
            "pa llegar",
            "para llegar",
            "colonia",
            "estan cerca",
            "quedan cerca",
            "cerca de",
            "que tan lejos",
            "queda lejos",
            "quedan lejos",
            "numero de la calle",
            // «¿a cuántas cuadras del Ángel quedan?»
            "cuantas cuadras",
            "escalones",
            "escaleras",
            "rampa",
            "silla de ruedas",
            "andador",
            "accesible",
            "aparcar",
            "aparcamiento",
            "parking",
            "estacionar",
            "enfrente",
            "located",
            "where r u",
            "where are you",
            "planta baja",
            "baston",
            "ascensor",
            "elevador",
        ],
        all: &[],
        none: &[],
    },
    Rule {
        intent: Intent::Services,
        any: &[
            "servicio*",
            "que hacen",
            "que ofrecen",
            "que manejan",
            "hacen",
            "manejan",
            "catalogo",
            "menu",
            "que incluye",
            "en que consiste",
            "que me recomiendas",
            "que recomiendas",
            "tienen tinte*",
            "tienen manicure",
            "tienen pedicure",
            "hacen tinte*",
            "tienen facial*",
            "tienen planchado",
            "cortan a",
            "atienden a",
            "depilan",
            "pintan",
            "incluye",
            "es riesgoso",
            "es seguro",
            "hay problema",
            "es con cera",
            "a ninos",
            "a bebes",
            "a domicilio",
            "do you do",
            "tienen tratamiento*",
            "venden",
            "tienen productos",
            "teneis productos",
            "tienen paciencia",
            "quien corta mejor",
            "quien es mejor",
            "quien hace mejor",
            "con quien me recomiendas",
            "a quien me recomiendas",
        ],
        all: &[],
        none: &[],
    },
    Rule {
        intent: Intent::Book,
        any: &[
            "cita",
            "agend*",
            "ajend*",
            "reserv*",
            "apart*",
            "apunta a",
            // Voseo: «poneme a Leandro a las 18:30».
            "poneme a",
            "poneme al",
            // Chile: «me guarda una hora pa mañana?»
            "me guarda una",
            "guardeme una",
            "guardame una",
            "apuntame",
            "turno",
            "me puedes atender",
            "me atiendes",
            "me pueden atender",
            "quiero un corte",
            "quiero corte",
            "quiero cortarme",
            "me quiero cortar",
            "cortarme",
            "cortar el pelo",
            "cortar el cabello",
            "para un corte",
            "para corte",
            "quiero ir",
            "puedo ir",
            "puedo pasar",
            "paso hoy",
            "paso manana",
            "quiero pasar",
            "espacio",
            "disponib*",
            "quiero un",
            "quiero una",
            "quisiera un",
            "quisiera una",
            "me haces",
            "me hace",
            "necesito un corte",
        ],
        all: &[],
        none: &[],
    },
];

/// Opening words that answer a yes/no question.
const YES_LEAD: &[&str] = &[
    "si",
    // English: «sure», «sounds good», «perfect, book it».
    "sure",
    "correct",
    "sounds good",
    "book it",
    "that works",
    "works for me",
    "ahi le caigo",
    "que si",
    "esa mera",
    "esa",
    "ok",
    "va",
    "vale",
    "sale",
    "claro",
    "dale",
    "orale",
    "perfecto",
    "correcto",
    "exacto",
    "listo",
    "andale",
    "de acuerdo",
    "esta bien",
    "me parece",
    "confirmo",
    "confirmado",
    "afirmativo",
    "seguro",
    "por supuesto",
    "obvio",
    "excelente",
    "genial",
    "asi es",
    "eso",
    "simona",
    "venga",
    "recibido",
    "arre",
    "ajam",
    "aja",
    "yes",
    "bien",
    "fierro",
    "de una",
    "a huevo",
    "hecho",
    "ahi nos vemos",
    "alli nos vemos",
    "jalo",
    "al chile si",
    "that works",
    "ahi esta bien",
    "me sirve",
    "sisi",
    "ya po",
    "es correcto",
    "sipi",
    "sipo",
    "hagale",
    "ya estas",
    "camara",
    "sobres",
    "exactamente",
    // «ya vas», «obvi», «mola», «pos sí», «neta sí», «muy bien, de
    // acuerdo», «perfect, book it». (Not «me late»: «me late el jueves»
    // asks for Thursday.)
    "ya vas",
    "obvi",
    "mola",
    "pos si",
    "neta si",
    "muy bien",
    "perfect",
    // Basque.
    "bai",
    // Uruguay: «ta, mandale nomás».
    "ta",
    // The Dominican «tato»; Chile's «ya» (alone or set off: «ya, dale»).
    "tato",
    "ya",
    // The button «Confirmar asistencia».
    "confirmar",
    // Guadalajara: «no, pos sí», «no pues sí».
    "no pos si",
    "no pues si",
];

const NO_LEAD: &[&str] = &[
    "no",
    "ni modo no",
    "mejor no",
    // «mejor otro día», «mejor otra hora»
    "mejor otro",
    "mejor otra",
    "negativo",
    "para nada",
    "tampoco",
    "ni madres",
    "ni de chiste",
    "ni loco",
    "nomas no",
    "todavia no",
    "nones",
    "nope",
    "mejor lo dejamos",
    "lo dejamos para otra",
    "ninguno",
    "ninguna",
    "nunca",
    "siempre no",
    "asi dejalo",
    "dejalo asi",
    "que va",
    "me temo que no",
    "la verdad no",
    "que no",
    "ahorita no",
    "not that one",
    "no thanks",
    "nambre",
    // «nada, no señor»; the River Plate «ni en pedo».
    "nada no",
    "ni en pedo",
    "nopo",
    // «nombre, a esa hora ando en la chamba» (not «Nombre: Ricardo»).
    "nombre",
];

const THANKS: &[&str] = &[
    "gracias",
    "agradezco",
    "agradecido",
    "agradecida",
    "muy amable",
    "mil gracias",
    // Galician and Basque: «grazas», «graciñas», «eskerrik asko».
    "grazas",
    "gracinas",
    "eskerrik asko",
    // Catalonia (and Spain): «merci!!».
    "merci",
];

const GREETINGS: &[&str] = &[
    "hola",
    "buenas",
    "buenos dias",
    "buen dia",
    "buenas tardes",
    "buenas noches",
    "que tal",
    // «¿todo bien por ahí?», «cómo va todo por allá».
    "todo bien por ahi",
    "como va todo",
    // Dominican: «klk», «qué lo qué».
    "klk",
    "que lo que",
    "hey",
    "saludos",
    "que onda",
    "hello",
    "hi",
    "que hubo",
    "quiubo",
    "quibo",
    "quiubo",
    "wena",
    "wenas",
    // Basque and Galician greetings in northern Spain.
    "kaixo",
    "aupa",
    "bo dia",
    "boas",
    "ola",
];

/// Rules that may override an answer that starts with "sí," / "no,".
const OVERRIDE_AFTER_YES: &[Intent] = &[
    Intent::Cancel,
    Intent::TalkToHuman,
    // «listo, ya puedes seguir tú», «ok, yo me encargo»
    Intent::ReleaseHandoff,
    Intent::TakeOver,
    Intent::MarkCompleted,
    // «vale, ¿me la podéis pasar al jueves?»
    Intent::Reschedule,
];
const OVERRIDE_AFTER_NO: &[Intent] = &[
    Intent::Cancel,
    Intent::Reschedule,
    Intent::TalkToHuman,
    Intent::MarkNoShow,
];

/// How many words the leading phrase uses, if the message starts with one
/// of `phrases`.
fn lead_len(words: &[String], phrases: &[&str]) -> Option<usize> {
    phrases
        .iter()
        .filter_map(|p| {
            let pat: Vec<&str> = p.split(' ').collect();
            (words.len() >= pat.len() && words.iter().zip(&pat).all(|(w, p)| w == p))
                .then_some(pat.len())
        })
        .max()
}

/// Is the leading phrase of `n` words set off by punctuation (or emoji) in
/// the raw text, like "Sí, dile que…" or "No. Mejor…"?
fn lead_is_separated(text: &str, n: usize) -> bool {
    let mut seen = 0;
    for chunk in text.split_whitespace() {
        let count = normalize(&words_for_emoji(chunk))
            .split(' ')
            .filter(|w| !w.is_empty())
            .count();
        if count == 0 {
            // A lone emoji or punctuation between words.
            if seen >= n {
                return true;
            }
            continue;
        }
        if seen >= n {
            // The lead ended at the previous chunk, next comes a word.
            return false;
        }
        seen += count;
        if seen > n || (seen == n && chunk.chars().last().is_some_and(|c| !c.is_alphanumeric())) {
            return true;
        }
    }
    false
}

fn first_rule(
    words: &[String],
    clauses: &[Vec<String>],
    only: Option<&[Intent]>,
    allowed: fn(Intent) -> bool,
) -> Option<Intent> {
    RULES
        .iter()
        .filter(|r| only.is_none_or(|o| o.contains(&r.intent)) && allowed(r.intent))
        .find(|r| r.matches(words, clauses))
        .map(|r| r.intent)
}

/// Classifies one WhatsApp message. Deterministic and allocation-light;
/// never fails (`Intent::Unknown` when nothing applies, e.g. "mañana en la
/// tarde" — the caller's conversation state gives that one meaning).
pub fn classify(text: &str) -> Intent {
    classify_with(text, |_| true)
}

/// [`classify`] for a customer's message: staff commands are not among the
/// readings ("¿qué hay mañana?" from a customer asks for a time).
pub fn classify_customer(text: &str) -> Intent {
    classify_with(text, |i| !i.is_staff_command())
}

/// The hesitations of a voice note, said anywhere («dile eh a Marcos»);
/// words are squeezed first, so «ehhh» is «eh» and «mmm» is «m».
pub(crate) const HESITATIONS: &[&str] = &["eh", "ehh", "em", "ehm", "m", "mm"];

/// What a hesitant reply may start with besides them: «eh sí sí
/// perfecto», «pues no, no me cuadra» answer like «sí» and «no».
const LEADING_FILLERS: &[&str] = &["pues", "ah", "uy", "este"];

/// The text after its leading fillers, when it has any and something
/// follows them.
fn without_fillers(text: &str) -> Option<&str> {
    let mut rest = text.trim_start();
    let mut stripped = false;
    loop {
        let end = rest
            .find(|c: char| c.is_whitespace() || c == ',')
            .unwrap_or(rest.len());
        let word = message_words(&rest[..end]);
        let filler = word.len() == 1
            && (HESITATIONS.contains(&word[0].as_str())
                || LEADING_FILLERS.contains(&word[0].as_str()));
        if end == rest.len() || !filler {
            break;
        }
        rest = rest[end..].trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        stripped = true;
    }
    (stripped && !rest.is_empty()).then_some(rest)
}

/// «órale sí, cancélala», «sí, cancélala, ya me avisó», «va, agéndalo
/// así»: a yes, then the thing asked about done as asked (one verb with
/// its pronoun), is a yes; «sí, cámbiala al viernes» says more.
pub fn yes_to_what_was_asked(text: &str) -> bool {
    const FILLERS: &[&str] = &["asi", "porfa", "pues", "ya", "orale", "andale", "entonces"];
    let mut said_yes = false;
    for clause in text.split([',', '.', ';', '!', '?', '¿', '¡']) {
        let words = message_words(clause);
        let mut rest: Vec<&String> = Vec::new();
        for w in &words {
            if rest.is_empty() && (YES_LEAD.contains(&w.as_str()) || FILLERS.contains(&w.as_str()))
            {
                said_yes |= YES_LEAD.contains(&w.as_str());
                continue;
            }
            if !FILLERS.contains(&w.as_str()) {
                rest.push(w);
            }
        }
        if rest.is_empty() {
            continue;
        }
        // (Not a request of its own: «vale, suéltalo», «sí, pásamelo».)
        return said_yes
            && rest.len() == 1
            && rest[0].chars().count() > 6
            && ["la", "lo", "las", "los"]
                .iter()
                .any(|p| rest[0].ends_with(p))
            && !["suelt", "regres", "devuel", "pasam", "tomal", "agarral"]
                .iter()
                .any(|v| rest[0].starts_with(v));
    }
    false
}

/// «vale, gracias», «genial, muchas gracias tío»: thanks, where no «sí»
/// or «ahí estaré» confirms anything.
fn thanks_unless_confirmed(words: &[String], answer: Intent, lead: usize) -> Intent {
    const CONFIRMS: &[&str] = &[
        "si",
        "confirmo",
        "confirmado",
        "estare",
        "llego",
        "acuerdo",
        "esta bien",
    ];
    let thanks =
        answer == Intent::Yes && has_any(&words[lead..], THANKS) && !has_any(words, CONFIRMS);
    if thanks {
        Intent::Thanks
    } else {
        answer
    }
}

fn classify_with(text: &str, allowed: fn(Intent) -> bool) -> Intent {
    if let Some(rest) = without_fillers(text) {
        return classify_with(rest, allowed);
    }
    let words = message_words(text);
    if words.is_empty() {
        return Intent::Unknown;
    }

    let clauses: Vec<Vec<String>> = text
        .split([',', '.', ';', ':', '!', '?', '¡', '¿'])
        .map(message_words)
        .collect();
    let yes = lead_len(&words, YES_LEAD);
    // «no sé, ¿después de las 6 se podrá?», «no quiero dar lata pero…»,
    // «no tengo mucha prisa»: a hedge before the request, not a no.
    let hedge = [
        &["no", "se"][..],
        &["no", "quiero", "dar"],
        &["no", "quiero", "molestar"],
        &["no", "quisiera", "molestar"],
        &["no", "tengo", "prisa"],
        &["no", "tengo", "mucha", "prisa"],
        &["no", "hay", "prisa"],
        // «¿no habrá algo para hoy?», «¿no tendrán un huequito?»: a
        // polite question, asking.
        &["no", "habra"],
        &["no", "habria"],
        &["no", "tendran"],
        &["no", "tendras"],
        &["no", "tendra"],
        &["no", "tendrian"],
        &["no", "quiero", "ser"],
        // «si se puede, quisiera ver las citas…»: if it can be done.
        &["si", "se", "puede", "quisiera"],
        &["si", "se", "puede", "quiero"],
        &["si", "se", "puede", "me"],
    ]
    .iter()
    .any(|h| {
        words.len() > h.len()
            && words.starts_with(&h.iter().map(|w| w.to_string()).collect::<Vec<_>>())
    });
    let nombre_as_a_label = words[0] == "nombre"
        && !["nombre,", "nombre!", "nombre ni ", "nombre no "]
            .iter()
            .any(|p| text.trim_start().to_lowercase().starts_with(p));
    let no = lead_len(&words, NO_LEAD).filter(|_| !hedge && !nombre_as_a_label);
    // A Chilean customer's «ya» says yes alone or set off («ya, dale»), not
    // in «ya llegué», «ya voy»; staff's «ya, …» reports something done.
    let staff = allowed(Intent::MySchedule);
    let bare_ya = words[0] == "ya" && (staff || (words.len() > 1 && !lead_is_separated(text, 1)));
    let yes = yes.filter(|&n| !(hedge || (n == 1 && bare_ya)));
    // "no" wins over "no…" yes-phrases only by length; "mejor no" vs "mejor".
    let lead = match (yes, no) {
        (Some(y), Some(n)) if n >= y => Some((Intent::No, n)),
        (Some(y), _) => Some((Intent::Yes, y)),
        (None, Some(n)) => Some((Intent::No, n)),
        (None, None) => None,
    };

    if let Some((answer, n)) = lead {
        let separated = words.len() > n && lead_is_separated(text, n);
        if words.len() <= 2 || words.len() == n || separated {
            let overrides = if answer == Intent::Yes {
                OVERRIDE_AFTER_YES
            } else {
                OVERRIDE_AFTER_NO
            };
            // After "No," only the rest counts ("No, cancélala"); a bare
            // "no llegó" is read whole.
            let scope = if separated { &words[n..] } else { &words[..] };
            // «listo, y a mí cómo me quedó el día?»: a new question after
            // the answer is that question.
            if separated && scope.first().is_some_and(|w| w == "y") && text.contains('?') {
                if let Some(i) = first_rule(&scope[1..], &clauses, None, allowed) {
                    return i;
                }
            }
            // «Sí, dile que nos avise para reagendar» relays a message: it
            // answers yes.
            let relays = scope
                .first()
                .is_some_and(|w| ["dile", "diles", "avisale", "comentale"].contains(&w.as_str()));
            if answer == Intent::Yes && yes_to_what_was_asked(text) {
                return answer;
            }
            if let Some(i) = first_rule(scope, &clauses, Some(overrides), allowed)
                .filter(|i| !(relays && *i == Intent::Reschedule))
            {
                return i;
            }
            return thanks_unless_confirmed(&words, answer, n);
        }
    }

    if let Some(intent) = first_rule(&words, &clauses, None, allowed) {
        return intent;
    }
    if let Some((answer, n)) = lead {
        return thanks_unless_confirmed(&words, answer, n);
    }
    if has_any(&words, THANKS) {
        return Intent::Thanks;
    }
    if has_any(&words, GREETINGS) {
        return Intent::Greeting;
    }
    Intent::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded() {
        assert_eq!(message_words("Holaaaa q tal!!"), vec!["hola", "que", "tal"]);
        assert_eq!(message_words("👍"), vec!["si"]);
        assert_eq!(
            message_words("Kiero una sita"),
            vec!["quiero", "una", "cita"]
        );
    }

    #[test]
    fn patterns() {
        let w = message_words("el corte ahora dura 40 minutos");
        assert!(has(&w, "dura # min*"));
        assert!(!has(&w, "dura # hora*"));
        assert!(has(&w, "ahora dura"));
    }

    #[test]
    fn a_yes_done_as_asked_is_a_yes() {
        for text in [
            "órale sí, cancélala",
            "sí, cancélala, ya me avisó",
            "va, agéndalo así",
        ] {
            assert!(yes_to_what_was_asked(text), "{text}");
        }
        for text in [
            "sí, cámbiala al viernes",
            "cancélala",
            "vale, suéltalo",
            "sí",
        ] {
            assert!(!yes_to_what_was_asked(text), "{text}");
        }
    }

    #[test]
    fn booked_again_is_not_cancelled() {
        for text in [
            "cancelé a Memo por error, vuélvelo a agendar mañana",
            "la cancelé sin querer, agéndala de nuevo",
            "vuelve a apartarle su lugar de hoy",
        ] {
            assert!(books_again(text), "{text}");
            assert_ne!(classify(text), Intent::Cancel, "{text}");
        }
        assert!(!books_again("cancela la de Memo"));
    }

    #[test]
    fn separated_leads() {
        assert!(lead_is_separated("Si, dile que sí", 1));
        assert!(!lead_is_separated("si hay espacio", 1));
        assert!(lead_is_separated("Sí 😊 perfecto", 1));
        assert!(lead_is_separated("Esta bien. Gracias", 2));
    }
}
