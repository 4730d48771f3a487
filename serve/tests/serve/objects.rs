//! The object calls around the strip: HEAD, DELETE, Range GET, GET Bucket, multipart
//! uploads, Content-MD5. (`sdk/` drives the same calls through Tencent's own SDKs.)

use crate::harness::*;

fn request(
    server: &Server,
    method: &str,
    pq: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut r = ureq::http::Request::builder()
        .method(method)
        .uri(server.url(pq));
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    to_answer(agent().run(r.body(body.to_vec()).unwrap()))
}

fn header(server: &Server, pq: &str, name: &str) -> Option<String> {
    let response = agent().head(server.url(pq)).call().unwrap();
    (response.headers().get(name)).map(|v| v.to_str().unwrap().to_owned())
}

#[test]
fn head_delete_and_ranges() {
    let server = Server::start("objects", &[]);
    server.put_file("a.jpg", &jpeg());
    let len = jpeg().len();
    assert_eq!(
        header(&server, "/a.jpg", "content-length"),
        Some(len.to_string())
    );
    let etag = format!("\"{}\"", md5_hex(&jpeg()));
    assert_eq!(header(&server, "/a.jpg", "etag"), Some(etag.clone()));
    assert_eq!(get(&server, "/a.jpg", &[]).status, 200);
    let stripped_len = stripped_jpeg().len().to_string();
    assert_eq!(
        header(&server, "/a.jpg?imageMogr2/strip", "content-length"),
        Some(stripped_len)
    );
    let missing = agent().head(server.url("/none.jpg")).call().unwrap();
    assert_eq!(missing.status().as_u16(), 404);

    let part = get(&server, "/a.jpg", &[("Range", "bytes=2-9")]);
    assert_eq!((part.status, part.body.as_slice()), (206, &jpeg()[2..10]));
    let tail = get(&server, "/a.jpg", &[("Range", "bytes=-4")]);
    assert_eq!(
        (tail.status, tail.body.as_slice()),
        (206, &jpeg()[len - 4..])
    );
    let open = get(&server, "/a.jpg", &[("Range", "bytes=10-")]);
    assert_eq!((open.status, open.body.as_slice()), (206, &jpeg()[10..]));
    let past = get(&server, "/a.jpg", &[("Range", &format!("bytes={len}-"))]);
    past.error(416, "InvalidRange");
    let stripped = get(
        &server,
        "/a.jpg?imageMogr2/strip",
        &[("Range", "bytes=0-1")],
    );
    assert_eq!(
        (stripped.status, stripped.body.as_slice()),
        (206, &[0xFF, 0xD8][..])
    );
    // The stripped image is sent as the pieces of its plan: whole, and every range across
    // them, it is the library's output, and its ETag that output's MD5.
    let clean = stripped_jpeg();
    let whole = get(&server, "/a.jpg?imageMogr2/strip", &[]);
    assert_eq!((whole.status, whole.body.as_slice()), (200, &clean[..]));
    assert_eq!(
        header(&server, "/a.jpg?imageMogr2/strip", "etag"),
        Some(format!("\"{}\"", md5_hex(&clean)))
    );
    let n = clean.len();
    for (from, to) in [
        (0, n - 1),
        (1, n - 2),
        (n / 3, 2 * n / 3),
        (n - 3, n - 1),
        (5, 5),
    ] {
        let range = format!("bytes={from}-{to}");
        let part = get(&server, "/a.jpg?imageMogr2/strip", &[("Range", &range)]);
        assert_eq!(
            (part.status, part.body.as_slice()),
            (206, &clean[from..=to]),
            "{range}"
        );
    }

    let deleted = request(&server, "DELETE", "/a.jpg", &[], &[]);
    assert_eq!(deleted.status, 204);
    assert!(!server.exists("a.jpg"));
    assert_eq!(request(&server, "DELETE", "/a.jpg", &[], &[]).status, 204);
}

#[test]
fn content_md5_is_checked() {
    let server = Server::start("md5", &[]);
    let good = base64_md5(&jpeg());
    let answer = put(&server, "/a.jpg", &[("Content-MD5", &good)], &jpeg());
    assert_eq!(answer.status, 200, "{}", answer.text());
    put(
        &server,
        "/b.jpg",
        &[("Content-MD5", &base64_md5(b"other"))],
        &jpeg(),
    )
    .error(400, "BadDigest");
    put(
        &server,
        "/c.jpg",
        &[("Content-MD5", "not base64!")],
        &jpeg(),
    )
    .error(400, "InvalidDigest");
    assert!(server.exists("a.jpg") && !server.exists("b.jpg") && !server.exists("c.jpg"));
}

#[test]
fn listing_with_prefix_marker_delimiter_and_max_keys() {
    let server = Server::start("list", &[]);
    for key in ["a.jpg", "b/1.jpg", "b/2.jpg", "c.jpg"] {
        server.put_file(key, &jpeg());
    }
    let all = get(&server, "/", &[]).text();
    let keys: Vec<&str> = all
        .split("<Key>")
        .skip(1)
        .map(|k| k.split('<').next().unwrap())
        .collect();
    assert_eq!(keys, ["a.jpg", "b/1.jpg", "b/2.jpg", "c.jpg"], "{all}");
    assert!(!all.contains(".imgstrip-serve"));
    let page = get(&server, "/?max-keys=2", &[]).text();
    assert!(
        page.contains("<IsTruncated>true</IsTruncated><NextMarker>b/1.jpg</NextMarker>"),
        "{page}"
    );
    let next = get(&server, "/?marker=b/1.jpg", &[]).text();
    assert!(
        next.contains("<Key>b/2.jpg</Key>") && !next.contains("<Key>a.jpg</Key>"),
        "{next}"
    );
    let folders = get(&server, "/?delimiter=/", &[]).text();
    assert!(
        folders.contains("<CommonPrefixes><Prefix>b/</Prefix></CommonPrefixes>"),
        "{folders}"
    );
    assert!(!folders.contains("<Key>b/1.jpg</Key>"), "{folders}");
    let prefixed = get(&server, "/?prefix=b/", &[]).text();
    assert_eq!(prefixed.matches("<Contents>").count(), 2, "{prefixed}");
}

/// Initiate, two parts, ListParts, ListMultipartUploads, Complete with Pic-Operations: the
/// joined object is stored and its stripped copy made; Abort removes an upload.
#[test]
fn multipart_upload_with_processing_on_complete() {
    let server = Server::start("multipart", &[]);
    let whole = jpeg();
    let (first, second) = whole.split_at(10);
    let init = request(&server, "POST", "/up/a.jpg?uploads", &[], &[]);
    assert_eq!(init.status, 200, "{}", init.text());
    let id = between(&init.text(), "<UploadId>", "</UploadId>");
    let mut etags = Vec::new();
    for (n, part) in [first, second].iter().enumerate() {
        let pq = format!("/up/a.jpg?partNumber={}&uploadId={id}", n + 1);
        let answer = request(&server, "PUT", &pq, &[], part);
        assert_eq!(answer.status, 200, "{}", answer.text());
        etags.push(md5_hex(part));
    }
    let parts = get(&server, &format!("/up/a.jpg?uploadId={id}"), &[]).text();
    assert_eq!(parts.matches("<Part>").count(), 2, "{parts}");
    let uploads = get(&server, "/?uploads&prefix=up/", &[]).text();
    assert!(
        uploads.contains(&format!("<UploadId>{id}</UploadId>")),
        "{uploads}"
    );
    let list = format!(
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"{}\"</ETag></Part>\
         <Part><PartNumber>2</PartNumber><ETag>\"{}\"</ETag></Part></CompleteMultipartUpload>",
        etags[0], etags[1]
    );
    let ops = pic_ops(&[("clean.jpg", "imageMogr2/strip")], 1);
    let done = request(
        &server,
        "POST",
        &format!("/up/a.jpg?uploadId={id}"),
        &[("Pic-Operations", &ops)],
        list.as_bytes(),
    );
    assert_eq!(done.status, 200, "{}", done.text());
    assert_eq!(server.read("up/a.jpg"), whole);
    assert_eq!(server.read("up/clean.jpg"), stripped_jpeg());
    assert!(
        done.text().contains("<Key>up/clean.jpg</Key>"),
        "{}",
        done.text()
    );
    get(&server, &format!("/up/a.jpg?uploadId={id}"), &[]).error(404, "NoSuchUpload");

    // Wrong ETag, wrong order, then Abort.
    let init = request(&server, "POST", "/b.jpg?uploads", &[], &[]);
    let id = between(&init.text(), "<UploadId>", "</UploadId>");
    request(
        &server,
        "PUT",
        &format!("/b.jpg?partNumber=1&uploadId={id}"),
        &[],
        b"abc",
    );
    let wrong = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"00\"</ETag></Part></CompleteMultipartUpload>";
    request(
        &server,
        "POST",
        &format!("/b.jpg?uploadId={id}"),
        &[],
        wrong.as_bytes(),
    )
    .error(400, "InvalidPart");
    assert!(!server.exists("b.jpg"));
    let aborted = request(
        &server,
        "DELETE",
        &format!("/b.jpg?uploadId={id}"),
        &[],
        &[],
    );
    assert_eq!(aborted.status, 204);
    request(
        &server,
        "PUT",
        &format!("/b.jpg?partNumber=2&uploadId={id}"),
        &[],
        b"x",
    )
    .error(404, "NoSuchUpload");
}

fn between(text: &str, open: &str, close: &str) -> String {
    let start = text.find(open).unwrap() + open.len();
    let end = start + text[start..].find(close).unwrap();
    text[start..end].to_owned()
}
