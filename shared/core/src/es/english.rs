//! Staff who write in English or Spanglish («block out 5 to 7 pm today»,
//! «what's Pedro got on 1/12», «hand María back to the bot pls», «make
//! Ana a manager en la app») are read like staff who write in Spanish: a
//! pre-pass rewrites their phrasing into the Spanish the reader already
//! understands, the way `with_staff_emojis` does for emoji commands.
//!
//! Only a message with English in it is rewritten: the words that mark
//! English are words no Spanish message uses («the», «what», «tomorrow»),
//! never one that is also Spanish («me», «a», «no», «son», «come», «solo»)
//! nor one Spanish-writing staff borrow every day («no show», «walk in»,
//! «done», «next», «link», «pls»). A Spanish message comes back borrowed,
//! byte for byte, and costs no allocation. The one thing read in any
//! message is a US date: «1/15» cannot be the 1st of the 15th month, so it
//! is January 15 (in an English message every «M/D» is month first).
//!
//! The rewriting works on words: contractions are spelt out («who's» →
//! «who is»), a possessive is turned around («Pedro's 11am» → «la de las
//! 11am de Pedro»), then phrase rules (patterns of words, names, hours and
//! days) say each request the Spanish way, and last a small dictionary
//! turns the words left («schedule», «with», «please») into Spanish.

use std::borrow::Cow;
use std::sync::OnceLock;

/// The message as Spanish the reader understands: `text` itself unless it
/// holds English or a US date.
pub(crate) fn with_staff_english(text: &str) -> Cow<'_, str> {
    if !is_english(text) {
        return us_dates(text, false);
    }
    let toks = tokens(text);
    let toks = apply(&rules().structure, toks);
    let toks = apply(&rules().phrases, toks);
    let toks = words(toks);
    let out = join(&toks);
    let out = match us_dates(&out, true) {
        Cow::Borrowed(_) => out,
        Cow::Owned(o) => o,
    };
    if out == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(out)
    }
}

/// Words only English uses. Not here: words that are Spanish too («me»,
/// «a», «no», «son», «come», «solo», «real», «once», «he», «has»), nor the
/// English that Spanish-writing staff borrow («in», «show», «done»,
/// «next», «pls», «link», «ok»), so their messages stay as written.
const MARKERS: &[&str] = &[
    "about",
    "access",
    "add",
    "afternoon",
    "again",
    "ahead",
    "already",
    "an",
    "and",
    "any",
    "any1",
    "anybody",
    "anymore",
    "anyone",
    "anything",
    "appointment",
    "appointments",
    "appreciate",
    "appt",
    "appts",
    "are",
    "aren't",
    "aside",
    "at",
    "availability",
    "back",
    "barber",
    "be",
    "been",
    "block",
    "book",
    "booked",
    "books",
    "break",
    "bring",
    "bucks",
    "busy",
    "called",
    "came",
    "can",
    "can't",
    "canceled",
    "cancelled",
    "cant",
    "chair",
    "change",
    "charge",
    "close",
    "closed",
    "closing",
    "complete",
    "completed",
    "costs",
    "could",
    "crew",
    "customer",
    "customers",
    "day",
    "deck",
    "delete",
    "did",
    "didn't",
    "didnt",
    "do",
    "does",
    "doesn't",
    "doing",
    "don't",
    "dont",
    "drop",
    "earlier",
    "evening",
    "ever",
    "everybody",
    "everyone",
    "find",
    "finished",
    "fire",
    "fired",
    "fit",
    "for",
    "free",
    "friday",
    "fridays",
    "from",
    "get",
    "give",
    "going",
    "gonna",
    "good",
    "got",
    "guys",
    "had",
    "hand",
    "handle",
    "handling",
    "have",
    "her",
    "here",
    "hide",
    "him",
    "hire",
    "hired",
    "hiring",
    "his",
    "history",
    "hold",
    "hopping",
    "hours",
    "how",
    "how'd",
    "how's",
    "i'd",
    "i'll",
    "i'm",
    "i've",
    "instead",
    "is",
    "isn't",
    "it",
    "it's",
    "jumping",
    "just",
    "keep",
    "kill",
    "know",
    "last",
    "later",
    "leaving",
    "left",
    "let",
    "let's",
    "like",
    "long",
    "look",
    "lower",
    "lunch",
    "make",
    "manager",
    "many",
    "mark",
    "marked",
    "message",
    "mins",
    "minutes",
    "monday",
    "mondays",
    "month",
    "more",
    "morning",
    "move",
    "msg",
    "much",
    "my",
    "need",
    "needs",
    "never",
    "new",
    "nix",
    "no-showed",
    "nobody",
    "normally",
    "noshowed",
    "nothing",
    "now",
    "numbers",
    "of",
    "off",
    "often",
    "on",
    "onboard",
    "open",
    "opening",
    "openings",
    "our",
    "out",
    "packed",
    "paid",
    "pause",
    "pencil",
    "people",
    "please",
    "plz",
    "prefers",
    "price",
    "prices",
    "pull",
    "push",
    "quit",
    "raise",
    "register",
    "reminder",
    "remove",
    "report",
    "reschedule",
    "resend",
    "reserve",
    "returning",
    "revenue",
    "rid",
    "room",
    "sales",
    "same",
    "saturday",
    "saturdays",
    "save",
    "saying",
    "schedule",
    "scratch",
    "seeing",
    "send",
    "service",
    "services",
    "she",
    "she's",
    "should",
    "shouldn't",
    "showed",
    "sick",
    "sign",
    "slot",
    "someone",
    "sounds",
    "spot",
    "squeeze",
    "starting",
    "starts",
    "step",
    "still",
    "stop",
    "stylist",
    "sunday",
    "sundays",
    "swap",
    "switch",
    "system",
    "take",
    "talk",
    "team",
    "tell",
    "text",
    "that",
    "that's",
    "the",
    "their",
    "them",
    "there",
    "they",
    "this",
    "through",
    "thru",
    "thursday",
    "thursdays",
    "till",
    "time",
    "to",
    "today",
    "tomorrow",
    "tonight",
    "totals",
    "tuesday",
    "tuesdays",
    "ty",
    "tysm",
    "tyvm",
    "unavailable",
    "unblock",
    "until",
    "up",
    "usually",
    "visit",
    "visited",
    "walked",
    "wanna",
    "want",
    "wants",
    "was",
    "we",
    "we'll",
    "we're",
    "wednesday",
    "wednesdays",
    "week",
    "were",
    "what",
    "what'd",
    "what's",
    "when",
    "where",
    "who",
    "who's",
    "whom",
    "why",
    "will",
    "wipe",
    "with",
    "won't",
    "working",
    "would",
    "write",
    "yeah",
    "yesterday",
    "you",
    "your",
];

/// Whether `text` holds a word only English uses («I» counts written as
/// the capital it is: a lone lowercase «i» is Catalan's «and»).
fn is_english(text: &str) -> bool {
    let mut buf = [0u8; 16];
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .any(|w| {
            // «I», and «Pedro's»: no Spanish word ends in «'s».
            if w == "I" || (w.len() > 3 && (w.ends_with("'s") || w.ends_with("’s"))) {
                return true;
            }
            lower_ascii(w, &mut buf).is_some_and(|w| MARKERS.binary_search(&w).is_ok())
        })
}

/// `w` in ASCII lowercase («’» as «'») in `buf`, when it fits and is ASCII.
fn lower_ascii<'b>(w: &str, buf: &'b mut [u8; 16]) -> Option<&'b str> {
    let w = w.strip_suffix('’').unwrap_or(w);
    let mut n = 0;
    for c in w.chars() {
        let c = if c == '’' { '\'' } else { c };
        if !c.is_ascii() || n >= buf.len() {
            return None;
        }
        buf[n] = c.to_ascii_lowercase() as u8;
        n += 1;
    }
    std::str::from_utf8(&buf[..n]).ok()
}

/// A word or a mark of punctuation, as written and in lowercase.
#[derive(Clone, Debug)]
struct Tok {
    text: String,
    low: String,
}

impl Tok {
    fn new(text: &str) -> Tok {
        Tok {
            text: text.to_string(),
            low: text.to_lowercase().replace('’', "'"),
        }
    }

    fn is_word(&self) -> bool {
        self.text.chars().any(char::is_alphanumeric)
    }
}

/// Punctuation that stands apart from a word: «bro,» «off?» «appt:».
const TRAILING: &[char] = &[',', '.', '?', '!', ':', ';', ')', '"', '»', '…'];
const LEADING: &[char] = &['¿', '¡', '(', '"', '«'];

fn tokens(text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    for chunk in text.split_whitespace() {
        let mut rest = chunk;
        while let Some(c) = rest.chars().next().filter(|c| LEADING.contains(c)) {
            out.push(Tok::new(&rest[..c.len_utf8()]));
            rest = &rest[c.len_utf8()..];
        }
        // «'corte de niño'»: quotes around words, not an apostrophe.
        let quoted = rest.starts_with('\'') || rest.starts_with('‘');
        if quoted {
            let c = rest.chars().next().unwrap_or('\'');
            out.push(Tok::new(&rest[..c.len_utf8()]));
            rest = &rest[c.len_utf8()..];
        }
        let mut tail = Vec::new();
        while let Some(c) = rest.chars().last() {
            let closing_quote = (c == '\'' || c == '’') && (quoted || rest.len() == 1);
            // (A lone «.» stays a word: there is nothing to stand apart from.)
            let lone_dot = c == '.' && rest.len() == 1;
            if !(TRAILING.contains(&c) || closing_quote) || lone_dot {
                break;
            }
            // «4:30» and «1/15» keep their marks; «Sr.» and «a.m.» too.
            let body = &rest[..rest.len() - c.len_utf8()];
            if c == '.' && body.ends_with(|x: char| x.is_ascii_lowercase()) && body.contains('.') {
                break;
            }
            tail.push(Tok::new(&rest[body.len()..]));
            rest = body;
        }
        if !rest.is_empty() {
            out.extend(spelt_out(rest));
        }
        out.extend(tail.into_iter().rev());
    }
    // «my 3 o'clock»: the hour, written as an hour.
    let mut i = 1;
    while i < out.len() {
        let bare = out[i - 1].low.len() <= 2 && out[i - 1].low.chars().all(|c| c.is_ascii_digit());
        if bare && ["o'clock", "oclock"].contains(&out[i].low.as_str()) {
            out[i - 1] = Tok::new(&format!("{}:00", out[i - 1].text));
            out.remove(i);
        }
        i += 1;
    }
    out
}

/// Contractions spelt out, and a possessive «'s» as a word of its own:
/// «who's» → «who is», «Pedro's» → «Pedro 's».
fn spelt_out(word: &str) -> Vec<Tok> {
    const SPELT: &[(&str, &str)] = &[
        ("who's", "who is"),
        ("whos", "who is"),
        ("what's", "what is"),
        ("how's", "how is"),
        ("hows", "how is"),
        ("whats", "what is"),
        ("thats", "that is"),
        ("wheres", "where is"),
        ("theres", "there is"),
        ("it's", "it is"),
        ("that's", "that is"),
        ("there's", "there is"),
        ("here's", "here is"),
        ("where's", "where is"),
        ("when's", "when is"),
        ("he's", "he is"),
        ("how'd", "how did"),
        ("what'd", "what did"),
        ("who'd", "who did"),
        ("where'd", "where did"),
        ("she's", "she is"),
        ("let's", "let us"),
        ("i'm", "i am"),
        ("im", "i am"),
        ("i'll", "i will"),
        ("i've", "i have"),
        ("ive", "i have"),
        ("i'd", "i would"),
        ("we're", "we are"),
        ("we'll", "we will"),
        ("we've", "we have"),
        ("you're", "you are"),
        ("you'll", "you will"),
        ("they're", "they are"),
        ("he'll", "he will"),
        ("she'll", "she will"),
        ("don't", "do not"),
        ("dont", "do not"),
        ("doesn't", "does not"),
        ("doesnt", "does not"),
        ("didn't", "did not"),
        ("didnt", "did not"),
        ("can't", "can not"),
        ("cant", "can not"),
        ("cannot", "can not"),
        ("won't", "will not"),
        ("wont", "will not"),
        ("isn't", "is not"),
        ("wasn't", "was not"),
        ("aren't", "are not"),
        ("haven't", "have not"),
        ("hasn't", "has not"),
        ("shouldn't", "should not"),
        ("couldn't", "could not"),
        ("wouldn't", "would not"),
        ("gonna", "going to"),
        ("wanna", "want to"),
        ("gotta", "have to"),
        ("lemme", "let me"),
        ("gimme", "give me"),
    ];
    let low = word.to_lowercase().replace('’', "'");
    // «1pm-2pm», «9am-11»: two hours and the span between them.
    if let Some((a, b)) = low.split_once('-') {
        let hour = |x: &str| {
            let d = x.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            !d.is_empty()
                && d.len() <= 5
                && d.chars().all(|c| c.is_ascii_digit() || c == ':')
                && ["", "am", "pm"].contains(&&x[d.len()..])
        };
        if hour(a) && hour(b) && (a.ends_with('m') || b.ends_with('m')) {
            return vec![Tok::new(a), Tok::new("-"), Tok::new(b)];
        }
    }
    if let Some((_, to)) = SPELT.iter().find(|(from, _)| *from == low) {
        // «I'm» keeps its capital where it had one: names are found by it.
        return to.split(' ').map(Tok::new).collect();
    }
    for s in ["'s", "’s"] {
        if let Some(owner) = word.strip_suffix(s) {
            if !owner.is_empty() && owner.chars().all(|c| c.is_alphabetic() || c == '-') {
                return vec![Tok::new(owner), Tok::new("'s")];
            }
        }
    }
    vec![Tok::new(word)]
}

/// One element of a phrase rule.
#[derive(Debug)]
enum El {
    /// One of these runs of words (lowercase); `true` when it may be left
    /// out.
    Lit(Vec<Vec<&'static str>>, bool),
    /// A person's name: capitalised words, or (`true`) one lowercase word
    /// that is no other kind of word.
    Name(bool),
    /// An hour written as one («4pm», «4:30», «11 am»).
    Time,
    /// An hour or a bare number that may be one («5», «12»).
    Hour,
    /// A day: a weekday, «today», «1/15», «the 15th», «next week».
    Day,
    /// Any word.
    Word,
    /// One to `n` words.
    Gap(usize),
    /// One to six words that say a day or a part of it («next monday»,
    /// «the 15th», «friday afternoon»).
    Days,
    /// A price: «$15», «300 pesos», «250».
    Money,
    /// The end of the message or of a clause.
    End,
    /// A month's name.
    Month,
    /// A phone number, in one to five groups of digits.
    Phone,
    /// The start of the message.
    Start,
    /// Not followed by one of these words (takes none).
    Not(Vec<&'static str>),
}

struct Rule {
    pat: Vec<El>,
    out: &'static str,
}

struct Rules {
    structure: Vec<Rule>,
    phrases: Vec<Rule>,
}

fn parse(table: &[(&'static str, &'static str)]) -> Vec<Rule> {
    table
        .iter()
        .map(|(pat, out)| Rule {
            pat: pat
                .split(' ')
                .map(|e| match e {
                    "{N}" => El::Name(false),
                    "{n}" => El::Name(true),
                    "{t}" => El::Time,
                    "{h}" => El::Hour,
                    "{d}" => El::Day,
                    "{w}" => El::Word,
                    "^" => El::Start,
                    "$" => El::End,
                    "{D}" => El::Days,
                    "{$}" => El::Money,
                    "{m}" => El::Month,
                    "{p}" => El::Phone,
                    not if not.len() > 1 && not.starts_with('!') => {
                        El::Not(not[1..].split('|').collect())
                    }
                    g if g.starts_with("{~") => El::Gap(g[2..g.len() - 1].parse().unwrap_or(3)),
                    lit => {
                        let (l, optional) = match lit.strip_suffix('?') {
                            Some(l) => (l, true),
                            None => (lit, false),
                        };
                        El::Lit(
                            l.split('|').map(|a| a.split('_').collect()).collect(),
                            optional,
                        )
                    }
                })
                .collect(),
            out,
        })
        .collect()
}

fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| Rules {
        structure: parse(STRUCTURE),
        phrases: parse(PHRASES),
    })
}

/// Possessives, appointments named by their hour, spans of hours and days:
/// said the Spanish way before the requests around them are read. In a
/// pattern, `a|b` is either, `a_b` two words in a row, `a?` may be left
/// out, `{N}` is a name written with capitals, `{n}` one written any way,
/// `{t}` an hour, `{h}` an hour or a bare number, `{d}` a day, `{D}` a day
/// in a few words, `{$}` a price, `{w}` any word, `{~3}` one to three
/// words, `^` the start, `$` the end, `!a|b` not before these; `$1`… in
/// what is said take what each capture took.
const STRUCTURE: &[(&str, &str)] = &[
    // «who's Pedro's next», «Pedro's next one»: who follows with Pedro.
    ("who|what is {N} 's next|up", "quién sigue con $1"),
    (
        "{N} 's next one|client|customer|appointment|appt?",
        "quién sigue con $1",
    ),
    // «Pedro's 11am»: the appointment at 11 with Pedro.
    (
        "the? shop|team|crew|everyone|everybody 's appointments|appts|schedule|calendar|agenda|bookings",
        "la agenda de todos",
    ),
    ("{N} 's {t}", "la de las $2 de $1"),
    ("{N} 's block|blocks", "el bloqueo de $1"),
    (
        "{n} 's schedule|calendar|agenda|day|week|appointments|appts|clients",
        "la agenda de $1",
    ),
    ("{n} 's appointment|appt|booking", "la cita de $1"),
    ("{n} 's history|visits|record", "el historial de $1"),
    ("{N} 's admin|access|permissions", "el admin de $1"),
    (
        "{N} 's chat|conversation|convo|messages|thread",
        "la conversación de $1",
    ),
    // «tomorrow's 10am», «today's sales».
    ("{d} 's {t}", "la de las $2 de $1"),
    ("{d} 's {w}", "$2 de $1"),
    ("everyone|everybody 's", "de todos"),
    // («a Pedro's la cita», as a dictated Spanish message has it: no
    // English noun follows, so the «'s» only goes.)
    (
        "{n} 's !la|el|los|las|ya|de|del|que|no|hoy|ahora|mañana|a|al|y|con|en|se|le|lo|su|es|cita|agenda {w}",
        "$2 de $1",
    ),
    ("{n} 's", "$1"),
    // «the 4:30», «my 4pm»: the appointment at that hour.
    (
        "the|that {t} appointment|appt|client|guy|lady|one?",
        "la de las $1",
    ),
    (
        "my {t} appointment|appt|client|guy|lady|one?",
        "mi cita de las $1",
    ),
    // «my 11 didn't show»: a bare hour is one after «my».
    (
        "my {h} !min|mins|minutes|hours|hrs|days|weeks|people|pesos|dlls|bucks|%",
        "mi cita de las $1",
    ),
    ("{h} hours|hrs|hour long?", "$1 horas"),
    // «from 12 to 1», «5 to 7 pm».
    ("from {h} to|till|until|til|- {h}", "de $1 a $2"),
    ("{h} to|till|until|til|- {h}", "de $1 a $2"),
    // «the guy at 10», «the client at 2»: the appointment at that hour.
    ("the guy|client|customer|lady|one|dude|appointment|appt at {h}", "el de las $1"),
    ("to? later ,? like|around|about {h}", "más tarde, como a las $1"),
    ("like|around|about {h} !min|mins|minutes|hours|people|pesos|dlls|bucks", "como a las $1"),
    ("to later", "más tarde"),
    ("till|until|til {h}", "hasta las $1"),
    ("all|whole day", "todo el día"),
    ("the whole|entire|full day", "todo el día"),
    ("all afternoon", "toda la tarde"),
    ("the whole|entire afternoon", "toda la tarde"),
    ("all morning", "toda la mañana"),
    ("the whole|entire morning", "toda la mañana"),
    ("all evening|night", "toda la noche"),
    ("all week", "toda la semana"),
    ("the whole|entire week", "toda la semana"),
    ("all|whole weekend", "todo el fin de semana"),
    ("the whole|entire weekend", "todo el fin de semana"),
    ("in the morning", "en la mañana"),
    ("in the afternoon", "en la tarde"),
    ("in the evening", "en la noche"),
    ("this week", "esta semana"),
    ("this month", "este mes"),
    ("last week", "la semana pasada"),
    ("last month", "el mes pasado"),
    ("next month", "el mes que viene"),
    ("on|for|by next week", "para la semana que viene"),
    ("next week", "la semana que viene"),
    ("this_coming|next|coming {d}", "el próximo $1"),
    ("an|one hour later", "una hora más tarde"),
    ("an|one hour earlier", "una hora más temprano"),
    ("back an|one hour", "una hora más tarde"),
    ("half an hour later", "media hora más tarde"),
    ("{h} min|mins|minutes later", "$1 min más tarde"),
    ("{h} min|mins|minutes earlier", "$1 min más temprano"),
    ("back {h} min|mins|minutes", "$1 min más tarde"),
    ("same time", "a la misma hora"),
    ("after lunch", "después de comer"),
    ("for now", "por ahora"),
    ("right now", "ahorita"),
    ("from now on?", "desde ahora"),
    ("from here on?", ""),
    ("on|for|by today", "para hoy"),
    ("on|for|by tomorrow|tmrw|tmr", "para mañana"),
    ("on|for|by tonight", "para hoy en la noche"),
    // «change opening time to 8am», «move Hector to 6» (not «to 15 min»,
    // «to 200»).
    (
        "to {h} !min|mins|minutes|hours|hrs|pesos|dlls|bucks|dollars|mxn|usd|people|%|to|till|until|til|-",
        "a las $1",
    ),
    ("on the? {d}", "el $1"),
    ("for|by the? {d}", "para el $1"),
    ("thru|through", "a"),
    // «sales for december»: the month's.
    ("for|in|of {m}", "de $1"),
    ("at noon", "al mediodía"),
];

/// Requests, the Spanish way the reader knows them (contractions already
/// spelt out: «who is», «do not», «i will»).
const PHRASES: &[(&str, &str)] = &[
    // ── Saying no or yes ──
    ("no|nah|nope? no? wait? ,? do_not cancel", "no no espera, no canceles"),
    ("do_not do that|it", "no lo hagas"),
    ("never_mind|nvm", "olvídalo"),
    ("leave it as_is?", "así déjalo"),
    ("go_ahead and_do_it?", "sí dale"),
    ("that works|sounds_good|go_for_it", "sí dale"),
    ("appreciate it|you|that", "gracias"),
    ("tysm|tyvm|ty|thank_you|thanks_so_much", "gracias"),
    ("^ no|nah|nope ,? no? ,? cancel|undo|scratch that|it $", "no, olvídalo"),
    // ── Handing the chat back ──
    // «hand María back to the bot», «bot can take over again with Luis».
    (
        "hand|give|pass|send|put|return|transfer {n} back? to the bot",
        "regrésale la conversación de $1 al bot",
    ),
    (
        "hand|give|pass|send|put|return|transfer it|him|her|them|this|that? chat|conversation|convo|one? back? to the bot",
        "regrésale la conversación al bot",
    ),
    ("back to the bot", "regrésale la conversación al bot"),
    ("hand|give|pass it|him|her|them|the_chat back $", "regrésale la conversación al bot"),
    (
        "the? bot can|may|should|will take_over|continue|handle_it|take_it|answer|go_back again|now|back? with|for {n}",
        "el bot puede seguir con $1",
    ),
    (
        "the? bot can|may|should|will take|handle|answer|get|have {n} back|again|now?",
        "el bot puede seguir con $1",
    ),
    (
        "you can|may|should take|handle|answer|get|have {n} back|again|now?",
        "ya puedes seguir tú con $1",
    ),
    (
        "the? bot can|may|should|will take_over|continue|handle_it|take_it|answer|go_back|have_it|get_it",
        "el bot puede seguir",
    ),
    (
        "you can|may go_back_to handling|answering|talking_to|helping {n}",
        "ya puedes seguir tú con $1",
    ),
    (
        "you can|may take_it|take_over|continue|go_back",
        "ya puedes seguir tú",
    ),
    ("back to you with|for {n}", "ya puedes seguir tú con $1"),
    ("back to you", "ya puedes seguir tú"),
    ("you take it|over", "ya puedes seguir tú"),
    (
        "do_not let the bot answer|handle|reply_to|talk_to|take {n}",
        "yo me encargo de $1",
    ),
    (
        "let the bot take|handle|continue|answer",
        "el bot puede seguir",
    ),
    (
        "reactivate|resume|restart|unpause|unmute|activate|enable the bot",
        "activa el bot otra vez",
    ),
    (
        "turn|switch the bot back? on for|with {n}",
        "el bot puede seguir con $1",
    ),
    ("turn|switch the bot back? on", "activa el bot otra vez"),
    ("bot back on", "activa el bot otra vez"),
    (
        "i_am? done|finished talking|chatting to|with",
        "ya terminé de hablar con",
    ),
    (
        "all? done|finished with the chat|conversation|convo",
        "ya terminé de hablar",
    ),
    // ── Taking a chat over ──
    (
        "i_will|let_me|i_am_going_to take_over|take_it|take_this|handle_it|handle_this with|for {n}",
        "yo me encargo de $1",
    ),
    ("take over with|for {n}", "yo me encargo de $1"),
    (
        "stop|pause|hold|mute|silence|turn_off|shut_off the bot for|with {n}",
        "yo me encargo de $1, para el bot",
    ),
    (
        "stop|pause|hold|mute|silence|turn_off|shut_off the bot",
        "para el bot, yo me encargo",
    ),
    ("turn|shut the bot off", "para el bot, yo me encargo"),
    ("step|stand aside", "para el bot, yo me encargo"),
    (
        "i_will|let_me|i_am_going_to handle|take|answer|talk_to|deal_with|chat_with|reply_to la_conversación_de? {n} myself?",
        "yo me encargo de $1",
    ),
    // «I'll take him» is the customer in the chair, not the chat.
    ("i_will|let_me take him|her|them", "lo voy a atender yo"),
    ("i_am|i_will|let_me jumping|jump|hopping|hop|stepping|step in on? the? chat|conversation|convo? with|for {n}", "yo me encargo de $1"),
    ("i need_to|want_to|have_to|gotta talk|chat|speak to|with {N}", "yo me encargo de $1"),
    (
        "i_will|let_me|i_am_going_to take_over|handle_it|handle_this|handle_that|take_it|take_this|take_that|talk_to_him|talk_to_her|talk_to_them|answer|reply",
        "yo me encargo",
    ),
    (
        "i_am handling|taking|answering this|it|him|her|them|over",
        "yo me encargo",
    ),
    ("i got|have this|it|him|her", "yo me encargo"),
    ("the guy|dude|man", "el señor"),
    ("the lady|woman", "la señora"),
    (
        "i_will|let_me|i_am_going_to talk|chat|deal to|with",
        "yo me encargo de",
    ),
    // ── Customers' history ──
    (
        "when was|is|did the last time {n} came|come|was|visited in|here?",
        "cuándo fue la última vez que vino $1",
    ),
    (
        "when did {n} last come|visit|get in|here?",
        "cuándo fue la última vez que vino $1",
    ),
    ("when did {n} come|visit in? last", "cuándo fue la última vez que vino $1"),
    ("how often does|has|did {n}", "cuántas veces ha venido $1"),
    (
        "how many times has|did {n} come|been|visited|came in|here? before?",
        "cuántas veces ha venido $1",
    ),
    (
        "has {n} been|come|visited here|in? before?",
        "ha venido $1 antes",
    ),
    (
        "has {n} ever? no-showed|missed|cancelled|canceled|skipped|no_showed before?",
        "ha faltado $1 antes",
    ),
    (
        "what did {n} get|have done? last time|visit|cut?",
        "qué se hizo $1 la última vez",
    ),
    ("is {N} a|an new client|customer?", "$1 es cliente nuevo"),
    ("is {N} new", "$1 es cliente nuevo"),
    (
        "is {N} a|an regular|returning client|customer?",
        "$1 es cliente frecuente",
    ),
    ("who is {N}", "quién es $1"),
    ("who is {p}", "quién es $1"),
    ("what does|did {n} usually|normally|always get|have", "qué se hace $1 normalmente"),
    (
        "how many times has|did {n} no_show|no-show|noshow|no_showed|no-showed|missed|miss|cancel|cancelled|canceled",
        "cuántas veces ha faltado $1",
    ),
    ("history for|of|on {n}", "historial de $1"),
    ("look_up|check_on|pull_up|find {N}", "historial de $1"),
    ("last visit", "última vez"),
    // ── The next appointment ──
    (
        "who|what is up|coming? in? next for|with {N}",
        "quién sigue con $1",
    ),
    ("who|what is my next one|client|customer|appointment|appt?", "quién sigue"),
    ("what time is my next", "a qué hora es mi siguiente"),
    ("who is in_the_chair|coming|up next|now?", "quién sigue"),
    ("who|what do i have|got next", "quién sigue"),
    ("who|what do i have|got after this|that|him|her one?", "quién sigue"),
    ("^ next up", "quién sigue"),
    (
        "who|what is after this|that|him|her one|guy|client?",
        "quién sigue",
    ),
    ("who is up|coming? in? next", "quién sigue"),
    ("who is up", "quién sigue"),
    ("what is next", "qué sigue"),
    (
        "my next one|client|customer|appointment|appt|cut",
        "mi siguiente cita",
    ),
    ("next one|client|customer|appointment|appt|up for|with {N}", "quién sigue con $1"),
    (
        "next client|customer|appointment|appt|one|cut",
        "siguiente cita",
    ),
    // ── Relaying to a customer ──
    ("let {n} know that?", "dile a $1 que"),
    ("let la_de_las {t} know that?", "dile al de las $1 que"),
    (
        "send {n} a message|text|msg|note saying|that|:?",
        "dile a $1 que",
    ),
    (
        "send|write a? message|text|msg|note to {n} saying|that|:?",
        "dile a $1 que",
    ),
    (
        "tell|text|msg|message|remind|notify la_de_las {t} that|saying|:?",
        "dile al de las $1 que",
    ),
    ("tell|text|msg|message|remind|notify el_de_las {h} to|that|saying|:?", "dile al de las $1 que"),
    (
        "tell|text|msg|message|notify everyone|everybody|all_clients|all_customers|all_the_clients",
        "avísales a todos",
    ),
    (
        "tell|text|msg|message|remind|notify {N} that|saying|:?",
        "dile a $1 que",
    ),
    (
        "tell|text|msg|message|remind|notify {p} that|saying|:?",
        "dile al $1 que",
    ),
    ("tell|text|msg|remind {n} that|saying|:?", "dile a $1 que"),
    ("tell|text|msg|remind him|her|them that?", "dile que"),
    ("ask {N} if|whether", "pregúntale a $1 si"),
    // ── Permissions ──
    (
        "make {N} a|an? manager|admin|administrator|owner|boss",
        "hazle admin a $1",
    ),
    (
        "give {N} admin|manager|full? access|permission|permissions|rights",
        "dale acceso de admin a $1",
    ),
    ("give {N} admin|manager", "dale acceso de admin a $1"),
    (
        "let {N} see|view|access|edit|check|manage",
        "que $1 pueda ver",
    ),
    (
        "{N} should_not|can_not|should_no_longer see|view|access|check",
        "que $1 no pueda ver",
    ),
    ("{N} should|can only see|view", "$1 solo debe ver"),
    (
        "{N} should|can be_able_to? see|view|access|edit|check|manage",
        "que $1 pueda ver",
    ),
    (
        "{N} should_be|is_now|will_be|can_be a|an? manager|admin|administrator",
        "hazle admin a $1",
    ),
    (
        "take_away|remove|revoke el admin de {N}",
        "quítale el admin a $1",
    ),
    (
        "take_away|remove|revoke admin|access from {N}",
        "quítale el admin a $1",
    ),
    // ── The team ──
    (
        "add|hire|put him|her as a|an? new? barber|stylist|receptionist|employee",
        "agrégalo como barbero nuevo",
    ),
    (
        "add|hire|put {~3} as a|an? new? barber|stylist|receptionist|employee",
        "agrega a $1 como barbero nuevo",
    ),
    (
        "add|put|get {~3} on|to|in the team|staff|system|app|roster",
        "agrega a $1 al equipo",
    ),
    ("we hired {N}", "contratamos a $1"),
    ("hire|onboard {N}", "agrega a $1 como barbero nuevo"),
    (
        "new guy|barber|stylist|employee starting|starts|started",
        "barbero nuevo empieza",
    ),
    ("his|her name is {N}", "se llama $1"),
    (
        "we have|got a new barber|stylist|employee",
        "tenemos barbero nuevo",
    ),
    ("add a? new barber|stylist|employee :?", "agrega barbero nuevo:"),
    ("new barber|stylist|employee", "barbero nuevo"),
    (
        "remove|delete|take|kick|get {N} out? from|off|of the system|team|app|staff|shop",
        "quita a $1 del sistema",
    ),
    ("fire {N}", "quita a $1 del sistema"),
    (
        "{N} does_not|no_longer work|works here|with_us anymore?",
        "$1 ya no trabaja aquí",
    ),
    ("{N} quit|is_leaving|is_quitting", "$1 ya no trabaja aquí"),
    (
        "he|she|they does_not|do_not|no_longer work|works here|with_us anymore?",
        "ya no trabaja aquí",
    ),
    (
        "he|she is done here|done_working_here",
        "ya no trabaja aquí",
    ),
    ("remove|delete him|her|them", "quítalo del sistema"),
    // ── The services ──
    (
        "take|remove|delete|drop {~3} off|from the booking? menu|list|services|booking|app",
        "quita $1 de los servicios",
    ),
    ("get_rid_of the?", "quita"),
    (
        "we_are not doing|offering {~3} anymore",
        "ya no hacemos $1",
    ),
    ("we do_not do|offer {~3} anymore", "ya no hacemos $1"),
    ("stop offering|doing", "ya no hacemos"),
    ("stop taking bookings|appointments|appts for", "ya no hacemos"),
    ("no more {~3}", "ya no hacemos $1"),
    (
        "turn_off|disable|deactivate|pause|hide {~3}",
        "desactiva $1",
    ),
    ("disable|deactivate|pause", "desactiva"),
    ("let_us add a|an", "agrega un"),
    ("let_us add", "agrega"),
    ("add a|an? new? service :?", "nuevo servicio:"),
    ("add a|an new? {~4} service", "nuevo servicio: $1"),
    ("new service", "nuevo servicio"),
    (
        "we_are? adding|add|put a|an|the? {~4} to|on|in the menu|services_list|service_list|services|list",
        "agrega $1 a los servicios",
    ),
    (
        "add them|it to the menu|services|list",
        "agrégalo a los servicios",
    ),
    (
        "we_are|we_will going_to? start offering|doing",
        "vamos a empezar a hacer",
    ),
    ("start offering|doing", "vamos a empezar a hacer"),
    // ── Prices and how long ──
    ("price update|change :?", "cambio de precio:"),
    ("change the|a? price|prices", "cambia el precio"),
    ("raise|increase the? price of?", "sube el precio del"),
    ("lower|reduce|drop the? price of?", "baja el precio del"),
    ("lower|reduce|drop|cut {~3} to {$}", "baja $1 a $2"),
    ("raise|increase|bump {~3} up? to", "sube $1 a"),
    ("charge {$} for", "cobra $1 por"),
    ("what we charge for", "el precio de"),
    ("should_be|will_be|is_going_to_be {$}", "ahora a $1"),
    ("price is now", "ahora cuesta"),
    ("{~3} is|are now? {$}", "$1 ahora a $2"),
    ("make|set {~3} {$}", "$1 ahora a $2"),
    ("is now", "ahora cuesta"),
    ("costs|cost", "cuesta"),
    (
        "set|make {~3} to? {w} min|mins|minutes",
        "$1 ahora dura $2 min",
    ),
    // ── Opening hours ──
    ("opening time|hour", "la hora de abrir"),
    ("closing time|hour", "la hora de cerrar"),
    (
        "extend|change|update|adjust|set our|the? opening|business|shop? hours",
        "cambia el horario",
    ),
    ("new|our hours :?", "nuevo horario:"),
    (
        "we_are_going_to_be|we_will_be|we_are|we_will open",
        "abrimos",
    ),
    (
        "we_are_going_to_be|we_will_be|we_are|we_will closed",
        "no abrimos",
    ),
    ("we_are_not|we_will_not|we_do_not|we_are_not_going_to_be|we_will_not_be open|opening", "no abrimos"),
    ("we_are|we_will closing|close", "cerramos"),
    ("we_are|we_will opening|open", "abrimos"),
    ("we open|opening", "abrimos"),
    ("we close|closing", "cerramos"),
    ("^ closed", "no abrimos"),
    ("^ open|opening !my|up|it|that|them|back|again|mi {D}", "abrimos $1"),
    ("closing|close early", "cerramos temprano"),
    ("open|opened hasta las", "abrimos hasta las"),
    ("close|closing at", "cerramos a las"),
    ("open|opening at", "abrimos a las"),
    // ── Takings ──
    (
        "how much did|have|do? we make|made|do|done|bring_in|earn|sell|sold",
        "cuánto hicimos",
    ),
    ("how much did i make|earn", "cuánto hice"),
    (
        "how much did|has {N} make|made|do|done|bring_in|earn",
        "cuánto hizo $1",
    ),
    (
        "what did|have we make|made|earn|bring_in",
        "cuánto hicimos",
    ),
    ("how much money", "cuánto hicimos"),
    (
        "how is|was today|business going|looking|doing?",
        "cómo vamos hoy",
    ),
    ("how is|was the day going|looking|doing?", "cómo vamos hoy"),
    ("how did we do", "cómo nos fue"),
    ("how are we doing", "cómo vamos"),
    ("how many people|clients|customers|guys|heads came|come|did_we_get|did_we_see|did_we_have in?", "cuántos clientes tuvimos"),
    ("how many", "cuántos"),
    ("did we have|get|see", "tuvimos"),
    ("did we do", "hicimos"),
    ("did i do|cut", "hice"),
    ("did i have|see|get", "tuve"),
    ("do we have", "tenemos"),
    ("$$ wise", "de dinero"),
    ("money wise", "de dinero"),
    ("the|las? numbers|stats|totals|figures", "las ventas"),
    ("total sales", "ventas"),
    // ── Agendas ──
    ("what do|did i have|got", "qué tengo"),
    ("what have|did i got", "qué tengo"),
    ("what i have|got", "qué tengo"),
    (
        "what is on my schedule|calendar|agenda|plate|list",
        "qué tengo",
    ),
    (
        "anything|anyone on my schedule|calendar|agenda",
        "tengo algo",
    ),
    ("what does my {w} look like", "cómo está mi $1"),
    ("what is my {w} looking like", "cómo está mi $1"),
    ("how does my {w} look", "cómo está mi $1"),
    ("how is my {w} looking?", "cómo está mi $1"),
    ("who do i have", "qué tengo"),
    ("how packed|busy|full is my", "qué tan lleno está mi"),
    ("what is|does the? whole? team|shop|crew|everyone|everybody got|have|doing|look_like", "la agenda de todos"),
    ("who|what am i seeing|doing|cutting|working", "qué tengo"),
    (
        "anyone|anybody|any1 booked|scheduled with|for me",
        "tengo citas",
    ),
    ("am i free|open|available", "estoy libre"),
    ("am i busy|booked|full", "tengo citas"),
    ("do_i|i? got|have anybody|anyone|any1|anything", "tengo algo"),
    ("do i have", "tengo"),
    ("is my", "está mi"),
    ("any openings|slots|space|room", "espacio"),
    ("what does|did {N} have|got", "qué tiene $1"),
    ("what is {N} doing|up_to", "qué tiene $1"),
    ("anybody|anyone|any1 open|free|available", "quién está libre"),
    (
        "what is on deck|tap|the_books|the_schedule|the_calendar|the_agenda for|with me",
        "qué tengo",
    ),
    (
        "does {N} have room|space|anything|openings|time|a_spot|an_opening|a_slot",
        "$1 tiene espacio",
    ),
    ("who|what is|has|does {N} got|have", "qué tiene $1"),
    ("is {N} busy|free|available|booked|open", "$1 tiene espacio"),
    ("what {N} got|has", "qué tiene $1"),
    ("who is free|available|open", "quién está libre"),
    ("who has openings|space|room|time|availability|anything_open", "quién está libre"),
    ("anything|something open|free|available for|with me", "tengo espacio"),
    ("who is working|in|on", "quién trabaja"),
    (
        "how busy|full are_we|is_it|is_the_shop",
        "qué tan lleno está para todos",
    ),
    ("all the? appointments|appts|bookings", "todas las citas"),
    (
        "the? whole|entire|full? shop 's? schedule|calendar|agenda",
        "la agenda de todos",
    ),
    (
        "whole|entire|full schedule|calendar|agenda",
        "la agenda de todos",
    ),
    (
        "my appointments|appts|bookings|clients|customers|cuts",
        "mis citas",
    ),
    ("show|send|pull_up|bring_up me? my", "enséñame mi"),
    ("show me|us", "enséñame"),
    ("pull|bring up", "enséñame"),
    // «Pedro here, …», «this is Ana»: who writes.
    ("^ {N} here", "$1 aquí"),
    ("^ this|it is {N} here?", "soy $1"),
    // ── Blocking time ──
    (
        "i_am|we_are|i|we? need|want|taking|take|have|get|got {D} off",
        "bloquea $1",
    ),
    ("i|we? need|want|take the {~3} off", "bloquea el $1"),
    (
        "i_am|i|we? need|want|taking|take a|the day off",
        "bloquea el día",
    ),
    ("i_am|we_are off {D}", "bloquea $1"),
    ("i_will_be|i_am|we_will_be|we_are out|off|away {D}", "bloquea $1"),
    ("{N} is|will_be out|off|away {D}", "bloquea a $1 $2"),
    ("{N} needs|wants|is_taking|takes {D} off", "bloquea a $1 $2"),
    ("hold|save|reserve|keep {t} free|open? for me?", "bloquéame a las $1"),
    ("nothing|nobody|no_one|no_appointments|no_bookings for|with? me? after", "no me agendes nada después de las"),
    ("nothing|nobody|no_one|no_appointments|no_bookings for|with? me? before", "no me agendes nada antes de las"),
    ("take me off|out_of the schedule|calendar|agenda|books", "bloquéame"),
    ("put me back on|in the schedule|calendar|agenda|books", "desbloquéame"),
    (
        "mark|put|set me as? unavailable|out|off|busy|away",
        "bloquéame",
    ),
    ("i_am|we_are off", "bloquea"),
    ("hold|save|reserve off? my|the {D}", "bloquea mi $1"),
    (
        "keep my|the {D} free|clear|blocked",
        "bloquea mi $1",
    ),
    (
        "cancel|remove|delete|clear|lift|take_off|get_rid_of my|the|that? time|day|days off",
        "quita el bloqueo",
    ),
    (
        "cancel|remove|delete|clear|lift|take_off|get_rid_of my|the|that|el? block|blocks|bloqueo",
        "quita el bloqueo",
    ),
    // «block 11»: the hour, as «bloq 11» is read.
    (
        "block {h} !min|mins|minutes|hours|hrs|to|-",
        "bloquea a las $1",
    ),
    ("block me out|off", "bloquéame"),
    ("block out|off", "bloquea"),
    ("block", "bloquea"),
    // «ponme un break», «put me a lunch break».
    (
        "ponme|pon|put|give|take me? a|an|un lunch? break|descanso",
        "bloquéame un descanso",
    ),
    (
        "no appointments|bookings|clients|one|nobody|nothing for|with? me",
        "no me agendes nada",
    ),
    (
        "do_not book|schedule|put me? anything|anyone|nothing|nobody",
        "no me agendes nada",
    ),
    ("i can_not work|come|do|make_it", "no puedo"),
    ("unblock", "desbloquea"),
    ("open|free it|that|them back? up", "desbloquéalo"),
    (
        "open|free|clear my|the {D} back? up|again?",
        "desbloquea mi $1",
    ),
    ("open|free up", "desbloquea"),
    ("free my", "desbloquea mi"),
    ("time|day off", "bloqueo"),
    // ── Marking appointments ──
    (
        "nobody|no_one came|showed|showed_up for|to|at? la_de_las|el_de_las {t}",
        "la de las $1 no llegó",
    ),
    (
        "did_not|never show|showed|come|came|arrive|arrived|make_it|made_it up|in?",
        "no llegó",
    ),
    ("no_showed|no-showed|noshowed", "no llegó"),
    ("no-show|noshow", "no show"),
    ("stood me up", "no llegó"),
    ("ghosted me?", "no llegó"),
    (
        "mark {~4} as a? done|completed|complete|finished",
        "ya terminé con $1",
    ),
    (
        "completed|complete|done|finished :? {t}",
        "ya terminé con el de las $1",
    ),
    ("all? done|finished|through with", "ya terminé con"),
    ("completed|complete :?", "ya terminé con"),
    ("{N} is|was done|finished", "ya terminé con $1"),
    ("{t} is|was? done|finished|completed", "ya terminé con el de las $1"),
    ("{N} is all_set|good|ready", "ya terminé con $1"),
    ("{N} paid", "ya pagó $1"),
    ("all done", "ya terminé"),
    // ── Walk-ins ──
    ("just? walked|came in", "llegó sin cita"),
    ("without an? appointment|appt", "sin cita"),
    // ── Booking, moving, cancelling ──
    ("new client|customer :? {N}", "cliente nuevo, $1,"),
    ("get|give|put me a|an {t} with|for {N}", "agéndame a $2 a las $1"),
    (
        "give|pass|hand {N} mi_cita_de_las|la_de_las {t}",
        "pasa la de las $2 con $1",
    ),
    ("{N} can_not make_it|come|do", "$1 no puede"),
    ("cancel his|her|their appointment|appt", "cancela su cita"),
    ("send|give la_de_las {t} a reminder|message|text|msg", "dile al de las $1 que tiene cita"),
    ("send|give {N} a reminder", "recuérdale a $1 su cita"),
    ("new appt|appointment|booking :?", "cita nueva:"),
    (
        "add|make|set_up|create|put_in an|a? new? appointment|appt|booking for|with {n}",
        "agenda a $1",
    ),
    ("put {N} down? for|at|on|in", "ponme a $1"),
    ("get|fit|squeeze|pencil {N} in", "agenda a $1"),
    ("pencil|squeeze|fit|put in {N}", "agenda a $1"),
    ("{N} wants|needs a|an", "agenda a $1 un"),
    ("put|fit|squeeze|get him|her|them in", "agéndalo"),
    (
        "can|could {N} come|do|get_in {~4} instead of?",
        "$1 quiere venir mejor $2 en vez de",
    ),
    (
        "book|schedule|pencil|squeeze|fit a|an {~3} for|with {N}",
        "agenda a $2 un $1",
    ),
    ("book|schedule|pencil|squeeze|fit {N} in?", "agenda a $1"),
    ("book|pencil|squeeze|fit {n} in?", "agenda a $1"),
    ("can|could {N} get|have|come_in_for", "agenda a $1"),
    ("book", "agenda"),
    (
        "{N} wants|needs|would_like|prefers to? come|move|switch|change|go to|on? {D} instead?",
        "$1 quiere venir mejor $2",
    ),
    // «move Jaime from 3 to 5»: from one hour to the other, no span.
    (
        "move|push|bump|switch|shift|reschedule|change {n} de {h} a {h}",
        "mueve a $1 de las $2 a las $3",
    ),
    (
        "move|push|bump|switch|shift|reschedule|change {~4} de {h} a {h}",
        "mueve $1 de las $2 a las $3",
    ),
    ("swap|switch|transfer|pass {~4} to|over_to {N}", "pasa $1 con $2"),
    (
        "move|push|bump|switch|swap|shift|reschedule {n} to|for",
        "mueve a $1 para",
    ),
    ("move|push|bump|switch|swap|shift {n}", "mueve a $1"),
    ("move|push|bump|shift", "mueve"),
    ("switch|swap", "cambia"),
    ("reschedule", "reagenda"),
    ("{~4} needs|has to go|move to {N}", "pasa $1 con $2"),
    ("give|pass|hand|transfer {~7} to|over_to {N}", "pasa $1 con $2"),
    ("over to {N}", "con $1"),
    ("change", "cambia"),
    // «remove Gabriel's appointment»: the appointment goes.
    (
        "remove|delete|drop|take_off|get_rid_of la_cita_de",
        "cancela la cita de",
    ),
    ("remove|delete|drop|take_off|get_rid_of la_de_las", "cancela la de las"),
    (
        "remove|delete|drop|take_off|get_rid_of mi_cita_de_las",
        "cancela mi cita de las",
    ),
    ("clear_out|clear|wipe|cancel_all my|the? appointments|appts|bookings", "cancela todas mis citas"),
    ("scratch|delete|drop|nix|kill|call_off", "cancela"),
    ("cancel", "cancela"),
    ("{N} cancelled|canceled", "$1 canceló"),
    ("make|set {~3} {h} horas", "$1 ahora dura $2 horas"),
    // ── Greetings ──
    ("good morning", "buenos días"),
    ("good afternoon|evening", "buenas tardes"),
    ("^ morning|mornin $", "buenos días"),
    // ── The dashboard ──
    ("dashboard|panel|web login|link", "link del panel"),
    ("login|log-in link", "link del panel"),
    ("log|sign in|on", "entrar"),
    ("resend|send me? the", "mándame el"),
    // ── Asking for something ──
    ("can|could you|we please?", "puedes"),
    ("add a|an", "agrega un"),
    ("add", "agrega"),
    ("i|we need|want", "quiero"),
    ("please", "porfa"),
];

/// What the reader knows of a word left over, once requests are said.
const WORDS: &[(&str, &str)] = &[
    ("schedule", "agenda"),
    ("calendar", "agenda"),
    ("appointment", "cita"),
    ("appointments", "citas"),
    ("appt", "cita"),
    ("appts", "citas"),
    ("client", "cliente"),
    ("clients", "clientes"),
    ("customer", "cliente"),
    ("customers", "clientes"),
    ("with", "con"),
    ("for", "para"),
    ("from", "de"),
    ("or", "o"),
    ("now", "ahora"),
    ("again", "otra vez"),
    ("already", "ya"),
    ("not", "no"),
    ("nope", "no"),
    ("nah", "no"),
    ("everyone", "todos"),
    ("everybody", "todos"),
    ("everything", "todo"),
    ("free", "libre"),
    ("full", "lleno"),
    ("busy", "ocupado"),
    ("hours", "horario"),
    ("price", "precio"),
    ("prices", "precios"),
    ("sales", "ventas"),
    ("revenue", "ventas"),
    ("earnings", "ventas"),
    ("income", "ventas"),
    ("report", "reporte"),
    ("week", "semana"),
    ("month", "mes"),
    ("day", "día"),
    ("yesterday", "ayer"),
    ("lunch", "comida"),
    ("break", "descanso"),
    ("sick", "enfermo"),
    ("my", "mi"),
    ("later", "más tarde"),
    ("earlier", "más temprano"),
    ("mins", "min"),
    ("minutes", "min"),
    ("takes", "dura"),
    ("lasts", "dura"),
    ("dashboard", "panel"),
    ("login", "entrar"),
    ("menu", "menú"),
    ("service", "servicio"),
    ("services", "servicios"),
    ("team", "equipo"),
    ("mondays", "los lunes"),
    ("tuesdays", "los martes"),
    ("wednesdays", "los miércoles"),
    ("thursdays", "los jueves"),
    ("fridays", "los viernes"),
    ("saturdays", "los sábados"),
    ("sundays", "los domingos"),
    ("called", "llamó"),
    ("texted", "escribió"),
    ("cut", "corte"),
    ("wants", "quiere"),
    ("needs", "necesita"),
    ("eyebrow", "cejas"),
    ("eyebrows", "cejas"),
    ("brows", "cejas"),
    ("dollars", "dlls"),
    ("bucks", "dlls"),
];

/// Words that are never a person's name.
const NOT_NAMES: &[&str] = &[
    "a",
    "al",
    "an",
    "and",
    "at",
    "de",
    "del",
    "el",
    "en",
    "for",
    "from",
    "her",
    "him",
    "i",
    "it",
    "la",
    "las",
    "lo",
    "los",
    "me",
    "mi",
    "my",
    "no",
    "of",
    "on",
    "one",
    "our",
    "que",
    "the",
    "them",
    "this",
    "that",
    "to",
    "un",
    "una",
    "us",
    "with",
    "y",
    "you",
    "your",
    "all",
    "everyone",
    "everybody",
    "someone",
    "somebody",
    "bot",
    "it's",
    "next",
    "up",
    "back",
    "out",
    "off",
    "in",
    "is",
    "are",
    "be",
    "here",
    "there",
    "today",
    "tomorrow",
    "tonight",
    "now",
    "again",
    "please",
    "pls",
    "time",
    "same",
    "an",
    "his",
    "hers",
    "their",
    "shop",
    "cita",
    "appointment",
    "appt",
    "client",
    "customer",
    "guy",
    "lady",
    "so",
];

const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mondays",
    "tuesdays",
    "wednesdays",
    "thursdays",
    "fridays",
    "saturdays",
    "sundays",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thurs",
    "fri",
    "sat",
    "sun",
    "lunes",
    "martes",
    "miércoles",
    "miercoles",
    "jueves",
    "viernes",
    "sábado",
    "sabado",
    "domingo",
];

fn is_name(t: &Tok, lowercase_too: bool) -> bool {
    let Some(first) = t.text.chars().next() else {
        return false;
    };
    if !t.text.chars().all(|c| c.is_alphabetic() || c == '-')
        || NOT_NAMES.contains(&t.low.as_str())
        || is_day(t)
        || t.low == "'s"
    {
        return false;
    }
    if first.is_uppercase() {
        // A capitalised English word («Move», «Block») opens a sentence.
        return MARKERS.binary_search(&t.low.as_str()).is_err()
            && WORDS.iter().all(|(w, _)| *w != t.low);
    }
    lowercase_too
        && t.text.chars().count() > 2
        && MARKERS.binary_search(&t.low.as_str()).is_err()
        && WORDS.iter().all(|(w, _)| *w != t.low)
        && !rules()
            .phrases
            .iter()
            .any(|r| matches!(r.pat.first(), Some(El::Lit(l, _)) if l.iter().any(|run| run.first() == Some(&t.low.as_str()))))
}

/// «4pm», «4:30», «11am»; with `bare`, a number that may be an hour.
fn time_len(toks: &[Tok], i: usize, bare: bool) -> Option<usize> {
    let w = &toks.get(i)?.low;
    let (digits, suffix) = w.split_at(
        w.find(|c: char| !(c.is_ascii_digit() || c == ':'))
            .unwrap_or(w.len()),
    );
    let mut parts = digits.split(':');
    let hour = parts.next()?;
    if hour.is_empty() || hour.len() > 2 || hour.parse::<u32>().ok()? > 24 {
        return None;
    }
    let minutes = parts.next();
    if minutes.is_some_and(|m| m.len() != 2) || parts.next().is_some() {
        return None;
    }
    let meridiem = |s: &str| ["am", "pm", "a.m.", "p.m.", "hrs", "h"].contains(&s);
    if !suffix.is_empty() {
        return meridiem(suffix).then_some(1);
    }
    if toks.get(i + 1).is_some_and(|t| meridiem(&t.low)) {
        return Some(2);
    }
    (minutes.is_some() || bare).then_some(1)
}

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];

/// Words that go with a day: «next monday», «the 15th», «all day».
const DAY_WORDS: &[&str] = &[
    "the",
    "next",
    "this",
    "coming",
    "all",
    "whole",
    "entire",
    "day",
    "morning",
    "afternoon",
    "evening",
    "night",
    "of",
    "el",
    "la",
    "mi",
    "my",
    "próximo",
    "en",
    "de",
    "todo",
    "toda",
    "tarde",
    "noche",
    "semana",
    "que",
    "viene",
    "week",
    "and",
    "y",
    "thru",
    "through",
    "fin",
    "weekend",
];

fn is_day_or_part(t: &Tok) -> bool {
    is_day(t)
        || [
            "morning",
            "afternoon",
            "evening",
            "night",
            "day",
            "weekend",
            "week",
            "tarde",
            "noche",
            "semana",
        ]
        .contains(&t.low.as_str())
}

/// «$15», «300 pesos», «250» (a number too big for an hour or minutes).
fn money_len(toks: &[Tok], i: usize) -> Option<usize> {
    let w = &toks.get(i)?.low;
    let unit = |k: usize| {
        toks.get(k).is_some_and(|t| {
            [
                "pesos", "peso", "dlls", "dls", "usd", "mxn", "bucks", "dollars", "dolares",
            ]
            .contains(&t.low.as_str())
        })
    };
    let digits = w.strip_prefix('$').unwrap_or(w);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    if unit(i + 1) {
        return Some(2);
    }
    let big = digits.parse::<f64>().is_ok_and(|n| n >= 25.0);
    (w.starts_with('$') || big).then_some(1)
}

fn is_day(t: &Tok) -> bool {
    let w = t.low.as_str();
    if WEEKDAYS.contains(&w)
        || [
            "today", "tomorrow", "tmrw", "tmr", "tonight", "weekend", "hoy", "mañana",
        ]
        .contains(&w)
    {
        return true;
    }
    // «1/15», «15th».
    let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let ordinal = !digits.is_empty()
        && digits.len() <= 2
        && digits.chars().all(|c| c.is_ascii_digit())
        && ["st", "nd", "rd", "th"].contains(&&w[digits.len()..]);
    let slash = w.contains('/') && w.chars().all(|c| c.is_ascii_digit() || c == '/');
    ordinal || slash
}

/// Where `pat[e..]` matched from `toks[i]`: the end, with the words each
/// capture took.
fn matches(
    pat: &[El],
    e: usize,
    toks: &[Tok],
    i: usize,
    caps: &mut Vec<std::ops::Range<usize>>,
) -> Option<usize> {
    let Some(el) = pat.get(e) else {
        return Some(i);
    };
    let capture = |len: usize, caps: &mut Vec<std::ops::Range<usize>>| {
        caps.push(i..i + len);
        let end = matches(pat, e + 1, toks, i + len, caps);
        if end.is_none() {
            caps.pop();
        }
        end
    };
    match el {
        El::Lit(runs, optional) => {
            for run in runs {
                let said = run
                    .iter()
                    .enumerate()
                    .all(|(k, w)| toks.get(i + k).is_some_and(|t| t.low == *w));
                if said {
                    if let Some(end) = matches(pat, e + 1, toks, i + run.len(), caps) {
                        return Some(end);
                    }
                }
            }
            if *optional {
                return matches(pat, e + 1, toks, i, caps);
            }
            None
        }
        El::Name(lowercase_too) => {
            let first = toks.get(i)?;
            if first.text.starts_with(char::is_uppercase) {
                let n = toks[i..]
                    .iter()
                    .take(3)
                    .take_while(|t| t.text.starts_with(char::is_uppercase) && is_name(t, false))
                    .count();
                (1..=n).rev().find_map(|len| capture(len, caps))
            } else if is_name(first, *lowercase_too) {
                capture(1, caps)
            } else {
                None
            }
        }
        El::Time => time_len(toks, i, false).and_then(|len| capture(len, caps)),
        El::Hour => time_len(toks, i, true).and_then(|len| capture(len, caps)),
        El::Day => {
            let t = toks.get(i)?;
            if t.low == "next" && toks.get(i + 1).is_some_and(|t| t.low == "week") {
                return capture(2, caps);
            }
            is_day(t).then(|| capture(1, caps)).flatten()
        }
        El::Word => toks
            .get(i)
            .filter(|t| t.is_word())
            .and_then(|_| capture(1, caps)),
        El::End => toks
            .get(i)
            .is_none_or(|t| !t.is_word())
            .then(|| matches(pat, e + 1, toks, i, caps))
            .flatten(),
        El::Days => {
            let n = toks[i.min(toks.len())..]
                .iter()
                .take(6)
                .take_while(|t| is_day(t) || DAY_WORDS.contains(&t.low.as_str()))
                .count();
            // Not only «the» or «next»: a day is said.
            (1..=n)
                .rev()
                .filter(|len| toks[i..i + len].iter().any(is_day_or_part))
                .find_map(|len| capture(len, caps))
        }
        El::Month => toks
            .get(i)
            .filter(|t| MONTHS.contains(&t.low.as_str()))
            .and_then(|_| capture(1, caps)),
        El::Phone => {
            let digits = |t: &Tok| {
                t.text
                    .chars()
                    .all(|c| c.is_ascii_digit() || "+-()".contains(c))
                    && t.text.chars().any(|c| c.is_ascii_digit())
            };
            let n = toks[i.min(toks.len())..]
                .iter()
                .take(5)
                .take_while(|t| digits(t))
                .count();
            let count = |len: usize| {
                toks[i..i + len]
                    .iter()
                    .flat_map(|t| t.text.chars())
                    .filter(char::is_ascii_digit)
                    .count()
            };
            (1..=n)
                .rev()
                .filter(|len| count(*len) >= 7)
                .find_map(|len| capture(len, caps))
        }
        El::Money => money_len(toks, i).and_then(|len| capture(len, caps)),
        El::Start => (i == 0)
            .then(|| matches(pat, e + 1, toks, i, caps))
            .flatten(),
        El::Not(words) => {
            if toks.get(i).is_some_and(|t| words.contains(&t.low.as_str())) {
                return None;
            }
            matches(pat, e + 1, toks, i, caps)
        }
        El::Gap(n) => (1..=*n)
            .filter(|len| toks[i..].len() >= *len && toks[i..i + len].iter().all(Tok::is_word))
            .find_map(|len| capture(len, caps)),
    }
}

/// One pass of `rules` over the words, left to right: the first rule that
/// matches where a word starts says it.
fn apply(rules: &[Rule], toks: Vec<Tok>) -> Vec<Tok> {
    let mut out = Vec::with_capacity(toks.len() + 4);
    let mut i = 0;
    while i < toks.len() {
        let found = rules.iter().find_map(|r| {
            let mut caps = Vec::new();
            let end = matches(&r.pat, 0, &toks, i, &mut caps)?;
            (end > i).then_some((r, end, caps))
        });
        match found {
            Some((r, end, caps)) => {
                for w in r.out.split(' ').filter(|w| !w.is_empty()) {
                    // «$1» says a capture again; «$1,» and a mark after it.
                    let digits = w
                        .strip_prefix('$')
                        .map(|k| k.len() - k.trim_start_matches(|c: char| c.is_ascii_digit()).len())
                        .filter(|n| *n > 0);
                    match digits {
                        Some(n) => {
                            let k: usize = w[1..1 + n].parse().unwrap_or(0);
                            if let Some(c) = k.checked_sub(1).and_then(|k| caps.get(k)) {
                                out.extend(toks[c.clone()].iter().cloned());
                            }
                            if w.len() > 1 + n {
                                out.push(Tok::new(&w[1 + n..]));
                            }
                        }
                        None => out.push(Tok::new(w)),
                    }
                }
                i = end;
            }
            None => {
                out.push(toks[i].clone());
                i += 1;
            }
        }
    }
    out
}

/// The dictionary, for words no phrase said.
fn words(toks: Vec<Tok>) -> Vec<Tok> {
    toks.into_iter()
        .map(|t| match WORDS.iter().find(|(w, _)| *w == t.low) {
            Some((_, es)) => Tok::new(es),
            None => t,
        })
        .collect()
}

fn join(toks: &[Tok]) -> String {
    let mut out = String::new();
    let mut glue = true;
    for t in toks {
        let closing = t.text.chars().all(|c| TRAILING.contains(&c));
        if !out.is_empty() && !closing && !glue {
            out.push(' ');
        }
        out.push_str(&t.text);
        glue = t.text.chars().all(|c| LEADING.contains(&c));
    }
    out
}

/// «1/15» is January 15: no month is the 15th. In an English message
/// every «M/D» is month first («1/12» is January 12), as the US writes it.
fn us_dates(text: &str, english: bool) -> Cow<'_, str> {
    let b = text.as_bytes();
    let num = |i: usize| {
        let n = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        (n > 0 && n <= 2).then(|| (text[i..i + n].parse::<u32>().unwrap_or(0), i + n))
    };
    let mut swaps: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts =
            b[i].is_ascii_digit() && (i == 0 || !(b[i - 1].is_ascii_digit() || b[i - 1] == b'/'));
        if starts {
            if let Some((m, j)) = num(i) {
                if b.get(j) == Some(&b'/') {
                    if let Some((d, k)) = num(j + 1) {
                        let ends = b.get(k).is_none_or(|c| !c.is_ascii_digit());
                        let not_a_month = d > 12 && d <= 31;
                        if ends && (1..=12).contains(&m) && (not_a_month || (english && d >= 1)) {
                            swaps.push((i, j, k, d as usize));
                        }
                        i = k;
                        continue;
                    }
                }
                i = j;
                continue;
            }
        }
        i += 1;
    }
    if swaps.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, slash, end, _) in swaps {
        out.push_str(&text[last..start]);
        out.push_str(&text[slash + 1..end]);
        out.push('/');
        out.push_str(&text[start..slash]);
        last = end;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::super::intent::Intent;
    use super::super::read::{read_staff, Catalogue};
    use super::super::when::{DateSpec, TimeSpec};
    use super::*;
    use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

    /// Monday 2030-01-07 10:00, as the reader's own tests have it.
    fn now() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2030, 1, 7)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap()
    }

    fn catalogue() -> (Vec<String>, Vec<String>) {
        (
            [
                "Corte de cabello",
                "Arreglo de barba",
                "Corte y barba",
                "Tinte",
                "Depilación de cejas",
            ]
            .map(String::from)
            .to_vec(),
            ["Carlos Méndez", "Pedro Ruiz", "Ana Torres"]
                .map(String::from)
                .to_vec(),
        )
    }

    fn day(d: u32) -> Option<DateSpec> {
        Some(DateSpec::Day(NaiveDate::from_ymd_opt(2030, 1, d).unwrap()))
    }

    fn at(h: u32, m: u32) -> Option<TimeSpec> {
        Some(TimeSpec::At(NaiveTime::from_hms_opt(h, m, 0).unwrap()))
    }

    /// English and Spanglish staff requests read as the Spanish ones.
    #[test]
    fn english_staff_requests() {
        let (services, staff) = catalogue();
        let cat = Catalogue {
            services: &services,
            staff: &staff,
        };
        use Intent::*;
        for (text, intent) in [
            ("what do I have tomorrow?", MySchedule),
            ("whats my day looking like tmrw", MySchedule),
            ("am I free thursday afternoon?", MySchedule),
            ("what's Ana got on saturday", BusinessSchedule),
            ("show me everybody's appointments today", BusinessSchedule),
            ("who's free at 3?", BusinessSchedule),
            ("block out 2 to 4 pm tomorrow", BlockTime),
            ("I need friday off", BlockTime),
            ("i'm taking next monday off", BlockTime),
            ("don't book me anything before 11", BlockTime),
            ("remove the block on saturday", Unblock),
            ("free up my afternoon, I'm back", Unblock),
            ("book Jose for a haircut tomorrow at 3", Book),
            ("pencil in Frankie for a fade at 3", Book),
            ("move Hector to 6", Reschedule),
            ("push my 3pm to 4", Reschedule),
            ("Carlos's 2pm needs to go to Pedro", Reschedule),
            ("scratch Ramon's appointment", Cancel),
            ("the 2pm didn't show", MarkNoShow),
            ("Tony no showed again", MarkNoShow),
            ("done with the 1pm", MarkCompleted),
            ("guy just walked in for a haircut", WalkIn),
            ("I'll take over with Sofia", TakeOver),
            ("stop the bot, I got this", TakeOver),
            ("hand Sofia back to the bot pls", ReleaseHandoff),
            ("bot can take Ivan back", ReleaseHandoff),
            ("tell Jorge we open at 10 tomorrow", MessageCustomer),
            ("msg Lupita: your appointment is at 4", MessageCustomer),
            ("how much did we make today?", Stats),
            ("sales this week?", Stats),
            ("we close at 6 on saturday", ChangeHours),
            ("change opening time to 8am", ChangeHours),
            ("beard trim now $15", ChangePrice),
            ("raise the beard trim to $200", ChangePrice),
            ("make tinte 2 hours long", ChangeServiceDuration),
            ("add a new service: line up, 15 min, $80", AddService),
            ("stop offering beard trims", DeactivateService),
            ("add Jorge Ruiz to the team, 664 555 1212", AddStaff),
            ("Pedro doesn't work here anymore", RemoveStaff),
            ("make Ana a manager en la app", ChangePermissions),
            ("send me the dashboard link", MagicLink),
            ("when was the last time Luis came in?", CustomerHistory),
            ("who's Pedro's next", NextAppointment),
            ("who's up next", NextAppointment),
            ("no no wait, don't cancel", No),
            ("how packed is my saturday", MySchedule),
            ("is Carlos busy at 5?", BusinessSchedule),
            ("I'll be out the 22nd", BlockTime),
            ("put me back on the schedule saturday", Unblock),
            ("get me a 4pm with Ricky on thursday", Book),
            ("swap my 2pm to Carlos", Reschedule),
            ("clear out my appointments for tomorrow", Cancel),
            ("nobody came for the 1pm", MarkNoShow),
            ("11:30 finished", MarkCompleted),
            ("walkin, corte, I'll take him", WalkIn),
            ("ok bot, back to you with Sergio", ReleaseHandoff),
            ("send the 11am a reminder", MessageCustomer),
            ("how many people came in today", Stats),
            ("we're not opening on the 20th", ChangeHours),
            ("lower the haircut to 200", ChangePrice),
            ("let's add a senior discount cut, 150", AddService),
            ("stop taking bookings for tinte", DeactivateService),
            ("get Ana off the system", RemoveStaff),
            ("Carlos shouldn't see the sales", ChangePermissions),
            ("how often does Nacho come", CustomerHistory),
            ("who's in the chair next", NextAppointment),
        ] {
            assert_eq!(read_staff(text, now(), cat).intent, intent, "{text}");
        }
        // Slots come with them: names, teammates, days, hours.
        let r = read_staff("move Luis to friday", now(), cat);
        assert_eq!((r.name.as_deref(), r.when.date), (Some("Luis"), day(11)));
        let r = read_staff("block out 5 to 7 pm today", now(), cat);
        let span = TimeSpec::Between(
            NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(19, 0, 0).unwrap(),
        );
        assert_eq!((r.when.date, r.when.time), (day(7), Some(span)));
        let r = read_staff("what's Pedro got on 1/12", now(), cat);
        assert_eq!(r.staff.as_deref(), Some("Pedro Ruiz"));
        assert_eq!(r.when.date, day(12));
        let r = read_staff("Pedro's 11am needs to go to Ana", now(), cat);
        assert_eq!(
            (r.staff.as_deref(), r.when.time),
            (Some("Ana Torres"), at(11, 0))
        );
        let r = read_staff("scratch Marco's tinte on friday", now(), cat);
        assert_eq!(r.name.as_deref(), Some("Marco"));
        assert_eq!(r.service.as_deref(), Some("Tinte"));
        let r = read_staff("hand María back to the bot pls", now(), cat);
        assert_eq!(r.name.as_deref(), Some("María"));
        let r = read_staff("my 11 didn't show up", now(), cat);
        assert_eq!(r.when.time, at(11, 0));
    }

    /// A Spanish message is the very text given, with no copy made, also
    /// when it holds words English has too («me», «a», «no», «son»,
    /// «come», «solo», «real», «once») or English staff borrow.
    #[test]
    fn spanish_comes_back_borrowed() {
        for text in [
            "bloquéame el viernes en la tarde",
            "me cancelas la de las 5? son las 4 y no llego",
            "a qué hora come el de las once",
            "solo quiero ver lo real de hoy",
            "no show el de las 11",
            "walk in, corte con Pedro",
            "done 11",
            "next",
            "link pls",
            "el precio del corte a 250, ok?",
            "mándame el link del dashboard",
            "dame las stats del mes",
            "el 2/3 no abrimos",
            "",
        ] {
            assert!(
                matches!(with_staff_english(text), Cow::Borrowed(t) if t == text),
                "{text}"
            );
        }
    }

    /// «1/15» is January 15 in any message; in an English one «1/12» is
    /// January 12 too, while a Spanish «2/3» stays the 2nd of March.
    #[test]
    fn us_dates_are_month_first() {
        assert_eq!(
            with_staff_english("Pedro tiene espacio el 1/18?"),
            "Pedro tiene espacio el 18/1?"
        );
        assert_eq!(us_dates("el 2/3", false), "el 2/3");
        assert_eq!(us_dates("el 12/1/2030", false), "el 12/1/2030");
        assert_eq!(us_dates("on 1/12", true), "on 12/1");
        assert_eq!(us_dates("1/15/30", false), "15/1/30");
    }

    /// The word lists are searched by halves, and every `$k` a rule says
    /// is one its pattern captures.
    #[test]
    fn tables_are_well_formed() {
        assert!(MARKERS.windows(2).all(|w| w[0] < w[1]));
        let r = rules();
        for (table, rules) in [(STRUCTURE, &r.structure), (PHRASES, &r.phrases)] {
            for ((pat, out), rule) in table.iter().zip(rules.iter()) {
                let captures = rule
                    .pat
                    .iter()
                    .filter(|e| !matches!(e, El::Lit(..) | El::Start | El::End | El::Not(_)))
                    .count();
                for w in out.split(' ').filter_map(|w| w.strip_prefix('$')) {
                    let k: usize = w
                        .chars()
                        .take_while(char::is_ascii_digit)
                        .collect::<String>()
                        .parse()
                        .unwrap_or(0);
                    assert!((1..=captures).contains(&k), "{pat} → {out}");
                }
            }
        }
    }
}
