//! COS request signatures, as the COS XML API's "Request Signature" page defines them:
//!
//! ```text
//! KeyTime      = "<start>;<end>"                                  (Unix seconds)
//! SignKey      = hex(HMAC-SHA1(SecretKey, KeyTime))
//! HttpString   = lower(method) \n path \n HttpParameters \n HttpHeaders \n
//! StringToSign = "sha1" \n KeyTime \n hex(SHA1(HttpString)) \n
//! Signature    = hex(HMAC-SHA1(SignKey, StringToSign))
//! ```
//!
//! `HttpParameters` and `HttpHeaders` are `key=value` pairs joined by `&`, sorted by key, with
//! keys lower-cased after UrlEncoding and values UrlEncoded (every byte outside
//! `A-Z a-z 0-9 - _ . ~` as `%XX`). A parameter without a value, such as `imageMogr2/strip`,
//! signs as `imagemogr2%2fstrip=`. The path is signed decoded, as the server sees it.
//! The signature travels as `q-sign-algorithm=sha1&q-ak=…&q-sign-time=…&q-key-time=…&
//! q-header-list=…&q-url-param-list=…&q-signature=…`, in the `Authorization` header or as
//! query parameters. The HMAC and SHA-1 come from RustCrypto's `hmac` and `sha1` crates.
//!
//! What this server asks beyond the page (so that a signed URL cannot be bent into another):
//! every parameter the signature lists must be in the request, and every query parameter of
//! the request must be signed, but one `imageMogr2/strip` rule (stripping only removes
//! information, and the Node SDK sends a `QueryString` unsigned); every header the server
//! acts on (`pic-operations`, `content-md5`, `range`) must be signed when present; both time
//! ranges must hold the server's clock. The signed `host` may leave out the port, as the
//! Python SDK signs it.

// Shared with serve/tests/serve, which signs what the server only verifies.
#![allow(dead_code)]

use std::fmt::Write as _;

use hmac::{Hmac, KeyInit, Mac};
use sha1::{Digest, Sha1};

type HmacSha1 = Hmac<Sha1>;

/// The seven parameter names of a signature; in a query string they are not signed.
pub const AUTH_PARAMS: [&str; 7] = [
    "q-sign-algorithm",
    "q-ak",
    "q-sign-time",
    "q-key-time",
    "q-header-list",
    "q-url-param-list",
    "q-signature",
];

/// Why a request's signature is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// No `Authorization` header and no `q-signature` parameter.
    Missing,
    /// The signature fields cannot be read.
    Malformed(String),
    /// The time range does not hold the current time.
    Expired,
    /// `q-ak` names another key.
    UnknownKey,
    /// A parameter or header the server needs signed is not in the lists.
    Unsigned(String),
    /// The signature is not the one the secret key gives.
    Mismatch,
}

/// A parsed signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub ak: String,
    pub sign_time: (u64, u64),
    pub key_time: (u64, u64),
    pub header_list: Vec<String>,
    pub param_list: Vec<String>,
    pub signature: String,
}

/// COS UrlEncode: every byte but `A-Z a-z 0-9 - _ . ~` as `%XX` (upper-case hex).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// `key=value&…` sorted by key, and the `key;…` list, from (name, value) pairs.
/// Pairs whose encoded lower-case keys are equal keep the order they came in.
pub fn canonical(pairs: &[(String, String)]) -> (String, String) {
    let mut encoded: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (encode(k).to_ascii_lowercase(), encode(v)))
        .collect();
    encoded.sort_by(|a, b| a.0.cmp(&b.0));
    let joined: Vec<String> = encoded.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let keys: Vec<&str> = encoded.iter().map(|(k, _)| k.as_str()).collect();
    (joined.join("&"), keys.join(";"))
}

/// `HttpString`; `path` is the decoded request path, starting with `/`.
pub fn http_string(
    method: &str,
    path: &str,
    params: &[(String, String)],
    headers: &[(String, String)],
) -> String {
    let (params, _) = canonical(params);
    let (headers, _) = canonical(headers);
    format!(
        "{}\n{path}\n{params}\n{headers}\n",
        method.to_ascii_lowercase()
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn hmac_sha1(key: &[u8], message: &[u8]) -> HmacSha1 {
    let mut mac = <HmacSha1 as KeyInit>::new_from_slice(key)
        .expect("HMAC takes a key of any length (RFC 2104 § 2)");
    mac.update(message);
    mac
}

/// `SignKey`.
pub fn sign_key(secret_key: &str, key_time: &str) -> String {
    hex(&hmac_sha1(secret_key.as_bytes(), key_time.as_bytes())
        .finalize()
        .into_bytes())
}

/// `StringToSign`.
pub fn string_to_sign(key_time: &str, http_string: &str) -> String {
    let digest = Sha1::digest(http_string.as_bytes());
    format!("sha1\n{key_time}\n{}\n", hex(&digest))
}

/// `Signature`, in lower-case hex.
pub fn signature(secret_key: &str, key_time: &str, http_string: &str) -> String {
    let key = sign_key(secret_key, key_time);
    let mac = hmac_sha1(
        key.as_bytes(),
        string_to_sign(key_time, http_string).as_bytes(),
    );
    hex(&mac.finalize().into_bytes())
}

/// The whole `Authorization` value for a request, signing every parameter and header given.
/// `time` is used as both the sign time and the key time.
pub fn authorize(
    (secret_id, secret_key): (&str, &str),
    time: (u64, u64),
    method: &str,
    path: &str,
    params: &[(String, String)],
    headers: &[(String, String)],
) -> String {
    let key_time = format!("{};{}", time.0, time.1);
    let sig = signature(
        secret_key,
        &key_time,
        &http_string(method, path, params, headers),
    );
    let (_, param_list) = canonical(params);
    let (_, header_list) = canonical(headers);
    format!(
        "q-sign-algorithm=sha1&q-ak={secret_id}&q-sign-time={key_time}&q-key-time={key_time}\
         &q-header-list={header_list}&q-url-param-list={param_list}&q-signature={sig}"
    )
}

impl Authorization {
    /// Reads the seven fields from (name, value) pairs, each exactly once.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, AuthError> {
        let mut fields: [Option<&str>; 7] = [None; 7];
        for (name, value) in pairs {
            let Some(i) = AUTH_PARAMS.iter().position(|p| *p == name) else {
                return Err(AuthError::Malformed(format!("unknown field {name:?}")));
            };
            if fields[i].replace(value).is_some() {
                return Err(AuthError::Malformed(format!("{name} given twice")));
            }
        }
        let field = |i: usize| {
            fields[i].ok_or_else(|| AuthError::Malformed(format!("{} missing", AUTH_PARAMS[i])))
        };
        if field(0)? != "sha1" {
            return Err(AuthError::Malformed("q-sign-algorithm is not sha1".into()));
        }
        let signature = field(6)?;
        let is_hex = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
        if signature.len() != 40 || !signature.chars().all(is_hex) {
            return Err(AuthError::Malformed(
                "q-signature is not 40 lower-case hex digits".into(),
            ));
        }
        let list = |s: &str| -> Vec<String> {
            s.split(';')
                .filter(|k| !k.is_empty())
                .map(str::to_owned)
                .collect()
        };
        Ok(Authorization {
            ak: field(1)?.to_owned(),
            sign_time: time_range(field(2)?)?,
            key_time: time_range(field(3)?)?,
            header_list: list(field(4)?),
            param_list: list(field(5)?),
            signature: signature.to_owned(),
        })
    }

    /// Reads an `Authorization` header value (`name=value` pairs joined by `&`).
    pub fn parse(header: &str) -> Result<Self, AuthError> {
        let pairs = header.trim().split('&').map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (name, value)
        });
        Self::from_pairs(pairs)
    }

    /// Checks the signature against the request.
    pub fn verify(
        &self,
        (secret_id, secret_key): (&str, &str),
        now: u64,
        req: &Verify<'_>,
    ) -> Result<(), AuthError> {
        if self.ak != secret_id {
            return Err(AuthError::UnknownKey);
        }
        for (start, end) in [self.sign_time, self.key_time] {
            if now < start || now > end {
                return Err(AuthError::Expired);
            }
        }
        let params = req.signed_params(&self.param_list)?;
        let headers = req.signed_headers(&self.header_list)?;
        let key_time = format!("{};{}", self.key_time.0, self.key_time.1);
        let key = sign_key(secret_key, &key_time);
        let expected = unhex(&self.signature).ok_or(AuthError::Mismatch)?;
        // The signed `host` is the Host header as sent or without its port: the Python SDK
        // signs `url.hostname` while sending `host:port`.
        let hosts = host_spellings(&headers);
        for headers in hosts {
            let http = http_string(req.method, req.path, &params, &headers);
            let mac = hmac_sha1(key.as_bytes(), string_to_sign(&key_time, &http).as_bytes());
            // Compared in constant time by the hmac crate.
            if mac.verify_slice(&expected).is_ok() {
                return Ok(());
            }
        }
        Err(AuthError::Mismatch)
    }
}

/// The request as a signature sees it.
#[derive(Debug, Clone, Copy)]
pub struct Verify<'a> {
    pub method: &'a str,
    /// The decoded path.
    pub path: &'a str,
    /// The query parameters less the signature's own.
    pub params: &'a [(String, String)],
    /// Every header (names in any case).
    pub headers: &'a [(String, String)],
    /// Headers the server acts on: when present they must be signed.
    pub must_sign: &'a [&'a str],
    /// One parameter (by name, any case) that may be left out of the signature.
    pub unsigned_ok: Option<&'a str>,
}

impl Verify<'_> {
    /// The parameters the signature covers: every listed one must be in the request, and
    /// every one in the request must be listed, but `unsigned_ok`.
    fn signed_params(&self, listed: &[String]) -> Result<Vec<(String, String)>, AuthError> {
        let listed: Vec<String> = listed.iter().map(|k| normalise(k)).collect();
        let mut signed = Vec::with_capacity(self.params.len());
        for (k, v) in self.params {
            let name = encode(k).to_ascii_lowercase();
            if listed.contains(&name) {
                signed.push((k.clone(), v.clone()));
            } else if !self
                .unsigned_ok
                .is_some_and(|ok| ok.eq_ignore_ascii_case(k))
            {
                return Err(AuthError::Unsigned(format!("parameter {name}")));
            }
        }
        if listed.len() != signed.len() {
            // The list names a parameter the request does not carry.
            return Err(AuthError::Mismatch);
        }
        Ok(signed)
    }

    /// The listed headers, each present once; the ones the server acts on must be listed.
    fn signed_headers(&self, listed: &[String]) -> Result<Vec<(String, String)>, AuthError> {
        let lower: Vec<(String, &String)> = (self.headers.iter())
            .map(|(k, v)| (encode(k).to_ascii_lowercase(), v))
            .collect();
        for name in self.must_sign {
            if lower.iter().any(|(k, _)| k == name) && !listed.iter().any(|h| h == name) {
                return Err(AuthError::Unsigned(format!("header {name}")));
            }
        }
        let mut signed = Vec::with_capacity(listed.len());
        for name in listed {
            let name = normalise(name);
            let mut found = lower.iter().filter(|(k, _)| *k == name);
            match (found.next(), found.next()) {
                (Some((_, v)), None) => signed.push((name, (*v).clone())),
                _ => return Err(AuthError::Mismatch),
            }
        }
        Ok(signed)
    }
}

/// A listed name as the signature spells it (UrlEncoded, lower case), whether the list came
/// encoded (`imagemogr2%2fstrip`, from an `Authorization` header or a presigned URL that
/// encoded it twice) or plain (`imagemogr2/strip`, a presigned URL that encoded it once).
fn normalise(name: &str) -> String {
    let decoded = decode_lenient(name);
    encode(&decoded).to_ascii_lowercase()
}

/// `%XX` decoding that leaves anything else (a `%` not followed by two hex digits) as it is.
fn decode_lenient(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The signed headers as sent, and, when `host` carries a port, once more without it.
fn host_spellings(headers: &[(String, String)]) -> Vec<Vec<(String, String)>> {
    let mut spellings = vec![headers.to_vec()];
    let without_port = headers.iter().any(|(k, v)| k == "host" && v.contains(':'));
    if without_port {
        let other = headers
            .iter()
            .map(|(k, v)| match (k.as_str(), v.rsplit_once(':')) {
                ("host", Some((host, port))) if port.bytes().all(|b| b.is_ascii_digit()) => {
                    (k.clone(), host.to_owned())
                }
                _ => (k.clone(), v.clone()),
            })
            .collect();
        spellings.push(other);
    }
    spellings
}

/// `"<start>;<end>"` with start ≤ end.
fn time_range(s: &str) -> Result<(u64, u64), AuthError> {
    let bad = || AuthError::Malformed(format!("time range {s:?} is not <start>;<end>"));
    let (a, b) = s.split_once(';').ok_or_else(bad)?;
    let digits = |t: &str| !t.is_empty() && t.len() <= 12 && t.bytes().all(|c| c.is_ascii_digit());
    if !digits(a) || !digits(b) {
        return Err(bad());
    }
    let (a, b) = (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
    if a > b {
        return Err(bad());
    }
    Ok((a, b))
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| {
        char::from(c)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    s.as_bytes()
        .chunks(2)
        .map(|pair| match pair {
            [h, l] => Some(digit(*h)? << 4 | digit(*l)?),
            _ => None,
        })
        .collect()
}
