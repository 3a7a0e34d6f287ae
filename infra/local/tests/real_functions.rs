//! The gateway in front of the real function binaries under
//! `cargo lambda watch` (which compiles them on first use: slow the first
//! time). Skipped, with a notice, when `cargo lambda` is not on PATH (put
//! .venv/bin first on PATH to run it).
mod support;

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Watch(Child);

impl Drop for Watch {
    fn drop(&mut self) {
        // Its own process group: stop cargo-lambda and the function
        // processes it started.
        let pgid = self.0.id() as i32;
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{pgid}")])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pgid}")])
            .status();
        let _ = self.0.wait();
    }
}

fn cargo_lambda_available() -> bool {
    Command::new("cargo")
        .args(["lambda", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[tokio::test]
async fn health_through_the_real_webhook() {
    if !cargo_lambda_available() {
        eprintln!("skipped: `cargo lambda` is not on PATH (PATH=$PWD/.venv/bin:$PATH to run this)");
        return;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = std::env::temp_dir().join(format!("parlo-local-watch-{port}.log"));
    let out = std::fs::File::create(&log).unwrap();
    let child = Command::new("cargo")
        .args([
            "lambda",
            "watch",
            "--invoke-address",
            "127.0.0.1",
            "--ignore-changes",
        ])
        .args(["--invoke-port", &port.to_string()])
        .current_dir(&root)
        .env("PARLO_ENV", "local")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .process_group(0)
        .spawn()
        .unwrap();
    let _watch = Watch(child);
    let emulator = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "cargo lambda watch did not start; see {}",
            log.display()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let gw = support::start_gateway(&emulator).await;
    // The first invocation compiles the webhook binary.
    let response = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(1200))
        .build()
        .unwrap()
        .get(format!("{gw}/health"))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(status, 200, "{body}; see {}", log.display());
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["status"], "ok", "{body}");
}
