//! The AWS SDK configuration every function shares: the usual defaults
//! (region, credentials, `AWS_ENDPOINT_URL_*` for the local emulators) with
//! an HTTP client that keeps TLS set-up out of the Lambda init.
//!
//! The SDK's default HTTPS client reads and parses the system root store
//! (`/etc/ssl/certs`: the bundle plus ~145 files) and builds a throw-away
//! TLS connector for every client created: about half of the webhook's cold
//! start (docs/benchmarks.md). Here the roots are Mozilla's, compiled in
//! (`webpki-root-certs`, the same CA list Debian and Amazon Linux ship),
//! and the connector is built once, on the first request that needs it.
//! Certificate and host-name checks are unchanged (rustls with aws-lc-rs,
//! as before); plain `http://` endpoints (the emulators) work as before.
use aws_config::{BehaviorVersion, SdkConfig};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::runtime_components::{
    RuntimeComponents, RuntimeComponentsBuilder,
};
use aws_smithy_types::config_bag::ConfigBag;
use base64::Engine;

/// `aws_config::load_defaults(BehaviorVersion::latest())` with [`http_client`].
pub async fn sdk_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client())
        .load()
        .await
}

/// The SDK's hyper + rustls (aws-lc-rs) client trusting the compiled-in
/// Mozilla roots. Setting `SSL_CERT_FILE` or `SSL_CERT_DIR` adds the system
/// store as well (a private CA, a TLS-inspecting proxy), at its usual cost.
pub fn http_client() -> SharedHttpClient {
    let system_roots_asked =
        std::env::var_os("SSL_CERT_FILE").is_some() || std::env::var_os("SSL_CERT_DIR").is_some();
    let trust_store = TrustStore::empty()
        .with_native_roots(system_roots_asked)
        .with_pem_certificate(mozilla_roots_pem());
    let tls_context = TlsContext::builder()
        .with_trust_store(trust_store)
        .build()
        .expect("a trust store is all this TLS context sets");
    let client = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
        .tls_context(tls_context)
        .build_https();
    SharedHttpClient::new(ConnectOnFirstRequest(client))
}

/// `webpki_root_certs::TLS_SERVER_ROOT_CERTS` as one PEM bundle: the SDK's
/// trust store takes PEM only.
fn mozilla_roots_pem() -> Vec<u8> {
    let mut pem = Vec::with_capacity(webpki_root_certs::TLS_SERVER_ROOT_CERTS.len() * 2_200);
    for cert in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
        let body = base64::engine::general_purpose::STANDARD.encode(cert.as_ref());
        pem.extend_from_slice(b"-----BEGIN CERTIFICATE-----\n");
        for line in body.as_bytes().chunks(64) {
            pem.extend_from_slice(line);
            pem.push(b'\n');
        }
        pem.extend_from_slice(b"-----END CERTIFICATE-----\n");
    }
    pem
}

/// Delegates to the SDK's client but skips its eager connector build in
/// `validate_base_client_config`, which runs once per service client at
/// construction (in init) and whose result is not even cached: the
/// connector is built, and kept, on the first request instead.
#[derive(Debug)]
struct ConnectOnFirstRequest(SharedHttpClient);

impl HttpClient for ConnectOnFirstRequest {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.0.http_connector(settings, components)
    }

    fn validate_base_client_config(
        &self,
        _components: &RuntimeComponentsBuilder,
        _cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        Ok(())
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.0.connector_metadata()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pem_bundle_holds_every_compiled_in_root_unchanged() {
        let pem = String::from_utf8(mozilla_roots_pem()).expect("ASCII");
        let blocks: Vec<&str> = pem
            .split("-----END CERTIFICATE-----\n")
            .filter(|b| !b.is_empty())
            .collect();
        assert!(blocks.len() > 100, "{} roots", blocks.len());
        assert_eq!(blocks.len(), webpki_root_certs::TLS_SERVER_ROOT_CERTS.len());
        for (block, der) in blocks.iter().zip(webpki_root_certs::TLS_SERVER_ROOT_CERTS) {
            let body = block
                .strip_prefix("-----BEGIN CERTIFICATE-----\n")
                .expect("header");
            assert!(body.lines().all(|l| l.len() <= 64));
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(body.replace('\n', ""))
                .expect("base64");
            assert_eq!(decoded, der.as_ref());
        }
    }
}
