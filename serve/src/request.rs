//! Reading a request once: the decoded path and key, the query parameters (names compared
//! case-insensitively, as the COS signature lower-cases them), the headers, and the COS
//! request signature check.

use std::time::{SystemTime, UNIX_EPOCH};

use hyper::http::request::Parts;
use hyper::Method;

use crate::cos::CosError;
use crate::sign::{AuthError, Authorization, Verify, AUTH_PARAMS};
use crate::Config;

/// Headers the server acts on, which a signed request must sign when it sends them.
const MUST_SIGN: &[&str] = &["pic-operations", "content-md5", "range"];

/// What a request was: its method, key and parameters, and its headers (names lower-cased).
#[derive(Debug)]
pub struct Parsed {
    pub method: Method,
    /// The decoded path, with its leading `/`: what a signature signs.
    pub path: String,
    /// The path without its leading `/`; empty for the bucket itself.
    pub key: String,
    /// Query parameters, less the signature's own, decoded, names as sent.
    pub params: Vec<(String, String)>,
    /// The signature's parameters, when it came in the query string.
    pub auth_params: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
}

impl Parsed {
    /// The value of header `name` (lower case); two of them is an error.
    pub fn header(&self, name: &str) -> Result<Option<&str>, CosError> {
        let mut found = self.headers.iter().filter(|(k, _)| k == name);
        match (found.next(), found.next()) {
            (Some((_, v)), None) => Ok(Some(v)),
            (None, _) => Ok(None),
            _ => Err(CosError::bad(format!("header {name} given twice"))),
        }
    }

    /// The `Host` header, or the address the server listens on.
    pub fn host(&self, cfg: &Config) -> String {
        match self.header("host") {
            Ok(Some(h)) => h.to_owned(),
            _ => cfg.listen.to_string(),
        }
    }
}

/// Reads the request head. Query parameter names are unique case-insensitively (a name given
/// twice, in any case, is refused), so every later lookup can ignore case.
pub fn parse(parts: &Parts) -> Result<Parsed, CosError> {
    let raw_path = parts.uri.path();
    if !raw_path.starts_with('/') {
        return Err(CosError::new(
            400,
            "InvalidURI",
            "the request path must start with /",
        ));
    }
    let path = percent_decode(raw_path, false)?;
    let (mut params, mut auth_params) = (Vec::new(), Vec::new());
    let mut seen: Vec<String> = Vec::new();
    for pair in parts.uri.query().unwrap_or("").split('&') {
        if pair.is_empty() {
            continue;
        }
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (k, v) = (percent_decode(k, true)?, percent_decode(v, true)?);
        let lower = k.to_ascii_lowercase();
        if seen.contains(&lower) {
            return Err(CosError::bad(format!("query parameter {k:?} given twice")));
        }
        let list = if AUTH_PARAMS.contains(&lower.as_str()) {
            &mut auth_params
        } else {
            &mut params
        };
        list.push((k, v));
        seen.push(lower);
    }
    let mut headers = Vec::with_capacity(parts.headers.len());
    for (name, value) in &parts.headers {
        let value = value
            .to_str()
            .map_err(|_| CosError::bad(format!("header {name} is not visible ASCII")))?;
        headers.push((name.as_str().to_owned(), value.to_owned()));
    }
    Ok(Parsed {
        method: parts.method.clone(),
        key: path.strip_prefix('/').unwrap_or(&path).to_owned(),
        path,
        params,
        auth_params,
        headers,
    })
}

/// `%XX` decoding into UTF-8; in a query string `+` is a space, as in HTML forms.
pub fn percent_decode(s: &str, plus_is_space: bool) -> Result<String, CosError> {
    let bad = || CosError::new(400, "InvalidURI", format!("bad percent-encoding in {s:?}"));
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        out.push(match b {
            b'%' => {
                let hex = [bytes.next().ok_or_else(bad)?, bytes.next().ok_or_else(bad)?];
                let hex = std::str::from_utf8(&hex).map_err(|_| bad())?;
                u8::from_str_radix(hex, 16).map_err(|_| bad())?
            }
            b'+' if plus_is_space => b' ',
            b => b,
        });
    }
    String::from_utf8(out).map_err(|_| bad())
}

/// Checks the request's signature when the server has a key. `unsigned_ok` names the one
/// parameter that may come unsigned (an `imageMogr2/strip` rule: stripping only removes
/// information, so adding it to a signed URL grants nothing).
pub fn authenticate(cfg: &Config, req: &Parsed, unsigned_ok: Option<&str>) -> Result<(), CosError> {
    let Some((id, key)) = &cfg.secret else {
        return Ok(());
    };
    // The Python SDK's anonymous mode sends an empty Authorization header.
    let header = req
        .header("authorization")?
        .filter(|h| !h.trim().is_empty());
    let auth = match (header, req.auth_params.is_empty()) {
        (Some(_), false) => Err(AuthError::Malformed(
            "signed both in the header and in the query".into(),
        )),
        (Some(value), true) => Authorization::parse(value),
        (None, false) => {
            Authorization::from_pairs(req.auth_params.iter().map(|(k, v)| (&**k, &**v)))
        }
        (None, true) => Err(AuthError::Missing),
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let headers: Vec<(String, String)> = (req.headers.iter())
        .filter(|(k, _)| k != "authorization")
        .cloned()
        .collect();
    let request = Verify {
        method: req.method.as_str(),
        path: &req.path,
        params: &req.params,
        headers: &headers,
        must_sign: MUST_SIGN,
        unsigned_ok,
    };
    let verified = auth.and_then(|a| a.verify((id, key), now, &request));
    verified.map_err(|e| match e {
        AuthError::Missing => CosError::denied("Access Denied: the request carries no signature"),
        AuthError::Malformed(why) => CosError::denied(format!("malformed signature: {why}")),
        AuthError::Expired => CosError::denied("Request has expired"),
        AuthError::Unsigned(what) => CosError::denied(format!("{what} must be signed")),
        AuthError::UnknownKey => CosError::new(
            403,
            "InvalidAccessKeyId",
            "The access key Id you provided does not exist",
        ),
        AuthError::Mismatch => CosError::new(
            403,
            "SignatureDoesNotMatch",
            "The calculated signature does not match the provided one",
        ),
    })
}
