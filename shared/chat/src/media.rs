//! Messages without words: voice notes, photos, stickers, files. Until a
//! transcription endpoint is configured Parlo can neither hear nor see
//! them, so it asks once, kindly, to write instead. Such a message never
//! reaches the agents: it is not a misunderstanding (no "no te entendí",
//! no step towards a handoff) and an open flow waits untouched for the
//! written answer.

use parlo_core::inbound::{InboundKind, InboundMessage};
use parlo_core::ContentType;

/// What arrived instead of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wordless {
    Voice,
    Picture,
    File,
}

/// `Some` when the message carries media and no words to answer (a photo
/// with a caption is answered by its caption).
pub fn wordless(message: &InboundMessage) -> Option<Wordless> {
    if message.kind != InboundKind::Media || !message.body.trim().is_empty() {
        return None;
    }
    let kind = message
        .media
        .first()
        .and_then(|m| m.content_type.as_deref())
        .unwrap_or("");
    Some(if kind.starts_with("audio/") {
        Wordless::Voice
    } else if kind.starts_with("image/") || kind.starts_with("video/") {
        Wordless::Picture
    } else {
        Wordless::File
    })
}

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

    #[test]
    fn a_voice_note_a_photo_and_a_file_are_told_apart() {
        assert_eq!(wordless(&media("", "audio/ogg")), Some(Wordless::Voice));
        assert_eq!(wordless(&media(" ", "image/jpeg")), Some(Wordless::Picture));
        assert_eq!(
            wordless(&media("", "application/pdf")),
            Some(Wordless::File)
        );
        assert_eq!(content_type(&media("", "audio/ogg")), ContentType::Audio);
    }

    #[test]
    fn a_photo_with_a_caption_is_answered_by_its_caption() {
        assert_eq!(wordless(&media("¿tienen este corte?", "image/jpeg")), None);
    }
}
