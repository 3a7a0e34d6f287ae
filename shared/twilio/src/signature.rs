//! `X-Twilio-Signature`: HMAC-SHA1 over the public URL followed by every
//! POST parameter as `name` + `value`, names sorted (values of a repeated
//! name sorted too), keyed with the account's auth token, base64-encoded.
//!
//! Like Twilio's own validators, a signature is accepted for the URL as
//! given, with its default port removed, or with the default port added:
//! proxies and gateways disagree about whether `:443` is part of the URL.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use subtle::ConstantTimeEq;

type HmacSha1 = Hmac<Sha1>;

/// The signature Twilio would send for this URL and form parameters.
pub fn compute(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut mac = HmacSha1::new_from_slice(auth_token.as_bytes()).expect("HMAC takes any key");
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    BASE64.encode(mac.finalize().into_bytes())
}

/// Whether `signature` is what Twilio sends for this request. Constant-time.
pub fn is_valid(auth_token: &str, url: &str, params: &[(String, String)], signature: &str) -> bool {
    if auth_token.is_empty() || signature.is_empty() {
        return false;
    }
    url_variants(url).iter().any(|candidate| {
        let expected = compute(auth_token, candidate, params);
        expected
            .as_bytes()
            .ct_eq(signature.trim().as_bytes())
            .into()
    })
}

/// The URL as given, without its default port, and with it.
fn url_variants(url: &str) -> Vec<String> {
    let mut variants = vec![url.to_string()];
    let Some((scheme, rest)) = url.split_once("://") else {
        return variants;
    };
    let default_port = match scheme {
        "https" => "443",
        "http" => "80",
        _ => return variants,
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    // Userinfo never appears in Twilio webhook URLs; split on the last ':'.
    match authority.rsplit_once(':') {
        Some((host, port)) if port == default_port => {
            variants.push(format!("{scheme}://{host}{tail}"));
        }
        Some(_) => {}
        None => variants.push(format!("{scheme}://{authority}:{default_port}{tail}")),
    }
    variants
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// Twilio's documented example (docs "Webhooks security"); the
    /// signature was also recomputed with Python's hmac module.
    #[test]
    fn twilio_documentation_vector() {
        let p = params(&[
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]);
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        assert_eq!(compute("12345", url, &p), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
        assert!(is_valid("12345", url, &p, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
    }

    #[test]
    fn default_port_is_optional_both_ways() {
        let p = params(&[("Body", "Hola")]);
        let with_port = compute("tok", "https://api.parlo.mx:443/webhooks/twilio", &p);
        assert!(is_valid(
            "tok",
            "https://api.parlo.mx/webhooks/twilio",
            &p,
            &with_port
        ));
        let without = compute("tok", "https://api.parlo.mx/webhooks/twilio", &p);
        assert!(is_valid(
            "tok",
            "https://api.parlo.mx:443/webhooks/twilio",
            &p,
            &without
        ));
        // A non-default port is part of the identity of the URL.
        let other = compute("tok", "https://api.parlo.mx:8443/webhooks/twilio", &p);
        assert!(!is_valid(
            "tok",
            "https://api.parlo.mx/webhooks/twilio",
            &p,
            &other
        ));
    }

    #[test]
    fn forged_and_tampered_requests_fail() {
        let p = params(&[("Body", "Hola"), ("From", "whatsapp:+5215512345678")]);
        let url = "https://api.parlo.mx/webhooks/twilio";
        let good = compute("secret", url, &p);
        assert!(!is_valid("other-secret", url, &p, &good));
        assert!(!is_valid("secret", url, &p, ""));
        assert!(!is_valid("", url, &p, &good));
        assert!(!is_valid("secret", url, &p, "AAAAAAAAAAAAAAAAAAAAAAAAAAA="));
        let tampered = params(&[("Body", "Hola!"), ("From", "whatsapp:+5215512345678")]);
        assert!(!is_valid("secret", url, &tampered, &good));
        assert!(!is_valid(
            "secret",
            "https://evil.example/webhooks/twilio",
            &p,
            &good
        ));
    }
}
