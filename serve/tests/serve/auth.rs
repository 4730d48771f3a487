//! The signer against worked examples; signed servers; `--strip-only`.

use crate::harness::*;
use crate::sign;

#[test]
fn signer_matches_worked_examples() {
    // The Tencent COS Go SDK's own test vector (auth_test.go, TestNewAuthorization).
    let headers = pairs(&[
        ("Host", "testbucket-125000000.cos.ap-guangzhou.myqcloud.com"),
        (
            "x-cos-content-sha1",
            "db8ac1c259eb89d4a131b253bacfca5f319d54f2",
        ),
        ("x-cos-stroage-class", "nearline"),
    ]);
    let http = sign::http_string("PUT", "/testfile2", &[], &headers);
    let sig = sign::signature(
        "AKIDZfbOA78asKUYBcXFrJD0a1ICvR98JM",
        "1480932292;1481012292",
        &http,
    );
    assert_eq!(sig, "ce4ac0ecbcdb30538b3fee0a97cc6389694ce53a");

    // Computed with Python's hmac and hashlib from the COS "Request Signature" steps
    // (urllib.parse.quote(s, safe='-_.~') as UrlEncode): a stripped download of a key with a
    // space and a non-ASCII letter, then the same key without the processing parameter.
    let secret = ("AKIDexample", "secret-key-example");
    let path = "/photos/été 1.jpg";
    let params = pairs(&[("imageMogr2/strip", "")]);
    let headers = pairs(&[("Host", "127.0.0.1:8080")]);
    let http = sign::http_string("GET", path, &params, &headers);
    assert_eq!(
        http,
        "get\n/photos/été 1.jpg\nimagemogr2%2fstrip=\nhost=127.0.0.1%3A8080\n"
    );
    let key_time = "1700000000;1700003600";
    assert_eq!(
        sign::sign_key(secret.1, key_time),
        "9c8d6bd65792a2f720f7f6019c40645b7ffbb025"
    );
    let auth = sign::authorize(
        secret,
        (1_700_000_000, 1_700_003_600),
        "GET",
        path,
        &params,
        &headers,
    );
    assert_eq!(
        auth,
        "q-sign-algorithm=sha1&q-ak=AKIDexample&q-sign-time=1700000000;1700003600\
         &q-key-time=1700000000;1700003600&q-header-list=host\
         &q-url-param-list=imagemogr2%2fstrip&q-signature=fd97cd755659b3636d20271ccc21868406d44341"
    );
    let original = sign::http_string("GET", path, &[], &headers);
    assert_eq!(
        sign::signature(secret.1, key_time, &original),
        "0549882f9bec986949e673fc0ec8fbca48e8fbc6"
    );

    // And the verifier accepts what the signer wrote, at a time inside the range only.
    let parsed = sign::Authorization::parse(&auth).unwrap();
    let request = sign::Verify {
        method: "GET",
        path,
        params: &params,
        headers: &headers,
        must_sign: &[],
        unsigned_ok: None,
    };
    let check = |now| parsed.verify(secret, now, &request);
    assert_eq!(check(1_700_000_100), Ok(()));
    assert_eq!(check(1_700_003_601), Err(sign::AuthError::Expired));
    let wrong = parsed.verify(("AKIDexample", "other"), 1_700_000_100, &request);
    assert_eq!(wrong, Err(sign::AuthError::Mismatch));
}

// ---------------------------------------------------------------------------------------
// Signatures and --strip-only
// ---------------------------------------------------------------------------------------

#[test]
fn signed_requests_only() {
    let server = Server::start("signed", &["--secret-id", ID, "--secret-key", KEY]);
    server.put_file("photos/a.jpg", &jpeg());
    let strip = [("imageMogr2/strip", "")];
    let auth = authorization(&server, valid(), "GET", "/photos/a.jpg", &strip, &[]);

    // Unsigned: refused, even for a key that does not exist.
    get(&server, "/photos/a.jpg?imageMogr2/strip", &[]).error(403, "AccessDenied");
    get(&server, "/nothing.jpg", &[]).error(403, "AccessDenied");

    // Valid, in the header and in the query string.
    let ok = get(
        &server,
        "/photos/a.jpg?imageMogr2/strip",
        &[("Authorization", &auth)],
    );
    assert_eq!((ok.status, ok.body), (200, stripped_jpeg()));
    let url = format!("/photos/a.jpg?imageMogr2/strip&{}", query_auth(&auth));
    let ok = get(&server, &url, &[]);
    assert_eq!((ok.status, ok.body), (200, stripped_jpeg()));

    // Tampered to the original: the same signature without the processing parameter.
    let original = get(&server, "/photos/a.jpg", &[("Authorization", &auth)]);
    original.error(403, "SignatureDoesNotMatch");
    assert!(!contains(&original.body, CANARY));
    let tampered = url.replace("imageMogr2/strip&", "");
    get(&server, &tampered, &[]).error(403, "SignatureDoesNotMatch");
    // Or another key, or an added parameter.
    server.put_file("photos/b.jpg", &jpeg());
    let other = get(
        &server,
        "/photos/b.jpg?imageMogr2/strip",
        &[("Authorization", &auth)],
    );
    other.error(403, "SignatureDoesNotMatch");
    let added = get(&server, &format!("{url}&response-content-type=x"), &[]);
    added.error(403, "AccessDenied");

    // Expired, not yet valid, wrong secret key, unknown secret id, malformed.
    let expired = authorization(
        &server,
        (now() - 7200, now() - 3600),
        "GET",
        "/photos/a.jpg",
        &strip,
        &[],
    );
    let answer = get(
        &server,
        "/photos/a.jpg?imageMogr2/strip",
        &[("Authorization", &expired)],
    );
    answer.error(403, "AccessDenied");
    assert!(answer.text().contains("Request has expired"));
    let early = authorization(
        &server,
        (now() + 3600, now() + 7200),
        "GET",
        "/photos/a.jpg",
        &strip,
        &[],
    );
    get(
        &server,
        "/photos/a.jpg?imageMogr2/strip",
        &[("Authorization", &early)],
    )
    .error(403, "AccessDenied");
    let mut headers = pairs(&[("host", &server.addr)]);
    let wrong = sign::authorize(
        (ID, "not-the-key"),
        valid(),
        "GET",
        "/photos/a.jpg",
        &pairs(&strip),
        &headers,
    );
    get(
        &server,
        "/photos/a.jpg?imageMogr2/strip",
        &[("Authorization", &wrong)],
    )
    .error(403, "SignatureDoesNotMatch");
    let stranger = sign::authorize(
        ("AKIDother", KEY),
        valid(),
        "GET",
        "/photos/a.jpg",
        &pairs(&strip),
        &headers,
    );
    get(
        &server,
        "/photos/a.jpg?imageMogr2/strip",
        &[("Authorization", &stranger)],
    )
    .error(403, "InvalidAccessKeyId");
    for malformed in [
        "nonsense".to_owned(),
        auth.replace("q-sign-algorithm=sha1", "q-sign-algorithm=md5"),
        auth.replace("q-key-time=", "q-key-time=x"),
        auth.replace("&q-ak=", "&q-ak2="),
        auth[..auth.len() - 1].to_owned(),
        auth.to_ascii_uppercase()
            .replace("Q-", "q-")
            .replace("SHA1", "sha1"),
    ] {
        let answer = get(
            &server,
            "/photos/a.jpg?imageMogr2/strip",
            &[("Authorization", &malformed)],
        );
        answer.error(403, "AccessDenied");
        assert!(
            answer.text().contains("malformed signature"),
            "{malformed}: {}",
            answer.text()
        );
    }

    // Upload: Pic-Operations must be signed, as it says where the results go.
    let ops = pic_ops(&[("clean.jpg", "imageMogr2/strip")], 1);
    let unsigned_ops = authorization(&server, valid(), "PUT", "/photos/up.jpg", &[], &[]);
    let answer = put(
        &server,
        "/photos/up.jpg",
        &[("Authorization", &unsigned_ops), ("Pic-Operations", &ops)],
        &jpeg(),
    );
    answer.error(403, "AccessDenied");
    assert!(answer.text().contains("pic-operations must be signed"));
    headers.push(("pic-operations".to_owned(), ops.clone()));
    let signed = sign::authorize((ID, KEY), valid(), "PUT", "/photos/up.jpg", &[], &headers);
    let answer = put(
        &server,
        "/photos/up.jpg",
        &[("Authorization", &signed), ("Pic-Operations", &ops)],
        &jpeg(),
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(server.read("photos/clean.jpg"), stripped_jpeg());
    // The signed header cannot be changed.
    let ops2 = pic_ops(&[("/elsewhere.jpg", "imageMogr2/strip")], 1);
    let answer = put(
        &server,
        "/photos/up.jpg",
        &[("Authorization", &signed), ("Pic-Operations", &ops2)],
        &jpeg(),
    );
    answer.error(403, "SignatureDoesNotMatch");
    assert!(!server.exists("elsewhere.jpg"));
}

#[test]
fn strip_only_serves_stripped_images_only() {
    let server = Server::start("strip_only", &["--strip-only"]);
    server.put_file("a.jpg", &jpeg());
    server.put_file("wide.png", &wide_png());
    let refused = get(&server, "/a.jpg", &[]);
    refused.error(403, "AccessDenied");
    assert!(!contains(&refused.body, CANARY));
    get(&server, "/a.jpg?response-content-type=image/jpeg", &[]).error(403, "AccessDenied");
    let ok = get(&server, "/a.jpg?imageMogr2/strip", &[]);
    assert_eq!((ok.status, ok.body), (200, stripped_jpeg()));
    // Over a limit with ignore-error would answer the original: refused too.
    let ignored = get(&server, "/wide.png?imageMogr2/strip/ignore-error/1", &[]);
    ignored.error(403, "AccessDenied");
    assert!(!contains(&ignored.body, CANARY));
    get(&server, "/wide.png?imageMogr2/strip", &[]).error(413, "ImageTooLarge");
    // Uploads still store their originals, which are then served stripped only.
    let ops = pic_ops(&[("b-clean.jpg", "imageMogr2/strip")], 1);
    assert_eq!(
        put(&server, "/b.jpg", &[("Pic-Operations", &ops)], &jpeg()).status,
        200
    );
    get(&server, "/b.jpg", &[]).error(403, "AccessDenied");
    assert_eq!(
        get(&server, "/b-clean.jpg?imageMogr2/strip", &[]).body,
        stripped_jpeg()
    );
}
