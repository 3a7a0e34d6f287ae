//! A scripted OpenAI-compatible transcription endpoint
//! (`POST …/audio/transcriptions`, multipart), answered by the LLM
//! stand-in and by the Twilio stand-in (which `dev.sh` always starts, so
//! the local functions get `TRANSCRIPTION_BASE_URL` without one more
//! process).
//!
//! The "audio" is scripted: bytes that start with [`VOICE_PREFIX`] carry
//! their own transcript (the rest, UTF-8, up to the first NUL byte: padding
//! makes a long note); anything else is not audio it can decode (400, as
//! OpenAI answers an unreadable file). `parlo-local say --voice "…"` and
//! the e2e tests make such notes with [`voice_note`].

use serde_json::{json, Value};

/// What a scripted voice note starts with.
pub const VOICE_PREFIX: &[u8] = b"PARLO-VOICE:";

/// A scripted voice note saying `text`, padded with NUL bytes to `size`.
pub fn voice_note(text: &str, size: Option<usize>) -> Vec<u8> {
    let mut bytes = VOICE_PREFIX.to_vec();
    bytes.extend_from_slice(text.as_bytes());
    if let Some(size) = size {
        if size > bytes.len() {
            bytes.resize(size, 0);
        }
    }
    bytes
}

/// The transcript of a scripted note, `None` for anything else.
pub fn transcript(audio: &[u8]) -> Option<String> {
    let rest = audio.strip_prefix(VOICE_PREFIX)?;
    let end = rest.iter().position(|b| *b == 0).unwrap_or(rest.len());
    String::from_utf8(rest[..end].to_vec()).ok()
}

/// One part of a `multipart/form-data` body: (name, content).
fn parts<'a>(content_type: &str, body: &'a [u8]) -> Vec<(String, &'a [u8])> {
    let Some(boundary) = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()
        .map(|b| format!("--{}", b.trim_matches('"')))
    else {
        return Vec::new();
    };
    let delimiter = boundary.as_bytes();
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(at) = find(rest, delimiter) {
        rest = &rest[at + delimiter.len()..];
        if rest.starts_with(b"--") {
            break;
        }
        let Some(head_end) = find(rest, b"\r\n\r\n") else {
            break;
        };
        let head = String::from_utf8_lossy(&rest[..head_end]).to_string();
        let content = &rest[head_end + 4..];
        let end = find(content, delimiter).unwrap_or(content.len());
        let content = content[..end]
            .strip_suffix(b"\r\n")
            .unwrap_or(&content[..end]);
        let name = head
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("name="))
            .next()
            .map(|n| n.trim_matches('"').to_string())
            .unwrap_or_default();
        out.push((name, content));
        rest = &rest[head_end + 4 + end..];
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The answer to one transcription request: (status, JSON).
pub fn answer(content_type: Option<&str>, body: &[u8]) -> (u16, Value) {
    let parts = parts(content_type.unwrap_or(""), body);
    let field = |name: &str| parts.iter().find(|(n, _)| n == name).map(|(_, c)| *c);
    if field("model").is_none_or(|m| m.is_empty()) {
        return (
            400,
            json!({"error": {"message": "you must provide a model parameter",
                             "type": "invalid_request_error"}}),
        );
    }
    match field("file").map(transcript) {
        Some(Some(text)) => (200, json!({"text": text})),
        Some(None) => (
            400,
            json!({"error": {"message": "Invalid file format: the audio could not be decoded.",
                             "type": "invalid_request_error"}}),
        ),
        None => (
            400,
            json!({"error": {"message": "you must provide a file",
                             "type": "invalid_request_error"}}),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(file: &[u8]) -> Vec<u8> {
        let mut b = b"--XY\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n\
--XY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"voice.ogg\"\r\nContent-Type: audio/ogg\r\n\r\n"
            .to_vec();
        b.extend_from_slice(file);
        b.extend_from_slice(b"\r\n--XY--\r\n");
        b
    }

    #[test]
    fn a_scripted_note_is_heard_and_anything_else_is_not() {
        let ct = Some("multipart/form-data; boundary=XY");
        let note = voice_note("quiero un corte mañana a las 5", Some(4096));
        assert_eq!(note.len(), 4096);
        let (status, out) = answer(ct, &body(&note));
        assert_eq!(status, 200, "{out}");
        assert_eq!(out["text"], "quiero un corte mañana a las 5");
        let (status, _) = answer(ct, &body(b"OggS\x00\x02 real audio"));
        assert_eq!(status, 400);
        let (status, _) = answer(Some("application/json"), b"{}");
        assert_eq!(status, 400);
    }
}
