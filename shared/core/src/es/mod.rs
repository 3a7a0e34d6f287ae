//! Mexican-Spanish language helpers: understanding what customers and staff
//! write on WhatsApp. Pure functions only; `now` and the business's zone are
//! always parameters.

pub(crate) mod catalan;
pub(crate) mod english;
pub mod format;
pub mod fuzzy;
pub mod hours;
pub mod intent;
pub mod learned;
pub mod names;
pub mod read;
pub mod when;
pub use parlo_learn::words;

/// Case-insensitive search that answers with byte offsets **in `text`**:
/// the start and end of the first match of `needle` (compared in
/// lowercase) widened to whole characters of `text`.
///
/// Lowercasing can change a string's byte length ("İ" is 2 bytes, its
/// lowercase "i̇" is 3), so an offset found in `text.to_lowercase()` must
/// never be used to slice `text` itself; this maps it back instead.
pub fn find_ci(text: &str, needle: &str) -> Option<std::ops::Range<usize>> {
    // Most needles are ASCII («cita de », «dile a »): compared byte by
    // byte, with no copy of the text. An ASCII byte is never inside a
    // longer UTF-8 character, so a match starts and ends on characters.
    // («İ» and the Kelvin sign are the characters that lowercase to ASCII
    // letters: the full path below handles them.)
    if needle.is_ascii() && !needle.is_empty() && !text.contains(['\u{130}', '\u{212A}']) {
        let (t, n) = (text.as_bytes(), needle.as_bytes());
        return t
            .windows(n.len())
            .position(|w| w.eq_ignore_ascii_case(n))
            .map(|i| i..i + n.len());
    }
    let needle = needle.to_lowercase();
    // lowered[k] came from the character of `text` starting at origin[k].
    let mut lowered = String::with_capacity(text.len());
    let mut origin: Vec<usize> = Vec::with_capacity(text.len() + 1);
    for (i, c) in text.char_indices() {
        for l in c.to_lowercase() {
            let before = lowered.len();
            lowered.push(l);
            origin.extend(std::iter::repeat_n(i, lowered.len() - before));
        }
    }
    origin.push(text.len());
    let at = lowered.find(&needle)?;
    let start = origin[at];
    let end_lowered = at + needle.len();
    // The match may end inside one character's lowercase expansion: take
    // the whole character.
    let end = if end_lowered == at
        || end_lowered == lowered.len()
        || origin[end_lowered] != origin[end_lowered - 1]
    {
        origin[end_lowered]
    } else {
        text[origin[end_lowered]..]
            .chars()
            .next()
            .map_or(text.len(), |c| origin[end_lowered] + c.len_utf8())
    };
    Some(start..end.max(start))
}

#[cfg(test)]
mod tests {
    use super::find_ci;

    #[test]
    fn find_ci_maps_offsets_back_to_the_original_text() {
        let t = "İ me llamo Ñoño";
        let r = find_ci(t, "me llamo ").unwrap();
        assert_eq!(&t[r.end..], "Ñoño");
        assert_eq!(&t[r.clone()], "me llamo ");
        assert_eq!(find_ci("HOLA", "ola"), Some(1..4));
        assert_eq!(find_ci("abc", "x"), None);
        // A match ending inside "İ"'s expansion takes the whole character.
        let r = find_ci("xİy", "xi").unwrap();
        assert_eq!(&"xİy"[r], "xİ");
    }
}
