//! The gateway in front of the real function binaries under
//! `cargo lambda watch` (which compiles them on first use: slow the first
//! time). The health check is skipped, with a notice, when `cargo lambda`
//! is not on PATH (put .venv/bin first on PATH to run it); the killed
//! function's restart when the checkout has no `.venv/bin/cargo-lambda`.
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

/// The pid of a `webhook` process whose ancestors include `ancestor`.
fn webhook_under(ancestor: u32) -> Option<u32> {
    let parent = |pid: u32| -> Option<u32> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        stat[stat.rfind(')')? + 2..]
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    };
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
        if comm.trim() != "webhook" {
            return None;
        }
        let mut p = pid;
        for _ in 0..6 {
            p = parent(p)?;
            if p == ancestor {
                return Some(pid);
            }
        }
        None
    })
}

/// A function process killed under the real emulator: the next invocation
/// times out (the emulator holds it forever), the invoker runs
/// infra/scripts/restart-lambda.sh, and the one after reaches a new
/// emulator. Needs the checkout's .venv (infra/scripts/bootstrap.sh).
#[tokio::test]
async fn a_killed_function_gets_a_new_emulator() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap();
    if !root.join(".venv/bin/cargo-lambda").exists() {
        eprintln!("skipped: no .venv/bin/cargo-lambda (infra/scripts/bootstrap.sh)");
        return;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // The emulator's own stack directory (pid, log) and port, through a
    // wrapper: restart-lambda.sh reads them from the environment.
    let dir = std::env::temp_dir().join(format!("parlo-local-restart-{port}"));
    std::fs::create_dir_all(&dir).unwrap();
    let wrapper = |script: &str, args: &str| {
        let path = dir.join(format!("{script}-wrapper.sh"));
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\nexport PARLO_LOCAL_DIR='{}' PARLO_LAMBDA_PORT={port} PARLO_ENV=local AWS_EC2_METADATA_DISABLED=true\nexec '{}' {args}\n",
                dir.display(),
                root.join("infra/scripts").join(script).display()
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    };
    let restart = wrapper("restart-lambda.sh", "");
    let down = wrapper("down.sh", "lambda");
    // Stops the emulator (and its functions) and removes the directory,
    // whatever the outcome.
    struct Down(std::path::PathBuf, std::path::PathBuf);
    impl Drop for Down {
        fn drop(&mut self) {
            let _ = Command::new(&self.0).status();
            let _ = std::fs::remove_dir_all(&self.1);
        }
    }
    let _down = Down(down, dir.clone());
    // The first start is a restart of nothing.
    assert!(Command::new(&restart).status().unwrap().success());
    let emulator_pid = || -> u32 {
        std::fs::read_to_string(dir.join("lambda.pid"))
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    let first = emulator_pid();

    let invoker = parlo_local::invoke::Invoker::new(
        &format!("http://127.0.0.1:{port}"),
        Duration::from_secs(1200),
    )
    .with_limits(parlo_local::invoke::Limits {
        functions: std::collections::HashMap::from([(
            "webhook".to_string(),
            Duration::from_secs(5),
        )]),
        slack: Duration::from_secs(5),
        cold: Duration::from_secs(1200),
    })
    .with_restarter(parlo_local::invoke::Restarter::new(restart.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = std::sync::Arc::new(parlo_local::gateway::HttpState {
        invoker,
        account_id: "123456789012".into(),
        api_id: "parlolocal".into(),
        port: addr.port(),
        static_dir: None,
    });
    tokio::spawn(parlo_local::gateway::serve(listener, state));
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let health = || http.get(format!("http://{addr}/health")).send();

    // Cold (may compile), then warm.
    let r = health().await.unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let webhook = webhook_under(first).expect("a webhook process under the emulator");

    // Killed: the emulator never answers this one.
    Command::new("kill")
        .args(["-KILL", &webhook.to_string()])
        .status()
        .unwrap();
    let started = Instant::now();
    let r = health().await.unwrap();
    let (status, body) = (r.status(), r.text().await.unwrap());
    assert_eq!(status, 502, "{body}");
    assert!(body.contains("timed out after 10 s"), "{body}");
    assert!(started.elapsed() >= Duration::from_secs(10));

    // A new emulator, and the function answers again.
    let second = emulator_pid();
    assert_ne!(second, first, "restart-lambda.sh started a new emulator");
    let r = health().await.unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert!(webhook_under(second).is_some());
    let log = std::fs::read_to_string(dir.join("lambda.log")).unwrap();
    assert_eq!(
        log.matches("restart-lambda.sh: new emulator").count(),
        2,
        "one start and one restart, appended to one log"
    );
}
