"""The Python package gives the Rust library's results over the whole corpus: byte for byte
the output of the `imgstrip` CLI built from this workspace, the same errors, the same report
(the CLI's --report JSON), alone and in a thread pool."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import List, Tuple, Union

import imgstrip
from conftest import CORPUS, KEEPS, Expected, corpus_files

import pytest

# One test per corpus file (and one that fails under CI=true when the corpus is missing).
FILES = corpus_files() or [CORPUS / "missing"]


def python_result(path: Path, keep: str) -> Union[Tuple[bytes, imgstrip.Report], imgstrip.Error]:
    try:
        return imgstrip.strip_with_report(path.read_bytes(), keep=keep)
    except imgstrip.Error as e:
        return e


def test_corpus_is_there(corpus: List[Path]):
    assert len(corpus) > 200
    for folder in ("jpeg", "png", "gif", "webp", "bmp", "heif", "avif", "malformed"):
        assert any(p.parent.name == folder or folder in p.parts for p in corpus), folder


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_same_as_the_library(path: Path, corpus: List[Path], expected: Expected):
    data = path.read_bytes()
    for keep in KEEPS:
        want = expected[(path, keep)]
        got = python_result(path, keep)
        if want.error is not None:
            assert isinstance(got, imgstrip.Error), (keep, got)
            assert str(got) == want.error
            assert got.offset is None or f"at byte {got.offset}" in want.error
            assert got.format is None or got.format == imgstrip.detect(data)
            with pytest.raises(type(got)):
                imgstrip.inspect(data, keep=keep)
            continue
        assert not isinstance(got, imgstrip.Error), (keep, got)
        out, report = got
        assert out == want.output, f"{path} keep={keep!r}: output differs from the CLI's"
        j = want.report
        assert j is not None
        assert report.format == j["format"].lower() == imgstrip.detect(data)
        assert report.removed == j["removed"]
        assert report.found == j["found"]
        assert report.not_kept == j["not_kept"]
        assert report.bytes_removed == j["bytes_removed"] == len(data) - len(out) or (
            report.bytes_removed == 0 and len(out) > len(data)
        )
        assert (report.width, report.height, report.frames) == (j["width"], j["height"], j["frames"])
        assert (report.truncated, report.untouched) == (j["truncated"], j["untouched"])
        assert (j["bytes_before"], j["bytes_after"]) == (len(data), len(out))
        # inspect walks without writing and reports the same; bytearray input is the same.
        assert imgstrip.inspect(data, keep=keep) == report
        assert imgstrip.strip(bytearray(data), keep=keep) == out


def test_thread_pool_equals_single_thread(corpus: List[Path]):
    def run(path: Path):
        result = python_result(path, "display")
        if isinstance(result, imgstrip.Error):
            return (type(result), str(result), result.offset, result.format)
        return result

    single = [run(p) for p in corpus]
    with ThreadPoolExecutor(2) as pool:
        pooled = list(pool.map(run, corpus))
    assert pooled == single
    with ThreadPoolExecutor(8) as pool:
        pooled = list(pool.map(run, corpus * 2))
    assert pooled == single * 2
