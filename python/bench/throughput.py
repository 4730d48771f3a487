#!/usr/bin/env python3
"""Files per second over the corpus, all measured in one run:

- ``imgstrip.strip`` in one thread, and in a thread pool (``--threads``, 2 by default);
- Pillow's re-encode, ``Image.open(f).save(out, format=<same format>)`` without ``exif=``
  (pillow-heif opens and writes HEIF; Pillow's own plugin AVIF);
- ``exiftool -all= -o OUT IN``, one process per file.

imgstrip is measured twice: on bytes already in memory (``strip(data)`` alone), and as the
others are, reading each input file and writing an output file (inputs are in the page cache,
outputs go to a folder in /dev/shm, so disk writeback is not what is measured). The set of files is the
corpus files that ``imgstrip.strip`` strips (its malformed/ folder and the two text files
fail or are not images, and are left out for everyone); a tool that fails on a file counts
the file as done (the failure is reported), so its rate is over the same files.

    python python/bench/throughput.py [CORPUS] [--threads 2] [--seconds 3]

Prints a Markdown table and the machine.
"""

from __future__ import annotations

import argparse
import io
import warnings
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, List, Tuple

import imgstrip

REPO = Path(__file__).resolve().parents[2]


def images(corpus: Path) -> List[Path]:
    keep = []
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        try:
            imgstrip.strip(path.read_bytes())
        except imgstrip.Error:
            continue
        keep.append(path)
    return keep


def timed(
    files: List[Path], one: Callable[[int, Path], None], seconds: float, pool: int = 0
) -> Tuple[float, List[str]]:
    """Runs `one` over every file, pass after pass, until `seconds` have gone by (at least
    one whole pass); returns (files per second, the files that failed in the first pass)."""
    failures: List[str] = []
    done = 0
    passes = 0
    start = time.perf_counter()

    def safe(job: Tuple[int, Path]) -> bool:
        try:
            one(*job)
            return True
        except Exception:  # noqa: BLE001 - a failure is counted, not fatal
            return False

    while True:
        jobs = list(enumerate(files))
        if pool:
            with ThreadPoolExecutor(pool) as ex:
                ok = list(ex.map(safe, jobs))
        else:
            ok = [safe(j) for j in jobs]
        if passes == 0:
            failures = [str(f.relative_to(f.parents[1])) for f, good in zip(files, ok) if not good]
        passes += 1
        done += len(files)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", default=str(REPO.parent / "shared" / "corpus"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()

    from PIL import Image
    import pillow_heif

    pillow_heif.register_heif_opener()
    warnings.simplefilter("ignore")  # Pillow warns about MPO files it reads as JPEG

    files = images(Path(args.corpus))
    total = sum(p.stat().st_size for p in files)
    # Outputs go to tmpfs where there is one, so the disk's writeback (on a machine shared
    # with other builds) is not what is measured; inputs are in the page cache.
    shm = Path("/dev/shm")
    out = Path(tempfile.mkdtemp(prefix="imgstrip-bench-", dir=shm if shm.is_dir() else None))
    datas = [p.read_bytes() for p in files]  # also warms the page cache

    def strip_bytes(i: int, path: Path) -> None:
        imgstrip.strip(datas[i])

    def strip_file(i: int, path: Path) -> None:
        data = path.read_bytes()
        (out / f"s{i}").write_bytes(imgstrip.strip(data))

    def pillow(i: int, path: Path) -> None:
        with Image.open(path) as im:
            fmt = im.format
            im.load()
            buf = io.BytesIO()
            im.save(buf, format=fmt)
        (out / f"p{i}").write_bytes(buf.getvalue())

    def exiftool(i: int, path: Path) -> None:
        dst = out / f"e{i}{path.suffix}"
        if dst.exists():
            dst.unlink()
        subprocess.run(
            ["exiftool", "-q", "-q", "-all=", "-o", str(dst), str(path)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    load_before = os.getloadavg()
    # A warm-up pass creates every output file; then the two imgstrip runs alternate, three
    # rounds, and each keeps its median, so a burst of other load on this shared machine
    # does not land on one of them alone.
    timed(files, strip_file, 0)
    runs: List[List[Tuple[float, List[str]]]] = [[], [], [], []]
    for _ in range(3):
        runs[0].append(timed(files, strip_bytes, args.seconds))
        runs[1].append(timed(files, strip_bytes, args.seconds, pool=args.threads))
        runs[2].append(timed(files, strip_file, args.seconds))
        runs[3].append(timed(files, strip_file, args.seconds, pool=args.threads))
    for r in runs:
        r.sort(key=lambda x: x[0])
    rows = [
        ("imgstrip.strip(bytes), 1 thread",) + runs[0][1],
        (f"imgstrip.strip(bytes), {args.threads}-thread pool",) + runs[1][1],
        ("read file + imgstrip.strip + write file, 1 thread",) + runs[2][1],
        (f"read file + imgstrip.strip + write file, {args.threads}-thread pool",) + runs[3][1],
        ("Pillow re-encode (open + save, same format), 1 thread",) + timed(files, pillow, 0),
        ("exiftool -all= (one process per file)",) + timed(files, exiftool, 0),
    ]
    load_after = os.getloadavg()
    shutil.rmtree(out, ignore_errors=True)

    base = rows[0][1]
    print(f"{len(files)} files, {total / 1e6:.1f} MB ({args.corpus})\n")
    print("imgstrip rows: median of 3 alternating runs of at least", args.seconds, "s each.\n")
    print("| what | files/s | × first row | failed files |")
    print("| --- | ---: | ---: | ---: |")
    for name, rate, failed in rows:
        print(f"| {name} | {rate:,.1f} | {rate / base:.3g} | {len(failed)} |")
    for name, _, failed in rows:
        if failed:
            by_folder: dict = {}
            for f in failed:
                folder = f.split("/")[0]
                by_folder[folder] = by_folder.get(folder, 0) + 1
            print(f"\n{name} failed on: " + ", ".join(f"{k} {v}" for k, v in sorted(by_folder.items())))
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    exiftool_version = subprocess.run(["exiftool", "-ver"], capture_output=True, text=True).stdout.strip()
    import PIL

    print(
        f"\nMachine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, imgstrip {imgstrip.__version__}, "
        f"Pillow {PIL.__version__}, pillow-heif {pillow_heif.__version__}, exiftool {exiftool_version}. "
        f"Load average (1 min) {load_before[0]:.2f} before, {load_after[0]:.2f} after."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
