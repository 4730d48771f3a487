//! The HTTP side: request bodies read within a byte limit and a time limit into a file, and
//! response bodies from memory or streamed from a file.
//!
//! hyper bounds the request head (its size, the time it may take, a single Content-Length);
//! everything after it is bounded here. A body is never held in memory while it arrives: it
//! goes to a file in the bucket's `tmp/` folder, so a client that announces 30 MB and sends
//! a byte a minute costs a socket and a small file, not memory or a worker. A body longer
//! than its limit is refused from its `Content-Length` before a byte is read (413), or as
//! soon as it passes the limit when it comes chunked. A body that stops before its end (the
//! client closed the connection, a chunk is cut off) or stalls longer than the body timeout
//! is an error: nothing is stored from it.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use base64::Engine as _;
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Frame, Incoming, SizeHint};
use tokio::io::{AsyncRead, ReadBuf};

use crate::bucket::Temp;
use crate::cos::CosError;
use crate::digest::{Digests, Sums};

/// A request body, read whole into a file.
#[derive(Debug)]
pub struct Spooled {
    pub file: File,
    pub temp: Temp,
    pub len: u64,
    pub sums: Sums,
}

impl Spooled {
    /// The whole body in memory (the caller checked its length against the input limit).
    pub fn read_all(&mut self) -> Result<Vec<u8>, CosError> {
        let len = usize::try_from(self.len).map_err(|_| CosError::too_large("the body", 0))?;
        let mut data = Vec::with_capacity(len);
        self.file
            .seek(SeekFrom::Start(0))
            .and_then(|_| (&self.file).take(self.len).read_to_end(&mut data))
            .map_err(|e| CosError::internal(&e))?;
        Ok(data)
    }

    /// The body's MD5 in lower-case hex (its ETag).
    pub fn etag(&self) -> String {
        self.sums.md5.clone()
    }
}

/// How long a body may take: between two pieces, and in all.
#[derive(Debug, Clone, Copy)]
pub struct BodyTimes {
    pub idle: Duration,
    pub total: Duration,
}

/// Reads `body` into a new file in the bucket's `tmp/` folder, refusing it when its
/// `Content-Length` (`declared`) or its length passes `limit`, when it stops short, or when
/// it is too slow. `content_md5` (the header, base64) is checked against what came.
pub async fn spool(
    root: &Path,
    mut body: Incoming,
    declared: Option<u64>,
    limit: u64,
    times: BodyTimes,
    content_md5: Option<&str>,
) -> Result<Spooled, CosError> {
    if let Some(len) = declared.filter(|&n| n > limit) {
        let refused = CosError::too_large(&format!("the body ({len} bytes)"), limit);
        return Err(linger(body, Some(len), times, refused).await);
    }
    let expected_md5 = content_md5.map(decode_md5).transpose()?;
    let (file, temp) = Temp::in_tmp(root).map_err(|e| CosError::internal(&e))?;
    let mut out = tokio::fs::File::from_std(file);
    let (mut len, mut digests) = (0u64, Digests::default());
    let deadline = Instant::now() + times.total;
    loop {
        let wait = times
            .idle
            .min(deadline.saturating_duration_since(Instant::now()));
        let frame = match tokio::time::timeout(wait, body.frame()).await {
            Err(_) => return Err(timed_out(len)),
            Ok(None) => break,
            Ok(Some(Err(e))) => return Err(cut_off(len, &e)),
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        len = len.saturating_add(data.len() as u64);
        if len > limit {
            let refused = CosError::too_large("the body", limit);
            return Err(linger(body, None, times, refused).await);
        }
        digests.update(&data);
        tokio::io::AsyncWriteExt::write_all(&mut out, &data)
            .await
            .map_err(|e| CosError::internal(&e))?;
    }
    let mut file = out.into_std().await;
    file.flush().map_err(|e| CosError::internal(&e))?;
    let sums = digests.finish();
    if expected_md5.is_some_and(|m| m != sums.md5_bytes) {
        return Err(CosError::new(
            400,
            "BadDigest",
            "The Content-MD5 you specified did not match what we received.",
        ));
    }
    Ok(Spooled {
        file,
        temp,
        len,
        sums,
    })
}

/// The most of a refused body read (and thrown away) so that its client gets to read the
/// answer: HTTP clients send the whole body before they read, and a connection closed under
/// them makes them report a broken pipe instead of the 413.
const LINGER_BYTES: u64 = 256 << 20;

/// Reads and discards the rest of a refused body, within the body timeouts and at most
/// [`LINGER_BYTES`] (nothing when `declared` is over that), then gives `refused` back; when
/// the body was not read to its end the answer says `Connection: close`.
async fn linger(
    mut body: Incoming,
    declared: Option<u64>,
    times: BodyTimes,
    refused: CosError,
) -> CosError {
    let close = refused.clone().with_header("connection", "close".into());
    if declared.is_some_and(|n| n > LINGER_BYTES) {
        return close;
    }
    let deadline = Instant::now() + times.total;
    let mut thrown = 0u64;
    loop {
        let wait = times
            .idle
            .min(deadline.saturating_duration_since(Instant::now()));
        match tokio::time::timeout(wait, body.frame()).await {
            Ok(None) => return refused,
            Ok(Some(Ok(frame))) => {
                thrown += frame.data_ref().map_or(0, |d| d.len() as u64);
                if thrown > LINGER_BYTES {
                    return close;
                }
            }
            Err(_) | Ok(Some(Err(_))) => return close,
        }
    }
}

fn timed_out(got: u64) -> CosError {
    CosError::new(
        400,
        "RequestTimeout",
        format!("the body stopped arriving after {got} bytes; nothing was stored"),
    )
}

fn cut_off(got: u64, e: &hyper::Error) -> CosError {
    CosError::new(
        400,
        "IncompleteBody",
        format!("the body ended before its end after {got} bytes ({e}); nothing was stored"),
    )
}

/// `Content-MD5`: the body's MD5, base64.
fn decode_md5(header: &str) -> Result<[u8; 16], CosError> {
    let bad = || {
        CosError::new(
            400,
            "InvalidDigest",
            "The Content-MD5 you specified is not valid.",
        )
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(header.trim())
        .map_err(|_| bad())?;
    bytes.try_into().map_err(|_| bad())
}

/// A response body: bytes in memory, or a stretch of a file read as it is sent.
#[derive(Debug)]
pub enum ReplyBody {
    Bytes(Option<Bytes>),
    /// Buffers sent one frame each, in order (a stripped image's pieces).
    Pieces(std::collections::VecDeque<Bytes>),
    File(FileBody),
}

/// `len` bytes of `file` from where it stands, read 64 KiB at a time.
#[derive(Debug)]
pub struct FileBody {
    file: tokio::fs::File,
    left: u64,
    buf: Vec<u8>,
}

impl ReplyBody {
    pub fn empty() -> Self {
        ReplyBody::Bytes(None)
    }

    pub fn bytes(data: Vec<u8>) -> Self {
        ReplyBody::Bytes(Some(Bytes::from(data)))
    }

    pub fn pieces(pieces: Vec<Bytes>) -> Self {
        ReplyBody::Pieces(pieces.into_iter().filter(|p| !p.is_empty()).collect())
    }

    /// `len` bytes of `file` from `offset`.
    pub fn file(mut file: File, offset: u64, len: u64) -> io::Result<Self> {
        file.seek(SeekFrom::Start(offset))?;
        Ok(ReplyBody::File(FileBody {
            file: tokio::fs::File::from_std(file),
            left: len,
            buf: vec![0; 64 * 1024],
        }))
    }
}

impl hyper::body::Body for ReplyBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            ReplyBody::Bytes(data) => Poll::Ready(data.take().map(|d| Ok(Frame::data(d)))),
            ReplyBody::Pieces(pieces) => {
                Poll::Ready(pieces.pop_front().map(|d| Ok(Frame::data(d))))
            }
            ReplyBody::File(body) => {
                if body.left == 0 {
                    return Poll::Ready(None);
                }
                let want =
                    usize::try_from(body.left).map_or(body.buf.len(), |l| l.min(body.buf.len()));
                let mut buf = ReadBuf::new(&mut body.buf[..want]);
                match Pin::new(&mut body.file).poll_read(cx, &mut buf) {
                    Poll::Pending => Poll::Pending,
                    Poll::Ready(Err(e)) => Poll::Ready(Some(Err(e))),
                    Poll::Ready(Ok(())) if buf.filled().is_empty() => Poll::Ready(Some(Err(
                        io::Error::new(io::ErrorKind::UnexpectedEof, "the object got shorter"),
                    ))),
                    Poll::Ready(Ok(())) => {
                        let data = Bytes::copy_from_slice(buf.filled());
                        body.left -= data.len() as u64;
                        Poll::Ready(Some(Ok(Frame::data(data))))
                    }
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            ReplyBody::Bytes(data) => data.is_none(),
            ReplyBody::Pieces(pieces) => pieces.is_empty(),
            ReplyBody::File(body) => body.left == 0,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            ReplyBody::Bytes(data) => {
                SizeHint::with_exact(data.as_ref().map_or(0, |d| d.len() as u64))
            }
            ReplyBody::Pieces(pieces) => {
                SizeHint::with_exact(pieces.iter().map(|p| p.len() as u64).sum())
            }
            ReplyBody::File(body) => SizeHint::with_exact(body.left),
        }
    }
}
