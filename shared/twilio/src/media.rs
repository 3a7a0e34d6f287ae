//! Downloading an inbound message's media (a voice note): Twilio serves
//! `MediaUrl0` behind HTTP basic auth with the account SID and auth token
//! (then redirects to a signed URL; reqwest drops the credentials on a
//! redirect to another host). The size is bounded twice: by the announced
//! `Content-Length` before anything is read, and while reading.

use crate::Credentials;

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// Larger than the bound (announced or read).
    #[error("media larger than {max} bytes")]
    TooLarge { max: u64 },
    #[error("media download answered {0}")]
    Status(u16),
    #[error("media download: {0}")]
    Http(String),
}

/// Downloaded media.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    pub content_type: Option<String>,
}

/// GETs `url` (with basic auth when `credentials` are given), reading at
/// most `max_bytes`.
pub async fn fetch(
    http: &reqwest::Client,
    url: &str,
    credentials: Option<&Credentials>,
    max_bytes: u64,
) -> Result<Fetched, MediaError> {
    let mut request = http.get(url);
    if let Some(c) = credentials {
        request = request.basic_auth(&c.account_sid, Some(&c.auth_token));
    }
    let mut response = request
        .send()
        .await
        .map_err(|e| MediaError::Http(e.without_url().to_string()))?;
    let status = response.status();
    if !status.is_success() {
        return Err(MediaError::Status(status.as_u16()));
    }
    if response.content_length().is_some_and(|n| n > max_bytes) {
        return Err(MediaError::TooLarge { max: max_bytes });
    }
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| MediaError::Http(e.without_url().to_string()))?
    {
        if (bytes.len() + chunk.len()) as u64 > max_bytes {
            return Err(MediaError::TooLarge { max: max_bytes });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Fetched {
        bytes,
        content_type,
    })
}
