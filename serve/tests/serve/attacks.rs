//! One test per attack of issue 13, each on a server of its own: what the attacker gets, that
//! nothing is stored from a broken request, that the server still answers, and its peak
//! memory (`VmHWM`). Every wait is bounded by the client's timeout; nothing here times the
//! server.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::harness::*;

/// What the server may hold at its peak in these tests (it starts at about 10 MiB).
const SMALL_RSS_KIB: u64 = 64 * 1024;

/// `Content-Length: 1000000000000` on every method: no allocation from it, no abort.
#[test]
fn a_huge_content_length_allocates_nothing() {
    let server = Server::start("attack_huge_length", &[]);
    server.put_file("a.jpg", &jpeg());
    for (method, target) in [
        ("GET", "/a.jpg"),
        ("HEAD", "/a.jpg"),
        ("DELETE", "/nothing.jpg"),
        ("POST", "/a.jpg?image_process"),
        ("PUT", "/big.jpg"),
        ("PUT", "/big.jpg?partNumber=1&uploadId=00"),
        ("GET", "/missing.jpg"),
        ("PATCH", "/a.jpg"),
    ] {
        let head = format!(
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nContent-Length: 1000000000000\r\n\r\n",
            server.addr
        );
        let answer = raw_bytes(&server, head.as_bytes());
        let status = status_of(&answer);
        assert!((200..500).contains(&status), "{method} {target}: {answer}");
        if method == "PUT" && target == "/big.jpg" {
            assert_eq!(status, 413, "refused from its headers: {answer}");
            assert!(answer.contains("<Code>EntityTooLarge</Code>"), "{answer}");
        }
    }
    assert!(!server.exists("big.jpg"));
    assert!(server.alive());
    assert!(
        server.peak_rss_kib() < SMALL_RSS_KIB,
        "{} KiB",
        server.peak_rss_kib()
    );
}

/// A presigned `?imageMogr2/strip` URL resent as `?IMAGEMOGR2/STRIP` (or any other case)
/// with the same signature: still a strip, never the original with its metadata.
#[test]
fn a_rule_in_another_case_is_still_a_strip() {
    let server = Server::start("attack_case", &["--secret-id", ID, "--secret-key", KEY]);
    server.put_file("photo.jpg", &jpeg());
    let strip = [("imageMogr2/strip", "")];
    let auth = authorization(&server, valid(), "GET", "/photo.jpg", &strip, &[]);
    for spelling in [
        "imageMogr2/strip",
        "IMAGEMOGR2/STRIP",
        "ImageMogr2/Strip",
        "imagemogr2/strip",
    ] {
        let url = format!("/photo.jpg?{spelling}&{}", query_auth(&auth));
        let answer = get(&server, &url, &[]);
        assert_eq!(answer.status, 200, "{spelling}: {}", answer.text());
        assert_eq!(answer.body, stripped_jpeg(), "{spelling}");
        assert!(!contains(&answer.body, CANARY));
    }
    // Unsigned, the same: a rule is a rule whatever its case.
    let server = Server::start("attack_case_open", &[]);
    server.put_file("photo.jpg", &jpeg());
    let answer = get(&server, "/photo.jpg?IMAGEMOGR2/STRIP", &[]);
    assert_eq!((answer.status, answer.body), (200, stripped_jpeg()));
}

/// 100 connections that announce a body and never send it, and 100 that never finish their
/// head: a normal request is still answered, and the stalled ones are let go (408-style
/// `RequestTimeout` for a body, a closed connection for a head) after their timeouts,
/// storing nothing.
#[test]
fn stalled_clients_do_not_hold_the_server() {
    let server = Server::start(
        "attack_stall",
        &["--body-timeout", "1", "--header-timeout", "1"],
    );
    let mut stalled = Vec::new();
    for i in 0..100 {
        let mut s = TcpStream::connect(&server.addr).unwrap();
        let head =
            format!("PUT /s{i}.jpg HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\nabc");
        s.write_all(head.as_bytes()).unwrap();
        stalled.push(s);
    }
    for _ in 0..100 {
        let mut s = TcpStream::connect(&server.addr).unwrap();
        s.write_all(b"GET /a.jpg HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .unwrap();
        stalled.push(s);
    }
    assert!(server.alive(), "a normal request is answered meanwhile");
    for (i, mut s) in stalled.into_iter().enumerate() {
        s.set_read_timeout(Some(TIMEOUT)).unwrap();
        let mut answer = Vec::new();
        let _ = s.read_to_end(&mut answer); // ends: the server let it go
        let answer = String::from_utf8_lossy(&answer);
        if i < 100 {
            assert!(answer.contains("<Code>RequestTimeout</Code>"), "{answer}");
        }
    }
    assert!((0..100).all(|i| !server.exists(&format!("s{i}.jpg"))));
    assert!(
        server.peak_rss_kib() < SMALL_RSS_KIB,
        "{} KiB",
        server.peak_rss_kib()
    );
}

/// A 20 KiB header gets 431; a 200 MB header line is cut off after the server's 64 KiB
/// buffer, without the memory to hold it.
#[test]
fn oversized_heads_are_refused_without_memory() {
    let server = Server::start("attack_head", &[]);
    server.put_file("a.jpg", &jpeg());
    let long = "a".repeat(20 * 1024);
    let head = format!("GET /a.jpg HTTP/1.1\r\nHost: x\r\nX-Long: {long}\r\n\r\n");
    assert_eq!(status_of(&raw_bytes(&server, head.as_bytes())), 431);

    let mut s = TcpStream::connect(&server.addr).unwrap();
    s.set_write_timeout(Some(TIMEOUT)).unwrap();
    s.write_all(b"GET /a.jpg HTTP/1.1\r\nHost: x\r\nX-Huge: ")
        .unwrap();
    let chunk = vec![b'a'; 1 << 20];
    let mut sent = 0usize;
    while sent < 200 << 20 && s.write_all(&chunk).is_ok() {
        sent += chunk.len();
    }
    assert!(
        sent < 200 << 20,
        "the server stopped reading: {sent} bytes went"
    );
    assert!(server.alive());
    assert!(
        server.peak_rss_kib() < SMALL_RSS_KIB,
        "{} KiB",
        server.peak_rss_kib()
    );
}

/// A PUT cut off mid-body (chunked, or short of its Content-Length) stores nothing and
/// leaves the object it would have replaced as it was.
#[test]
fn a_cut_off_body_stores_nothing() {
    let server = Server::start("attack_cut", &[]);
    server.put_file("obj.jpg", &jpeg());
    for head in [
        "PUT /obj.jpg HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n0123456789",
        "PUT /obj.jpg HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\n\r\n0123456789",
        "PUT /new.jpg HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n",
    ] {
        let mut s = TcpStream::connect(&server.addr).unwrap();
        s.write_all(head.as_bytes()).unwrap();
        drop(s); // the client goes away mid-body
    }
    // The server sees each connection close; once the spool folder stays empty (a
    // connection it has not read yet may still start a spool file), it is done.
    let tmp = server.dir.join("bucket/.imgstrip-serve/tmp");
    let mut empty_polls = 0;
    for _ in 0..600 {
        if std::fs::read_dir(&tmp).unwrap().next().is_none() {
            empty_polls += 1;
            if empty_polls == 10 {
                break;
            }
        } else {
            empty_polls = 0;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        std::fs::read_dir(&tmp).unwrap().next().is_none(),
        "spooled bodies removed"
    );
    assert_eq!(
        server.read("obj.jpg"),
        jpeg(),
        "the old object is untouched"
    );
    assert!(!server.exists("new.jpg"));
    assert!(server.alive());
}

/// Two different `Content-Length`s, a negative one, one past 2^64: 400, nothing stored.
#[test]
fn bad_content_lengths_are_refused() {
    let server = Server::start("attack_length", &[]);
    for lengths in [
        "Content-Length: 3\r\nContent-Length: 30",
        "Content-Length: -1",
        "Content-Length: 18446744073709551616",
        "Content-Length: 3, 30",
        "Content-Length: 0x10",
    ] {
        let head = format!("PUT /x.jpg HTTP/1.1\r\nHost: x\r\n{lengths}\r\n\r\nabc");
        let answer = raw_bytes(&server, head.as_bytes());
        assert_eq!(status_of(&answer), 400, "{lengths}: {answer}");
    }
    assert!(!server.exists("x.jpg"));
    assert!(server.alive());
}

/// A JPEG of `mib` MiB of entropy-coded data, with the canary in an EXIF segment: its
/// stripped copy is as large as it.
fn big_jpeg(mib: usize) -> Vec<u8> {
    let mut v = jpeg();
    v.truncate(v.len() - 2); // EOI
    v.extend((0..mib << 20).map(|i| (i % 251) as u8 & 0x7F));
    v.extend_from_slice(&[0xFF, 0xD9]);
    v
}

/// A 40 MB JPEG over the input limit with five `ignore-error/1` rules is refused from its
/// headers (413) and never held in memory; a 30 MB one with five rules is stripped five
/// times with the input and one output in memory at a time (it peaked at 6.6× its size).
#[test]
fn an_upload_with_five_rules_holds_one_input_and_one_output() {
    let server = Server::start("attack_rules", &[]);
    let rules: Vec<(String, &str)> = (0..5)
        .map(|i| (format!("out{i}.jpg"), "imageMogr2/strip/ignore-error/1"))
        .collect();
    let rules: Vec<(&str, &str)> = rules.iter().map(|(f, r)| (f.as_str(), *r)).collect();
    let ops = pic_ops(&rules, 1);
    // A client sends the whole body before it reads: the server reads it to the end and
    // throws it away, so that the client gets the 413 rather than a broken pipe.
    let over = big_jpeg(40);
    let answer = put(&server, "/big.jpg", &[("Pic-Operations", &ops)], &over);
    answer.error(413, "EntityTooLarge");
    assert!(!server.exists("big.jpg"));
    let before = server.peak_rss_kib();
    assert!(before < SMALL_RSS_KIB, "{before} KiB");

    let input = big_jpeg(30);
    let answer = put(&server, "/big.jpg", &[("Pic-Operations", &ops)], &input);
    assert_eq!(answer.status, 200, "{}", answer.text());
    let stripped = server.read("out4.jpg");
    assert!(!contains(&stripped, CANARY) && stripped.len() > 30 << 20);
    let input_kib = (input.len() / 1024) as u64;
    let peak = server.peak_rss_kib();
    assert!(
        peak < before + input_kib * 5 / 2,
        "peak {peak} KiB for a {input_kib} KiB input (started at {before} KiB)"
    );
}

/// `?x-cos-process=image/info` and other processing APIs: 400, never the original.
#[test]
fn other_processing_parameters_are_refused() {
    let server = Server::start("attack_process", &[]);
    server.put_file("a.jpg", &jpeg());
    for query in [
        "x-cos-process=image/info",
        "imageInfo",
        "imageView2/1/w/100",
        "ci-process=originImage",
        "watermark/1",
        "exif",
        "imageMogr2/thumbnail/100x",
        "imageMogr2/strip&imageView2/0",
        "X-COS-PROCESS=image/info",
    ] {
        let answer = get(&server, &format!("/a.jpg?{query}"), &[]);
        answer.error(400, "InvalidArgument");
        assert!(!contains(&answer.body, CANARY), "{query}");
    }
}
