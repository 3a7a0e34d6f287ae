//! The words of a message as the reader compares them: lowercase, no
//! accents or punctuation, WhatsApp spellings folded («q» → «que»,
//! «kiero» → «quiero»), Spain's vosotros read as ustedes. The rules read
//! these words, and the learned model is trained on them.

/// Lowercases, strips accents and diacritics ("Peluquería" → "peluqueria",
/// "ñ" → "n", "ü" → "u"), turns punctuation, symbols and emoji into spaces
/// and collapses whitespace. Digits are kept.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for ch in s.chars().flat_map(char::to_lowercase) {
        if ('\u{300}'..='\u{36f}').contains(&ch) {
            // Combining marks (decomposed "e\u{301}") vanish.
            continue;
        }
        let folded = fold_char(ch);
        match folded {
            Some(c) => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
            }
            None => pending_space = true,
        }
    }
    out
}

/// Maps one lowercase char to its unaccented ASCII letter/digit, or `None`
/// for anything that separates words.
fn fold_char(ch: char) -> Option<char> {
    let c = match ch {
        'á' | 'à' | 'ä' | 'â' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ë' | 'ê' => 'e',
        'í' | 'ì' | 'ï' | 'î' => 'i',
        'ó' | 'ò' | 'ö' | 'ô' | 'õ' => 'o',
        'ú' | 'ù' | 'ü' | 'û' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        c if c.is_ascii_alphanumeric() => c,
        _ => return None,
    };
    Some(c)
}

/// WhatsApp spellings folded to the dictionary word before matching.
const SPELLINGS: &[(&str, &str)] = &[
    ("q", "que"),
    ("k", "que"),
    ("qn", "quien"),
    ("kien", "quien"),
    ("ke", "que"),
    ("qe", "que"),
    ("kiero", "quiero"),
    ("qiero", "quiero"),
    ("kisiera", "quisiera"),
    ("sita", "cita"),
    ("zita", "cita"),
    ("sitas", "citas"),
    ("grax", "gracias"),
    ("grasias", "gracias"),
    ("grasia", "gracias"),
    // Andalusia: «er sábado», «ar domingo», «pasao mañana», «ya me pelo
    // en otro lao».
    ("er", "el"),
    ("ar", "al"),
    ("der", "del"),
    ("pasao", "pasado"),
    ("lao", "lado"),
    ("gracia", "gracias"),
    ("graciaz", "gracias"),
    ("graciaas", "gracias"),
    ("thx", "gracias"),
    // A staff member's shorthand: «bloq 2-3», «hist 33…».
    ("bloq", "bloquea"),
    ("desbloq", "desbloquea"),
    ("hist", "historial"),
    ("ola", "hola"),
    ("holi", "hola"),
    ("holis", "hola"),
    ("holaa", "hola"),
    ("sii", "si"),
    ("sip", "si"),
    ("sep", "si"),
    ("zi", "si"),
    ("simon", "si"),
    ("nop", "no"),
    ("nel", "no"),
    ("noo", "no"),
    ("nah", "no"),
    ("naa", "no"),
    ("dalee", "dale"),
    ("abris", "abren"),
    ("cerrais", "cierran"),
    ("depilais", "depilan"),
    ("borrais", "borran"),
    ("vendeis", "venden"),
    ("trabajais", "trabajan"),
    ("oki", "ok"),
    ("okey", "ok"),
    ("okay", "ok"),
    ("okis", "ok"),
    ("oka", "ok"),
    ("dnd", "donde"),
    ("dond", "donde"),
    ("kuanto", "cuanto"),
    ("cuato", "cuanto"),
    ("kuesta", "cuesta"),
    ("nesesito", "necesito"),
    ("nesecito", "necesito"),
    ("nececito", "necesito"),
    ("tmb", "tambien"),
    ("tb", "tambien"),
    ("d", "de"),
    ("x", "por"),
    ("xfa", "porfavor"),
    ("porfa", "porfavor"),
    ("hr", "hora"),
    ("hrs", "horas"),
    ("mnn", "manana"),
    ("mñn", "manana"),
    ("aki", "aqui"),
    ("aca", "aqui"),
    ("horaio", "horario"),
    ("orario", "horario"),
    ("direcion", "direccion"),
    ("presio", "precio"),
    ("presios", "precios"),
    // Spain: the vosotros forms read as Mexico's ustedes forms, and
    // Spain's words as the ones the rules know.
    ("teneis", "tienen"),
    ("podeis", "pueden"),
    ("podriais", "podrian"),
    ("cobrais", "cobran"),
    ("estais", "estan"),
    ("haceis", "hacen"),
    ("atendeis", "atienden"),
    ("quereis", "quieren"),
    ("sabeis", "saben"),
    ("sois", "son"),
    ("anulad", "cancelen"),
    ("guay", "genial"),
    // English a customer mixes in.
    ("thanks", "gracias"),
    ("thx", "gracias"),
    ("ty", "gracias"),
    ("kitame", "quitame"),
    // Staff shorthand and English: «bloq 2-3», «unblock 4pm», «sig?».
    ("bloq", "bloquea"),
    ("desbloq", "desbloquea"),
    ("block", "bloquea"),
    ("unblock", "desbloquea"),
    ("sig", "siguiente"),
    ("wevo", "huevo"),
    ("andele", "andale"),
    ("kita", "quita"),
    // Rioplatense voseo read as tuteo: «ya podés seguir vos».
    ("podes", "puedes"),
    ("tenes", "tienes"),
    ("queres", "quieres"),
    ("vos", "tu"),
    // Catalan.
    ("gracies", "gracias"),
    ("fins", "hasta"),
    ("vull", "quiero"),
    ("yep", "si"),
    ("yup", "si"),
    ("yeah", "si"),
    ("appt", "cita"),
    ("appointment", "cita"),
    ("please", "porfa"),
    ("pls", "porfa"),
    ("my", "mi"),
    ("open", "abren"),
    ("tomorrow", "manana"),
    ("today", "hoy"),
    ("movil", "celular"),
];

/// Collapses runs of three or more identical letters: "holaaa" → "hola",
/// "siiiii" → "si" (doubles like "ll", "rr", "cc" stay).
pub fn squeeze(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len());
    let mut i = 0;
    while i < chars.len() {
        let mut j = i;
        while j < chars.len() && chars[j] == chars[i] {
            j += 1;
        }
        let run = j - i;
        let keep = if run >= 3 { 1 } else { run };
        for _ in 0..keep {
            out.push(chars[i]);
        }
        i = j;
    }
    out
}

/// Emoji that carry an answer, turned into words before normalising.
/// «🙏» alone thanks; after a request it asks nicely («con Ana, porfa
/// 🙏», «corte hoy 🙏🙏»).
pub fn words_for_emoji(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let words = text.chars().any(char::is_alphanumeric);
    for ch in text.chars() {
        match ch {
            '👍' | '👌' | '✅' | '🆗' | '✔' => out.push_str(" si "),
            '👎' | '❌' => out.push_str(" no "),
            '🙏' if words => out.push_str(" porfa "),
            '🙏' => out.push_str(" gracias "),
            '👋' => out.push_str(" hola "),
            c => out.push(c),
        }
    }
    out
}

/// The normalised, spelling-folded words of a message.
pub fn message_words(text: &str) -> Vec<String> {
    normalize(&words_for_emoji(text))
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = squeeze(w);
            spelling(&w).map_or_else(|| vosotros_as_ustedes(w), str::to_string)
        })
        .collect()
}

/// The dictionary word for a WhatsApp spelling ([`SPELLINGS`]), looked up
/// in a map built once: every word of every message goes through here.
fn spelling(w: &str) -> Option<&'static str> {
    static MAP: std::sync::OnceLock<std::collections::HashMap<&'static str, &'static str>> =
        std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        // The first spelling listed wins, as a linear search would.
        let mut m = std::collections::HashMap::new();
        for (from, to) in SPELLINGS {
            m.entry(*from).or_insert(*to);
        }
        m
    })
    .get(w)
    .copied()
}

/// Spain's «vosotros» forms read as the «ustedes» ones the rules know:
/// «¿cortáis los sábados?» → «cortan», «reservadme» → «reservame»,
/// «avisad» → «avisen», «os» → «les» (stem changes, «tenéis» →
/// «tienen», are in [`SPELLINGS`]).
fn vosotros_as_ustedes(w: String) -> String {
    const NOT_VERBS: &[&str] = &["seis", "dieciseis", "veintiseis", "pais", "jersais"];
    if w == "os" {
        return "les".to_string();
    }
    if w.len() < 5 || NOT_VERBS.contains(&w.as_str()) {
        return w;
    }
    for (from, to) in [
        ("adme", "ame"),
        ("edme", "eme"),
        ("idme", "ime"),
        ("ais", "an"),
        ("eis", "en"),
    ] {
        if let Some(stem) = w.strip_suffix(from) {
            return format!("{stem}{to}");
        }
    }
    match w.strip_suffix("ad") {
        Some(stem) if !stem.ends_with('d') && !stem.ends_with('t') => format!("{stem}en"),
        _ => w,
    }
}
