"""examples/dask_strip.py on a LocalCluster of 2 worker processes, over a copy of the corpus:
every output is the library's (and the CLI's) output, every file has one report line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List

import imgstrip
from conftest import CORPUS, REPO, Expected

SCRIPT = REPO / "python" / "examples" / "dask_strip.py"


def test_dask_strip_over_the_corpus(corpus: List[Path], expected: Expected, tmp_path: Path):
    src, dst, report = tmp_path / "src", tmp_path / "dst", tmp_path / "report.jsonl"
    shutil.copytree(CORPUS, src)
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(src), str(dst), "--report", str(report), "--workers", "2"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    # The malformed/ files fail, so the run exits 1 and names them.
    assert proc.returncode == 1, proc.stderr
    records = {}
    for line in report.read_text().splitlines():
        record = json.loads(line)
        assert record["path"] not in records
        records[record["path"]] = record
    rels = sorted(str(p.relative_to(CORPUS)) for p in corpus)
    assert sorted(records) == rels

    counts = {"stripped": 0, "skipped": 0, "failed": 0}
    for path in corpus:
        rel = str(path.relative_to(CORPUS))
        record, out = records[rel], dst / rel
        data = path.read_bytes()
        want = expected[(path, "")]
        if imgstrip.detect(data[:4096]) is None and data[4:8] != b"ftyp":
            counts["skipped"] += 1
            assert record == {"path": rel, "skipped": "not an image (unknown format)"}
            assert not out.exists()
            continue
        try:
            clean, report = imgstrip.strip_with_report(data)
        except imgstrip.Error as e:
            counts["failed"] += 1
            assert want.error == str(e)
            assert record == {
                "path": rel,
                "error": str(e),
                "error_class": type(e).__name__,
                "offset": e.offset,
                "format": e.format,
            }
            assert not out.exists()
            assert f"{rel}: {e}" in proc.stderr
            continue
        counts["stripped"] += 1
        assert out.read_bytes() == clean == want.output, rel
        assert record["output"] == str(out)
        assert record["bytes_before"] == len(data) and record["bytes_after"] == len(clean)
        assert {k: record[k] for k in report.to_dict()} == report.to_dict()
    assert counts["stripped"] > 200 and counts["failed"] > 10 and counts["skipped"] >= 2
    assert (
        f"{counts['stripped']} stripped, {counts['skipped']} skipped (not images), "
        f"{counts['failed']} failed" in proc.stderr
    )


def test_dask_strip_on_a_running_scheduler(tmp_path: Path):
    """--scheduler ADDRESS: the tasks run on that cluster (here 2 worker threads of this
    process), --keep reaches them, and the folder layout is kept."""
    from dask.distributed import LocalCluster

    src, dst = tmp_path / "src", tmp_path / "dst"
    (src / "deep" / "er").mkdir(parents=True)
    from images import PNG_WITH_METADATA

    (src / "deep" / "er" / "a.png").write_bytes(PNG_WITH_METADATA)
    (src / "b.png").write_bytes(PNG_WITH_METADATA)
    (src / "notes.txt").write_text("not an image")
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1", dashboard_address=None
    ) as cluster:
        proc = subprocess.run(
            [sys.executable, str(SCRIPT), str(src), str(dst), "--scheduler", cluster.scheduler_address, "--keep", "orientation"],
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert proc.returncode == 0, proc.stderr
    want = imgstrip.strip(PNG_WITH_METADATA, keep=["orientation"])
    assert b"eXIf" in want
    assert (dst / "deep" / "er" / "a.png").read_bytes() == want
    assert (dst / "b.png").read_bytes() == want
    assert sorted(p.name for p in dst.rglob("*")) == ["a.png", "b.png", "deep", "er"]
    assert "2 stripped, 1 skipped (not images), 0 failed" in proc.stderr
