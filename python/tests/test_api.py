"""Every function, argument and exception of the imgstrip package, on images built here."""

from __future__ import annotations

import pickle
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest

import imgstrip
from images import (
    CLEAN_PNG,
    GIF_WITH_COMMENT,
    IDAT,
    IEND,
    IHDR,
    PNG_SIGNATURE,
    PNG_WITH_METADATA,
    chunk,
    png,
)


def test_exports():
    assert imgstrip.__version__ == "0.1.0"
    assert set(imgstrip.__all__) <= set(dir(imgstrip))
    assert imgstrip.keep_names() == ["orientation", "icc", "gain_map", "copyright", "display"]


# --- strip -----------------------------------------------------------------------------------


def test_strip_removes_metadata_and_keeps_the_image():
    out = imgstrip.strip(PNG_WITH_METADATA)
    assert isinstance(out, bytes)
    assert out == CLEAN_PNG
    for kind in (b"eXIf", b"tEXt", b"tIME", b"hello"):
        assert kind not in out


@pytest.mark.parametrize("wrap", [bytes, bytearray, memoryview, lambda b: memoryview(b"xx" + b)[2:]])
def test_strip_takes_any_buffer(wrap):
    assert imgstrip.strip(wrap(PNG_WITH_METADATA)) == CLEAN_PNG
    assert imgstrip.inspect(wrap(PNG_WITH_METADATA)).bytes_removed == len(PNG_WITH_METADATA) - len(
        CLEAN_PNG
    )
    assert imgstrip.detect(wrap(PNG_WITH_METADATA)) == "png"


@pytest.mark.parametrize("bad", ["a string", 12, None, [1, 2]])
def test_strip_refuses_what_is_not_a_buffer(bad):
    with pytest.raises(TypeError):
        imgstrip.strip(bad)


def test_strip_is_idempotent():
    once = imgstrip.strip(PNG_WITH_METADATA)
    assert imgstrip.strip(once) == once
    assert imgstrip.inspect(once).removed == []


def test_arguments_are_keyword_only():
    with pytest.raises(TypeError):
        imgstrip.strip(CLEAN_PNG, ["icc"])  # type: ignore[misc]


# --- keep ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "keep", [["orientation"], ("orientation",), "orientation", "ORIENTATION", "display", "icc,orientation", {"display"}]
)
def test_keep_orientation(keep):
    out = imgstrip.strip(PNG_WITH_METADATA, keep=keep)
    assert b"eXIf" in out, keep
    assert b"tEXt" not in out and b"tIME" not in out
    report = imgstrip.inspect(PNG_WITH_METADATA, keep=keep)
    assert "exif" not in report.removed
    assert report.removed == ["comment", "timestamp"]


@pytest.mark.parametrize("keep", [(), [], "", None, ["icc"], ["gain_map"], ["gain-map"], ["copyright"]])
def test_keep_other_flags_drop_orientation(keep):
    assert imgstrip.strip(PNG_WITH_METADATA, keep=keep) == CLEAN_PNG


def test_keep_icc():
    iccp = chunk(b"iCCP", b"my profile\x00\x00" + b"x\x9c\x03\x00\x00\x00\x00\x01")
    data = png(iccp)
    assert b"iCCP" not in imgstrip.strip(data)
    kept = imgstrip.strip(data, keep=["icc"])
    assert b"iCCP" in kept and b"my profile" not in kept  # kept under a neutral name
    assert imgstrip.inspect(data, keep="icc").removed == []
    assert imgstrip.inspect(data).removed == ["icc"]


@pytest.mark.parametrize("keep", [["gps"], "orientation,gps", [""], ["display", "everything"]])
def test_unknown_keep_name_is_value_error(keep):
    if keep == [""]:  # an empty item is ignored, as in the CLI's comma lists
        assert imgstrip.strip(CLEAN_PNG, keep=keep) == CLEAN_PNG
        return
    with pytest.raises(ValueError, match="unknown keep flag"):
        imgstrip.strip(CLEAN_PNG, keep=keep)
    with pytest.raises(ValueError, match="unknown keep flag"):
        imgstrip.inspect(CLEAN_PNG, keep=keep)


def test_keep_of_wrong_type_is_type_error():
    with pytest.raises(TypeError):
        imgstrip.strip(CLEAN_PNG, keep=3)
    with pytest.raises(TypeError):
        imgstrip.strip(CLEAN_PNG, keep=[b"icc"])


# --- limits ----------------------------------------------------------------------------------


def big_png(width: int, height: int) -> bytes:
    """A PNG that declares a large canvas (its IDAT is not checked by a strip)."""
    import struct

    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    return PNG_SIGNATURE + ihdr + chunk(b"tEXt", b"a\x00b") + IDAT + IEND


def test_limits_cos_is_the_default():
    wide = big_png(50_001, 1)
    for kwargs in ({}, {"limits": "cos"}):
        with pytest.raises(imgstrip.LimitExceeded) as e:
            imgstrip.strip(wide, **kwargs)
        assert e.value.offset == 16 and e.value.format == "png"
        assert "width is 50001, over the maximum 50000" in str(e.value)
    assert imgstrip.inspect(big_png(50_000, 1)).width == 50_000


def test_limits_none_lifts_every_limit():
    wide = big_png(50_001, 10_000)
    report = imgstrip.inspect(wide, limits=None)
    assert (report.width, report.height) == (50_001, 10_000)
    assert b"tEXt" not in imgstrip.strip(wide, limits=None)


def test_limits_dict_sets_named_fields_of_the_default():
    data = big_png(100, 100)
    with pytest.raises(imgstrip.LimitExceeded, match="over the maximum 99"):
        imgstrip.strip(data, limits={"max_dimension": 99})
    with pytest.raises(imgstrip.LimitExceeded, match="over the maximum 9999"):
        imgstrip.strip(data, limits={"max_pixels": 9_999})
    with pytest.raises(imgstrip.LimitExceeded) as e:
        imgstrip.strip(data, limits={"max_input_bytes": 10})
    assert "input size" in str(e.value)
    # The other fields stay the COS defaults; None lifts one limit.
    with pytest.raises(imgstrip.LimitExceeded):
        imgstrip.strip(big_png(50_001, 1), limits={"max_pixels": 10**12})
    assert imgstrip.inspect(big_png(50_001, 1), limits={"max_dimension": None}).width == 50_001
    assert imgstrip.strip(data, limits={}) == imgstrip.strip(data)
    for key in ("max_webp_dimension", "max_animation_pixels", "max_gif_frames"):
        assert imgstrip.strip(data, limits={key: 1}) == imgstrip.strip(data)
    with pytest.raises(imgstrip.LimitExceeded, match="GIF width"):
        imgstrip.strip(GIF_WITH_COMMENT, limits={"max_dimension": 0})


@pytest.mark.parametrize(
    "limits",
    [{"max_frames": 1}, {"max_dimension": -1}, {"max_dimension": 2**32}, {"max_pixels": "1"}, "none", "COS", {1: 2}],
)
def test_bad_limits_are_value_errors(limits):
    with pytest.raises(ValueError) as e:
        imgstrip.strip(CLEAN_PNG, limits=limits)
    assert not isinstance(e.value, imgstrip.Error)


def test_bad_limits_type_is_type_error():
    with pytest.raises(TypeError):
        imgstrip.strip(CLEAN_PNG, limits=[("max_dimension", 1)])


def test_ignore_limit_errors_returns_the_input_unchanged():
    data = big_png(100, 100)
    assert imgstrip.strip(data, limits={"max_dimension": 99}, ignore_limit_errors=True) == data
    out, report = imgstrip.strip_with_report(
        data, limits={"max_dimension": 99}, ignore_limit_errors=True
    )
    assert out == data and report.untouched and report.format == "png"
    # Malformed input is an error either way.
    with pytest.raises(imgstrip.Malformed):
        imgstrip.strip(PNG_SIGNATURE + IDAT + IEND, ignore_limit_errors=True)


# --- inspect, strip_with_report and the Report -----------------------------------------------


def test_inspect_report_fields():
    r = imgstrip.inspect(PNG_WITH_METADATA)
    assert isinstance(r, imgstrip.Report)
    assert r.format == "png"
    assert r.removed == ["exif", "comment", "timestamp"]
    assert r.found == ["comment"]
    assert r.not_kept == []
    assert r.bytes_removed == len(PNG_WITH_METADATA) - len(CLEAN_PNG)
    assert (r.width, r.height, r.frames) == (1, 1, 1)
    assert (r.truncated, r.untouched) == (False, False)
    assert r.to_dict() == {
        "format": "png",
        "removed": ["exif", "comment", "timestamp"],
        "found": ["comment"],
        "not_kept": [],
        "bytes_removed": r.bytes_removed,
        "width": 1,
        "height": 1,
        "frames": 1,
        "truncated": False,
        "untouched": False,
    }
    assert repr(r) == (
        "Report(format='png', width=1, height=1, frames=1, removed=['exif', 'comment', "
        f"'timestamp'], found=['comment'], bytes_removed={r.bytes_removed})"
    )
    with pytest.raises(AttributeError):
        r.width = 2  # type: ignore[misc]


def test_gif_report():
    r = imgstrip.inspect(GIF_WITH_COMMENT)
    assert (r.format, r.removed, r.found, r.bytes_removed) == ("gif", ["comment"], ["comment"], 6)


def test_not_kept_names_the_flag():
    # An author's credit in a compressed PNG text chunk cannot be carried over.
    xmp = zlib.compress(b"<dc:creator>Ann Author</dc:creator>")
    data = png(chunk(b"zTXt", b"XML:com.adobe.xmp\x00\x00" + xmp))
    r = imgstrip.inspect(data, keep=["copyright"])
    assert (r.removed, r.not_kept) == (["xmp"], ["copyright"])
    assert "not_kept=['copyright']" in repr(r)
    assert imgstrip.inspect(data).not_kept == []
    assert imgstrip.strip(data, keep=["copyright"]) == CLEAN_PNG


def test_found_names():
    data = png(chunk(b"tEXt", b"Author\x00Ann Author"), chunk(b"tEXt", b"Software\x00Paint"))
    assert imgstrip.inspect(data).found == ["person", "software"]


def test_strip_with_report_agrees_with_strip_and_inspect():
    out, report = imgstrip.strip_with_report(PNG_WITH_METADATA, keep="orientation")
    assert out == imgstrip.strip(PNG_WITH_METADATA, keep="orientation")
    assert report == imgstrip.inspect(PNG_WITH_METADATA, keep="orientation")
    assert hash(report) == hash(imgstrip.inspect(PNG_WITH_METADATA, keep="orientation"))
    assert report != imgstrip.inspect(PNG_WITH_METADATA)
    assert report != "not a report"


# --- detect ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, name",
    [
        (b"\xff\xd8\xff\xe0", "jpeg"),
        (PNG_SIGNATURE, "png"),
        (b"GIF87a", "gif"),
        (b"GIF89a", "gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"BM" + bytes(12), "bmp"),
        (b"BM", None),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "heif"),
        (b"\x00\x00\x00\x18ftypavif\x00\x00\x00\x00mif1avif", "avif"),
        (b"\xff\x0a\xfa", "jxl"),
        (b"\x00\x00\x00\x0cJXL \x0d\x0a\x87\x0a", "jxl"),
        (b"", None),
        (b"hello", None),
    ],
)
def test_detect(data, name):
    assert imgstrip.detect(data) == name


# --- errors ----------------------------------------------------------------------------------

ERROR_CASES = [
    (b"hello", imgstrip.UnknownFormat, None, None, "unknown format: no supported signature at byte 0"),
    (GIF_WITH_COMMENT[:8], imgstrip.Truncated, 8, "gif", "truncated GIF at byte 8: 2 more bytes needed"),
    (
        PNG_SIGNATURE + chunk(b"IHDR", b"\0" * 5) + IDAT + IEND,
        imgstrip.Malformed,
        16,
        "png",
        "malformed PNG at byte 16: IHDR is not 13 bytes long",
    ),
    (
        png(chunk(b"ZZZZ", b"")),
        imgstrip.Unsupported,
        37,
        "png",
        'unsupported PNG at byte 37: unknown critical chunk "ZZZZ"',
    ),
    (
        big_png(50_001, 1),
        imgstrip.LimitExceeded,
        16,
        "png",
        "PNG width is 50001, over the maximum 50000 (at byte 16)",
    ),
]


@pytest.mark.parametrize("data, cls, offset, fmt, message", ERROR_CASES)
@pytest.mark.parametrize("call", ["strip", "strip_with_report", "inspect"])
def test_errors(call, data, cls, offset, fmt, message):
    with pytest.raises(cls) as e:
        getattr(imgstrip, call)(data)
    err = e.value
    assert type(err) is cls
    assert isinstance(err, imgstrip.Error) and isinstance(err, ValueError)
    assert (err.offset, err.format) == (offset, fmt)
    assert str(err) == message
    assert repr(err) == f"{cls.__name__}({message!r}, offset={offset!r}, format={fmt!r})"
    # Errors cross process boundaries (Dask, multiprocessing) with their attributes.
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cls and (back.offset, back.format, str(back)) == (offset, fmt, message)


def test_error_classes():
    assert issubclass(imgstrip.Error, ValueError)
    for cls in (imgstrip.UnknownFormat, imgstrip.Truncated, imgstrip.Malformed, imgstrip.Unsupported, imgstrip.LimitExceeded):
        assert issubclass(cls, imgstrip.Error)
        assert cls.__module__ == "imgstrip._errors"
    e = imgstrip.Malformed("made by hand")
    assert (e.offset, e.format, str(e)) == (None, None, "made by hand")


# --- threads ---------------------------------------------------------------------------------


def test_thread_pool_gives_the_single_threaded_results():
    inputs = [PNG_WITH_METADATA, GIF_WITH_COMMENT, CLEAN_PNG, big_png(64, 64)] * 50
    single = [imgstrip.strip_with_report(d) for d in inputs]
    with ThreadPoolExecutor(4) as pool:
        pooled = list(pool.map(imgstrip.strip_with_report, inputs))
    assert pooled == single
