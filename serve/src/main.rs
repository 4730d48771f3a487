//! `imgstrip-serve`: the Tencent COS `imageMogr2/strip` API over a local folder (the "bucket").
//!
//! The three ways COS strips an image:
//! - on download: `GET /<key>?imageMogr2/strip` answers the stripped image and leaves the
//!   stored object as it is; `GET /<key>` answers the object as stored.
//! - on upload: `PUT /<key>` with a `Pic-Operations` header
//!   (`{"is_pic_info":1,"rules":[{"fileid":"clean.jpg","rule":"imageMogr2/strip"}]}`) stores
//!   the original under `<key>` and each rule's result under its `fileid` (beside the key, or
//!   from the bucket root when it starts with `/`; a `fileid` equal to the key keeps only the
//!   stripped image), and answers an `UploadResult` XML body. Without the header, `PUT`
//!   stores the body as it is. A multipart upload takes the header on Complete, or on
//!   Initiate (as the Python SDK's `upload_file` sends it), where it is checked and kept.
//! - in the cloud: `POST /<key>?image_process` with the same header strips a stored object
//!   into each `fileid`.
//!
//! `imageMogr2/strip/ignore-error/1` answers (or stores) an input that is over a limit
//! unchanged instead of failing. Parameter names are compared without regard to case, as the
//! signature compares them; a parameter an operation does not take (another processing
//! API, `x-cos-process`, a typo) is refused with 400, never ignored.
//!
//! Around those, the object calls the SDKs make: HEAD, DELETE, Range GET (206/416), GET
//! Bucket (ListObjects), multipart uploads (Initiate, UploadPart, ListParts, Complete, Abort,
//! ListMultipartUploads), `Content-MD5` checks. Errors are COS XML bodies
//! (`<Error><Code>…</Code><Message>…</Message><Resource>…</Resource><RequestId>…</RequestId>
//! </Error>`).
//!
//! What a client can make the server spend is bounded before it is spent:
//! - the request head: 16 KiB (431), read within `--header-timeout` seconds;
//! - a body: refused from its `Content-Length` when over its limit (413) — the 32 MiB input
//!   limit for a body to strip, `--max-object-bytes` for one stored as it is — or as soon as
//!   it passes the limit when chunked; it is written to a file as it arrives (never held in
//!   memory), each piece within `--body-timeout` seconds, and a body cut short stores nothing.
//!   A refused body of up to 256 MiB is read to its end and thrown away before the 413 goes
//!   out, since clients send the whole body before they read (closing under them shows as a
//!   broken pipe, not a 413); past that the connection is closed;
//! - work: at most `--threads` requests read, strip or write at once, each holding at most
//!   its input and one output in memory (rules run one at a time); at most
//!   `--max-connections` connections are open, and one over that is closed at once.
//!
//! The HTTP stack is hyper on tokio: hyper parses and bounds the head (size, time, a single
//! valid `Content-Length`, chunked decoding), and everything after it is this crate's, so
//! each limit above is one place in `http.rs` or here rather than a middleware layer.
//!
//! With `--secret-id` and `--secret-key`, every request must carry a COS request signature
//! (see `sign.rs`); with `--strip-only`, a `GET` without `imageMogr2/strip` is refused (403),
//! and so is an over-limit image asked for with `ignore-error/1`: the bucket serves stripped
//! images only.
//!
//! It prints `listening on http://ADDR` on stdout (`--listen 127.0.0.1:0` picks a free port)
//! and one line per request on stderr unless `--quiet`.

mod bucket;
mod cos;
mod digest;
mod http;
mod listing;
mod multipart;
mod objects;
mod ops;
mod request;
mod sign;

use std::convert::Infallible;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use hyper::body::Incoming;
use hyper::http::request::Parts;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use imgstrip::Limits;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::cos::CosError;
use crate::http::{BodyTimes, ReplyBody, Spooled};
use crate::objects::{Payload, Reply};
use crate::ops::Op;

/// Serve the Tencent COS imageMogr2/strip API (download, upload, in-cloud processing) and
/// the object calls its SDKs make, over a local folder.
#[derive(Debug, Parser)]
#[command(name = "imgstrip-serve", version)]
struct Args {
    /// The bucket: a folder whose files are the objects.
    dir: PathBuf,
    /// Address to listen on (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Require COS request signatures made with this SecretId (and --secret-key).
    #[arg(long, requires = "secret_key")]
    secret_id: Option<String>,
    /// The SecretKey that goes with --secret-id.
    #[arg(long, requires = "secret_id")]
    secret_key: Option<String>,
    /// Serve stripped images only: a GET without imageMogr2/strip is refused.
    #[arg(long)]
    strip_only: bool,
    /// The bucket's name in XML answers (`Bucket`, `Name`).
    #[arg(long, default_value = "imgstrip-1250000000")]
    bucket: String,
    /// Requests that may read, strip or write at once [default: cores, at least 2].
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Connections open at once; one more is closed at once.
    #[arg(long, value_name = "N", default_value_t = 1024)]
    max_connections: usize,
    /// Seconds a client has to send a request head.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    header_timeout: u64,
    /// Seconds a request body may pause between two pieces (it may take up to 30 times as
    /// long in all).
    #[arg(long, value_name = "SECONDS", default_value_t = 20)]
    body_timeout: u64,
    /// Largest object stored as it is (PUT without Pic-Operations, a multipart upload's part).
    #[arg(long, value_name = "BYTES", default_value_t = 5 << 30)]
    max_object_bytes: u64,
    /// No line per request on stderr.
    #[arg(long)]
    quiet: bool,
}

/// What every request handler sees.
#[derive(Debug)]
pub struct Config {
    /// The bucket folder, resolved.
    pub root: PathBuf,
    pub listen: SocketAddr,
    pub bucket: String,
    pub secret: Option<(String, String)>,
    pub strip_only: bool,
    pub limits: Limits,
    pub max_object: u64,
    pub quiet: bool,
    pub workers: usize,
    pub max_connections: usize,
    pub header_timeout: Duration,
    pub body_times: BodyTimes,
    pub etags: bucket::Etags,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let cfg = match config(args) {
        Ok(cfg) => Arc::new(cfg),
        Err(message) => {
            eprintln!("imgstrip-serve: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(cfg.workers.saturating_add(16))
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(serve(cfg)),
        Err(e) => {
            eprintln!("imgstrip-serve: cannot start: {e}");
            ExitCode::FAILURE
        }
    }
}

fn config(args: Args) -> Result<Config, String> {
    let root = std::fs::canonicalize(&args.dir)
        .ok()
        .filter(|p| p.is_dir())
        .ok_or_else(|| format!("{} is not a folder", args.dir.display()))?;
    bucket::prepare(&root).map_err(|e| format!("cannot prepare {}: {e}", root.display()))?;
    let secret = match (args.secret_id, args.secret_key) {
        (Some(id), Some(key)) if !id.is_empty() && !key.is_empty() => Some((id, key)),
        (None, None) => None,
        _ => return Err("--secret-id and --secret-key go together, neither empty".into()),
    };
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let idle = Duration::from_secs(args.body_timeout.max(1));
    Ok(Config {
        root,
        listen: args.listen,
        bucket: args.bucket,
        secret,
        strip_only: args.strip_only,
        limits: Limits::default(),
        max_object: args.max_object_bytes,
        quiet: args.quiet,
        workers: args.threads.unwrap_or(cores.max(2)).max(1),
        max_connections: args.max_connections.max(1),
        header_timeout: Duration::from_secs(args.header_timeout.max(1)),
        body_times: BodyTimes {
            idle,
            total: idle.saturating_mul(30),
        },
        etags: bucket::Etags::default(),
    })
}

async fn serve(cfg: Arc<Config>) -> ExitCode {
    let listener = match TcpListener::bind(cfg.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("imgstrip-serve: cannot listen on {}: {e}", cfg.listen);
            return ExitCode::FAILURE;
        }
    };
    let addr = listener.local_addr().unwrap_or(cfg.listen);
    if cfg.secret.is_none() && !addr.ip().is_loopback() {
        eprintln!(
            "imgstrip-serve: warning: anyone who reaches {addr} can read and write the bucket"
        );
    }
    let _ = SPELLINGS.set(header_spellings().await);
    println!("listening on http://{addr}");
    let _ = std::io::stdout().flush();
    let connections = Arc::new(Semaphore::new(cfg.max_connections));
    let workers = Arc::new(Semaphore::new(cfg.workers));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors, or a connection reset before it was accepted.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = Arc::clone(&connections).try_acquire_owned() else {
            continue; // over the cap: closed at once
        };
        let _ = stream.set_nodelay(true);
        let (cfg, workers) = (Arc::clone(&cfg), Arc::clone(&workers));
        tokio::spawn(async move {
            let timeout = cfg.header_timeout;
            let service =
                service_fn(move |req| respond(Arc::clone(&cfg), Arc::clone(&workers), req));
            let mut http = http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(timeout)
                .max_buf_size(64 * 1024)
                .max_header_size(16 * 1024);
            let _ = http.serve_connection(TokioIo::new(stream), service).await;
            drop(permit);
        });
    }
}

/// Answers one request; every failure is a COS XML error.
async fn respond(
    cfg: Arc<Config>,
    workers: Arc<Semaphore>,
    req: Request<Incoming>,
) -> Result<Response<ReplyBody>, Infallible> {
    static NEXT_ID: AtomicU64 = AtomicU64::new(1);
    let request_id = format!("imgstrip-{:08x}", NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let (parts, body) = req.into_parts();
    let resource = parts.uri.path().to_owned();
    let reply = route(&cfg, &workers, &parts, body)
        .await
        .unwrap_or_else(|e| {
            let mut reply = Reply::xml(e.status, e.xml(&resource, &request_id));
            if parts.method == hyper::Method::HEAD {
                // A HEAD answer has no body: the SDKs read the code from this header.
                reply.headers.push(("x-cos-error-code", e.code.to_owned()));
            }
            reply.headers.extend(e.headers);
            reply
        });
    if !cfg.quiet {
        let shown = resource.escape_debug();
        eprintln!("{request_id} {} {shown} {}", parts.method, reply.status);
    }
    Ok(response(reply, &request_id))
}

fn response(reply: Reply, request_id: &str) -> Response<ReplyBody> {
    let body = match reply.body {
        Payload::Empty => ReplyBody::empty(),
        Payload::Bytes(data) => ReplyBody::bytes(data),
        Payload::Pieces(pieces) => ReplyBody::pieces(pieces),
        Payload::File { file, offset, len } => match ReplyBody::file(file, offset, len) {
            Ok(body) => body,
            Err(_) => return server_error(request_id),
        },
    };
    let mut builder = Response::builder()
        .status(reply.status)
        .header("server", "imgstrip-serve")
        .header("x-cos-request-id", request_id)
        .header("x-cos-trace-id", request_id);
    for (name, value) in &reply.headers {
        builder = builder.header(*name, value.as_str());
    }
    let mut response = builder
        .body(body)
        .unwrap_or_else(|_| server_error(request_id));
    if let Some(spellings) = SPELLINGS.get() {
        *response.extensions_mut() = spellings.clone();
    }
    response
}

/// How header names are spelt on the wire. The `http` crate keeps names in lower case and
/// hyper writes them so, but the Python SDK reads `Content-Length`, `ETag` and
/// `Last-Modified` from a case-sensitive dict; hyper writes a response's names as a request
/// spelt them when the response carries that request's spellings. So one request with the
/// spellings COS uses is read at start-up, through hyper itself, and its spellings go with
/// every response. (`x-cos-*` stay in lower case, as COS sends them.)
static SPELLINGS: std::sync::OnceLock<hyper::http::Extensions> = std::sync::OnceLock::new();

async fn header_spellings() -> hyper::http::Extensions {
    const NAMES: [&str; 14] = [
        "Accept-Ranges",
        "Cache-Control",
        "Connection",
        "Content-Disposition",
        "Content-Encoding",
        "Content-Language",
        "Content-Length",
        "Content-Range",
        "Content-Type",
        "Date",
        "ETag",
        "Expires",
        "Last-Modified",
        "Server",
    ];
    let (mut client, server) = tokio::io::duplex(4096);
    let (tx, rx) = tokio::sync::oneshot::channel();
    let tx = std::sync::Mutex::new(Some(tx));
    let service = service_fn(move |req: Request<Incoming>| {
        let sender = tx.lock().ok().and_then(|mut t| t.take());
        if let Some(sender) = sender {
            let _ = sender.send(req.into_parts().0.extensions);
        }
        async { Ok::<_, Infallible>(Response::new(ReplyBody::empty())) }
    });
    let mut http = http1::Builder::new();
    http.preserve_header_case(true);
    tokio::spawn(async move {
        let _ = http.serve_connection(TokioIo::new(server), service).await;
    });
    let mut head = String::from("GET / HTTP/1.1\r\n");
    for name in NAMES {
        let value = if name == "Content-Length" { "0" } else { "x" };
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = tokio::io::AsyncWriteExt::write_all(&mut client, head.as_bytes()).await;
    rx.await.unwrap_or_default()
}

fn server_error(request_id: &str) -> Response<ReplyBody> {
    let mut response = Response::new(ReplyBody::empty());
    *response.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
    if let Ok(id) = request_id.parse() {
        response.headers_mut().insert("x-cos-request-id", id);
    }
    response
}

/// Reads the request, checks it, reads its body if it has one, then runs it on a worker.
async fn route(
    cfg: &Arc<Config>,
    workers: &Arc<Semaphore>,
    parts: &Parts,
    body: Incoming,
) -> Result<Reply, CosError> {
    let req = request::parse(parts)?;
    let op = ops::classify(&req)?;
    request::authenticate(cfg, &req, ops::rule_param(&req))?;
    let body = match body_limit(cfg, &op) {
        None => None,
        Some(limit) => {
            let declared = declared_length(parts)?;
            let md5 = req.header("content-md5")?;
            let spooled = http::spool(&cfg.root, body, declared, limit, cfg.body_times, md5);
            Some(spooled.await?)
        }
    };
    let _permit = Arc::clone(workers)
        .acquire_owned()
        .await
        .map_err(|_| CosError::new(503, "ServiceUnavailable", "shutting down"))?;
    let cfg = Arc::clone(cfg);
    let work = tokio::task::spawn_blocking(move || run(&cfg, &req, op, body));
    work.await
        .unwrap_or_else(|e| Err(CosError::new(500, "InternalError", e.to_string())))
}

/// The most bytes an operation's body may have; `None` when it takes no body (one sent is
/// not read, and hyper closes the connection after the answer).
fn body_limit(cfg: &Config, op: &Op) -> Option<u64> {
    match op {
        Op::Put { ops: None } | Op::UploadPart { .. } => Some(cfg.max_object),
        Op::Put { ops: Some(_) } => Some(cfg.limits.max_input_bytes),
        Op::Complete { .. } => Some(multipart::MAX_PART_LIST),
        _ => None,
    }
}

/// The `Content-Length` (hyper has refused two different ones and malformed ones).
fn declared_length(parts: &Parts) -> Result<Option<u64>, CosError> {
    let Some(value) = parts.headers.get(hyper::header::CONTENT_LENGTH) else {
        return Ok(None);
    };
    let n = value
        .to_str()
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok());
    n.map(Some)
        .ok_or_else(|| CosError::bad("Content-Length is not a number"))
}

/// Runs an operation on a blocking worker.
fn run(
    cfg: &Config,
    req: &request::Parsed,
    op: Op,
    body: Option<Spooled>,
) -> Result<Reply, CosError> {
    let body = || body.ok_or_else(|| CosError::new(500, "InternalError", "no body read"));
    match op {
        Op::Get { rule, headers } => objects::get(cfg, req, rule, false).map(|r| r.set(headers)),
        Op::Head { rule, headers } => objects::get(cfg, req, rule, true).map(|r| r.set(headers)),
        Op::Put { ops } => objects::put(cfg, req, ops.as_ref(), body()?),
        Op::Delete => objects::delete(cfg, req),
        Op::Process { ops } => objects::process_stored(cfg, req, &ops),
        Op::Initiate { ops } => multipart::initiate(cfg, req, ops.as_deref()),
        Op::UploadPart { upload_id, part } => {
            multipart::upload_part(cfg, req, &upload_id, part, body()?)
        }
        Op::Complete { upload_id, ops } => {
            multipart::complete(cfg, req, &upload_id, ops.as_ref(), body()?)
        }
        Op::Abort { upload_id } => multipart::abort(cfg, req, &upload_id),
        Op::ListParts {
            upload_id,
            after,
            max,
            url_encoded,
        } => multipart::list_parts(cfg, req, &upload_id, (after, max), url_encoded),
        Op::List(q) => listing::list(cfg, &q),
        Op::ListUploads {
            prefix,
            url_encoded,
        } => multipart::list_uploads(cfg, &prefix, url_encoded),
        Op::HeadBucket => Ok(Reply::empty(200)),
    }
}
