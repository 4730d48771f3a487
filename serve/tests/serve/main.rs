//! Starts the real `imgstrip-serve` binary on a loopback port (127.0.0.1, a port the system picks)
//! over a scratch bucket under `CARGO_TARGET_TMPDIR`, and drives it with a real HTTP client
//! (ureq; raw TCP for paths a client would normalise): the three COS modes, `ignore-error`,
//! every error code, request signatures, `--strip-only` and escapes from the bucket. Every
//! wait is bounded, and each server is killed when its test ends (also on failure).

// The signer the server uses; the tests sign with it what the server verifies, and
// `auth::signer_matches_worked_examples` checks it against examples computed elsewhere.
#[path = "../../src/sign.rs"]
mod sign;

mod attacks;
mod auth;
mod harness;
mod objects;

use std::fs;
use std::path::Path;

use harness::*;

// ---------------------------------------------------------------------------------------
// The three modes
// ---------------------------------------------------------------------------------------

#[test]
fn download_strips_and_leaves_the_stored_object() {
    let server = Server::start("download", &[]);
    server.put_file("photos/a.jpg", &jpeg());
    let plain = get(&server, "/photos/a.jpg", &[]);
    assert_eq!((plain.status, plain.body.clone()), (200, jpeg()));
    assert_eq!(plain.content_type, "image/jpeg");
    let stripped = get(&server, "/photos/a.jpg?imageMogr2/strip", &[]);
    assert_eq!((stripped.status, &stripped.body), (200, &stripped_jpeg()));
    assert_eq!(stripped.content_type, "image/jpeg");
    assert_eq!(
        server.read("photos/a.jpg"),
        jpeg(),
        "the stored object is unchanged"
    );
    // A trailing slash and `ignore-error/0` are the same rule.
    for pq in [
        "/photos/a.jpg?imageMogr2/strip/",
        "/photos/a.jpg?imageMogr2/strip/ignore-error/0",
    ] {
        assert_eq!(get(&server, pq, &[]).body, stripped_jpeg(), "{pq}");
    }

    // A real camera file from the corpus, when it is there.
    let corpus =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/jpeg/mei_Apple_iPhone_4.jpg");
    if let Ok(photo) = fs::read(&corpus) {
        server.put_file("camera.jpg", &photo);
        let answer = get(&server, "/camera.jpg?imageMogr2/strip", &[]);
        let expected = imgstrip::strip(&photo, imgstrip::Limits::default()).unwrap();
        assert_eq!(answer.status, 200);
        assert!(answer.body == expected && expected.len() < photo.len());
        assert_eq!(answer.content_length, Some(expected.len()), "not chunked");
        let plain = get(&server, "/camera.jpg", &[]);
        assert_eq!(
            (plain.content_length, plain.body),
            (Some(photo.len()), photo.clone())
        );
        assert_eq!(server.read("camera.jpg"), photo);
    }
}

#[test]
fn upload_stores_the_original_and_the_stripped_copy() {
    let server = Server::start("upload", &[]);
    let ops = pic_ops(
        &[
            ("clean/a.jpg", "imageMogr2/strip"),
            ("/top.jpg", "imageMogr2/strip"),
        ],
        1,
    );
    let answer = put(
        &server,
        "/photos/a.jpg",
        &[("Pic-Operations", &ops)],
        &jpeg(),
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.content_type, "application/xml");
    assert_eq!(
        server.read("photos/a.jpg"),
        jpeg(),
        "the original is stored as sent"
    );
    assert_eq!(
        server.read("photos/clean/a.jpg"),
        stripped_jpeg(),
        "relative to the key's folder"
    );
    assert_eq!(
        server.read("top.jpg"),
        stripped_jpeg(),
        "absolute from the bucket root"
    );
    let xml = answer.text();
    let size = stripped_jpeg().len();
    for part in [
        "<UploadResult><OriginalInfo><Key>photos/a.jpg</Key>".to_owned(),
        format!("<Location>{}/photos/a.jpg</Location>", server.addr),
        "<ImageInfo><Format>jpg</Format><Width>1</Width><Height>1</Height></ImageInfo>".to_owned(),
        "<ProcessResults><Object><Key>photos/clean/a.jpg</Key>".to_owned(),
        format!("<Format>jpg</Format><Width>1</Width><Height>1</Height><Size>{size}</Size><ETag>"),
        "<Object><Key>top.jpg</Key>".to_owned(),
    ] {
        assert!(xml.contains(&part), "{part} not in {xml}");
    }
    assert_eq!(xml.matches("<Object>").count(), 2);

    // is_pic_info 0: no ImageInfo for the original; a URL-encoded fileid is decoded.
    let ops = pic_ops(&[("caf%C3%A9.jpg", "imageMogr2/strip")], 0);
    let answer = put(&server, "/b.jpg", &[("Pic-Operations", &ops)], &jpeg());
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert!(!answer.text().contains("<ImageInfo>"));
    assert_eq!(server.read("café.jpg"), stripped_jpeg());

    // A fileid equal to the key keeps only the stripped image.
    let ops = pic_ops(&[("only.jpg", "imageMogr2/strip")], 1);
    let answer = put(&server, "/only.jpg", &[("Pic-Operations", &ops)], &jpeg());
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(server.read("only.jpg"), stripped_jpeg());

    // Without Pic-Operations, PUT stores the body as it is (a plain COS PUT Object).
    let answer = put(&server, "/raw/c.jpg", &[], &jpeg());
    assert_eq!(answer.status, 200);
    assert_eq!(server.read("raw/c.jpg"), jpeg());
}

#[test]
fn in_cloud_processing_strips_a_stored_object() {
    let server = Server::start("cloud", &[]);
    server.put_file("photos/a.jpg", &jpeg());
    let ops = pic_ops(&[("a-clean.jpg", "imageMogr2/strip")], 1);
    let answer = post(
        &server,
        "/photos/a.jpg?image_process",
        &[("Pic-Operations", &ops)],
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert!(answer
        .text()
        .contains("<ProcessResults><Object><Key>photos/a-clean.jpg</Key>"));
    assert!(answer.text().contains("<ImageInfo><Format>jpg</Format>"));
    assert_eq!(server.read("photos/a-clean.jpg"), stripped_jpeg());
    assert_eq!(server.read("photos/a.jpg"), jpeg(), "the source stays");

    post(
        &server,
        "/photos/gone.jpg?image_process",
        &[("Pic-Operations", &ops)],
    )
    .error(404, "NoSuchKey");
    post(&server, "/photos/a.jpg?image_process", &[]).error(400, "InvalidArgument");
    post(&server, "/photos/a.jpg", &[("Pic-Operations", &ops)]).error(400, "InvalidArgument");
}

// ---------------------------------------------------------------------------------------
// ignore-error and errors
// ---------------------------------------------------------------------------------------

#[test]
fn ignore_error_passes_an_over_limit_image_unchanged() {
    let server = Server::start("ignore_error", &[]);
    server.put_file("wide.png", &wide_png());
    let refused = get(&server, "/wide.png?imageMogr2/strip", &[]);
    refused.error(413, "ImageTooLarge");
    assert!(
        refused
            .text()
            .contains("width is 60000, over the maximum 50000"),
        "{}",
        refused.text()
    );
    let ignored = get(&server, "/wide.png?imageMogr2/strip/ignore-error/1", &[]);
    assert_eq!((ignored.status, &ignored.body), (200, &wide_png()));
    assert_eq!(ignored.content_type, "image/png");
    let before = get(&server, "/wide.png?imageMogr2/ignore-error/1/strip", &[]);
    assert_eq!(before.body, wide_png(), "ignore-error written before strip");

    // Upload: stored unchanged with ignore-error, refused (and nothing stored) without.
    let ops = pic_ops(&[("w2.png", "imageMogr2/strip/ignore-error/1")], 1);
    let answer = put(
        &server,
        "/up/w.png",
        &[("Pic-Operations", &ops)],
        &wide_png(),
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert!(
        answer
            .text()
            .contains("<Width>60000</Width><Height>1</Height>"),
        "{}",
        answer.text()
    );
    assert_eq!(server.read("up/w2.png"), wide_png());
    let ops = pic_ops(&[("w3.png", "imageMogr2/strip")], 1);
    put(
        &server,
        "/up/x.png",
        &[("Pic-Operations", &ops)],
        &wide_png(),
    )
    .error(413, "ImageTooLarge");
    assert!(!server.exists("up/x.png") && !server.exists("up/w3.png"));
    // Malformed input is an error even with ignore-error.
    server.put_file("bad.jpg", TRUNCATED_JPEG);
    get(&server, "/bad.jpg?imageMogr2/strip/ignore-error/1", &[]).error(400, "InvalidImageFormat");
}

#[test]
fn errors_are_http_errors_with_cos_xml_bodies() {
    let server = Server::start("errors", &[]);
    server.put_file("bad.jpg", TRUNCATED_JPEG);
    server.put_file("notes.txt", b"hello");
    server.put_file("a.jpg", &jpeg());
    server.put_file("wide.png", &wide_png());

    // 400: malformed image, on download and on upload (where nothing is stored).
    let answer = get(&server, "/bad.jpg?imageMogr2/strip", &[]);
    answer.error(400, "InvalidImageFormat");
    assert!(
        answer.text().contains("truncated JPEG at byte"),
        "{}",
        answer.text()
    );
    get(&server, "/notes.txt?imageMogr2/strip", &[]).error(400, "InvalidImageFormat");
    let ops = pic_ops(&[("out.jpg", "imageMogr2/strip")], 1);
    put(
        &server,
        "/up/bad.jpg",
        &[("Pic-Operations", &ops)],
        TRUNCATED_JPEG,
    )
    .error(400, "InvalidImageFormat");
    assert!(!server.exists("up"), "a failed upload stores nothing");

    // 400: bad Pic-Operations headers and rules.
    let six = pic_ops(&[("o.jpg", "imageMogr2/strip"); 6], 1);
    for (ops, why) in [
        ("not json", "not JSON"),
        ("[1]", "not a JSON object"),
        (r#"{"is_pic_info":2,"rules":[]}"#, "is_pic_info"),
        (r#"{"rules":[{"rule":"imageMogr2/strip"}]}"#, "fileid"),
        (r#"{"rules":[{"fileid":"o.jpg"}]}"#, "rule"),
        (
            r#"{"rules":[{"fileid":"dir/","rule":"imageMogr2/strip"}]}"#,
            "trailing",
        ),
        (
            &pic_ops(&[("o.jpg", "imageMogr2/thumbnail/!50p")], 1),
            "unsupported rule",
        ),
        (
            &pic_ops(&[("o.jpg", "imageMogr2/strip/ignore-error/2")], 1),
            "unsupported rule",
        ),
        (
            &pic_ops(&[("o.jpg", "imageView2/strip")], 1),
            "unsupported rule",
        ),
        (&six, "at most 5 rules"),
    ] {
        let answer = put(&server, "/up/a.jpg", &[("Pic-Operations", ops)], &jpeg());
        answer.error(400, "InvalidArgument");
        assert!(answer.text().contains(why), "{ops}: {}", answer.text());
    }
    assert!(!server.exists("up"));
    get(&server, "/a.jpg?imageInfo", &[]).error(400, "InvalidArgument");
    get(&server, "/a.jpg?imageMogr2/rotate/90", &[]).error(400, "InvalidArgument");
    get(&server, "/a.jpg?imageMogr2/strip&imageMogr2/strip/", &[]).error(400, "InvalidArgument");

    // 404, 413, 405.
    let missing = get(&server, "/nothing/here.jpg", &[]);
    missing.error(404, "NoSuchKey");
    assert!(missing
        .text()
        .contains("<Resource>/nothing/here.jpg</Resource>"));
    get(&server, "/nothing.jpg?imageMogr2/strip", &[]).error(404, "NoSuchKey");
    get(&server, "/wide.png?imageMogr2/strip", &[]).error(413, "ImageTooLarge");
    let (status, body) = raw(&server, "PATCH /a.jpg HTTP/1.1\r\nContent-Length: 0");
    assert_eq!(status, 405, "{body}");
    assert!(body.contains("<Code>MethodNotAllowed</Code>"), "{body}");
    assert!(server.exists("a.jpg"));
}

#[cfg(unix)]
#[test]
fn keys_cannot_escape_the_bucket() {
    let server = Server::start("escape", &[]);
    server.put_file("photos/a.jpg", &jpeg());
    let outside = server.dir.join("outside");
    let listing = || {
        let mut names: Vec<_> = fs::read_dir(&outside)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    };
    let before = listing();

    // Dot segments, however spelt, and absolute paths: refused before the file system.
    for target in [
        "/../outside/secret.jpg",
        "/photos/../../outside/secret.jpg",
        "/%2e%2e/outside/secret.jpg",
        "/photos/..%2f..%2foutside%2fsecret.jpg",
        "/photos/%2E%2E/%2E%2E/outside/secret.jpg",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/photos/./a.jpg",
        "/photos//a.jpg",
        "/photos/a.jpg%00.png",
        "/..%5coutside%5csecret.jpg",
    ] {
        for suffix in ["", "?imageMogr2/strip"] {
            let (status, body) = raw(&server, &format!("GET {target}{suffix} HTTP/1.1"));
            assert_eq!(status, 400, "{target}: {body}");
            assert!(body.contains("<Code>InvalidURI</Code>"), "{target}: {body}");
            assert!(!body.contains("CANARY"));
        }
        let (status, _) = raw(
            &server,
            &format!("PUT {target} HTTP/1.1\r\nContent-Length: 0"),
        );
        assert_eq!(status, 400, "PUT {target}");
    }

    // fileids that would climb out.
    for fileid in [
        "../../outside/x.jpg",
        "/../outside/x.jpg",
        "%2e%2e/%2e%2e/outside/x.jpg",
        "a/../../x.jpg",
    ] {
        let ops = pic_ops(&[(fileid, "imageMogr2/strip")], 1);
        put(
            &server,
            "/photos/b.jpg",
            &[("Pic-Operations", &ops)],
            &jpeg(),
        )
        .error(400, "InvalidURI");
        post(
            &server,
            "/photos/a.jpg?image_process",
            &[("Pic-Operations", &ops)],
        )
        .error(400, "InvalidURI");
    }
    assert!(
        !server.exists("photos/b.jpg"),
        "a refused upload stores nothing"
    );

    // Symbolic links, to a file or a folder, out of the bucket or within it.
    let bucket = server.dir.join("bucket");
    std::os::unix::fs::symlink(outside.join("secret.jpg"), bucket.join("link.jpg")).unwrap();
    std::os::unix::fs::symlink(&outside, bucket.join("linkdir")).unwrap();
    std::os::unix::fs::symlink(bucket.join("photos"), bucket.join("inner")).unwrap();
    for key in ["/link.jpg", "/linkdir/secret.jpg", "/inner/a.jpg"] {
        for suffix in ["", "?imageMogr2/strip"] {
            let answer = get(&server, &format!("{key}{suffix}"), &[]);
            answer.error(403, "AccessDenied");
            assert!(!contains(&answer.body, CANARY));
        }
    }
    put(&server, "/linkdir/new.jpg", &[], &jpeg()).error(403, "AccessDenied");
    put(&server, "/link.jpg", &[], &jpeg()).error(403, "AccessDenied");
    let ops = pic_ops(&[("/linkdir/x.jpg", "imageMogr2/strip")], 1);
    put(
        &server,
        "/photos/c.jpg",
        &[("Pic-Operations", &ops)],
        &jpeg(),
    )
    .error(403, "AccessDenied");
    post(
        &server,
        "/link.jpg?image_process",
        &[("Pic-Operations", &ops)],
    )
    .error(403, "AccessDenied");
    assert!(!server.exists("photos/c.jpg"));
    assert_eq!(listing(), before, "nothing written outside the bucket");
    assert_eq!(fs::read(outside.join("secret.jpg")).unwrap(), jpeg());
}
