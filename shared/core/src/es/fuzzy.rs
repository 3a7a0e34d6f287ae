//! Matching service and staff names the way customers write them on
//! WhatsApp: "corte" → "Corte de cabello", "barva" → "Arreglo de barba",
//! "mani pedi" → "Mani-pedi", "con Luis" → "Luis Ramírez".
//!
//! Matching is token based: both sides are normalised ([`normalize`]),
//! split into words, stripped of filler words ("de", "con", "un"…) and
//! mapped through a small synonym table ("pelo" = "cabello", "mani" =
//! "manicure"…). Typos are absorbed with `strsim` edit distances. When two
//! candidates score the same the caller gets [`Match::Ambiguous`] so it can
//! ask "¿corte de cabello o corte y barba?".

use strsim::{damerau_levenshtein, jaro_winkler};

pub use super::words::normalize;

/// Normalised words of `s` (combining marks removed).
fn words(s: &str) -> Vec<String> {
    normalize(s)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Words that carry no meaning when naming a service or a person.
const STOPWORDS: &[&str] = &[
    "de", "del", "la", "las", "el", "los", "lo", "un", "una", "unos", "unas", "y", "e", "o", "u",
    "con", "para", "por", "a", "al", "en", "mi", "me", "su", "tu", "que", "se", "le", "les",
    "quiero", "quisiera", "favor", "porfa", "porfavor", "plis", "hacer", "hacerme", "hola", "cita",
    "citas", "servicio", "ahora", "hoy", "manana", "solo", "nada", "mas", "otro", "otra", "este",
    "esta", "ese", "esa", "dame", "agendame", "agenda", "agendar", "reservar", "ver", "es", "son",
    "va", "ir", "sr", "sra", "don", "dona", "tambien", "pero", "si", "no", "bien", "pues", "oye",
    "buenas", "buenos", "tardes", "dias", "noches", "tarde", "noche", "puedo", "puedes", "puede",
    "tienes", "tienen", "hay", "necesito", "gustaria", "seria", "sin",
    // «se me cortó la llamada», «lo quiero corto»: not the service.
    "corto", // «corre la cita de las 11», «córrelo pa las 5»: moving, not a cut.
    "corra", "correlo", "correla", "corremos", "correr",
    // Veracruz's «con este norte» (the wind), no «corte».
    "norte",
];

/// Candidate words that describe rather than name a service: a query may
/// omit them without losing the match ("corte" → "Corte de cabello").
const GENERIC: &[&str] = &[
    "cabello",
    "completo",
    "completa",
    "sencillo",
    "sencilla",
    "normal",
    "clasico",
    "clasica",
    "arreglo",
    "basico",
    "basica",
    "regular",
    "tradicional",
    "general",
];

/// Synonyms folded onto one canonical word, applied to lowercase words that
/// still carry their "ñ" (so "uñas" is a service word but "unas" is "some").
const SYNONYMS: &[(&str, &str)] = &[
    ("pelo", "cabello"),
    ("cabellos", "cabello"),
    ("barbas", "barba"),
    ("uñas", "manicure"),
    ("uña", "manicure"),
    ("mani", "manicure"),
    ("manicura", "manicure"),
    ("manicur", "manicure"),
    ("pedi", "pedicure"),
    ("pedicura", "pedicure"),
    ("pedicur", "pedicure"),
    ("color", "tinte"),
    ("coloracion", "tinte"),
    ("tintes", "tinte"),
    // River Plate: «una tintura».
    ("tintura", "tinte"),
    ("tinturas", "tinte"),
    ("teñido", "tinte"),
    ("teñir", "tinte"),
    ("teñirme", "tinte"),
    ("tenirme", "tinte"),
    ("teñirse", "tinte"),
    ("ceja", "cejas"),
    ("cortes", "corte"),
    ("cortar", "corte"),
    ("cortarme", "corte"),
    ("cortame", "corte"),
    ("cortas", "corte"),
    ("cortecito", "corte"),
    // The Caribbean: «un recorte».
    ("recorte", "corte"),
    ("recortico", "corte"),
    ("cortesito", "corte"),
    ("cortarse", "corte"),
    ("haircut", "corte"),
    ("haircuts", "corte"),
    ("cut", "corte"),
    ("trim", "corte"),
    // Catalan: «tall i barba».
    ("tall", "corte"),
    ("beard", "barba"),
    ("eyebrows", "cejas"),
    ("brows", "cejas"),
    ("rapas", "corte"),
    // «somos 2 para cortarnos», «¿le cortan el pelo a niños?» (writers
    // name the cut a question about it asks for), «le estoy cortando».
    ("corten", "corte"),
    ("cortan", "corte"),
    ("cortais", "corte"),
    ("cortáis", "corte"),
    ("cortando", "corte"),
    ("pelando", "corte"),
    ("cortarnos", "corte"),
    ("cortarle", "corte"),
    ("cortarte", "corte"),
    // How a cut is named in the shop: «un fade», «desvanecido», «degradado»
    // (Spain), «rapar».
    ("fade", "corte"),
    ("fades", "corte"),
    // Guadalajara: «casquete corto», a short back and sides.
    ("casquete", "corte"),
    ("casquetito", "corte"),
    ("desvanecido", "corte"),
    ("desvanecida", "corte"),
    ("degradado", "corte"),
    ("degradados", "corte"),
    // Andalusia: «un pelao»; Catalan: «tallar el cabell».
    ("pelao", "corte"),
    ("tallar", "corte"),
    ("rapar", "corte"),
    ("raparme", "corte"),
    // Cuba and Central America: «pelarme».
    ("pelarme", "corte"),
    // Andalusia: «pa pelarlo», «pelarse», «pelarnos».
    ("pelarlo", "corte"),
    ("pelarla", "corte"),
    ("pelarse", "corte"),
    ("pelarnos", "corte"),
    ("pelarte", "corte"),
    // Mexico City: «¿me pelas el 15?»; «cortarles el pelo» to two boys.
    ("pelas", "corte"),
    ("pelarles", "corte"),
    ("cortarles", "corte"),
    ("pelar", "corte"),
    ("rapado", "corte"),
    ("pintar", "tinte"),
    ("pintarme", "tinte"),
    ("pintarse", "tinte"),
    ("pinten", "tinte"),
    ("pintan", "tinte"),
    ("decoloracion", "tinte"),
    ("decolorar", "tinte"),
    ("rapen", "corte"),
    ("pelada", "corte"),
    ("pelado", "corte"),
    ("bigote", "barba"),
    ("pinte", "tinte"),
    ("pintarle", "tinte"),
    ("pintarte", "tinte"),
    ("canas", "tinte"),
    ("teñirle", "tinte"),
    ("tenirle", "tinte"),
    ("teñirte", "tinte"),
    ("depilar", "cejas"),
    ("depilarme", "cejas"),
    ("barbita", "barba"),
    ("rasurado", "afeitado"),
    ("rasurada", "afeitado"),
    ("afeitada", "afeitado"),
    ("afeitar", "afeitado"),
    ("rasurar", "afeitado"),
    ("alaciado", "alisado"),
    ("planchado", "alisado"),
];

/// Canonical, filtered tokens of a name or query.
pub(crate) fn tokens(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && !('\u{300}'..='\u{36f}').contains(&c))
        .filter(|w| !w.is_empty())
        .flat_map(|raw| {
            if let Some((_, canon)) = SYNONYMS.iter().find(|(w, _)| *w == raw) {
                return vec![canon.to_string()];
            }
            words(raw)
                .into_iter()
                .map(|w| {
                    SYNONYMS
                        .iter()
                        .find(|(from, _)| *from == w)
                        .map(|(_, canon)| canon.to_string())
                        .unwrap_or(w)
                })
                .collect()
        })
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .collect()
}

fn weight(token: &str) -> f64 {
    if GENERIC.contains(&token) {
        0.25
    } else {
        1.0
    }
}

/// "pedrito" → ["pedr", "pedro", "pedra"], "anita" → ["ana", "ano"]:
/// bases to try for a diminutive.
pub(crate) fn diminutive_bases(q: &str) -> Vec<String> {
    for suffix in ["itos", "itas", "ito", "ita", "illo", "illa"] {
        if let Some(base) = q.strip_suffix(suffix) {
            let len = base.chars().count();
            if len >= 3 {
                return vec![
                    base.to_string(),
                    format!("{base}o"),
                    format!("{base}a"),
                    format!("{base}os"),
                    format!("{base}as"),
                ];
            }
            // «anita» → «ana»: a short base only with its vowel back.
            if len == 2 {
                return vec![format!("{base}a"), format!("{base}o")];
            }
        }
    }
    Vec::new()
}

/// Similarity of a query word to a candidate word in 0..=1; 0 when they
/// should not be considered the same word. `strict` (used when scanning
/// whole sentences) only forgives typos in longer words.
fn token_sim(q: &str, c: &str, strict: bool) -> f64 {
    if q == c {
        return 1.0;
    }
    // Plurals: "cortes"/"corte", "tintes"/"tinte", "barberos"/"barbero".
    if q.strip_suffix('s') == Some(c)
        || c.strip_suffix('s') == Some(q)
        || q.strip_suffix("es") == Some(c)
        || c.strip_suffix("es") == Some(q)
    {
        return 0.97;
    }
    let (ql, cl) = (q.chars().count(), c.chars().count());
    if diminutive_bases(q).iter().any(|b| b == c) {
        return 0.9;
    }
    // A clipped word: "depi" → "depilacion", "keras" ✗, "alis" → "alisado".
    if !strict && ql >= 4 && cl > ql && c.starts_with(q) {
        return 0.88;
    }
    let min_len = if strict { 5 } else { 4 };
    if ql < min_len || cl < min_len {
        return 0.0;
    }
    let dist = damerau_levenshtein(q, c);
    let allowed = if ql.max(cl) >= 8 { 2 } else { 1 };
    if dist > allowed {
        return 0.0;
    }
    let jw = jaro_winkler(q, c);
    if jw < 0.84 {
        return 0.0;
    }
    // Typos never beat a clean match.
    (jw * 0.95).min(0.93)
}

/// How well the query tokens cover a candidate's tokens.
struct Coverage {
    /// Mean similarity of query tokens to their best candidate token.
    query: f64,
    /// Weighted share of candidate tokens the query did not mention.
    missing: f64,
    /// Total weight of candidate tokens that were matched.
    matched_weight: f64,
    /// Whether some matched candidate token carries full weight.
    strong: bool,
}

fn coverage(q: &[String], c: &[String], strict: bool) -> Coverage {
    let mut used = vec![false; c.len()];
    let mut sum = 0.0;
    for qt in q {
        let best = c
            .iter()
            .enumerate()
            .filter(|(i, _)| !used[*i])
            .map(|(i, ct)| (i, token_sim(qt, ct, strict)))
            .filter(|(_, s)| *s > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((i, s)) = best {
            used[i] = true;
            sum += s;
        }
    }
    let total: f64 = c.iter().map(|t| weight(t)).sum();
    let matched_weight: f64 = c
        .iter()
        .zip(&used)
        .filter(|(_, u)| **u)
        .map(|(t, _)| weight(t))
        .sum();
    let strong = c.iter().zip(&used).any(|(t, u)| *u && weight(t) >= 1.0);
    Coverage {
        query: if q.is_empty() {
            0.0
        } else {
            sum / q.len() as f64
        },
        missing: if total > 0.0 {
            1.0 - matched_weight / total
        } else {
            1.0
        },
        matched_weight,
        strong,
    }
}

/// One scored candidate.
#[derive(Debug)]
pub struct Scored<'a, T> {
    pub item: &'a T,
    /// Position in the candidates slice.
    pub index: usize,
    /// 0..=1; 1 is an exact (normalised) match.
    pub score: f64,
}

impl<T> Clone for Scored<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Scored<'_, T> {}

/// Result of a fuzzy lookup that found something.
#[derive(Debug)]
pub enum Match<'a, T> {
    /// One clear winner.
    Found(Scored<'a, T>),
    /// Two or more candidates scored (nearly) the same, best first: ask the
    /// person which one they meant.
    Ambiguous(Vec<Scored<'a, T>>),
}

impl<T> Clone for Match<'_, T> {
    fn clone(&self) -> Self {
        match self {
            Match::Found(s) => Match::Found(*s),
            Match::Ambiguous(v) => Match::Ambiguous(v.clone()),
        }
    }
}

impl<'a, T> Match<'a, T> {
    /// The winner, if there is exactly one.
    pub fn unique(&self) -> Option<&'a T> {
        match self {
            Match::Found(s) => Some(s.item),
            Match::Ambiguous(_) => None,
        }
    }

    /// Best score among the returned candidates.
    pub fn score(&self) -> f64 {
        match self {
            Match::Found(s) => s.score,
            Match::Ambiguous(v) => v.first().map_or(0.0, |s| s.score),
        }
    }

    /// All returned candidates (one for `Found`).
    pub fn items(&self) -> Vec<&'a T> {
        match self {
            Match::Found(s) => vec![s.item],
            Match::Ambiguous(v) => v.iter().map(|s| s.item).collect(),
        }
    }

    pub fn is_ambiguous(&self) -> bool {
        matches!(self, Match::Ambiguous(_))
    }
}

/// Scores below this are no match at all.
pub const MIN_SCORE: f64 = 0.5;
/// Candidates within this distance of the best are a tie.
pub const TIE_EPSILON: f64 = 0.03;

/// Score of one candidate name against a query (0..=1), as used by
/// [`best_match`]; exposed for callers that want to rank themselves.
pub fn score(query: &str, candidate: &str) -> f64 {
    let (nq, nc) = (normalize(query), normalize(candidate));
    if nq.is_empty() || nc.is_empty() {
        return 0.0;
    }
    if nq == nc || nq.replace(' ', "") == nc.replace(' ', "") {
        return 1.0;
    }
    let (q, c) = (tokens(query), tokens(candidate));
    if q.is_empty() || c.is_empty() {
        return 0.0;
    }
    if q == c {
        return 0.99;
    }
    let cov = coverage(&q, &c, false);
    let token_score = cov.query * (1.0 - 0.4 * cov.missing);
    // A whole-string typo ("manipedi", "corteybarba") as a fallback.
    let (sq, sc): (String, String) = (q.concat(), c.concat());
    let whole = if sq.chars().count() >= 6 && damerau_levenshtein(&sq, &sc) <= 1 {
        0.9
    } else {
        0.0
    };
    token_score.max(whole)
}

fn pick<'a, T>(mut scored: Vec<Scored<'a, T>>, min: f64) -> Option<Match<'a, T>> {
    scored.retain(|s| s.score >= min);
    scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.index.cmp(&b.index)));
    let best = scored.first()?.score;
    let tied: Vec<_> = scored
        .into_iter()
        .take_while(|s| best - s.score <= TIE_EPSILON)
        .collect();
    if tied.len() == 1 {
        Some(Match::Found(tied[0]))
    } else {
        Some(Match::Ambiguous(tied))
    }
}

/// The candidate whose name best matches `query` (a service or staff name
/// as someone typed it). `None` when nothing scores at least [`MIN_SCORE`];
/// [`Match::Ambiguous`] when several tie.
pub fn best_match<'a, T>(
    query: &str,
    candidates: &'a [T],
    name: impl Fn(&T) -> &str,
) -> Option<Match<'a, T>> {
    let scored = candidates
        .iter()
        .enumerate()
        .map(|(index, item)| Scored {
            item,
            index,
            score: score(query, name(item)),
        })
        .collect();
    pick(scored, MIN_SCORE)
}

/// Spots a candidate mentioned inside a whole sentence: "quiero una cita
/// para un corte mañana" → "Corte de cabello". Scores by how much of the
/// candidate's name appears in the text (typos only forgiven in words of
/// five letters or more); a candidate needs at least one non-generic word
/// found. Ties on coverage prefer the candidate naming more of the text
/// ("corte y barba" beats "corte de cabello" when both words appear).
pub fn find_in_text<'a, T>(
    text: &str,
    candidates: &'a [T],
    name: impl Fn(&T) -> &str,
) -> Option<Match<'a, T>> {
    let q = tokens(text);
    if q.is_empty() {
        return None;
    }
    let scored = candidates
        .iter()
        .enumerate()
        .filter_map(|(index, item)| {
            let c = tokens(name(item));
            if c.is_empty() {
                return None;
            }
            let cov = coverage(&q, &c, true);
            if !cov.strong {
                return None;
            }
            let score = (1.0 - cov.missing) * 0.9 + 0.1 * (cov.matched_weight / 3.0).min(1.0);
            Some(Scored { item, index, score })
        })
        .collect();
    pick(scored, 0.3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        assert_eq!(normalize("Peluquería"), "peluqueria");
        assert_eq!(
            normalize("  ¿Cuánto   cuesta el CORTE?? "),
            "cuanto cuesta el corte"
        );
        assert_eq!(normalize("Mañana 👍 a las 4:30"), "manana a las 4 30");
        assert_eq!(normalize("Mani-pedi"), "mani pedi");
        assert_eq!(normalize("pingüino"), "pinguino");
        assert_eq!(normalize(""), "");
        assert_eq!(normalize("cafe\u{301} ok"), "cafe ok");
    }

    #[test]
    fn tokens_drop_fillers_and_fold_synonyms() {
        assert_eq!(tokens("Corte de pelo"), vec!["corte", "cabello"]);
        assert_eq!(tokens("uñas"), vec!["manicure"]);
        assert_eq!(tokens("un fade"), vec!["corte"]);
        assert_eq!(tokens("se me cortó"), Vec::<String>::new());
        assert!(tokens("unas").is_empty());
        assert_eq!(tokens("Mani + Pedi"), vec!["manicure", "pedicure"]);
    }

    #[test]
    fn token_similarity() {
        assert!(token_sim("cortre", "corte", false) > 0.8);
        assert!(token_sim("barva", "barba", false) > 0.8);
        assert_eq!(token_sim("cita", "cejas", false), 0.0);
        assert!(token_sim("pedrito", "pedro", false) > 0.8);
        assert_eq!(token_sim("cita", "cima", true), 0.0);
    }
}
