//! An invocation that outlives its function's timeout: the invoker gives
//! up, restarts the runtime emulator once (however many invocations timed
//! out together), and the next invocation reaches the new one. The
//! "emulator" here hangs every call until the restart command has run,
//! as `cargo lambda watch` does once a function process was killed.
use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use parlo_local::invoke::{InvokeError, Invoker, Limits, Restarter};
use serde_json::json;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::net::TcpListener;

/// Hangs every invocation while `restarted` does not exist; answers `{}`
/// once it does.
async fn hanging_emulator(restarted: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let restarted = restarted.clone();
            tokio::spawn(async move {
                let service = service_fn(move |_req: hyper::Request<hyper::body::Incoming>| {
                    let restarted = restarted.clone();
                    async move {
                        while !restarted.exists() {
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                        Ok::<_, std::convert::Infallible>(hyper::Response::new(Full::new(
                            Bytes::from("{}"),
                        )))
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    url
}

fn restart_script(dir: &Path) -> PathBuf {
    let script = dir.join("restart.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho restarted >> '{}'\n",
            dir.join("restarted").display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    script
}

#[tokio::test]
async fn a_timed_out_invocation_restarts_the_emulator_once() {
    let dir = std::env::temp_dir().join(format!("parlo-invoke-timeout-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let restarted = dir.join("restarted");
    let url = hanging_emulator(restarted.clone()).await;
    let invoker = Invoker::new(&url, Duration::from_millis(400))
        .with_limits(Limits {
            functions: HashMap::from([("turn".to_string(), Duration::from_millis(300))]),
            slack: Duration::ZERO,
            cold: Duration::from_millis(400),
        })
        .with_restarter(Restarter::new(restart_script(&dir)));

    // Three invocations hang together: all time out, one restart.
    let event = json!({"Records": []});
    let calls = (0..3).map(|_| invoker.invoke("turn", &event));
    let results = futures::future::join_all(calls).await;
    for r in &results {
        match r {
            Err(InvokeError::TimedOut { function, after }) => {
                assert_eq!(function, "turn");
                assert_eq!(*after, Duration::from_millis(400), "cold bound first");
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
    }
    let restarts = std::fs::read_to_string(&restarted).unwrap();
    assert_eq!(
        restarts.lines().count(),
        1,
        "one restart for one generation"
    );

    // The new emulator answers; from then on the function's own timeout.
    assert_eq!(invoker.invoke("turn", &event).await.unwrap(), json!({}));
    assert_eq!(invoker.timeout_for("turn"), Duration::from_millis(300));
    std::fs::remove_dir_all(&dir).unwrap();
}
