//! Multipart uploads, as the SDKs' `upload_file` / `uploadFile` make them for large files:
//! Initiate, UploadPart, ListParts, Complete (optionally with `Pic-Operations`), Abort, and
//! ListMultipartUploads.
//!
//! An upload lives in `<bucket>/.imgstrip-serve/uploads/<id>/`: `key` holds its object key,
//! and each part is a file `NNNNN` with its MD5 in `NNNNN.md5`, put in place whole once it
//! has arrived (a part cut off stores nothing). Complete joins the listed parts, in order,
//! into a file beside the target and renames it into place; the object's ETag is the MD5 of
//! its bytes, the same as a HEAD or a listing gives.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::bucket::{self, Temp, STATE_DIR};
use crate::cos::{self, tag, CosError, PicOperations};
use crate::digest::{Digests, Sums};
use crate::http::Spooled;
use crate::objects::{self, Reply};
use crate::request::Parsed;
use crate::Config;

/// The most bytes a Complete request's part list may have.
pub const MAX_PART_LIST: u64 = 2 << 20;

fn uploads_dir(root: &Path) -> PathBuf {
    root.join(STATE_DIR).join("uploads")
}

fn no_such_upload() -> CosError {
    CosError::new(
        404,
        "NoSuchUpload",
        "The specified multipart upload does not exist.",
    )
}

/// The folder of upload `id` for `key`: 404 `NoSuchUpload` when there is none, or it is
/// another key's.
fn upload(cfg: &Config, id: &str, key: &str) -> Result<PathBuf, CosError> {
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(no_such_upload());
    }
    let dir = uploads_dir(&cfg.root).join(id);
    match fs::read_to_string(dir.join("key")) {
        Ok(k) if k == key => Ok(dir),
        Ok(_) => Err(no_such_upload()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(no_such_upload()),
        Err(e) => Err(CosError::internal(&e)),
    }
}

/// A new upload id: 32 hex digits from the system's random source.
fn new_id() -> io::Result<String> {
    let mut bytes = [0u8; 16];
    File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(cos::hex(&bytes))
}

/// `POST /key?uploads`. `ops` (the `Pic-Operations` header, already checked) is kept with
/// the upload and applied at Complete, unless Complete brings its own.
pub fn initiate(cfg: &Config, req: &Parsed, ops: Option<&str>) -> Result<Reply, CosError> {
    bucket::writable(&cfg.root, &req.key)?;
    let id = new_id().map_err(|e| CosError::internal(&e))?;
    let dir = uploads_dir(&cfg.root).join(&id);
    fs::create_dir(&dir)
        .and_then(|()| match ops {
            Some(ops) => fs::write(dir.join("ops"), ops),
            None => Ok(()),
        })
        .and_then(|()| fs::write(dir.join("key"), &req.key))
        .map_err(|e| CosError::internal(&e))?;
    let mut x = xml_head("InitiateMultipartUploadResult");
    tag(&mut x, "Bucket", &cfg.bucket);
    tag(&mut x, "Key", &req.key);
    tag(&mut x, "UploadId", &id);
    x.push_str("</InitiateMultipartUploadResult>\n");
    Ok(Reply::xml(200, x))
}

fn part_name(n: u32) -> String {
    format!("{n:05}")
}

/// `PUT /key?partNumber=N&uploadId=ID`: the part, arrived whole, replaces any earlier part N.
pub fn upload_part(
    cfg: &Config,
    req: &Parsed,
    id: &str,
    part: u32,
    body: Spooled,
) -> Result<Reply, CosError> {
    let dir = upload(cfg, id, &req.key)?;
    fs::write(dir.join(format!("{}.md5", part_name(part))), body.etag())
        .map_err(|e| CosError::internal(&e))?;
    body.temp.place(&dir.join(part_name(part)))?;
    Ok(objects::stored(&body.sums))
}

/// One stored part: number, size, MD5, time.
struct Part {
    number: u32,
    size: u64,
    etag: String,
    modified: SystemTime,
}

fn parts(dir: &Path) -> Result<Vec<Part>, CosError> {
    let mut parts = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| CosError::internal(&e))? {
        let entry = entry.map_err(|e| CosError::internal(&e))?;
        let name = entry.file_name();
        let Some(number) = name.to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        let meta = entry.metadata().map_err(|e| CosError::internal(&e))?;
        let etag = fs::read_to_string(dir.join(format!("{}.md5", part_name(number))))
            .map_err(|e| CosError::internal(&e))?;
        parts.push(Part {
            number,
            size: meta.len(),
            etag,
            modified: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
        });
    }
    parts.sort_by_key(|p| p.number);
    Ok(parts)
}

/// `GET /key?uploadId=ID` (ListParts): the parts after number `after`, at most `max`.
pub fn list_parts(
    cfg: &Config,
    req: &Parsed,
    id: &str,
    (after, max): (u32, usize),
    url_encoded: bool,
) -> Result<Reply, CosError> {
    let dir = upload(cfg, id, &req.key)?;
    let mut x = xml_head("ListPartsResult");
    tag(&mut x, "Bucket", &cfg.bucket);
    if url_encoded {
        tag(&mut x, "EncodingType", "url");
        tag(&mut x, "Key", &crate::listing::encode_key(&req.key));
    } else {
        tag(&mut x, "Key", &req.key);
    }
    tag(&mut x, "UploadId", id);
    x.push_str("<Initiator><ID>imgstrip</ID><DisplayName>imgstrip</DisplayName></Initiator>");
    x.push_str("<Owner><ID>imgstrip</ID><DisplayName>imgstrip</DisplayName></Owner>");
    tag(&mut x, "StorageClass", "STANDARD");
    tag(&mut x, "PartNumberMarker", &after.to_string());
    let mut parts = parts(&dir)?;
    parts.retain(|p| p.number > after);
    let truncated = parts.len() > max;
    parts.truncate(max);
    let last = parts.last().map_or(after, |p| p.number);
    tag(&mut x, "NextPartNumberMarker", &last.to_string());
    tag(&mut x, "MaxParts", &max.to_string());
    tag(
        &mut x,
        "IsTruncated",
        if truncated { "true" } else { "false" },
    );
    for p in &parts {
        x.push_str("<Part>");
        tag(&mut x, "PartNumber", &p.number.to_string());
        tag(&mut x, "LastModified", &cos::iso_date(p.modified));
        tag(&mut x, "ETag", &format!("\"{}\"", p.etag));
        tag(&mut x, "Size", &p.size.to_string());
        x.push_str("</Part>");
    }
    x.push_str("</ListPartsResult>\n");
    Ok(Reply::xml(200, x))
}

/// `DELETE /key?uploadId=ID`.
pub fn abort(cfg: &Config, req: &Parsed, id: &str) -> Result<Reply, CosError> {
    let dir = upload(cfg, id, &req.key)?;
    fs::remove_dir_all(dir).map_err(|e| CosError::internal(&e))?;
    Ok(Reply::empty(204))
}

/// `POST /key?uploadId=ID` with `<CompleteMultipartUpload><Part><PartNumber>…</PartNumber>
/// <ETag>…</ETag></Part>…`: the listed parts, in ascending order, each as uploaded.
pub fn complete(
    cfg: &Config,
    req: &Parsed,
    id: &str,
    ops: Option<&PicOperations>,
    mut body: Spooled,
) -> Result<Reply, CosError> {
    let dir = upload(cfg, id, &req.key)?;
    let list = String::from_utf8(body.read_all()?)
        .map_err(|_| CosError::new(400, "MalformedXML", "the part list is not UTF-8"))?;
    let listed = read_part_list(&list)?;
    let stored = parts(&dir)?;
    let mut files = Vec::with_capacity(listed.len());
    for (number, etag) in &listed {
        let part = stored.iter().find(|p| p.number == *number);
        match part {
            Some(p) if p.etag == *etag => files.push(dir.join(part_name(p.number))),
            _ => {
                return Err(CosError::new(
                    400,
                    "InvalidPart",
                    format!("part {number} was not uploaded with ETag {etag:?}"),
                ))
            }
        }
    }
    let target = bucket::writable(&cfg.root, &req.key)?;
    let (temp, len, sums) = join(&target, &files)?;
    let kept = match ops {
        Some(_) => None,
        None => match fs::read_to_string(dir.join("ops")) {
            Ok(json) => Some(PicOperations::parse(&json)?),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(CosError::internal(&e)),
        },
    };
    let mut x = xml_head("CompleteMultipartUploadResult");
    tag(
        &mut x,
        "Location",
        &format!("{}/{}", req.host(cfg), req.key),
    );
    tag(&mut x, "Bucket", &cfg.bucket);
    tag(&mut x, "Key", &req.key);
    tag(&mut x, "ETag", &format!("\"{}\"", sums.md5));
    let stored = match ops.or(kept.as_ref()) {
        None => {
            temp.place(&target)?;
            cfg.etags.remember(&target, &sums);
            sums
        }
        Some(ops) => {
            if len > cfg.limits.max_input_bytes {
                return Err(CosError::too_large(
                    "an image to process",
                    cfg.limits.max_input_bytes,
                ));
            }
            let data = fs::read(&temp.path).map_err(|e| CosError::internal(&e))?;
            let done = objects::process(cfg, req, &data, ops, Some((temp, sums.clone())))?;
            // COS's Complete answer: `ImageInfo` of the original and `ProcessResults` as
            // direct children (the Node SDK reads them there).
            if ops.is_pic_info {
                cos::image_info(&mut x, &done.original);
            }
            cos::process_results(&mut x, &done.results);
            done.stored.unwrap_or(sums)
        }
    };
    x.push_str("</CompleteMultipartUploadResult>\n");
    let _ = fs::remove_dir_all(&dir);
    Ok(Reply::xml(200, x).with_header("x-cos-hash-crc64ecma", stored.crc64))
}

/// Joins `files` into a new file beside `target`; returns it, its length and its digests.
fn join(target: &Path, files: &[PathBuf]) -> Result<(Temp, u64, Sums), CosError> {
    let dir = target.parent().ok_or_else(|| CosError::bad("no folder"))?;
    let (mut out, temp) = Temp::create(dir).map_err(|e| CosError::internal(&e))?;
    let (mut digests, mut len) = (Digests::default(), 0u64);
    let mut buf = vec![0u8; 256 * 1024];
    for path in files {
        let mut part = File::open(path).map_err(|e| CosError::internal(&e))?;
        loop {
            let n = part.read(&mut buf).map_err(|e| CosError::internal(&e))?;
            if n == 0 {
                break;
            }
            let chunk = &buf[..n];
            digests.update(chunk);
            out.write_all(chunk).map_err(|e| CosError::internal(&e))?;
            len += n as u64;
        }
    }
    out.sync_all().map_err(|e| CosError::internal(&e))?;
    Ok((temp, len, digests.finish()))
}

/// The (part number, ETag) pairs of a Complete body, in ascending order, each once.
fn read_part_list(xml: &str) -> Result<Vec<(u32, String)>, CosError> {
    let malformed = |why: &str| CosError::new(400, "MalformedXML", why.to_owned());
    let mut parts: Vec<(u32, String)> = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<Part>") {
        let after = &rest[start + 6..];
        let end = after
            .find("</Part>")
            .ok_or_else(|| malformed("a <Part> is not closed"))?;
        let part = &after[..end];
        let number = element(part, "PartNumber")
            .and_then(|n| n.trim().parse::<u32>().ok())
            .ok_or_else(|| malformed("a <Part> has no PartNumber"))?;
        let etag = element(part, "ETag").ok_or_else(|| malformed("a <Part> has no ETag"))?;
        let etag = etag.trim().replace("&quot;", "\"");
        let etag = etag.trim_matches('"').to_owned();
        if parts.last().is_some_and(|(last, _)| *last >= number) {
            return Err(CosError::new(
                400,
                "InvalidPartOrder",
                "The list of parts was not in ascending order.",
            ));
        }
        parts.push((number, etag));
        rest = &after[end + 7..];
    }
    if parts.is_empty() {
        return Err(malformed("the part list is empty"));
    }
    Ok(parts)
}

/// The text of the first `<name>…</name>` in `xml`.
fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&close)?;
    Some(&xml[start..end])
}

/// `GET /?uploads`: the uploads not completed or aborted, whose key starts with `prefix`.
pub fn list_uploads(cfg: &Config, prefix: &str, url_encoded: bool) -> Result<Reply, CosError> {
    let shown = |s: &str| {
        if url_encoded {
            crate::listing::encode_key(s)
        } else {
            s.to_owned()
        }
    };
    let mut uploads = Vec::new();
    for entry in fs::read_dir(uploads_dir(&cfg.root)).map_err(|e| CosError::internal(&e))? {
        let entry = entry.map_err(|e| CosError::internal(&e))?;
        let Ok(key) = fs::read_to_string(entry.path().join("key")) else {
            continue;
        };
        if key.starts_with(prefix) {
            let id = entry.file_name().to_string_lossy().into_owned();
            let made = entry
                .metadata()
                .and_then(|m| m.modified())
                .unwrap_or(SystemTime::UNIX_EPOCH);
            uploads.push((key, id, made));
        }
    }
    uploads.sort();
    let mut x = xml_head("ListMultipartUploadsResult");
    tag(&mut x, "Bucket", &cfg.bucket);
    tag(&mut x, "KeyMarker", "");
    tag(&mut x, "UploadIdMarker", "");
    tag(&mut x, "NextKeyMarker", "");
    tag(&mut x, "NextUploadIdMarker", "");
    tag(&mut x, "MaxUploads", "1000");
    tag(&mut x, "IsTruncated", "false");
    if url_encoded {
        tag(&mut x, "EncodingType", "url");
    }
    tag(&mut x, "Prefix", &shown(prefix));
    for (key, id, made) in &uploads {
        x.push_str("<Upload>");
        tag(&mut x, "Key", &shown(key));
        tag(&mut x, "UploadId", id);
        tag(&mut x, "StorageClass", "STANDARD");
        x.push_str("<Initiator><ID>imgstrip</ID><DisplayName>imgstrip</DisplayName></Initiator>");
        x.push_str("<Owner><ID>imgstrip</ID><DisplayName>imgstrip</DisplayName></Owner>");
        tag(&mut x, "Initiated", &cos::iso_date(*made));
        x.push_str("</Upload>");
    }
    x.push_str("</ListMultipartUploadsResult>\n");
    Ok(Reply::xml(200, x))
}

fn xml_head(root: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{root}>")
}
