//! `GET /` (GET Bucket, ListObjects): the bucket's keys in byte order, with `prefix`,
//! `marker`, `delimiter` (common prefixes) and `max-keys`.
//!
//! The folder is walked without following a link (as keys are served: a link is never an
//! object), leaving out the server's own folder and any file that is not a regular file.

use std::fs;
use std::io;
use std::path::Path;
use std::time::SystemTime;

use crate::bucket::STATE_DIR;
use crate::cos::{self, tag, CosError};
use crate::objects::Reply;
use crate::ops::Listing;
use crate::sign::encode;
use crate::Config;

/// One object in a listing.
struct Object {
    key: String,
    path: std::path::PathBuf,
    meta: fs::Metadata,
}

/// Every object under `dir` whose key (`prefix` + its path below `dir`) is UTF-8.
fn walk(dir: &Path, prefix: &str, out: &mut Vec<Object>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if prefix.is_empty() && name == STATE_DIR {
            continue;
        }
        let kind = entry.file_type()?;
        let key = format!("{prefix}{name}");
        if kind.is_dir() {
            walk(&entry.path(), &format!("{key}/"), out)?;
        } else if kind.is_file() {
            let meta = entry.metadata()?;
            out.push(Object {
                key,
                path: entry.path(),
                meta,
            });
        }
    }
    Ok(())
}

/// The `ListBucketResult`.
pub fn list(cfg: &Config, q: &Listing) -> Result<Reply, CosError> {
    let mut objects = Vec::new();
    walk(&cfg.root, "", &mut objects).map_err(|e| CosError::internal(&e))?;
    objects.sort_by(|a, b| a.key.cmp(&b.key));
    let shown = |s: &str| {
        if q.url_encoded {
            encode_key(s)
        } else {
            s.to_owned()
        }
    };
    let mut contents = Vec::new();
    let mut common: Vec<String> = Vec::new();
    let mut truncated = false;
    let mut next_marker = String::new();
    for o in objects
        .iter()
        .filter(|o| o.key.starts_with(&q.prefix) && o.key.as_str() > q.marker.as_str())
    {
        // With a delimiter, keys with another delimiter after the prefix roll up into one
        // common prefix each.
        let rolled = (!q.delimiter.is_empty())
            .then(|| {
                let rest = &o.key[q.prefix.len()..];
                let at = rest.find(&q.delimiter)?;
                Some(format!("{}{}", q.prefix, &rest[..at + q.delimiter.len()]))
            })
            .flatten();
        if rolled.as_ref().is_some_and(|p| common.last() == Some(p)) {
            continue;
        }
        if contents.len() + common.len() == q.max_keys {
            truncated = true;
            break;
        }
        next_marker = rolled.clone().unwrap_or_else(|| o.key.clone());
        match rolled {
            Some(p) => common.push(p),
            None => contents.push(o),
        }
    }
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult>");
    tag(&mut x, "Name", &cfg.bucket);
    if q.url_encoded {
        tag(&mut x, "EncodingType", "url");
    }
    tag(&mut x, "Prefix", &shown(&q.prefix));
    tag(&mut x, "Marker", &shown(&q.marker));
    tag(&mut x, "MaxKeys", &q.max_keys.to_string());
    if !q.delimiter.is_empty() {
        tag(&mut x, "Delimiter", &shown(&q.delimiter));
    }
    tag(
        &mut x,
        "IsTruncated",
        if truncated { "true" } else { "false" },
    );
    if truncated {
        tag(&mut x, "NextMarker", &shown(&next_marker));
    }
    for o in contents {
        let modified = o.meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        x.push_str("<Contents>");
        tag(&mut x, "Key", &shown(&o.key));
        tag(&mut x, "LastModified", &cos::iso_date(modified));
        tag(
            &mut x,
            "ETag",
            &format!("\"{}\"", cfg.etags.of(&o.path, &o.meta)?.md5),
        );
        tag(&mut x, "Size", &o.meta.len().to_string());
        x.push_str("<Owner><ID>imgstrip</ID><DisplayName>imgstrip</DisplayName></Owner>");
        tag(&mut x, "StorageClass", "STANDARD");
        x.push_str("</Contents>");
    }
    for p in common {
        x.push_str("<CommonPrefixes>");
        tag(&mut x, "Prefix", &shown(&p));
        x.push_str("</CommonPrefixes>");
    }
    x.push_str("</ListBucketResult>\n");
    Ok(Reply::xml(200, x))
}

/// A key URL-encoded for `encoding-type=url`, keeping `/` as it is.
pub fn encode_key(key: &str) -> String {
    key.split('/').map(encode).collect::<Vec<_>>().join("/")
}
