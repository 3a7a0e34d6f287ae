//! What a turn does with a message without words (a voice note, a photo,
//! a file): pure decisions, no I/O. The turn fetches and transcribes a
//! voice note through the adapters first (`parlo_app::transcription`) and
//! passes what it heard here; the words of each answer live with the chat
//! (`parlo_chat::media`).

use chrono::{DateTime, Duration, Utc};

use crate::inbound::{InboundKind, InboundMessage};

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

/// What became of a voice note before the turn decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    /// Transcribed: these are the customer's words.
    Words(String),
    /// No transcription endpoint configured.
    Unavailable,
    /// Larger than the bound: not downloaded.
    TooLong,
    /// The download or the transcription failed (or heard nothing).
    Failed,
}

/// How long one "please write" ask covers: WhatsApp's conversation window.
pub const ASK_WINDOW: Duration = Duration::hours(24);

/// The turn's answer to a message, decided before the agents run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaStep {
    /// Words to answer (a text, a caption): the agents as usual.
    Words,
    /// A voice note heard: the agents answer these words as the message's
    /// text, and the reply says briefly what was heard.
    Heard(String),
    /// Ask once to write instead: nothing was understood.
    AskToWrite { what: Wordless, heard: Heard },
    /// Asked already in this window: the message is kept, no second ask.
    Quiet,
    /// A picture or a file: say it cannot be seen, and the open flow's
    /// last question again (when there is one), so the flow goes on.
    CannotSee {
        what: Wordless,
        repeat: Option<String>,
    },
}

/// Decides the step. `asked_at` is when the last ask to write went out in
/// this conversation (if ever); `open_question` the assistant's last words
/// while a flow is open.
pub fn step(
    what: Option<Wordless>,
    heard: Option<Heard>,
    asked_at: Option<DateTime<Utc>>,
    open_question: Option<&str>,
    now: DateTime<Utc>,
) -> MediaStep {
    let Some(what) = what else {
        return MediaStep::Words;
    };
    match what {
        Wordless::Voice => {
            let heard = heard.unwrap_or(Heard::Unavailable);
            if let Heard::Words(words) = &heard {
                let words = words.trim();
                if !words.is_empty() {
                    return MediaStep::Heard(words.to_string());
                }
            }
            if asked_at.is_some_and(|at| at + ASK_WINDOW > now) {
                MediaStep::Quiet
            } else {
                let heard = match heard {
                    Heard::Words(_) => Heard::Failed,
                    other => other,
                };
                MediaStep::AskToWrite { what, heard }
            }
        }
        Wordless::Picture | Wordless::File => MediaStep::CannotSee {
            what,
            repeat: open_question
                .map(str::trim)
                .filter(|q| !q.is_empty())
                .map(str::to_string),
        },
    }
}

/// The words heard, shortened for the acknowledgement (the agents get them
/// whole).
pub fn quoted(words: &str, max_chars: usize) -> String {
    let words = words.trim();
    if words.chars().count() <= max_chars {
        return words.to_string();
    }
    let cut: String = words.chars().take(max_chars).collect();
    let cut = cut
        .rsplit_once(' ')
        .map_or(cut.as_str(), |(head, _)| head)
        .trim_end_matches([',', '.', ';', ':'])
        .to_string();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbound::Media;

    fn now() -> DateTime<Utc> {
        "2030-01-10T19:00:00Z".parse().unwrap()
    }

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
        assert_eq!(wordless(&media("¿tienen este corte?", "image/jpeg")), None);
    }

    #[test]
    fn a_heard_voice_note_is_its_words() {
        let s = step(
            Some(Wordless::Voice),
            Some(Heard::Words(" corte mañana a las 5 ".into())),
            Some(now()),
            None,
            now(),
        );
        assert_eq!(s, MediaStep::Heard("corte mañana a las 5".into()));
    }

    #[test]
    fn an_unheard_voice_note_is_asked_about_once_per_window() {
        for heard in [Heard::Unavailable, Heard::TooLong, Heard::Failed] {
            let first = step(
                Some(Wordless::Voice),
                Some(heard.clone()),
                None,
                None,
                now(),
            );
            assert_eq!(
                first,
                MediaStep::AskToWrite {
                    what: Wordless::Voice,
                    heard: heard.clone()
                }
            );
            let again = step(
                Some(Wordless::Voice),
                Some(heard.clone()),
                Some(now() - Duration::hours(2)),
                None,
                now(),
            );
            assert_eq!(again, MediaStep::Quiet);
            let next_day = step(
                Some(Wordless::Voice),
                Some(heard.clone()),
                Some(now() - Duration::hours(25)),
                None,
                now(),
            );
            assert!(matches!(next_day, MediaStep::AskToWrite { .. }));
        }
        // Silence heard is nothing heard.
        let blank = step(
            Some(Wordless::Voice),
            Some(Heard::Words("  ".into())),
            None,
            None,
            now(),
        );
        assert_eq!(
            blank,
            MediaStep::AskToWrite {
                what: Wordless::Voice,
                heard: Heard::Failed
            }
        );
    }

    #[test]
    fn a_picture_mid_flow_repeats_the_question() {
        let s = step(
            Some(Wordless::Picture),
            None,
            None,
            Some("¿Qué servicio te gustaría?"),
            now(),
        );
        assert_eq!(
            s,
            MediaStep::CannotSee {
                what: Wordless::Picture,
                repeat: Some("¿Qué servicio te gustaría?".into())
            }
        );
        assert_eq!(step(None, None, None, None, now()), MediaStep::Words);
    }

    #[test]
    fn long_words_are_shortened_at_a_word() {
        assert_eq!(quoted("corte mañana", 40), "corte mañana");
        assert_eq!(
            quoted("quiero un corte mañana a las cinco, porfa", 24),
            "quiero un corte mañana…"
        );
    }
}
