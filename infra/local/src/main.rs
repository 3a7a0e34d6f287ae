//! `parlo-local`: see the crate docs (`src/lib.rs`) and docs/local-stack.md.
use clap::{Args, Parser, Subcommand};
use parlo_local::invoke::{self, Invoker};
use parlo_local::{clock, env, gateway, llm, say, twilio};
use std::io::{BufRead, IsTerminal, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "parlo-local",
    about = "Local API Gateway + SQS event source + Scheduler firer in front of `cargo lambda watch`, and a WhatsApp simulator",
    after_help = "Environment: missing variables are read from <checkout>/.local/env (written by infra/scripts/up.sh)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// HTTP API on 127.0.0.1:3000, turn-queue poller, scheduler firer.
    Gateway(GatewayArgs),
    /// The local clock (.local/clock): set, advance, show, reset.
    Clock {
        #[command(subcommand)]
        command: ClockCommand,
    },
    /// Send one WhatsApp message as a customer and print the replies.
    ///
    /// Exit status: 0 replies settled (or --no-wait), 1 error, 3 no reply in time.
    Say {
        #[command(flatten)]
        chat: ChatArgs,
        /// Print one JSON document (the sent message and the replies).
        #[arg(long)]
        json: bool,
        /// Send the text as a voice note instead (stored on the Twilio
        /// stand-in; the local transcription stand-in hears these words).
        #[arg(long)]
        voice: bool,
        /// Send a photo (no caption: the text is ignored).
        #[arg(long, conflicts_with = "voice")]
        image: bool,
        /// The Twilio stand-in that serves the media.
        #[arg(
            long,
            env = "PARLO_TWILIO_URL",
            default_value = "http://127.0.0.1:4010"
        )]
        twilio_url: String,
        /// The message text.
        text: String,
    },
    /// Interactive chat: each stdin line is sent like `say`.
    Chat {
        #[command(flatten)]
        chat: ChatArgs,
    },
    /// Twilio stand-in: the REST endpoints Parlo calls (numbers, senders,
    /// messages, content), a call log and scripted failures.
    Twilio(TwilioArgs),
    /// LLM stand-in: an OpenAI-compatible chat completions server that
    /// answers a short Spanish message, with fault windows (timeout, error)
    /// set over HTTP (POST/DELETE /_standin/fail).
    Llm(LlmArgs),
    /// Load and fault test through the running stack (make loadtest):
    /// customers and staff of fresh businesses write, Twilio answers 429
    /// and 503 for a while, the LLM hangs for a while, the turn function is
    /// killed once; then the invariants are checked (exit 1 if one fails)
    /// and the figures printed as Markdown.
    Loadtest(LoadtestArgs),
    /// Seed the demo business (Barbería Don Carlos) unless it exists.
    Seed,
    /// Print the API's OpenAPI document (what `GET /api/v1/openapi.json`
    /// answers) without a running stack: the dashboard's client is
    /// generated from it (frontend/scripts/gen-api.mjs).
    Openapi,
}

#[derive(Args)]
struct GatewayArgs {
    /// Address to listen on (loopback only).
    #[arg(long, env = "PARLO_GATEWAY_LISTEN", default_value = "127.0.0.1:3000")]
    listen: SocketAddr,
    /// The Lambda runtime emulator (`cargo lambda watch`).
    #[arg(long, env = "PARLO_INVOKE_URL", default_value = parlo_local::invoke::DEFAULT_INVOKE_URL)]
    invoke_url: String,
    /// Bound on the first invocation of a function after the emulator
    /// (re)started, in seconds (it may compile); later ones are bounded by
    /// the function's `Timeout` in --template plus --timeout-slack.
    #[arg(long, default_value_t = 600)]
    invoke_timeout: u64,
    /// The SAM template whose functions' `Timeout` bound their invocations
    /// [default: <checkout>/template.yaml].
    #[arg(long, env = "PARLO_TEMPLATE")]
    template: Option<std::path::PathBuf>,
    /// Seconds added to a function's timeout (the emulator's hop, a loaded
    /// machine).
    #[arg(long, default_value_t = 10)]
    timeout_slack: u64,
    /// Run this when an invocation timed out, to restart the Lambda runtime
    /// emulator (dev.sh passes infra/scripts/restart-lambda.sh): `cargo
    /// lambda watch` never restarts a function process that died or hangs.
    #[arg(long, env = "PARLO_LAMBDA_RESTART")]
    restart_command: Option<std::path::PathBuf>,
    /// The turn FIFO queue to poll.
    #[arg(long, env = "TURN_QUEUE_URL")]
    turn_queue_url: Option<String>,
    /// Visibility timeout set on receive, in seconds: how soon a failed
    /// turn is retried locally (AWS uses the queue's 360 s). With the
    /// queue's 5 receives, 5 s poisons a turn whose send failed
    /// transiently within 25 s, before the outbox lease (30 s) lets a retry
    /// send: the load test, whose Twilio fails for minutes, uses 60.
    #[arg(long, env = "PARLO_VISIBILITY_TIMEOUT", default_value_t = 5)]
    visibility_timeout: i32,
    /// The schedule group whose schedules are fired.
    #[arg(long, env = "SCHEDULE_GROUP")]
    schedule_group: Option<String>,
    /// Do not poll the turn queue.
    #[arg(long)]
    no_sqs: bool,
    /// Do not fire schedules.
    #[arg(long)]
    no_scheduler: bool,
    /// requestContext.accountId (moto's account).
    #[arg(long, default_value = "123456789012")]
    account_id: String,
    /// requestContext.apiId.
    #[arg(long, default_value = "parlolocal")]
    api_id: String,
    /// The built dashboard (frontend/dist), served for GET paths outside
    /// /api and /webhooks, so the app and the API share one origin.
    #[arg(long, env = "PARLO_DASHBOARD_DIR")]
    static_dir: Option<std::path::PathBuf>,
}

#[derive(Args)]
struct TwilioArgs {
    /// Address to listen on (loopback only).
    #[arg(long, env = "PARLO_TWILIO_LISTEN", default_value = "127.0.0.1:4010")]
    listen: SocketAddr,
    /// The token the played status callbacks are signed with
    /// [default: TWILIO_AUTH_TOKEN, or infra/local/local.env's].
    #[arg(long)]
    auth_token: Option<String>,
    /// Milliseconds until a new sender's registration settles.
    #[arg(long, env = "PARLO_TWILIO_CALLBACK_MS", default_value_t = 300)]
    callback_ms: u64,
}

#[derive(Args)]
struct LlmArgs {
    /// Address to listen on (loopback only).
    #[arg(long, env = "PARLO_LLM_LISTEN", default_value = "127.0.0.1:4020")]
    listen: SocketAddr,
    /// Milliseconds each answer takes (a model's latency).
    #[arg(long, env = "PARLO_LLM_LATENCY_MS", default_value_t = 300)]
    latency_ms: u64,
}

#[derive(Args)]
struct LoadtestArgs {
    #[arg(long, env = "PARLO_LOAD_BUSINESSES", default_value_t = 5)]
    businesses: usize,
    #[arg(long, env = "PARLO_LOAD_CUSTOMERS", default_value_t = 200)]
    customers: usize,
    #[arg(long, env = "PARLO_LOAD_STAFF", default_value_t = 10)]
    staff: usize,
    #[arg(long, env = "PARLO_LOAD_MESSAGES", default_value_t = 2000)]
    messages: usize,
    /// Seconds the messages are spread over.
    #[arg(long, env = "PARLO_LOAD_SECONDS", default_value_t = 300)]
    seconds: u64,
    /// Seconds to wait for the pipeline to drain afterwards.
    #[arg(long, env = "PARLO_LOAD_DRAIN_SECONDS", default_value_t = 900)]
    drain_seconds: u64,
    #[arg(
        long,
        env = "PARLO_GATEWAY_URL",
        default_value = "http://127.0.0.1:3000"
    )]
    gateway_url: String,
    #[arg(
        long,
        env = "PARLO_TWILIO_URL",
        default_value = "http://127.0.0.1:4010"
    )]
    twilio_url: String,
    /// The LLM stand-in (omit when the functions run without a model).
    #[arg(long, env = "PARLO_LLM_URL")]
    llm_url: Option<String>,
    /// Write the figures (Markdown) here as well.
    #[arg(long)]
    report: Option<std::path::PathBuf>,
}

#[derive(Subcommand)]
enum ClockCommand {
    /// Freeze the local clock at an RFC 3339 instant.
    Set { instant: String },
    /// Move the local clock by a duration (90s, 15m, -2h, 1d); starts from
    /// the current local now.
    Advance {
        #[arg(allow_hyphen_values = true)]
        by: String,
    },
    /// Print the local now and where it comes from.
    Show,
    /// Remove .local/clock (back to PARLO_NOW or the system clock).
    Reset,
}

#[derive(Args)]
struct ChatArgs {
    /// The customer's phone (E.164, e.g. +5215512345678).
    #[arg(long)]
    from: String,
    /// The business's WhatsApp number (E.164).
    #[arg(long)]
    to: String,
    /// WhatsApp profile name (ProfileName).
    #[arg(long)]
    name: Option<String>,
    /// The local gateway.
    #[arg(
        long,
        env = "PARLO_GATEWAY_URL",
        default_value = "http://127.0.0.1:3000"
    )]
    gateway_url: String,
    /// Twilio auth token to sign with [default: TWILIO_AUTH_TOKEN of infra/local/local.env]
    #[arg(long)]
    auth_token: Option<String>,
    /// Seconds to wait for the first reply.
    #[arg(long, default_value_t = 20.0)]
    timeout: f64,
    /// Replies are complete after this many milliseconds without a new one.
    #[arg(long, default_value_t = 1500)]
    settle_ms: u64,
    /// Post and return without reading replies.
    #[arg(long)]
    no_wait: bool,
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PARLO_LOCAL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn simulator(args: &ChatArgs) -> Result<say::Simulator, String> {
    let token = match &args.auth_token {
        Some(t) => t.clone(),
        None => {
            let file = env::local_settings_file();
            env::env_file_value(&file, "TWILIO_AUTH_TOKEN")
                .ok_or_else(|| format!("no TWILIO_AUTH_TOKEN in {}", file.display()))?
        }
    };
    if !args.timeout.is_finite() || args.timeout < 0.0 {
        return Err("--timeout must be a non-negative number of seconds".into());
    }
    let mut sim = say::Simulator::new(&args.gateway_url, &token, &args.from, &args.to);
    sim.profile_name = args.name.clone();
    sim.timeout = Duration::from_secs_f64(args.timeout);
    sim.settle = Duration::from_millis(args.settle_ms);
    Ok(sim)
}

fn exit_for(e: &say::SayError) -> ExitCode {
    match e {
        say::SayError::NoReply(_) => ExitCode::from(3),
        _ => ExitCode::from(1),
    }
}

fn run_say(
    chat: ChatArgs,
    json: bool,
    text: String,
    media: Option<(String, serde_json::Value)>,
) -> ExitCode {
    let sim = match simulator(&chat) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("parlo-local say: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime().block_on(async {
        let (text, media) = match media {
            Some((twilio_url, request)) => (
                String::new(),
                vec![say::upload_media(&twilio_url, request).await?],
            ),
            None => (text, Vec::new()),
        };
        sim.say_with_media(&text, &media, !chat.no_wait, |m| {
            if !json {
                println!("{}", m.body);
            }
        })
        .await
    });
    match result {
        Ok(exchange) => {
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&exchange).expect("serialisable")
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("parlo-local say: {e}");
            exit_for(&e)
        }
    }
}

fn run_chat(chat: ChatArgs) -> ExitCode {
    let sim = match simulator(&chat) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("parlo-local chat: {e}");
            return ExitCode::from(1);
        }
    };
    let rt = runtime();
    let interactive = std::io::stdin().is_terminal();
    if interactive {
        eprintln!(
            "Chatting as {} with {} via {} (Ctrl-D to end).",
            chat.from, chat.to, chat.gateway_url
        );
    }
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    loop {
        if interactive {
            eprint!("> ");
            let _ = std::io::stderr().flush();
        }
        let Some(Ok(line)) = lines.next() else {
            return ExitCode::SUCCESS;
        };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let result = rt.block_on(sim.say(line, !chat.no_wait, |m| {
            println!("< {}", m.body.replace('\n', "\n  "));
        }));
        if let Err(e) = result {
            eprintln!("! {e}");
            if matches!(e, say::SayError::Gateway(_) | say::SayError::Outbox(_)) && !interactive {
                return exit_for(&e);
            }
        }
    }
}

fn run_clock(command: ClockCommand) -> ExitCode {
    let file = clock::clock_file();
    let result = match command {
        ClockCommand::Set { instant } => clock::parse_instant(&instant)
            .and_then(|t| clock::set(&file, t).map_err(|e| e.to_string())),
        ClockCommand::Advance { by } => clock::parse_duration(&by).and_then(|d| {
            let (now, _) = clock::now_with_source()?;
            clock::set(&file, now + d).map_err(|e| e.to_string())
        }),
        ClockCommand::Reset => clock::reset(&file).map_err(|e| e.to_string()),
        ClockCommand::Show => Ok(()),
    };
    if let Err(e) = result {
        eprintln!("parlo-local clock: {e}");
        return ExitCode::from(1);
    }
    match clock::now_with_source() {
        Ok((now, source)) => {
            println!("{} ({source})", clock::format(now));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("parlo-local clock: {e}");
            ExitCode::from(1)
        }
    }
}

fn run_twilio(args: TwilioArgs) -> ExitCode {
    let token = args
        .auth_token
        .or_else(|| std::env::var("TWILIO_AUTH_TOKEN").ok())
        .or_else(|| env::env_file_value(&env::local_settings_file(), "TWILIO_AUTH_TOKEN"));
    let Some(token) = token else {
        eprintln!("parlo-local twilio: no auth token (--auth-token or TWILIO_AUTH_TOKEN)");
        return ExitCode::from(1);
    };
    let standin = twilio::Standin::new(&token, Duration::from_millis(args.callback_ms));
    match runtime().block_on(twilio::run(args.listen, standin)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("parlo-local twilio: {e}");
            ExitCode::from(1)
        }
    }
}

fn run_llm(args: LlmArgs) -> ExitCode {
    let standin = llm::Standin::new(Duration::from_millis(args.latency_ms));
    match runtime().block_on(llm::run(args.listen, standin)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("parlo-local llm: {e}");
            ExitCode::from(1)
        }
    }
}

fn run_loadtest(args: LoadtestArgs) -> ExitCode {
    let Some(token) = std::env::var("TWILIO_AUTH_TOKEN")
        .ok()
        .or_else(|| env::env_file_value(&env::local_settings_file(), "TWILIO_AUTH_TOKEN"))
    else {
        eprintln!("parlo-local loadtest: no TWILIO_AUTH_TOKEN");
        return ExitCode::from(1);
    };
    let var = |n: &str| std::env::var(n).unwrap_or_default();
    let local = env::local_dir();
    let plan = parlo_local::loadtest::Plan {
        businesses: args.businesses.max(1),
        customers: args.customers.max(1),
        staff: args.staff,
        messages: args.messages,
        duration: Duration::from_secs(args.seconds.max(10)),
        gateway: args.gateway_url,
        auth_token: token,
        twilio: args.twilio_url,
        llm: args.llm_url,
        lambda_pid_file: local.join("lambda.pid"),
        lambda_log: local.join("lambda.log"),
        turn_queue_url: var("TURN_QUEUE_URL"),
        turn_dlq_url: var("TURN_DLQ_URL"),
        drain: Duration::from_secs(args.drain_seconds),
    };
    let outcome = runtime().block_on(async {
        let store = parlo_store::Store::from_env().await;
        let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        parlo_local::loadtest::run(store, aws_sdk_sqs::Client::new(&sdk), plan).await
    });
    println!("{}", outcome.report);
    if let Some(path) = args.report {
        if let Err(e) = std::fs::write(&path, &outcome.report) {
            eprintln!("parlo-local loadtest: writing {}: {e}", path.display());
        }
    }
    if outcome.failures.is_empty() {
        eprintln!("parlo-local loadtest: every invariant held");
        ExitCode::SUCCESS
    } else {
        for f in &outcome.failures {
            eprintln!("parlo-local loadtest: FAILED: {f}");
        }
        ExitCode::from(1)
    }
}

fn run_seed() -> ExitCode {
    let result = runtime().block_on(async {
        let store = parlo_store::Store::from_env().await;
        let now = parlo_app::clock::Clock::from_env().now();
        let seeded = parlo_local::demo::seed(&store, now).await?;
        if parlo_local::demo::seed_madrid(&store, now).await? == parlo_local::demo::Seeded::Created
        {
            println!(
                "seeded {} on {} (owner Lucía {}, staff Marta {})",
                parlo_local::demo::madrid::NAME,
                parlo_local::demo::madrid::BUSINESS_NUMBER,
                parlo_local::demo::madrid::OWNER_PHONE,
                parlo_local::demo::madrid::STAFF_PHONE
            );
        }
        // The demo owners' daily summaries (idempotent create-or-update).
        let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        let schedules = parlo_app::schedules::Schedules::from_env(&sdk);
        for id in [parlo_local::demo::ORG_ID, parlo_local::demo::madrid::ORG_ID] {
            if let Some(org) = store.get_organization(id).await? {
                if let Err(e) = schedules.ensure_daily_summary(&org).await {
                    eprintln!("parlo-local seed: daily summary schedule not created: {e}");
                }
            }
        }
        Ok::<_, parlo_store::StoreError>(seeded)
    });
    match result {
        Ok(parlo_local::demo::Seeded::Created) => {
            println!(
                "seeded Barbería Don Carlos on {} (owner Carlos {}, staff Pedro {})",
                parlo_local::demo::BUSINESS_NUMBER,
                parlo_local::demo::OWNER_PHONE,
                parlo_local::demo::STAFF_PHONE
            );
            ExitCode::SUCCESS
        }
        Ok(parlo_local::demo::Seeded::AlreadyThere) => {
            println!("demo business already there");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("parlo-local seed: {e}");
            ExitCode::from(1)
        }
    }
}

fn run_gateway(args: GatewayArgs) -> ExitCode {
    let cold = Duration::from_secs(args.invoke_timeout);
    let template = args
        .template
        .clone()
        .unwrap_or_else(|| env::repo_root().join("template.yaml"));
    let functions = match std::fs::read_to_string(&template) {
        Ok(text) => invoke::template_timeouts(&text),
        Err(e) => {
            eprintln!(
                "parlo-local gateway: {}: {e}; every invocation bounded by {} s",
                template.display(),
                cold.as_secs()
            );
            Default::default()
        }
    };
    let mut invoker = Invoker::new(&args.invoke_url, cold).with_limits(invoke::Limits {
        functions,
        slack: Duration::from_secs(args.timeout_slack),
        cold,
    });
    if let Some(command) = args
        .restart_command
        .clone()
        .filter(|c| !c.as_os_str().is_empty())
    {
        invoker = invoker.with_restarter(invoke::Restarter::new(command));
    }
    let sqs = match (&args.turn_queue_url, args.no_sqs) {
        (Some(url), false) if !url.is_empty() => Some(gateway::SqsSettings {
            queue_url: url.clone(),
            function: "turn".to_string(),
            visibility_timeout: args.visibility_timeout,
            wait_seconds: 20,
        }),
        _ => None,
    };
    let schedule_group = args
        .schedule_group
        .clone()
        .filter(|g| !g.is_empty() && !args.no_scheduler);
    let config = gateway::GatewayConfig {
        listen: args.listen,
        invoker,
        account_id: args.account_id,
        api_id: args.api_id,
        sqs,
        schedule_group,
        static_dir: args.static_dir,
    };
    match runtime().block_on(gateway::run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("parlo-local gateway: {e}");
            ExitCode::from(1)
        }
    }
}

fn run_openapi() -> ExitCode {
    match serde_json::to_string_pretty(parlo_api::api::openapi::document()) {
        Ok(doc) => {
            println!("{doc}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("parlo-local openapi: {e}");
            ExitCode::from(1)
        }
    }
}

fn main() -> ExitCode {
    // Before any thread exists: fill missing variables from .local/env.
    env::load_local_env_defaults();
    if std::env::var_os("PARLO_ENV").is_none() {
        std::env::set_var("PARLO_ENV", "local");
    }
    let cli = Cli::parse();
    init_tracing();
    match cli.command {
        Command::Gateway(args) => run_gateway(args),
        Command::Clock { command } => run_clock(command),
        Command::Say {
            chat,
            json,
            voice,
            image,
            twilio_url,
            text,
        } => {
            let media = match (voice, image) {
                (true, _) => Some(serde_json::json!({"content_type": "audio/ogg", "voice": text})),
                (_, true) => Some(serde_json::json!({
                    "content_type": "image/jpeg", "base64": "/9j/4AAQSkZJRgABAQ=="
                })),
                _ => None,
            };
            run_say(chat, json, text, media.map(|m| (twilio_url, m)))
        }
        Command::Chat { chat } => run_chat(chat),
        Command::Twilio(args) => run_twilio(args),
        Command::Llm(args) => run_llm(args),
        Command::Loadtest(args) => run_loadtest(args),
        Command::Seed => run_seed(),
        Command::Openapi => run_openapi(),
    }
}
