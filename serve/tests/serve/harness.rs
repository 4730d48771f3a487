//! The harness: the server on a loopback port, the HTTP client, small images built from
//! byte literals, and the signing helpers.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::sign;

pub const CANARY: &[u8] = b"CANARY-5e1f";
pub const TIMEOUT: Duration = Duration::from_secs(30);
pub const ID: &str = "AKIDimgstriptest";
pub const KEY: &str = "test-secret-key-7d2c";

// ---------------------------------------------------------------------------------------
// The server and the client
// ---------------------------------------------------------------------------------------

/// The server binary cargo built for these tests.
pub fn serve_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_imgstrip-serve"))
}

/// A running server over `<scratch>/bucket`, with `<scratch>/outside` beside it.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`
    pub addr: String,
    pub dir: PathBuf,
}

impl Server {
    pub fn start(test: &str, args: &[&str]) -> Server {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("serve")
            .join(test);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("bucket")).unwrap();
        fs::create_dir_all(dir.join("outside")).unwrap();
        fs::write(dir.join("outside/secret.jpg"), jpeg()).unwrap();
        let mut child = Command::new(serve_bin())
            .arg(dir.join("bucket"))
            .args(["--listen", "127.0.0.1:0", "--quiet", "--threads", "2"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let mut server = Server {
            child,
            addr: String::new(),
            dir,
        };
        let line = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
        let addr = line.trim().strip_prefix("listening on http://");
        server.addr = addr
            .unwrap_or_else(|| panic!("no address: {line:?}"))
            .to_owned();
        assert!(server.addr.starts_with("127.0.0.1:"), "{}", server.addr);
        server
    }

    /// The server's peak resident memory so far, in KiB (`VmHWM`).
    pub fn peak_rss_kib(&self) -> u64 {
        let status = fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    /// Whether the server still answers a plain request (within the client's timeout).
    pub fn alive(&self) -> bool {
        self.put_file("alive.jpg", &jpeg());
        let answer = get(self, "/alive.jpg?imageMogr2/strip", &[]);
        answer.status == 200 && answer.body == stripped_jpeg()
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{path_and_query}", self.addr)
    }

    pub fn path(&self, key: &str) -> PathBuf {
        self.dir.join("bucket").join(key)
    }

    pub fn put_file(&self, key: &str, bytes: &[u8]) {
        let path = self.path(key);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    pub fn read(&self, key: &str) -> Vec<u8> {
        fs::read(self.path(key)).unwrap()
    }

    pub fn exists(&self, key: &str) -> bool {
        self.path(key).exists()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(TIMEOUT))
        .build()
        .into()
}

/// An answer: status, body, Content-Type.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    pub content_type: String,
    pub content_length: Option<usize>,
}

impl Answer {
    /// The `<Code>` of an XML error body.
    pub fn code(&self) -> &str {
        let text = std::str::from_utf8(&self.body).unwrap_or("");
        let start = text.find("<Code>").map_or(0, |i| i + 6);
        let end = text.find("</Code>").unwrap_or(start);
        &text[start..end]
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Asserts an error answer: status, code, and that it is a COS `<Error>` body.
    pub fn error(&self, status: u16, code: &str) {
        assert_eq!(
            (self.status, self.code()),
            (status, code),
            "{}",
            self.text()
        );
        assert!(self.text().contains("<Error><Code>"), "{}", self.text());
        assert!(self.text().contains("<Message>"), "{}", self.text());
        assert_eq!(self.content_type, "application/xml");
    }
}

pub fn to_answer(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
    let mut response = result.unwrap();
    let status = response.status().as_u16();
    let content_type = (response.headers().get("content-type"))
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let content_length =
        (response.headers().get("content-length")).map(|v| v.to_str().unwrap().parse().unwrap());
    let body = response
        .body_mut()
        .with_config()
        .limit(1 << 27)
        .read_to_vec();
    Answer {
        status,
        body: body.unwrap(),
        content_type,
        content_length,
    }
}

pub fn get(server: &Server, pq: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = agent().get(server.url(pq));
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    to_answer(request.call())
}

pub fn put(server: &Server, pq: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let mut request = agent().put(server.url(pq));
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    to_answer(request.send(body))
}

pub fn post(server: &Server, pq: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = agent().post(server.url(pq));
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    to_answer(request.send_empty())
}

/// Sends `bytes` as they are over TCP and returns what comes back until the server closes
/// the connection (or the timeout); a write the server refuses by closing ends the sending.
pub fn raw_bytes(server: &Server, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(TIMEOUT)).unwrap();
    let _ = stream.write_all(bytes);
    let mut text = Vec::new();
    let _ = stream.read_to_end(&mut text);
    String::from_utf8_lossy(&text).into_owned()
}

/// The status code of a raw answer.
pub fn status_of(answer: &str) -> u16 {
    answer.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0)
}

/// Sends `request_head` as is over TCP (no client normalises its path) and returns the
/// status and body.
pub fn raw(server: &Server, request_head: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(TIMEOUT)).unwrap();
    let head = format!(
        "{request_head}\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.addr
    );
    stream.write_all(head.as_bytes()).unwrap();
    let mut text = Vec::new();
    stream.read_to_end(&mut text).unwrap();
    let text = String::from_utf8_lossy(&text).into_owned();
    let status = text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
}

pub fn pic_ops(rules: &[(&str, &str)], pic_info: u8) -> String {
    let rules: Vec<String> = rules
        .iter()
        .map(|(fileid, rule)| format!(r#"{{"fileid":"{fileid}","rule":"{rule}"}}"#))
        .collect();
    format!(
        r#"{{"is_pic_info":{pic_info},"rules":[{}]}}"#,
        rules.join(",")
    )
}

// ---------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------

/// SOF0 1×1, SOS, entropy-coded data, EOI.
pub const JPEG_IMAGE: &[u8] = &[
    0xFF, 0xC0, 0x00, 0x0B, 8, 0, 1, 0, 1, 1, 1, 0x11, 0, // SOF0
    0xFF, 0xDA, 0x00, 0x08, 1, 1, 0x00, 0, 63, 0, // SOS
    0x12, 0x34, // entropy-coded data
    0xFF, 0xD9, // EOI
];

pub fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
    let len = u16::try_from(body.len() + 2).unwrap();
    [&[0xFF, marker][..], &len.to_be_bytes(), body].concat()
}

/// A 1×1 JPEG with the canary in an EXIF APP1 and a COM.
pub fn jpeg() -> Vec<u8> {
    let exif = [&b"Exif\0\0II*\0\x08\0\0\0\0\0\0\0\0\0"[..], CANARY].concat();
    [
        &[0xFF, 0xD8][..],
        &segment(0xE1, &exif),
        &segment(0xFE, CANARY),
        JPEG_IMAGE,
    ]
    .concat()
}

pub fn stripped_jpeg() -> Vec<u8> {
    [&[0xFF, 0xD8][..], JPEG_IMAGE].concat()
}

/// A JPEG cut inside a COM segment.
pub const TRUNCATED_JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x40, b'x'];

pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

pub fn chunk(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut c = u32::try_from(body.len()).unwrap().to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(body);
    c.extend_from_slice(&crc32(&c[4..]).to_be_bytes());
    c
}

/// A PNG 60,000 pixels wide (over the 50,000 limit) holding the canary in a tEXt chunk.
pub fn wide_png() -> Vec<u8> {
    let mut ihdr = 60_000u32.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&[0, 0, 0, 1, 8, 0, 0, 0, 0]);
    let text = [&b"Author\0"[..], CANARY].concat();
    [
        &b"\x89PNG\r\n\x1a\n"[..],
        &chunk(b"IHDR", &ihdr),
        &chunk(b"tEXt", &text),
        &chunk(b"IDAT", &[0x78, 0x01, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]),
        &chunk(b"IEND", &[]),
    ]
    .concat()
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
// ---------------------------------------------------------------------------------------
// Signing
// ---------------------------------------------------------------------------------------

pub fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The `Authorization` value for a request to `server` (host signed, plus `extra` headers).
pub fn authorization(
    server: &Server,
    time: (u64, u64),
    method: &str,
    path: &str,
    params: &[(&str, &str)],
    extra: &[(&str, &str)],
) -> String {
    let mut headers = pairs(&[("host", &server.addr)]);
    headers.extend(pairs(extra));
    sign::authorize((ID, KEY), time, method, path, &pairs(params), &headers)
}

/// The same signature as query parameters (values encoded).
pub fn query_auth(auth: &str) -> String {
    auth.split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap();
            format!("{k}={}", sign::encode(v))
        })
        .collect::<Vec<_>>()
        .join("&")
}

pub fn valid() -> (u64, u64) {
    (now() - 60, now() + 600)
}

/// MD5 in lower-case hex (an ETag).
pub fn md5_hex(bytes: &[u8]) -> String {
    use md5::Digest;
    md5::Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// MD5 in base64 (a `Content-MD5`).
pub fn base64_md5(bytes: &[u8]) -> String {
    use base64::Engine;
    use md5::Digest;
    base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(bytes))
}
