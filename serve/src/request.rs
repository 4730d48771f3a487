//! Reading a request: the decoded path and key, query parameters, headers, and the COS
//! request signature check.

use std::time::{SystemTime, UNIX_EPOCH};

use tiny_http::{Method, Request};

use crate::cos::CosError;
use crate::sign::{AuthError, Authorization, AUTH_PARAMS};
use crate::Config;

/// Headers the server acts on, which a signed request must sign when it sends them.
const MUST_SIGN: &[&str] = &["pic-operations"];

/// What a request was: its method, key and parameters, and its headers (names lower-cased).
pub struct Parsed {
    pub method: Method,
    /// The decoded path, with its leading `/`: what a signature signs.
    pub path: String,
    pub key: String,
    /// Query parameters, less the signature's own.
    pub params: Vec<(String, String)>,
    /// The signature's parameters, when it came in the query string.
    pub auth_params: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
}

impl Parsed {
    pub fn header(&self, name: &str) -> Result<Option<&str>, CosError> {
        let mut found = self.headers.iter().filter(|(k, _)| k == name);
        match (found.next(), found.next()) {
            (Some((_, v)), None) => Ok(Some(v)),
            (None, _) => Ok(None),
            _ => Err(CosError::bad(format!("header {name} given twice"))),
        }
    }

    pub fn has_param(&self, name: &str) -> bool {
        self.params.iter().any(|(k, _)| k == name)
    }
}

pub fn parse(request: &Request) -> Result<Parsed, CosError> {
    let url = request.url();
    let (raw_path, query) = url.split_once('?').unwrap_or((url, ""));
    if !raw_path.starts_with('/') {
        return Err(CosError::new(
            400,
            "InvalidURI",
            "the request path must start with /",
        ));
    }
    let path = percent_decode(raw_path, false)?;
    let (mut params, mut auth_params) = (Vec::new(), Vec::new());
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (k, v) = (percent_decode(k, true)?, percent_decode(v, true)?);
        let list = if AUTH_PARAMS.contains(&k.as_str()) {
            &mut auth_params
        } else {
            &mut params
        };
        if list.iter().any(|(seen, _): &(String, String)| *seen == k) {
            return Err(CosError::bad(format!("query parameter {k:?} given twice")));
        }
        list.push((k, v));
    }
    let headers = request
        .headers()
        .iter()
        .map(|h| {
            let name = h.field.as_str().as_str().to_ascii_lowercase();
            (name, h.value.as_str().to_owned())
        })
        .collect();
    Ok(Parsed {
        method: request.method().clone(),
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

pub fn authenticate(cfg: &Config, req: &Parsed) -> Result<(), CosError> {
    let Some((id, key)) = &cfg.secret else {
        return Ok(());
    };
    let header = req.header("authorization")?;
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
    let method = req.method.as_str();
    let (path, params) = (&req.path, &req.params);
    let verified =
        auth.and_then(|a| a.verify((id, key), now, method, path, params, &headers, MUST_SIGN));
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
