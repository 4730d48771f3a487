"""imgstrip-serve against the official Tencent COS Python SDK (cos-python-sdk-v5 1.9.44).

Each test drives the SDK's own calls at a freshly started server over an empty temporary
bucket folder and checks what the SDK hands back (return values, parsed XML, error codes)
and what landed in the folder. Stripped images are checked twice: `imgstrip inspect` must
say "no metadata", and `exiftool -j` must show no EXIF, XMP, GPS, ICC, IPTC or comment.

Modes:
  domain  CosConfig(Region, SecretId, SecretKey, Domain='127.0.0.1:PORT', Scheme='http'),
          signed server
  ip      CosConfig(Region, SecretId, SecretKey, IP='127.0.0.1', Port=PORT), signed server
  anon    CosConfig(Anonymous=True, Domain=...), unsigned server

Environment:
  IMGSTRIP_SERVE  the server binary [target/release/imgstrip-serve under the workspace]
  IMGSTRIP_CLI    the imgstrip CLI [target/release/imgstrip under the workspace]
  SDK_TABLE       a file to append the result-table rows to (see conftest.py)
"""
import base64
import hashlib
import http.client
import io
import json
import os
import random
import re
import selectors
import shutil
import struct
import subprocess
import time
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import crcmod
import pytest
from PIL import Image
from qcloud_cos import CosConfig, CosS3Client
from qcloud_cos.cos_exception import CosServiceError

WORKSPACE = Path(__file__).resolve().parents[4]
SECRET_ID = "AKIDtest"
SECRET_KEY = "imgstripTestSecretKey0123456789abcdef"
WRONG_KEY = "wrongSecretKey0000000000000000000000"
BUCKET = "examplebucket-1250000000"
REGION = "ap-guangzhou"
MIB = 1024 * 1024
SAMPLE = WORKSPACE / "examples" / "data" / "sample.jpg"

crc64 = crcmod.mkCrcFun(0x142F0E1EBA9EA3693, initCrc=0, xorOut=0xFFFFFFFFFFFFFFFF, rev=True)


# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------


def binary(env, default):
    p = Path(os.environ.get(env) or WORKSPACE / default)
    if not p.is_file():
        pytest.exit("%s not found (build it, or set %s)" % (p, env), returncode=2)
    return str(p)


def md5hex(data):
    return hashlib.md5(data).hexdigest()


def file_md5(path):
    h = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(MIB), b""):
            h.update(chunk)
    return h.hexdigest()


def read_body(resp):
    return resp["Body"].get_raw_stream().read()


FORBIDDEN_GROUPS = {"EXIF", "XMP", "ICC_Profile", "IPTC", "Photoshop", "MakerNotes"}


def metadata_tags(path):
    """The tags exiftool sees that are metadata: EXIF, XMP, GPS, ICC, IPTC, comments."""
    out = subprocess.run(["exiftool", "-j", "-G0:1", str(path)], capture_output=True, check=True)
    tags = json.loads(out.stdout)[0]
    bad = []
    for name in tags:
        groups = name.split(":")
        if groups[0] in FORBIDDEN_GROUPS or "GPS" in name or name.endswith(":Comment"):
            bad.append(name)
    return bad


def inspect(path):
    out = subprocess.run([CLI, "inspect", str(path)], capture_output=True, text=True)
    assert out.returncode == 0, "imgstrip inspect failed: %s" % out.stderr
    return out.stdout.strip()


def assert_clean(path):
    """`imgstrip inspect` says no metadata, exiftool sees none; returns a short summary."""
    said = inspect(path)
    assert said.endswith("no metadata"), "imgstrip inspect: %s" % said
    bad = metadata_tags(path)
    assert not bad, "exiftool still sees %s" % bad[:8]
    return said.split(": ", 1)[1]


def raw_get(url, headers=None):
    """GET a URL as the SDK made it, byte for byte: (status, headers, body)."""
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        conn.request("GET", u.path + ("?" + u.query if u.query else ""), headers=headers or {})
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


def service_error(excinfo):
    e = excinfo.value
    return e.get_status_code(), e.get_error_code()


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def over_limit_png(width=60000):
    """A valid 60000x1 RGB PNG (IHDR, a tEXt comment, a tiny IDAT): over the 50000 px limit."""
    ihdr = struct.pack(">IIBBBBB", width, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" + b"\0" * (width * 3), 9)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
            + png_chunk(b"tEXt", b"Comment\0secret location 48.85N 2.29E")
            + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b""))


def jpeg_of_size(size, seed):
    """A real JPEG of exactly `size` bytes: random noise at quality 100, brought to the
    exact length with COM segments after SOI."""
    rnd = random.Random(seed)
    pixels = size // 4  # noise at q100, 4:4:4 is about 4 bytes a pixel
    while True:
        side = int(pixels ** 0.5)
        im = Image.frombytes("RGB", (side, side), rnd.randbytes(side * side * 3))
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=100, subsampling=0)
        data = buf.getvalue()
        if len(data) + 4 <= size:
            break
        pixels = int(pixels * size / len(data) * 0.97)
    pad = size - len(data)
    segments = []
    while pad:
        n = min(pad, 65537)  # 2 marker + 2 length + at most 65533 data bytes
        if 0 < pad - n < 4:
            n -= 4
        segments.append(b"\xff\xfe" + struct.pack(">H", n - 2) + b"c" * (n - 4))
        pad -= n
    out = data[:2] + b"".join(segments) + data[2:]
    assert len(out) == size
    return out


class Server:
    """imgstrip-serve on 127.0.0.1:<free port> over `root`."""

    def __init__(self, root, log, signed):
        cmd = [SERVE, str(root), "--listen", "127.0.0.1:0"]
        if signed:
            cmd += ["--secret-id", SECRET_ID, "--secret-key", SECRET_KEY]
        self.root = Path(root)
        self.log = log
        self.err = open(log, "wb")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.err)
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        line = b""
        deadline = time.monotonic() + 20
        while b"\n" not in line:
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(timeout=left):
                self.stop()
                raise RuntimeError("imgstrip-serve printed no address: %r" % line)
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                self.stop()
                raise RuntimeError("imgstrip-serve exited: %s" % Path(log).read_text())
            line += chunk
        sel.close()
        m = re.search(rb"listening on http://([0-9.]+):(\d+)", line)
        assert m, line
        self.host = m.group(1).decode()
        self.port = int(m.group(2))

    def path(self, key):
        return self.root / key

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.err.close()


def make_client(mode, port, key=SECRET_KEY):
    if mode == "domain":
        conf = CosConfig(Region=REGION, SecretId=SECRET_ID, SecretKey=key,
                         Domain="127.0.0.1:%d" % port, Scheme="http")
    elif mode == "ip":
        conf = CosConfig(Region=REGION, SecretId=SECRET_ID, SecretKey=key,
                         IP="127.0.0.1", Port=port, Scheme="http")
    elif mode == "anon":
        conf = CosConfig(Region=REGION, Anonymous=True, Domain="127.0.0.1:%d" % port, Scheme="http")
    else:
        raise ValueError(mode)
    return CosS3Client(conf)


# ---------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------

SERVE = binary("IMGSTRIP_SERVE", "target/release/imgstrip-serve")
CLI = binary("IMGSTRIP_CLI", "target/release/imgstrip")


@pytest.fixture(scope="session")
def data(tmp_path_factory):
    """Input files: a photo with every kind of metadata, big JPEGs, an over-limit PNG."""
    d = tmp_path_factory.mktemp("data")
    photo = SAMPLE.read_bytes()
    # The test is only worth something if the photo carries what must be removed.
    p = d / "photo.jpg"
    p.write_bytes(photo)
    seen = metadata_tags(p)
    for group in ("EXIF:IFD0", "EXIF:GPS", "XMP:", "ICC_Profile:", "IPTC:", "File:Comment"):
        assert any(t.startswith(group) for t in seen), "sample.jpg lacks %s" % group
    big20 = d / "big20.jpg"
    big20.write_bytes(jpeg_of_size(20 * MIB, 20))
    big25 = d / "big25.jpg"
    big25.write_bytes(jpeg_of_size(25 * MIB, 25))
    return {"photo": photo, "big20": big20, "big25": big25, "png": over_limit_png(), "dir": d}


@pytest.fixture(scope="module")
def signed_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("bucket-signed")
    srv = Server(root, str(root) + ".log", signed=True)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def unsigned_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("bucket-unsigned")
    srv = Server(root, str(root) + ".log", signed=False)
    yield srv
    srv.stop()


@pytest.fixture(params=["domain", "ip"])
def signed(request, signed_server):
    """(mode, client, server) for each signed configuration."""
    return request.param, make_client(request.param, signed_server.port), signed_server


@pytest.fixture
def anon(unsigned_server):
    return "anon", make_client("anon", unsigned_server.port), unsigned_server


@pytest.fixture(params=["domain", "ip", "anon"])
def any_mode(request, signed_server, unsigned_server):
    srv = unsigned_server if request.param == "anon" else signed_server
    return request.param, make_client(request.param, srv.port), srv


@pytest.fixture
def tmp(tmp_path):
    return tmp_path


# ---------------------------------------------------------------------------------------
# Plain object calls
# ---------------------------------------------------------------------------------------


def test_put_object(any_mode, data, step):
    mode, c, srv = any_mode
    key = "%s/put/photo.jpg" % mode
    with step(mode, "put_object") as st:
        r = c.put_object(Bucket=BUCKET, Body=data["photo"], Key=key)
        assert r["ETag"] == '"%s"' % md5hex(data["photo"])
        assert r["x-cos-hash-crc64ecma"] == str(crc64(data["photo"]))
        assert srv.path(key).read_bytes() == data["photo"]
        st.detail = "ETag %s = quoted md5, crc64 ok, stored bytes equal" % r["ETag"]


def test_get_object(any_mode, data, step):
    mode, c, srv = any_mode
    key = "%s/get/photo.jpg" % mode
    c.put_object(Bucket=BUCKET, Body=data["photo"], Key=key)
    with step(mode, "get_object") as st:
        r = c.get_object(Bucket=BUCKET, Key=key)
        body = read_body(r)
        assert body == data["photo"]
        assert r["Content-Length"] == str(len(data["photo"]))
        assert r["ETag"] == '"%s"' % md5hex(data["photo"])
        assert r["Content-Type"] == "image/jpeg"
        st.detail = "%d bytes equal, Content-Type %s" % (len(body), r["Content-Type"])


def test_get_object_range(signed, data, step):
    mode, c, srv = signed
    key = "%s/range/photo.jpg" % mode
    c.put_object(Bucket=BUCKET, Body=data["photo"], Key=key)
    n = len(data["photo"])
    with step(mode, "get_object Range='bytes=0-9'") as st:
        r = c.get_object(Bucket=BUCKET, Key=key, Range="bytes=0-9")
        assert read_body(r) == data["photo"][:10]
        assert r["Content-Range"] == "bytes 0-9/%d" % n
        assert r["Content-Length"] == "10"
        st.detail = "10 bytes, Content-Range %s" % r["Content-Range"]
    with step(mode, "get_object Range='bytes=100-'") as st:
        r = c.get_object(Bucket=BUCKET, Key=key, Range="bytes=100-")
        assert read_body(r) == data["photo"][100:]
        assert r["Content-Range"] == "bytes 100-%d/%d" % (n - 1, n)
        st.detail = "%d bytes, Content-Range %s" % (n - 100, r["Content-Range"])
    with step(mode, "get_object Range past the end") as st:
        with pytest.raises(CosServiceError) as e:
            c.get_object(Bucket=BUCKET, Key=key, Range="bytes=%d-" % (n + 10))
        assert service_error(e) == (416, "InvalidRange")
        st.detail = "416 InvalidRange"


def test_head_object(any_mode, data, step):
    mode, c, srv = any_mode
    key = "%s/head/photo.jpg" % mode
    c.put_object(Bucket=BUCKET, Body=data["photo"], Key=key)
    with step(mode, "head_object") as st:
        r = c.head_object(Bucket=BUCKET, Key=key)
        # exact-case keys: download_file and user code index the dict this way
        assert r["Content-Length"] == str(len(data["photo"]))
        assert r["ETag"] == '"%s"' % md5hex(data["photo"])
        assert r["Content-Type"] == "image/jpeg"
        assert re.match(r"^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$", r["Last-Modified"]), r["Last-Modified"]
        assert r["x-cos-hash-crc64ecma"] == str(crc64(data["photo"]))
        assert r.get("x-cos-request-id")
        st.detail = "Content-Length %s, ETag %s, Last-Modified, crc64" % (r["Content-Length"], r["ETag"])


def test_object_exists(any_mode, data, step):
    mode, c, srv = any_mode
    key = "%s/exists/photo.jpg" % mode
    c.put_object(Bucket=BUCKET, Body=data["photo"], Key=key)
    with step(mode, "object_exists (present, missing)") as st:
        assert c.object_exists(Bucket=BUCKET, Key=key) is True
        assert c.object_exists(Bucket=BUCKET, Key=key + ".missing") is False
        st.detail = "True, False"


def test_delete_object(any_mode, data, step):
    mode, c, srv = any_mode
    key = "%s/delete/photo.jpg" % mode
    c.put_object(Bucket=BUCKET, Body=data["photo"], Key=key)
    with step(mode, "delete_object") as st:
        c.delete_object(Bucket=BUCKET, Key=key)
        assert not srv.path(key).exists()
        assert c.object_exists(Bucket=BUCKET, Key=key) is False
        st.detail = "file removed, object_exists False"
    with step(mode, "delete_object (missing key)") as st:
        c.delete_object(Bucket=BUCKET, Key=key)
        st.detail = "no error (204)"


def test_missing_key(any_mode, step):
    mode, c, srv = any_mode
    key = "%s/missing/nothing.jpg" % mode
    with step(mode, "get_object missing key") as st:
        with pytest.raises(CosServiceError) as e:
            c.get_object(Bucket=BUCKET, Key=key)
        assert service_error(e) == (404, "NoSuchKey")
        assert e.value.get_request_id() not in ("", "Unknown")
        assert e.value.get_resource_location() not in ("", "Unknown")
        st.detail = "404 NoSuchKey, RequestId %s" % e.value.get_request_id()
    with step(mode, "head_object missing key") as st:
        with pytest.raises(CosServiceError) as e:
            c.head_object(Bucket=BUCKET, Key=key)
        # the SDK makes up NoSuchResource for a HEAD 404 (there is no body)
        assert service_error(e) == (404, "NoSuchResource")
        assert e.value.get_request_id()
        assert e.value.get_trace_id()
        st.detail = "404 %s (SDK-made code), request and trace ids" % e.value.get_error_code()


def test_wrong_secret_key(signed, data, step):
    mode, c, srv = signed
    bad = make_client(mode, srv.port, key=WRONG_KEY)
    key = "%s/wrongkey/photo.jpg" % mode
    c.put_object(Bucket=BUCKET, Body=data["photo"], Key=key)
    with step(mode, "get_object with a wrong SecretKey") as st:
        with pytest.raises(CosServiceError) as e:
            bad.get_object(Bucket=BUCKET, Key=key)
        assert service_error(e) == (403, "SignatureDoesNotMatch")
        st.detail = "403 SignatureDoesNotMatch"
    with step(mode, "put_object with a wrong SecretKey") as st:
        with pytest.raises(CosServiceError) as e:
            bad.put_object(Bucket=BUCKET, Body=b"x", Key=key + ".bad")
        assert service_error(e) == (403, "SignatureDoesNotMatch")
        assert not srv.path(key + ".bad").exists()
        st.detail = "403 SignatureDoesNotMatch, nothing stored"
    with step(mode, "head_object with a wrong SecretKey") as st:
        with pytest.raises(CosServiceError) as e:
            bad.head_object(Bucket=BUCKET, Key=key)
        assert service_error(e) == (403, "SignatureDoesNotMatch")
        st.detail = "403, code from x-cos-error-code"


def test_anonymous_refused_by_signed_server(signed_server, data, step):
    c = make_client("anon", signed_server.port)
    with step("anon", "get_object on the signed server") as st:
        with pytest.raises(CosServiceError) as e:
            c.get_object(Bucket=BUCKET, Key="anything.jpg")
        status, code = service_error(e)
        assert status == 403, (status, code)
        st.detail = "403 %s" % code


def test_anonymous_presigned_url_is_client_side_error(anon, step):
    mode, c, srv = anon
    with step(mode, "get_presigned_url (Anonymous)") as st:
        with pytest.raises(ValueError):
            c.get_presigned_url(Bucket=BUCKET, Key="x.jpg", Method="GET")
        st.detail = "ValueError raised by the SDK itself (no request sent; SDK limitation)"


# ---------------------------------------------------------------------------------------
# Listing
# ---------------------------------------------------------------------------------------

LIST_NAMES = ["a.txt", "b c.txt", "100%.txt", "plus+sign.txt", "semi;colon.txt",
              "sub/x.txt", "sub/y.txt", "中文/文件 1.txt"]


@pytest.fixture
def listed(any_mode):
    mode, c, srv = any_mode
    prefix = "%s/list/" % mode
    for i, name in enumerate(LIST_NAMES):
        c.put_object(Bucket=BUCKET, Body=b"x" * (i + 1), Key=prefix + name)
    return mode, c, srv, prefix


def test_list_objects_prefix(listed, step):
    mode, c, srv, prefix = listed
    with step(mode, "list_objects Prefix (keys with space, %, +, ;, unicode)") as st:
        r = c.list_objects(Bucket=BUCKET, Prefix=prefix)
        keys = [o["Key"] for o in r["Contents"]]
        assert keys == sorted(prefix + n for n in LIST_NAMES), keys
        assert r["IsTruncated"] == "false"
        assert r["Prefix"] == prefix
        for o in r["Contents"]:
            i = LIST_NAMES.index(o["Key"][len(prefix):])
            assert o["Size"] == str(i + 1)
            assert o["ETag"] == '"%s"' % md5hex(b"x" * (i + 1))
        st.detail = "%d keys, exact names, Size and ETag" % len(keys)


def test_list_objects_paging(listed, step):
    mode, c, srv, prefix = listed
    want = sorted(prefix + n for n in LIST_NAMES)
    with step(mode, "list_objects MaxKeys=3 + Marker paging") as st:
        got, marker, pages = [], "", 0
        while True:
            r = c.list_objects(Bucket=BUCKET, Prefix=prefix, Marker=marker, MaxKeys=3)
            page = [o["Key"] for o in r.get("Contents", [])]
            assert len(page) <= 3
            got += page
            pages += 1
            if r["IsTruncated"] != "true":
                break
            assert r["NextMarker"] == page[-1]
            marker = r["NextMarker"]
            assert pages < 10
        assert got == want, got
        st.detail = "%d pages, NextMarker = last key, all %d keys once" % (pages, len(got))
    with step(mode, "list_objects Marker=<a key with % and space>") as st:
        r = c.list_objects(Bucket=BUCKET, Prefix=prefix, Marker=prefix + "b c.txt")
        keys = [o["Key"] for o in r["Contents"]]
        assert keys == [k for k in want if k > prefix + "b c.txt"], keys
        assert r["Marker"] == prefix + "b c.txt"
        st.detail = "%d keys after the marker" % len(keys)


def test_list_objects_delimiter(listed, step):
    mode, c, srv, prefix = listed
    with step(mode, "list_objects Delimiter='/'") as st:
        r = c.list_objects(Bucket=BUCKET, Prefix=prefix, Delimiter="/")
        keys = [o["Key"] for o in r.get("Contents", [])]
        prefixes = [p["Prefix"] for p in r.get("CommonPrefixes", [])]
        assert keys == sorted(prefix + n for n in LIST_NAMES if "/" not in n), keys
        assert prefixes == [prefix + "sub/", prefix + "中文/"], prefixes
        st.detail = "%d keys, CommonPrefixes %s" % (len(keys), [p[len(prefix):] for p in prefixes])


# ---------------------------------------------------------------------------------------
# Stripping: on download, on upload, in the cloud
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", ["imageMogr2/strip", "imageMogr2/strip/ignore-error/1"])
def test_ci_get_object_strip(any_mode, data, tmp, step, rule):
    mode, c, srv = any_mode
    key = "%s/ci_get/photo.jpg" % mode
    c.put_object(Bucket=BUCKET, Body=data["photo"], Key=key)
    dest = tmp / "stripped.jpg"
    with step(mode, "ci_get_object Rule=%s" % rule) as st:
        r = c.ci_get_object(Bucket=BUCKET, Key=key, DestImagePath=str(dest), Rule=rule)
        out = dest.read_bytes()
        assert out[:2] == b"\xff\xd8" and len(out) < len(data["photo"])
        assert int(r["Content-Length"]) == len(out)
        what = assert_clean(dest)
        assert srv.path(key).read_bytes() == data["photo"], "the stored object changed"
        st.detail = "%d -> %d bytes, clean (%s), stored object unchanged" % (len(data["photo"]), len(out), what)


@pytest.mark.parametrize("how", ["get_presigned_url", "get_presigned_download_url"])
def test_presigned_url_strip(signed, data, tmp, step, how):
    mode, c, srv = signed
    key = "%s/presigned/photo dir/photo.jpg" % mode
    c.put_object(Bucket=BUCKET, Body=data["photo"], Key=key)
    for params in ({"imageMogr2/strip": ""}, {"imageMogr2/strip/ignore-error/1": ""}):
        with step(mode, "%s Params=%s, fetched" % (how, params)) as st:
            if how == "get_presigned_url":
                url = c.get_presigned_url(Bucket=BUCKET, Key=key, Method="GET", Params=params)
            else:
                url = c.get_presigned_download_url(Bucket=BUCKET, Key=key, Params=params)
            status, headers, body = raw_get(url)
            assert status == 200, (status, body[:300])
            dest = tmp / "presigned.jpg"
            dest.write_bytes(body)
            what = assert_clean(dest)
            st.detail = "200, %d bytes, clean (%s)" % (len(body), what)
    with step(mode, "%s (no Params), fetched" % how) as st:
        if how == "get_presigned_url":
            url = c.get_presigned_url(Bucket=BUCKET, Key=key, Method="GET")
        else:
            url = c.get_presigned_download_url(Bucket=BUCKET, Key=key)
        status, headers, body = raw_get(url)
        assert status == 200, (status, body[:300])
        assert body == data["photo"]
        st.detail = "200, original bytes"


def test_presigned_url_wrong_key(signed, data, step):
    mode, c, srv = signed
    key = "%s/presigned-bad/photo.jpg" % mode
    c.put_object(Bucket=BUCKET, Body=data["photo"], Key=key)
    bad = make_client(mode, srv.port, key=WRONG_KEY)
    with step(mode, "get_presigned_url signed with a wrong SecretKey, fetched") as st:
        url = bad.get_presigned_url(Bucket=BUCKET, Key=key, Method="GET", Params={"imageMogr2/strip": ""})
        status, headers, body = raw_get(url)
        assert status == 403
        assert b"<Code>SignatureDoesNotMatch</Code>" in body
        st.detail = "403 SignatureDoesNotMatch"


def pic_ops(*fileids, rule="imageMogr2/strip"):
    return json.dumps({"is_pic_info": 1, "rules": [{"fileid": f, "rule": rule} for f in fileids]})


def test_put_object_pic_operations(any_mode, data, step):
    mode, c, srv = any_mode
    key = "%s/upload/photo.jpg" % mode
    with step(mode, "put_object PicOperations (fileid clean.jpg)") as st:
        r = c.put_object(Bucket=BUCKET, Body=data["photo"], Key=key, PicOperations=pic_ops("clean.jpg"))
        assert srv.path(key).read_bytes() == data["photo"], "the original is not stored as sent"
        clean = srv.path("%s/upload/clean.jpg" % mode)
        what = assert_clean(clean)
        st.detail = "original stored, %s/upload/clean.jpg clean (%s)" % (mode, what)
        # put_object hands back the response headers; its docs print response['ETag'].
        assert r["ETag"] == '"%s"' % md5hex(data["photo"])


def test_ci_put_object_upload_result(any_mode, data, step):
    mode, c, srv = any_mode
    key = "%s/ci_put/photo.jpg" % mode
    absolute = "/%s/ci_put_abs/clean.jpg" % mode
    with step(mode, "ci_put_object PicOperations (2 rules), UploadResult") as st:
        r, result = c.ci_put_object(Bucket=BUCKET, Body=data["photo"], Key=key,
                                    PicOperations=pic_ops("clean.jpg", absolute))
        orig = result["OriginalInfo"]
        assert orig["Key"] == key
        assert orig["ETag"] == '"%s"' % md5hex(data["photo"])
        assert orig["ImageInfo"]["Format"] == "jpg"
        assert (orig["ImageInfo"]["Width"], orig["ImageInfo"]["Height"]) == ("160", "120")
        objs = result["ProcessResults"]["Object"]
        assert isinstance(objs, list) and len(objs) == 2, objs
        assert [o["Key"] for o in objs] == ["%s/ci_put/clean.jpg" % mode, absolute[1:]]
        for o in objs:
            f = srv.path(o["Key"])
            assert o["ETag"] == '"%s"' % file_md5(f)
            assert o["Size"] == str(f.stat().st_size)
            assert_clean(f)
        assert srv.path(key).read_bytes() == data["photo"]
        st.detail = "OriginalInfo + 2 ProcessResults (Key/ETag/Size match the files, both clean)"
    with step(mode, "ci_put_object PicOperations fileid = the key itself") as st:
        same = "%s/ci_put/self.jpg" % mode
        r, result = c.ci_put_object(Bucket=BUCKET, Body=data["photo"], Key=same,
                                    PicOperations=pic_ops("self.jpg"))
        assert result["ProcessResults"]["Object"]["Key"] == same
        what = assert_clean(srv.path(same))
        st.detail = "only the stripped image kept (%s)" % what


def test_ci_image_process(any_mode, data, step):
    mode, c, srv = any_mode
    key = "%s/cloud/photo.jpg" % mode
    c.put_object(Bucket=BUCKET, Body=data["photo"], Key=key)
    with step(mode, "ci_image_process (in-cloud) PicOperations") as st:
        r, result = c.ci_image_process(Bucket=BUCKET, Key=key, PicOperations=pic_ops("clean.jpg"))
        obj = result["ProcessResults"]["Object"]
        assert obj["Key"] == "%s/cloud/clean.jpg" % mode
        f = srv.path(obj["Key"])
        assert obj["ETag"] == '"%s"' % file_md5(f)
        what = assert_clean(f)
        assert result["OriginalInfo"]["Key"] == key
        assert srv.path(key).read_bytes() == data["photo"]
        st.detail = "UploadResult parsed, %s clean (%s), original unchanged" % (obj["Key"], what)
    with step(mode, "ci_image_process on a missing key") as st:
        with pytest.raises(CosServiceError) as e:
            c.ci_image_process(Bucket=BUCKET, Key=key + ".missing", PicOperations=pic_ops("x.jpg"))
        assert service_error(e) == (404, "NoSuchKey")
        st.detail = "404 NoSuchKey"


def test_over_limit_image(signed, data, tmp, step):
    mode, c, srv = signed
    key = "%s/limit/wide.png" % mode
    png = data["png"]
    c.put_object(Bucket=BUCKET, Body=png, Key=key)
    with step(mode, "ci_get_object imageMogr2/strip on a 60000 px PNG") as st:
        with pytest.raises(CosServiceError) as e:
            c.ci_get_object(Bucket=BUCKET, Key=key, DestImagePath=str(tmp / "a.png"), Rule="imageMogr2/strip")
        assert service_error(e) == (413, "ImageTooLarge")
        st.detail = "413 ImageTooLarge"
    with step(mode, "ci_get_object imageMogr2/strip/ignore-error/1 on a 60000 px PNG") as st:
        c.ci_get_object(Bucket=BUCKET, Key=key, DestImagePath=str(tmp / "b.png"),
                        Rule="imageMogr2/strip/ignore-error/1")
        assert (tmp / "b.png").read_bytes() == png
        st.detail = "original bytes (%d) unchanged" % len(png)
    with step(mode, "ci_put_object PicOperations strip of a 60000 px PNG") as st:
        with pytest.raises(CosServiceError) as e:
            c.ci_put_object(Bucket=BUCKET, Body=png, Key="%s/limit/up.png" % mode,
                            PicOperations=pic_ops("up-clean.png"))
        assert service_error(e) == (413, "ImageTooLarge")
        assert not srv.path("%s/limit/up-clean.png" % mode).exists()
        st.detail = "413 ImageTooLarge, nothing stored"
    with step(mode, "ci_put_object PicOperations strip/ignore-error/1 of a 60000 px PNG") as st:
        r, result = c.ci_put_object(Bucket=BUCKET, Body=png, Key="%s/limit/up2.png" % mode,
                                    PicOperations=pic_ops("up2-out.png", rule="imageMogr2/strip/ignore-error/1"))
        assert srv.path("%s/limit/up2-out.png" % mode).read_bytes() == png
        assert result["ProcessResults"]["Object"]["Key"] == "%s/limit/up2-out.png" % mode
        st.detail = "fileid holds the original bytes"


# ---------------------------------------------------------------------------------------
# Big files: multipart upload, simple and ranged download
# ---------------------------------------------------------------------------------------


def test_upload_file_20mib(signed, data, step):
    mode, c, srv = signed
    key = "%s/big/upload 20MiB.jpg" % mode
    local = data["big20"]
    with step(mode, "upload_file 20 MiB JPEG (multipart, 1 MiB parts, 5 threads)") as st:
        r = c.upload_file(Bucket=BUCKET, Key=key, LocalFilePath=str(local))
        assert file_md5(srv.path(key)) == file_md5(local), "stored bytes differ"
        # CompleteMultipartUploadResult, parsed by the SDK
        assert r["Key"] == key and r["Bucket"], r
        # COS itself answers "<md5 of the part md5s>-N"; this server answers the md5 of
        # the whole object. The SDKs never check it; it must be what HEAD says.
        assert re.match(r'^"[0-9a-f]{32}(-20)?"$', r["ETag"]), r["ETag"]
        h = c.head_object(Bucket=BUCKET, Key=key)
        assert h["Content-Length"] == str(20 * MIB)
        assert h["ETag"] == r["ETag"]
        st.detail = "stored bytes equal, Complete ETag %s = HEAD ETag" % r["ETag"]
    with step(mode, "ci_get_object imageMogr2/strip of the 20 MiB upload") as st:
        dest = data["dir"] / ("strip20-%s.jpg" % mode)
        c.ci_get_object(Bucket=BUCKET, Key=key, DestImagePath=str(dest), Rule="imageMogr2/strip")
        what = assert_clean(dest)
        st.detail = "%d bytes, clean (%s)" % (dest.stat().st_size, what)


@pytest.mark.parametrize("size,kw", [
    (20, {}),
    (25, {}),
    (25, {"EnableCRC": True}),
    (20, {"PartSize": 1, "EnableCRC": True}),
])
def test_download_file(signed, data, tmp, step, size, kw):
    mode, c, srv = signed
    src = data["big%d" % size]
    key = "%s/big/download %d.jpg" % (mode, size)
    if not srv.path(key).exists():
        srv.path(key).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, srv.path(key))
    dest = tmp / "dl.jpg"
    how = "single GET" if size * MIB <= kw.get("PartSize", 20) * MIB else "ranged GETs"
    with step(mode, "download_file %d MiB %s(%s)" % (size, " ".join("%s=%s" % i for i in kw.items()) + " " if kw else "", how)) as st:
        c.download_file(Bucket=BUCKET, Key=key, DestFilePath=str(dest), DumpRecordDir=str(tmp), **kw)
        assert file_md5(dest) == file_md5(src)
        st.detail = "bytes equal" + (", CRC-64 checked by the SDK" if kw.get("EnableCRC") and how == "ranged GETs" else "")


def part_puts(srv, key):
    """How many PUTs of `key` the server has logged (its stderr: `id METHOD /path status`)."""
    path = "/" + key
    with open(srv.log, "rb") as f:
        return sum(1 for line in f if line.split()[1:3] == [b"PUT", path.encode()])


def test_upload_file_resume(signed_server, data, step):
    """upload_file finds an unfinished upload (ListMultipartUploads), checks its parts
    (ListParts: ETag = quoted md5, Size) and sends only the missing ones."""
    mode = "domain"
    c = make_client(mode, signed_server.port)
    key = "%s/big/resume20.jpg" % mode
    local = data["big20"]
    with step(mode, "upload_file 20 MiB resuming an upload with parts 1-2 (create_multipart_upload, upload_part)") as st:
        uid = c.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
        with open(local, "rb") as f:
            for n in (1, 2):
                r = c.upload_part(Bucket=BUCKET, Key=key, Body=f.read(MIB), PartNumber=n, UploadId=uid)
                assert r["ETag"].strip('"') and len(r["ETag"]) == 34
        before = part_puts(signed_server, key)
        # The SDK resumes: ListMultipartUploads, then ListParts with its paging parameters.
        c.upload_file(Bucket=BUCKET, Key=key, LocalFilePath=str(local))
        sent = part_puts(signed_server, key) - before
        assert file_md5(signed_server.path(key)) == file_md5(local)
        assert sent == 18, "the SDK sent %d parts, not the 18 missing ones" % sent
        st.detail = "ListMultipartUploads + ListParts matched, 18 parts sent, bytes equal"


def test_multipart_list_and_abort(signed_server, data, step):
    mode = "domain"
    c = make_client(mode, signed_server.port)
    key = "%s/big/abort me.jpg" % mode
    uid = c.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
    c.upload_part(Bucket=BUCKET, Key=key, Body=b"x" * MIB, PartNumber=1, UploadId=uid)
    with step(mode, "list_multipart_uploads Prefix=<key>") as st:
        r = c.list_multipart_uploads(Bucket=BUCKET, Prefix=key)
        ups = r.get("Upload", [])
        ups = ups if isinstance(ups, list) else [ups]
        assert [(u["Key"], u["UploadId"]) for u in ups] == [(key, uid)], ups
        st.detail = "the one upload, key decoded"
    with step(mode, "abort_multipart_upload") as st:
        c.abort_multipart_upload(Bucket=BUCKET, Key=key, UploadId=uid)
        r = c.list_multipart_uploads(Bucket=BUCKET, Prefix=key)
        assert not r.get("Upload"), r
        with pytest.raises(CosServiceError) as e:
            c.upload_part(Bucket=BUCKET, Key=key, Body=b"x", PartNumber=2, UploadId=uid)
        assert service_error(e) == (404, "NoSuchUpload")
        st.detail = "gone from the list; upload_part then 404 NoSuchUpload"


def test_upload_file_enable_md5(signed_server, data, step):
    mode = "domain"
    c = make_client(mode, signed_server.port)
    key = "%s/big/md5-20.jpg" % mode
    with step(mode, "upload_file 20 MiB EnableMD5=True PartSize=5 (Content-MD5 on each part)") as st:
        c.upload_file(Bucket=BUCKET, Key=key, LocalFilePath=str(data["big20"]), PartSize=5, EnableMD5=True)
        assert file_md5(signed_server.path(key)) == file_md5(data["big20"])
        st.detail = "4 parts, stored bytes equal"


def test_put_object_bad_content_md5(signed, data, step):
    mode, c, srv = signed
    key = "%s/md5/photo.jpg" % mode
    with step(mode, "put_object EnableMD5=True") as st:
        r = c.put_object(Bucket=BUCKET, Body=data["photo"], Key=key, EnableMD5=True)
        assert r["ETag"] == '"%s"' % md5hex(data["photo"])
        st.detail = "Content-MD5 accepted"
    with step(mode, "put_object ContentMD5=<md5 of other bytes>") as st:
        wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
        with pytest.raises(CosServiceError) as e:
            c.put_object(Bucket=BUCKET, Body=data["photo"], Key=key + ".bad", ContentMD5=wrong)
        status, code = service_error(e)
        assert status == 400 and code in ("BadDigest", "InvalidDigest"), (status, code)
        assert not srv.path(key + ".bad").exists()
        st.detail = "%d %s, nothing stored" % (status, code)


def test_get_object_response_headers(signed, data, step):
    mode, c, srv = signed
    key = "%s/resp/photo.jpg" % mode
    c.put_object(Bucket=BUCKET, Body=data["photo"], Key=key)
    with step(mode, "get_object ResponseContentType + ResponseContentDisposition") as st:
        r = c.get_object(Bucket=BUCKET, Key=key, ResponseContentType="application/octet-stream",
                         ResponseContentDisposition='attachment; filename="a b.jpg"')
        assert read_body(r) == data["photo"]
        assert r["Content-Type"] == "application/octet-stream"
        assert r["Content-Disposition"] == 'attachment; filename="a b.jpg"'
        st.detail = "Content-Type and Content-Disposition set"
    with step(mode, "get_presigned_url Params response-content-disposition (space as +, ;), fetched") as st:
        url = c.get_presigned_url(Bucket=BUCKET, Key=key, Method="GET",
                                  Params={"response-content-disposition": 'attachment; filename="a b.jpg"',
                                          "imageMogr2/strip": ""})
        status, headers, body = raw_get(url)
        assert status == 200, (status, body[:300])
        assert headers.get("Content-Disposition") == 'attachment; filename="a b.jpg"'
        dest = srv.root.parent / ("resp-%s.jpg" % mode)
        dest.write_bytes(body)
        st.detail = "200, Content-Disposition set, clean (%s)" % assert_clean(dest)


def test_presigned_url_expired(signed_server, data, step):
    mode = "domain"
    c = make_client(mode, signed_server.port)
    key = "%s/expired/photo.jpg" % mode
    c.put_object(Bucket=BUCKET, Body=data["photo"], Key=key)
    with step(mode, "get_presigned_url Expired=1, fetched 2 s later") as st:
        # the SDK signs now-60 .. now+Expired
        url = c.get_presigned_url(Bucket=BUCKET, Key=key, Method="GET", Expired=1,
                                  Params={"imageMogr2/strip": ""})
        time.sleep(2.1)
        status, headers, body = raw_get(url)
        assert status == 403, (status, body[:200])
        code = re.search(rb"<Code>(.*?)</Code>", body).group(1).decode()
        msg = re.search(rb"<Message>(.*?)</Message>", body).group(1).decode()
        assert code == "AccessDenied", code
        st.detail = "403 %s (%s)" % (code, msg)


def test_upload_file_pic_operations(signed_server, data, step):
    """upload_file of a file over PartSize sends PicOperations with the Initiate
    (POST ?uploads) only; the Complete carries no Pic-Operations."""
    mode = "domain"
    c = make_client(mode, signed_server.port)
    key = "%s/big/pic20.jpg" % mode
    fileid = "%s/big/pic20-clean.jpg" % mode
    with step(mode, "upload_file 20 MiB PicOperations (strip on a multipart upload)") as st:
        c.upload_file(Bucket=BUCKET, Key=key, LocalFilePath=str(data["big20"]),
                          PicOperations=pic_ops("/" + fileid))
        assert file_md5(signed_server.path(key)) == file_md5(data["big20"])
        # The SDK sends Pic-Operations on Initiate only: it must not be lost by Complete.
        assert signed_server.path(fileid).exists(), "Pic-Operations of Initiate not applied"
        st.detail = "clean (%s)" % assert_clean(signed_server.path(fileid))


def padded_photo(photo, size):
    """The sample photo brought to `size` bytes with COM segments after SOI (still a JPEG)."""
    pad = size - len(photo)
    segs = []
    while pad:
        n = min(pad, 65537)
        if 0 < pad - n < 4:
            n -= 4
        segs.append(b"\xff\xfe" + struct.pack(">H", n - 2) + b"p" * (n - 4))
        pad -= n
    return photo[:2] + b"".join(segs) + photo[2:]


def test_over_size_image(signed_server, data, tmp, step):
    """Over the 32 MiB input limit: refused on upload (from Content-Length), refused on
    download unless ignore-error/1."""
    mode = "domain"
    c = make_client(mode, signed_server.port)
    big = padded_photo(data["photo"], 33 * MIB)
    with step(mode, "ci_put_object PicOperations of a 33 MiB image") as st:
        with pytest.raises(CosServiceError) as e:
            c.ci_put_object(Bucket=BUCKET, Body=big, Key="%s/size/up.jpg" % mode, PicOperations=pic_ops("up-clean.jpg"))
        status, code = service_error(e)
        assert status == 413, (status, code)
        assert not signed_server.path("%s/size/up.jpg" % mode).exists()
        st.detail = "413 %s, nothing stored" % code
    key = "%s/size/big.jpg" % mode
    signed_server.path(key).parent.mkdir(parents=True, exist_ok=True)
    signed_server.path(key).write_bytes(big)
    with step(mode, "ci_get_object imageMogr2/strip of a stored 33 MiB image") as st:
        with pytest.raises(CosServiceError) as e:
            c.ci_get_object(Bucket=BUCKET, Key=key, DestImagePath=str(tmp / "a.jpg"), Rule="imageMogr2/strip")
        assert service_error(e) == (413, "ImageTooLarge")
        st.detail = "413 ImageTooLarge"
    with step(mode, "ci_get_object imageMogr2/strip/ignore-error/1 of a stored 33 MiB image") as st:
        c.ci_get_object(Bucket=BUCKET, Key=key, DestImagePath=str(tmp / "b.jpg"), Rule="imageMogr2/strip/ignore-error/1")
        assert file_md5(tmp / "b.jpg") == md5hex(big)
        st.detail = "original bytes (33 MiB) unchanged"
