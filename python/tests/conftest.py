"""Shared fixtures: the corpus, the `imgstrip` CLI built from this workspace, and the CLI's
outputs over the corpus (the Rust library's own results, which the Python ones must equal).

The corpus is ``../shared/corpus`` relative to the repository root. When it (or the CLI) is
missing, the tests that need it skip, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Tuple

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
IN_CI = os.environ.get("CI", "").lower() == "true"

# The keep lists the corpus is checked with, as the CLI's --keep takes them.
KEEPS = ["", "display", "copyright"]


def need(condition: bool, why: str) -> None:
    """Skips the test when `condition` is false, or fails it under CI=true."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{why} (CI=true: a missing corpus or CLI fails the run)")
    pytest.skip(why)


def corpus_files() -> List[Path]:
    """Every file under the corpus, images and not (MANIFEST.tsv is an UnknownFormat)."""
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file())


def cli_path() -> Optional[Path]:
    """The `imgstrip` CLI: $IMGSTRIP_CLI, else the release build in the workspace's target."""
    if os.environ.get("IMGSTRIP_CLI"):
        return Path(os.environ["IMGSTRIP_CLI"])
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    if not target.is_absolute():
        target = REPO / target
    exe = target / "release" / "imgstrip"
    return exe if exe.is_file() else None


@pytest.fixture(scope="session")
def corpus() -> List[Path]:
    files = corpus_files()
    need(bool(files), f"corpus not found at {CORPUS}")
    return files


class Outcome(NamedTuple):
    """What the CLI did with one file: its output and --report line, or its error."""

    output: Optional[bytes]
    report: Optional[dict]
    error: Optional[str]


Expected = Dict[Tuple[Path, str], Outcome]


@pytest.fixture(scope="session")
def expected(corpus: List[Path], tmp_path_factory: pytest.TempPathFactory) -> Expected:
    """The CLI's output and JSON report (`imgstrip FILE -o OUT --report [--keep K]`) for every
    corpus file and keep list, or its error message (what it prints after `FILE: `)."""
    cli = cli_path()
    need(
        cli is not None and cli.is_file(),
        "imgstrip CLI not built: cargo build --release -p imgstrip-cli (or set IMGSTRIP_CLI)",
    )
    out_dir = tmp_path_factory.mktemp("cli")

    def run(job: Tuple[int, Path, str]) -> Tuple[Tuple[Path, str], Outcome]:
        i, path, keep = job
        out = out_dir / f"{i}.out"
        cmd = [str(cli), str(path), "-o", str(out), "--report"]
        if keep:
            cmd += ["--keep", keep]
        proc = subprocess.run(cmd, capture_output=True)
        if proc.returncode == 0:
            data = out.read_bytes()
            out.unlink()
            lines = proc.stdout.decode().splitlines()
            assert len(lines) == 1, lines
            return (path, keep), Outcome(data, json.loads(lines[0]), None)
        assert not out.exists(), f"the CLI failed on {path} but wrote {out}"
        message = proc.stderr.decode().strip().splitlines()[-1]
        prefix = f"{path}: "
        assert message.startswith(prefix), message
        return (path, keep), Outcome(None, None, message[len(prefix) :])

    jobs = [(i, p, k) for i, (p, k) in enumerate((p, k) for p in corpus for k in KEEPS)]
    with ThreadPoolExecutor(4) as pool:
        result = dict(pool.map(run, jobs))
    shutil.rmtree(out_dir, ignore_errors=True)
    return result
