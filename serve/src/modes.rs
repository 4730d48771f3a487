//! The three modes: download (`GET`), upload (`PUT`) and in-cloud processing (`POST
//! ?image_process`), each answering a [`Reply`] or a [`CosError`].

use std::fs::File;
use std::io::{self, Read, Seek};
use std::path::PathBuf;

use imgstrip::{detect, Format, Limits, Stripped, Stripper};
use tiny_http::{Method, Request};

use crate::cos::{self, CosError, ObjectInfo, PicOperations, Strip};
use crate::request::{authenticate, percent_decode, Parsed};
use crate::{bucket, Config, Reply};

pub fn handle(cfg: &Config, req: &Parsed, request: &mut Request) -> Result<Reply, CosError> {
    authenticate(cfg, req)?;
    match req.method {
        Method::Get => get(cfg, req),
        Method::Put => put(cfg, req, request),
        Method::Post if req.has_param("image_process") => post(cfg, req),
        Method::Post => Err(CosError::bad("POST needs ?image_process")),
        _ => Err(CosError::new(
            405,
            "MethodNotAllowed",
            format!(
                "{} is not served (GET, PUT, POST ?image_process)",
                req.method
            ),
        )),
    }
}

/// The `imageMogr2` rule of a download, if any. Other processing APIs are refused rather
/// than ignored (an ignored `?imageInfo` would answer the original).
fn download_rule(params: &[(String, String)]) -> Result<Option<Strip>, CosError> {
    let mut rule = None;
    for (k, v) in params {
        if k.starts_with("imageMogr2") {
            if rule.is_some() || !v.is_empty() {
                return Err(CosError::bad(
                    "give one imageMogr2 rule, as a parameter without value",
                ));
            }
            rule = Some(Strip::parse(k)?);
        } else if ["image", "watermark", "ci-process", "exif"]
            .iter()
            .any(|p| k.starts_with(p))
        {
            return Err(CosError::bad(format!(
                "{k:?} is not served: only imageMogr2/strip"
            )));
        }
    }
    Ok(rule)
}

fn get(cfg: &Config, req: &Parsed) -> Result<Reply, CosError> {
    let rule = download_rule(&req.params)?;
    if cfg.strip_only && rule.is_none() {
        return Err(CosError::denied(
            "this bucket serves stripped images only: ask for ?imageMogr2/strip",
        ));
    }
    let path = bucket::existing(&cfg.root, &req.key)?;
    let mut file = File::open(&path).map_err(|e| internal(&e))?;
    let len = file.metadata().map_err(|e| internal(&e))?.len();
    let Some(rule) = rule else {
        return stream(file, len);
    };
    if len > cfg.limits.max_input_bytes {
        // Too large to read: answer as the library would, without reading it.
        if !rule.ignore_error {
            let max = cfg.limits.max_input_bytes;
            let msg = format!("input size is {len} bytes, over the maximum {max}");
            return Err(CosError::new(413, "ImageTooLarge", msg));
        }
        if cfg.strip_only {
            return Err(unstripped_refused());
        }
        return stream(file, len);
    }
    let mut data = Vec::new();
    file.read_to_end(&mut data).map_err(|e| internal(&e))?;
    let out = strip(cfg, rule, &data)?;
    if out.report.untouched && cfg.strip_only {
        return Err(unstripped_refused());
    }
    Ok(Reply::bytes(
        cos::content_type(Some(out.report.format)),
        out.data,
    ))
}

fn unstripped_refused() -> CosError {
    CosError::denied("the image is over a limit and this bucket serves stripped images only")
}

fn internal(e: &io::Error) -> CosError {
    CosError::new(500, "InternalError", e.to_string())
}

/// Answers a stored file as it is.
fn stream(mut file: File, len: u64) -> Result<Reply, CosError> {
    let mut head = [0u8; 64];
    let n = file.read(&mut head).map_err(|e| internal(&e))?;
    file.rewind().map_err(|e| internal(&e))?;
    let len =
        usize::try_from(len).map_err(|_| CosError::new(413, "EntityTooLarge", "too large"))?;
    Ok(Reply {
        status: 200,
        content_type: cos::content_type(detect(&head[..n])),
        etag: None,
        body: Box::new(file),
        len,
    })
}

fn strip(cfg: &Config, rule: Strip, data: &[u8]) -> Result<Stripped, CosError> {
    let stripper = Stripper::new()
        .limits(cfg.limits)
        .ignore_limit_errors(rule.ignore_error);
    stripper.strip(data).map_err(|e| CosError::from_strip(&e))
}

fn pic_operations(req: &Parsed) -> Result<Option<PicOperations>, CosError> {
    req.header("pic-operations")?
        .map(PicOperations::parse)
        .transpose()
}

fn put(cfg: &Config, req: &Parsed, request: &mut Request) -> Result<Reply, CosError> {
    bucket::segments(&req.key)?;
    let ops = pic_operations(req)?;
    let too_large = || {
        let msg = format!("the body is over {} bytes", cfg.max_body);
        CosError::new(413, "EntityTooLarge", msg)
    };
    if request
        .body_length()
        .is_some_and(|n| n as u64 > cfg.max_body)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    (request.as_reader())
        .take(cfg.max_body.saturating_add(1))
        .read_to_end(&mut body)
        .map_err(|e| CosError::bad(format!("cannot read the body: {e}")))?;
    if body.len() as u64 > cfg.max_body {
        return Err(too_large());
    }
    match ops {
        None => {
            let path = bucket::writable(&cfg.root, &req.key)?;
            bucket::write_atomically(&path, &body)?;
            Ok(Reply {
                etag: Some(cos::etag(&body)),
                ..Reply::bytes("application/xml", Vec::new())
            })
        }
        Some(ops) => process(cfg, req, &body, &ops, true),
    }
}

fn post(cfg: &Config, req: &Parsed) -> Result<Reply, CosError> {
    let ops = pic_operations(req)?
        .ok_or_else(|| CosError::bad("POST ?image_process needs a Pic-Operations header"))?;
    let path = bucket::existing(&cfg.root, &req.key)?;
    let file = File::open(&path).map_err(|e| internal(&e))?;
    let mut data = Vec::new();
    file.take(cfg.max_body.saturating_add(1))
        .read_to_end(&mut data)
        .map_err(|e| internal(&e))?;
    if data.len() as u64 > cfg.max_body {
        let msg = format!("the object is over {} bytes", cfg.max_body);
        return Err(CosError::new(413, "EntityTooLarge", msg));
    }
    process(cfg, req, &data, &ops, false)
}

/// Runs every rule on `original`, then writes the original (when asked, and unless a rule
/// writes over its key) and each result, and answers the `UploadResult`.
fn process(
    cfg: &Config,
    req: &Parsed,
    original: &[u8],
    ops: &PicOperations,
    store_original: bool,
) -> Result<Reply, CosError> {
    let mut results = Vec::with_capacity(ops.rules.len());
    for rule in &ops.rules {
        let fileid = percent_decode(&rule.fileid, false)?;
        let key = bucket::fileid_key(&req.key, &fileid);
        bucket::segments(&key)?;
        results.push((key, strip(cfg, rule.strip, original)?));
    }
    // What the original is; from a rule's report when one stripped it, else read afresh
    // without limits (the walk is linear and allocates at most the input's size).
    let measured = results
        .iter()
        .find(|(_, s)| !s.report.untouched)
        .map(|(_, s)| &s.report)
        .map(|r| (r.format, r.width, r.height));
    let image = measured.or_else(|| {
        let r = Stripper::new()
            .limits(Limits::none())
            .inspect(original)
            .ok()?;
        Some((r.format, r.width, r.height))
    });
    let mut writes: Vec<(PathBuf, &[u8])> = Vec::new();
    let replaced = results.iter().any(|(k, _)| *k == req.key);
    if store_original && !replaced {
        writes.push((bucket::writable(&cfg.root, &req.key)?, original));
    }
    for (key, out) in &results {
        writes.push((bucket::writable(&cfg.root, key)?, &out.data));
    }
    for (path, data) in &writes {
        bucket::write_atomically(path, data)?;
    }
    let host = match req.header("host")? {
        Some(h) => h.to_owned(),
        None => cfg.listen.to_string(),
    };
    let info = |key: &str, data: &[u8], image: Option<(Format, u32, u32)>| ObjectInfo {
        key: key.to_owned(),
        location: format!("{host}/{key}"),
        etag: cos::etag(data),
        image,
        size: data.len(),
    };
    let original_info = info(&req.key, original, image);
    let processed: Vec<ObjectInfo> = (results.iter())
        .map(|(key, out)| {
            let r = &out.report;
            let dims = if r.untouched {
                image
            } else {
                Some((r.format, r.width, r.height))
            };
            info(key, &out.data, dims)
        })
        .collect();
    let xml = cos::upload_result(&original_info, ops.is_pic_info, &processed);
    Ok(Reply {
        etag: None,
        ..Reply::bytes("application/xml", xml.into_bytes())
    })
}
