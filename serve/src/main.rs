//! `imgstrip-serve`: the Tencent COS `imageMogr2/strip` API over a local folder (the "bucket").
//!
//! ```text
//! imgstrip-serve DIR [--listen 127.0.0.1:8080] [--secret-id ID --secret-key KEY] [--strip-only]
//!                  [--threads N] [--quiet]
//! ```
//!
//! The three ways COS strips an image:
//! - on download: `GET /<key>?imageMogr2/strip` answers the stripped image and leaves the
//!   stored object as it is; `GET /<key>` answers the object as stored.
//! - on upload: `PUT /<key>` with a `Pic-Operations` header
//!   (`{"is_pic_info":1,"rules":[{"fileid":"clean.jpg","rule":"imageMogr2/strip"}]}`) stores
//!   the original under `<key>` and each rule's result under its `fileid` (beside the key, or
//!   from the bucket root when it starts with `/`; a `fileid` equal to the key keeps only the
//!   stripped image), and answers an `UploadResult` XML body. Without the header, `PUT`
//!   stores the body as it is.
//! - in the cloud: `POST /<key>?image_process` with the same header strips a stored object
//!   into each `fileid`.
//!
//! `imageMogr2/strip/ignore-error/1` answers (or stores) an input that is over a limit
//! unchanged instead of failing. Errors are COS XML bodies (`<Error><Code>…</Code>
//! <Message>…</Message><Resource>…</Resource><RequestId>…</RequestId></Error>`): 400
//! `InvalidImageFormat` (the library's message, with the byte offset), `InvalidArgument` (a bad
//! `Pic-Operations` header or rule) or `InvalidURI` (a key that would leave the bucket); 403
//! `AccessDenied`, `SignatureDoesNotMatch` or `InvalidAccessKeyId`; 404 `NoSuchKey`; 405
//! `MethodNotAllowed`; 413 `ImageTooLarge` (over an imageMogr2 limit) or `EntityTooLarge` (a
//! body over 64 MiB, twice the 32 MiB input limit so that `ignore-error` can still store an
//! over-limit image).
//!
//! With `--secret-id` and `--secret-key`, every request must carry a COS request signature
//! (see `sign.rs`); with `--strip-only`, a `GET` without `imageMogr2/strip` is refused (403),
//! and so is an over-limit image asked for with `ignore-error/1`: the bucket serves stripped
//! images only.
//!
//! An upload or processing request is all or nothing: every rule is run before anything is
//! written, so a failing rule leaves no original behind. Each object is written to a
//! temporary file beside it and renamed into place.
//!
//! Run it with `cargo run --release -p imgstrip-serve -- DIR --listen 127.0.0.1:8080`. It prints
//! `listening on http://ADDR` on stdout (`--listen 127.0.0.1:0` picks a free port) and one
//! line per request on stderr unless `--quiet`.

mod bucket;
mod cos;
mod modes;
mod request;
mod sign;

use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use imgstrip::Limits;
use tiny_http::{Header, Request, Response, Server, StatusCode};

const USAGE: &str = "usage: imgstrip-serve DIR [--listen 127.0.0.1:8080]
                      [--secret-id ID --secret-key KEY] [--strip-only] [--threads N] [--quiet]";

#[derive(Debug)]
struct Config {
    /// The bucket folder, resolved.
    root: PathBuf,
    listen: SocketAddr,
    secret: Option<(String, String)>,
    strip_only: bool,
    limits: Limits,
    /// The largest request body or object read into memory.
    max_body: u64,
    quiet: bool,
    threads: usize,
}

fn main() -> ExitCode {
    let cfg = match parse_args(lexopt::Parser::from_env()) {
        Ok(Some(cfg)) => cfg,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("imgstrip-serve: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let server = match Server::http(cfg.listen) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("imgstrip-serve: cannot listen on {}: {e}", cfg.listen);
            return ExitCode::FAILURE;
        }
    };
    let addr = server.server_addr().to_ip().unwrap_or(cfg.listen);
    if cfg.secret.is_none() && !addr.ip().is_loopback() {
        eprintln!(
            "imgstrip-serve: warning: anyone who reaches {addr} can read and write the bucket"
        );
    }
    println!("listening on http://{addr}");
    let _ = io::stdout().flush();
    let cfg = Arc::new(cfg);
    let workers: Vec<_> = (0..cfg.threads)
        .map(|_| {
            let (server, cfg) = (Arc::clone(&server), Arc::clone(&cfg));
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    serve_one(&cfg, request);
                }
            })
        })
        .collect();
    for worker in workers {
        let _ = worker.join();
    }
    ExitCode::SUCCESS
}

fn parse_args(mut parser: lexopt::Parser) -> Result<Option<Config>, lexopt::Error> {
    use lexopt::prelude::*;
    let (mut dir, mut listen) = (None, "127.0.0.1:8080".to_owned());
    let (mut id, mut key, mut strip_only, mut quiet) = (None, None, false, false);
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let mut threads = cores.max(4);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("listen") => listen = parser.value()?.string()?,
            Long("secret-id") => id = Some(parser.value()?.string()?),
            Long("secret-key") => key = Some(parser.value()?.string()?),
            Long("strip-only") => strip_only = true,
            Long("threads") => threads = parser.value()?.parse()?,
            Long("quiet") => quiet = true,
            Short('h') | Long("help") => return Ok(None),
            Value(v) if dir.is_none() => dir = Some(PathBuf::from(v)),
            _ => return Err(arg.unexpected()),
        }
    }
    let dir = dir.ok_or("no bucket folder given")?;
    let root = std::fs::canonicalize(&dir)
        .ok()
        .filter(|p| p.is_dir())
        .ok_or_else(|| format!("{} is not a folder", dir.display()))?;
    let listen = listen
        .parse()
        .map_err(|e| format!("--listen {listen:?}: {e}"))?;
    let secret = match (id, key) {
        (Some(id), Some(key)) if !id.is_empty() && !key.is_empty() => Some((id, key)),
        (None, None) => None,
        _ => return Err("--secret-id and --secret-key go together, neither empty".into()),
    };
    let limits = Limits::default();
    Ok(Some(Config {
        root,
        listen,
        secret,
        strip_only,
        max_body: limits.max_input_bytes.saturating_mul(2),
        limits,
        quiet,
        threads: threads.max(1),
    }))
}
/// The answer to send.
struct Reply {
    status: u16,
    content_type: &'static str,
    etag: Option<String>,
    body: Box<dyn Read + Send>,
    len: usize,
}

impl Reply {
    fn bytes(content_type: &'static str, body: Vec<u8>) -> Self {
        Reply {
            status: 200,
            content_type,
            etag: Some(cos::etag(&body)),
            len: body.len(),
            body: Box::new(io::Cursor::new(body)),
        }
    }
}

fn serve_one(cfg: &Config, mut request: Request) {
    static NEXT_ID: AtomicU64 = AtomicU64::new(1);
    let request_id = format!("imgstrip-{:08x}", NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let url = request.url().to_owned();
    let resource = url.split('?').next().unwrap_or("").to_owned();
    let method = request.method().clone();
    let reply = match request::parse(&request) {
        Ok(parsed) => modes::handle(cfg, &parsed, &mut request),
        Err(e) => Err(e),
    };
    let reply = reply.unwrap_or_else(|e| {
        let xml = e.xml(&resource, &request_id).into_bytes();
        Reply {
            status: e.status,
            etag: None,
            ..Reply::bytes("application/xml", xml)
        }
    });
    if !cfg.quiet {
        let (shown, status) = (resource.escape_debug(), reply.status);
        eprintln!("{request_id} {method} {shown} {status} {}", reply.len);
    }
    let mut headers = vec![
        header("Content-Type", reply.content_type),
        header("x-cos-request-id", &request_id),
    ];
    if let Some(etag) = &reply.etag {
        headers.push(header("ETag", &format!("\"{etag}\"")));
    }
    let status = StatusCode(reply.status);
    // Always a Content-Length: tiny_http would chunk bodies over 32 KiB.
    let response = Response::new(status, headers, reply.body, Some(reply.len), None)
        .with_chunked_threshold(usize::MAX);
    let _ = request.respond(response);
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("header names and values we write are ASCII")
}
