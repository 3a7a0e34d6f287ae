//! Messages without words: voice notes, photos, stickers, files. What to
//! do with one is decided in `parlo_core::media` (a voice note is
//! transcribed first when an endpoint is configured); here are its words.
//! A message Parlo cannot hear or see never reaches the agents as a
//! misunderstanding (no "no te entendí", no step towards a handoff) and an
//! open flow waits untouched for the written answer. Every text of this
//! step is in this file, so a locale can word them once.

use parlo_core::inbound::{InboundKind, InboundMessage};
pub use parlo_core::media::{wordless, Heard, MediaStep, Wordless};
use parlo_core::ContentType;

/// The history's content type of an inbound message.
pub fn content_type(message: &InboundMessage) -> ContentType {
    match message.kind {
        InboundKind::Text | InboundKind::Button => ContentType::Text,
        InboundKind::Location => ContentType::Location,
        InboundKind::Media => match message
            .media
            .first()
            .and_then(|m| m.content_type.as_deref())
        {
            Some(t) if t.starts_with("audio/") => ContentType::Audio,
            _ => ContentType::Image,
        },
    }
}

/// The ask to write instead, by what became of the voice note.
pub fn ask_to_write_after(what: Wordless, heard: &Heard) -> &'static str {
    match (what, heard) {
        (Wordless::Voice, Heard::TooLong) => {
            "Tu audio está muy largo para mí 🙏 ¿Me lo escribes, porfa? \
             Por ejemplo: «corte mañana a las 5»."
        }
        (Wordless::Voice, Heard::Failed | Heard::Words(_)) => {
            "Perdón, no alcancé a escuchar bien tu audio 🙏 ¿Me lo escribes, porfa? \
             Por ejemplo: «corte mañana a las 5»."
        }
        _ => ask_to_write(what),
    }
}

/// Characters of a voice note's words quoted back at most.
const HEARD_QUOTE_CHARS: usize = 120;

/// The brief acknowledgement before the answer to a voice note.
pub fn heard(words: &str) -> String {
    format!(
        "🎧 Escuché tu audio: «{}»",
        parlo_core::media::quoted(words, HEARD_QUOTE_CHARS)
    )
}

const CANNOT_OPEN: &str = "Todavía no puedo abrir archivos 🙏";
const CANNOT_SEE: &str = "Gracias por la imagen, pero todavía no puedo ver imágenes 🙏";

/// A picture or a file while a flow waits: the polite line, then the
/// flow's question again.
pub fn cannot_see(what: Wordless, repeat: Option<&str>) -> String {
    let line = match what {
        Wordless::File => CANNOT_OPEN,
        _ => CANNOT_SEE,
    };
    match repeat.map(question_of) {
        Some(question) => format!("{line}\n\n{question}"),
        None => ask_to_write(what).to_string(),
    }
}

/// The question in an assistant's message, without this step's own
/// opening line (a second photo repeats the question, not the line).
pub fn question_of(text: &str) -> &str {
    match text.split_once("\n\n") {
        Some((head, rest))
            if head == CANNOT_SEE
                || head == CANNOT_OPEN
                || head.starts_with("🎧 Escuché tu audio:") =>
        {
            rest
        }
        _ => text,
    }
}

/// Whether an assistant's message was this step's ask to write (the ask
/// goes out once per window).
pub fn is_ask_to_write(text: &str) -> bool {
    [Heard::Unavailable, Heard::TooLong, Heard::Failed]
        .iter()
        .any(|h| text == ask_to_write_after(Wordless::Voice, h))
}

/// Whether an assistant's message was any of this step's asks (a voice
/// note's, or a photo's or a file's without a flow to go back to).
pub fn is_own_ask(text: &str) -> bool {
    is_ask_to_write(text)
        || [Wordless::Picture, Wordless::File]
            .iter()
            .any(|w| text == ask_to_write(*w))
}

/// The one answer to a wordless message.
pub fn ask_to_write(what: Wordless) -> &'static str {
    match what {
        Wordless::Voice => {
            "Perdón, todavía no puedo escuchar notas de voz 🙏 ¿Me lo escribes, porfa? \
             Por ejemplo: «corte mañana a las 5»."
        }
        Wordless::Picture => {
            "Gracias por la imagen, pero todavía no puedo ver fotos ni videos 🙏 \
             ¿Me cuentas por escrito qué necesitas?"
        }
        Wordless::File => {
            "Todavía no puedo abrir archivos 🙏 ¿Me cuentas por escrito qué necesitas?"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parlo_core::inbound::Media;

    fn media(body: &str, content_type: &str) -> InboundMessage {
        InboundMessage {
            message_sid: "SM1".into(),
            account_sid: None,
            from: "whatsapp:+5215512345678".into(),
            to: "whatsapp:+5215500000001".into(),
            body: body.into(),
            kind: InboundKind::Media,
            profile_name: None,
            media: vec![Media {
                url: "https://api.twilio.com/media/ME1".into(),
                content_type: Some(content_type.into()),
            }],
            latitude: None,
            longitude: None,
            button_payload: None,
            replied_to: None,
        }
    }

    // Telling voice, photo and file apart is `parlo_core::media`'s (tested
    // there); this file only maps them to the history's content types.
    #[test]
    fn media_is_stored_with_its_content_type() {
        assert_eq!(content_type(&media("", "audio/ogg")), ContentType::Audio);
        assert_eq!(content_type(&media("", "image/jpeg")), ContentType::Image);
    }

    #[test]
    fn a_photo_with_a_caption_is_answered_by_its_caption() {
        assert_eq!(wordless(&media("¿tienen este corte?", "image/jpeg")), None);
    }
}
