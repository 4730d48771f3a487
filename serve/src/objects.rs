//! Object operations: the three ways COS strips (download, upload, in the cloud) and the
//! plain calls an SDK makes around them (HEAD, DELETE, Range GET). Each runs on a blocking
//! worker, after the request's body (if any) has arrived whole in a file.

use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use bytes::Bytes;
use imgstrip::{detect, Format, Limits, Piece, Plan, Stripped, Stripper};

use crate::bucket::{self, Temp};
use crate::cos::{self, CosError, ObjectInfo, PicOperations, Strip};
use crate::digest::{Digests, Sums};
use crate::http::Spooled;
use crate::request::{percent_decode, Parsed};
use crate::Config;

/// What a handler answers: status, headers, body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Payload,
}

/// A reply's body, as the blocking side hands it over.
#[derive(Debug)]
pub enum Payload {
    Empty,
    Bytes(Vec<u8>),
    /// Pieces sent one after the other: a stripped image's plan, each kept range a view of
    /// the input (no copy), each piece the strip wrote its own small buffer.
    Pieces(Vec<Bytes>),
    /// `len` bytes of `file` from `offset`.
    File {
        file: File,
        offset: u64,
        len: u64,
    },
}

impl Reply {
    pub fn xml(status: u16, xml: String) -> Self {
        Reply {
            status,
            headers: vec![("content-type", "application/xml".into())],
            body: Payload::Bytes(xml.into_bytes()),
        }
    }

    pub fn empty(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: Payload::Empty,
        }
    }

    /// Sets each header, replacing any of the same name.
    pub fn set(mut self, headers: Vec<(&'static str, String)>) -> Self {
        for (name, value) in headers {
            self.headers.retain(|(n, _)| *n != name);
            self.headers.push((name, value));
        }
        self
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

// ---------------------------------------------------------------------------------------
// Download
// ---------------------------------------------------------------------------------------

/// `GET /key[?imageMogr2/strip]` and its `HEAD`: the object as stored (a byte range of it
/// with `Range`), or stripped. `head` answers the same headers without the body.
pub fn get(cfg: &Config, req: &Parsed, rule: Option<Strip>, head: bool) -> Result<Reply, CosError> {
    if cfg.strip_only && rule.is_none() {
        return Err(CosError::denied(
            "this bucket serves stripped images only: ask for ?imageMogr2/strip",
        ));
    }
    let path = bucket::existing(&cfg.root, &req.key)?;
    let mut file = File::open(&path).map_err(|e| CosError::internal(&e))?;
    let meta = file.metadata().map_err(|e| CosError::internal(&e))?;
    let len = meta.len();
    let range = req.header("range")?;
    let Some(rule) = rule else {
        let sums = cfg.etags.of(&path, &meta)?;
        let mut head_bytes = [0u8; 64];
        let n = file
            .read(&mut head_bytes)
            .map_err(|e| CosError::internal(&e))?;
        let format = detect(&head_bytes[..n]);
        return answer(Content::File(file), len, range, head, format, &sums, &meta);
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
        let sums = cfg.etags.of(&path, &meta)?;
        return answer(Content::File(file), len, range, head, None, &sums, &meta);
    }
    let mut data = Vec::new();
    file.read_to_end(&mut data)
        .map_err(|e| CosError::internal(&e))?;
    // The stripped image is never built: its pieces are sent from the input.
    let plan = stripper(cfg, rule)
        .plan(&data)
        .map_err(|e| CosError::from_strip(&e))?;
    if plan.report().untouched && cfg.strip_only {
        return Err(unstripped_refused());
    }
    let input = Bytes::from(data);
    let pieces = pieces(&plan, &input);
    let mut digests = Digests::default();
    for piece in &pieces {
        digests.update(piece);
    }
    let sums = digests.finish();
    let format = Some(plan.report().format);
    let len = plan.len() as u64;
    answer(
        Content::Pieces(pieces),
        len,
        range,
        head,
        format,
        &sums,
        &meta,
    )
}

fn unstripped_refused() -> CosError {
    CosError::denied("the image is over a limit and this bucket serves stripped images only")
}

/// The headers every object answer has; the digests are the whole object's, also for a
/// range (the Node SDK compares each range's CRC-64 with the HEAD's).
fn object_headers(reply: Reply, format: Option<Format>, sums: &Sums, meta: &fs::Metadata) -> Reply {
    let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    reply
        .with_header("content-type", cos::content_type(format))
        .with_header("etag", format!("\"{}\"", sums.md5))
        .with_header("x-cos-hash-crc64ecma", sums.crc64.clone())
        .with_header("last-modified", cos::http_date(modified))
        .with_header("accept-ranges", "bytes")
}

/// A plan's pieces as buffers: the kept ranges as views of `input`, the written pieces
/// copied (they are small: headers, sizes, fresh minimal metadata).
fn pieces(plan: &Plan, input: &Bytes) -> Vec<Bytes> {
    plan.pieces()
        .map(|piece| match piece {
            Piece::Input(range) => input.slice(range),
            Piece::Written(bytes) => Bytes::copy_from_slice(bytes),
        })
        .collect()
}

/// What a download answers: a stored file as it is, or a stripped image as its pieces.
enum Content {
    File(File),
    Pieces(Vec<Bytes>),
}

/// `content` of `len` bytes, or the part of it `range` asks for (206 with
/// `Content-Range`); `head` answers the headers only.
fn answer(
    content: Content,
    len: u64,
    range: Option<&str>,
    head: bool,
    format: Option<Format>,
    sums: &Sums,
    meta: &fs::Metadata,
) -> Result<Reply, CosError> {
    let range = byte_range(range, len)?;
    let (from, count) = range.map_or((0, len), |(from, to)| (from, to - from + 1));
    let body = match content {
        _ if head => Payload::Empty,
        Content::File(file) => Payload::File {
            file,
            offset: from,
            len: count,
        },
        Content::Pieces(pieces) => Payload::Pieces(pieces_in(pieces, from, count)),
    };
    let mut reply = Reply {
        status: if range.is_some() { 206 } else { 200 },
        headers: Vec::new(),
        body,
    }
    .with_header("content-length", count.to_string());
    if let Some((from, to)) = range {
        reply = reply.with_header("content-range", format!("bytes {from}-{to}/{len}"));
    }
    Ok(object_headers(reply, format, sums, meta))
}

/// The part of `pieces` that is `count` bytes from `from` (both within their total).
fn pieces_in(pieces: Vec<Bytes>, from: u64, count: u64) -> Vec<Bytes> {
    let (mut skip, mut left) = (from, count);
    let mut out = Vec::new();
    for piece in pieces {
        let len = piece.len() as u64;
        if skip >= len {
            skip -= len;
            continue;
        }
        if left == 0 {
            break;
        }
        let take = (len - skip).min(left);
        // `skip + take` ≤ the piece's length, a `usize`.
        let (a, b) = (skip as usize, (skip + take) as usize);
        out.push(piece.slice(a..b));
        left -= take;
        skip = 0;
    }
    out
}

/// One `bytes=` range of an object of `len` bytes (RFC 9110 § 14.1.2): `Some((first,
/// last))`, `None` for the whole object (no header, or one this server does not split:
/// several ranges, another unit, bad syntax, which RFC 9110 lets a server ignore), or 416
/// when the range starts past the end.
fn byte_range(header: Option<&str>, len: u64) -> Result<Option<(u64, u64)>, CosError> {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return Ok(None);
    };
    let number = |s: &str| s.trim().parse::<u64>().ok();
    let unsatisfiable = || {
        CosError::new(
            416,
            "InvalidRange",
            "The requested range is not satisfiable",
        )
        .with_header("content-range", format!("bytes */{len}"))
    };
    let range = match (a.trim().is_empty(), number(a), number(b)) {
        // `-N`: the last N bytes.
        (true, _, Some(n)) if n > 0 => {
            if len == 0 {
                return Err(unsatisfiable());
            }
            (len.saturating_sub(n), len - 1)
        }
        (false, Some(first), last) if b.trim().is_empty() || last.is_some() => {
            if first >= len {
                return Err(unsatisfiable());
            }
            let last = last.map_or(len - 1, |l| l.min(len - 1));
            if last < first {
                return Ok(None);
            }
            (first, last)
        }
        _ => return Ok(None),
    };
    Ok(Some(range))
}

// ---------------------------------------------------------------------------------------
// Upload, delete, in-cloud processing
// ---------------------------------------------------------------------------------------

/// `PUT /key`: stores the body; with `Pic-Operations`, also each rule's result.
pub fn put(
    cfg: &Config,
    req: &Parsed,
    ops: Option<&PicOperations>,
    mut body: Spooled,
) -> Result<Reply, CosError> {
    let Some(ops) = ops else {
        let target = bucket::writable(&cfg.root, &req.key)?;
        body.temp.place(&target)?;
        cfg.etags.remember(&target, &body.sums);
        return Ok(stored(&body.sums));
    };
    bucket::segments(&req.key)?;
    // Checked from the headers already; the length is checked again as it came.
    if body.len > cfg.limits.max_input_bytes {
        return Err(CosError::too_large(
            "an image to process",
            cfg.limits.max_input_bytes,
        ));
    }
    let data = body.read_all()?;
    Ok(process(cfg, req, &data, ops, Some((body.temp, body.sums)))?.upload_result())
}

/// The answer to a store: the object's ETag and CRC-64.
pub fn stored(sums: &Sums) -> Reply {
    Reply::empty(200)
        .with_header("etag", format!("\"{}\"", sums.md5))
        .with_header("x-cos-hash-crc64ecma", sums.crc64.clone())
}

/// `DELETE /key`: 204 whether or not there was an object (as COS answers).
pub fn delete(cfg: &Config, req: &Parsed) -> Result<Reply, CosError> {
    match bucket::existing(&cfg.root, &req.key) {
        Ok(path) => fs::remove_file(path).map_err(|e| CosError::internal(&e))?,
        Err(e) if e.code == "NoSuchKey" => {}
        Err(e) => return Err(e),
    }
    Ok(Reply::empty(204))
}

/// `POST /key?image_process`: runs the rules on a stored object.
pub fn process_stored(cfg: &Config, req: &Parsed, ops: &PicOperations) -> Result<Reply, CosError> {
    let path = bucket::existing(&cfg.root, &req.key)?;
    let data = read_object(cfg, &path)?;
    Ok(process(cfg, req, &data, ops, None)?.upload_result())
}

/// A stored object whole in memory, refused (413) when it is over the input limit.
pub fn read_object(cfg: &Config, path: &Path) -> Result<Vec<u8>, CosError> {
    let file = File::open(path).map_err(|e| CosError::internal(&e))?;
    let max = cfg.limits.max_input_bytes;
    let mut data = Vec::new();
    file.take(max.saturating_add(1))
        .read_to_end(&mut data)
        .map_err(|e| CosError::internal(&e))?;
    if data.len() as u64 > max {
        return Err(CosError::too_large("the object to process", max));
    }
    Ok(data)
}

fn stripper(cfg: &Config, rule: Strip) -> Stripper {
    Stripper::new()
        .limits(cfg.limits)
        .ignore_limit_errors(rule.ignore_error)
}

fn strip(cfg: &Config, rule: Strip, data: &[u8]) -> Result<Stripped, CosError> {
    stripper(cfg, rule)
        .strip(data)
        .map_err(|e| CosError::from_strip(&e))
}

/// One rule's result, written to the server's `tmp/` folder and not yet in place.
struct Staged {
    key: String,
    temp: Temp,
    info: ObjectInfo,
    sums: Sums,
}

/// Runs every rule on `original`, one at a time (so that memory holds the input and one
/// output), writing each result to a file in the server's `tmp/` folder; when all have
/// succeeded, renames the original (when it is to be stored, and unless a rule writes over
/// its key) and the results into place, and answers the `UploadResult`. A rule that fails
/// leaves nothing behind.
pub fn process(
    cfg: &Config,
    req: &Parsed,
    original: &[u8],
    ops: &PicOperations,
    store: Option<(Temp, Sums)>,
) -> Result<Processed, CosError> {
    let host = req.host(cfg);
    let mut staged: Vec<Staged> = Vec::with_capacity(ops.rules.len());
    let mut measured = None;
    for rule in &ops.rules {
        let fileid = percent_decode(&rule.fileid, false)?;
        let key = bucket::fileid_key(&req.key, &fileid);
        bucket::segments(&key)?;
        let out = strip(cfg, rule.strip, original)?;
        let r = &out.report;
        let image = (!r.untouched).then_some((r.format, r.width, r.height));
        measured = measured.or(image);
        let sums = Digests::of(&out.data);
        let info = ObjectInfo {
            location: format!("{host}/{key}"),
            key: key.clone(),
            etag: sums.md5.clone(),
            image,
            size: out.data.len(),
        };
        let temp = bucket::stage(&cfg.root, &out.data)?;
        staged.push(Staged {
            key,
            temp,
            info,
            sums,
        });
    }
    // What the original is: from a rule's report when one stripped it, else read afresh
    // without limits (the walk is linear and allocates at most the input's size).
    let image = measured.or_else(|| {
        let r = Stripper::new()
            .limits(Limits::none())
            .inspect(original)
            .ok()?;
        Some((r.format, r.width, r.height))
    });
    let replaced = staged.iter().any(|s| s.key == req.key);
    // Every target is checked (links, folders) before anything is put in place.
    let original_target = match &store {
        Some(_) if !replaced => Some(bucket::writable(&cfg.root, &req.key)?),
        _ => None,
    };
    let targets = (staged.iter())
        .map(|s| bucket::writable(&cfg.root, &s.key))
        .collect::<Result<Vec<PathBuf>, CosError>>()?;
    let mut stored = None;
    let original_etag = match store {
        Some((temp, sums)) => {
            if let Some(target) = original_target {
                temp.place(&target)?;
                cfg.etags.remember(&target, &sums);
            }
            let etag = sums.md5.clone();
            stored = Some(sums);
            etag
        }
        None => Digests::md5_hex(original),
    };
    let mut results = Vec::with_capacity(staged.len());
    for (s, target) in staged.into_iter().zip(targets) {
        s.temp.place(&target)?;
        cfg.etags.remember(&target, &s.sums);
        if s.key == req.key && stored.is_some() {
            stored = Some(s.sums);
        }
        let mut info = s.info;
        info.image = info.image.or(image);
        results.push(info);
    }
    let original_info = ObjectInfo {
        key: req.key.clone(),
        location: format!("{host}/{}", req.key),
        etag: original_etag,
        image,
        size: original.len(),
    };
    Ok(Processed {
        original: original_info,
        results,
        is_pic_info: ops.is_pic_info,
        stored,
    })
}

/// What processing made: the original and each result, for the answer's XML, and the
/// digests of what now stands under the request's key (the original, or the rule's result
/// that replaced it), for its `ETag` and `x-cos-hash-crc64ecma` headers.
#[derive(Debug)]
pub struct Processed {
    pub original: ObjectInfo,
    pub results: Vec<ObjectInfo>,
    pub is_pic_info: bool,
    pub stored: Option<Sums>,
}

impl Processed {
    /// The `UploadResult` answer, with the stored object's digests as headers.
    pub fn upload_result(&self) -> Reply {
        let xml = cos::upload_result(&self.original, self.is_pic_info, &self.results);
        let reply = Reply::xml(200, xml);
        match &self.stored {
            Some(sums) => reply
                .with_header("etag", format!("\"{}\"", sums.md5))
                .with_header("x-cos-hash-crc64ecma", sums.crc64.clone()),
            None => reply,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every range of pieces of 0, 1, 3 and 5 bytes is the same range of their bytes.
    #[test]
    fn a_range_of_pieces_is_the_range_of_their_bytes() {
        let parts: [&[u8]; 5] = [b"abc", b"", b"d", b"efghi", b"j"];
        let whole: Vec<u8> = parts.concat();
        let pieces: Vec<Bytes> = parts.iter().map(|p| Bytes::copy_from_slice(p)).collect();
        for from in 0..whole.len() {
            for count in 0..=whole.len() - from {
                let got: Vec<u8> = pieces_in(pieces.clone(), from as u64, count as u64).concat();
                assert_eq!(got, &whole[from..from + count], "{from} {count}");
            }
        }
    }
}
