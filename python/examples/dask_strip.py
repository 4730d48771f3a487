#!/usr/bin/env python3
"""Strip every image under SRC into DST on a Dask cluster.

    python dask_strip.py SRC DST [--scheduler ADDRESS] [--report FILE] [--keep LIST]

SRC and DST are folders or any fsspec URL (``s3://bucket/prefix``, ``gcs://…``, ``memory://…``;
the filesystem's package, such as s3fs, must be installed on the client and the workers).
The output keeps SRC's folder layout: ``SRC/a/b.jpg`` is stripped into ``DST/a/b.jpg``.

The client only lists SRC. Each file is one task, which opens, reads, strips and writes that
one file on a worker, so a worker holds at most one file (and its output) per thread, and
nothing but the paths and the small per-file records crosses the network. At most
``--in-flight`` tasks are submitted at a time, so a bucket of millions of files does not
become millions of futures at once.

As the ``imgstrip`` command does when it walks a folder, a file that is not an image (its
first bytes match no supported format) is left alone: nothing is written for it, and the
report says ``"skipped"``. A file that fails to strip (malformed, truncated, over a limit)
gets no output either, and its report line carries the error; the exit status is then 1.

The report (``--report FILE``, any fsspec URL) has one JSON line per file, in the order the
tasks finish: ``path`` (relative to SRC), ``output``, ``format``, ``bytes_before``,
``bytes_after``, ``removed``, ``found`` and the other fields of :class:`imgstrip.Report`; or
``path`` and ``error`` (with ``error_class``, ``offset`` and ``format``); or ``path`` and
``skipped``.

Without ``--scheduler`` a LocalCluster is started: ``--workers`` worker processes (or threads
in this process, ``--threads``), one thread each.
"""

from __future__ import annotations

import argparse
import json
import posixpath
import sys
from typing import Any, Dict, Iterator, List, Optional, Tuple

import fsspec

# How much of a file is read to decide whether it is an image at all (as the CLI: detect
# needs 14 bytes for BMP and the whole `ftyp` box for HEIF/AVIF).
HEAD = 4096

NOT_AN_IMAGE = "not an image (unknown format)"


def could_be_image(head: bytes) -> bool:
    """Whether `head` starts like an image imgstrip knows; a full head that is an ISO-BMFF
    file without a known brand yet may name one further on (the CLI's rule)."""
    import imgstrip

    return imgstrip.detect(head) is not None or (len(head) == HEAD and head[4:8] == b"ftyp")


def strip_one(src: str, dst: str, rel: str, keep: str, limits: Any) -> Dict[str, Any]:
    """The task: strip the file `src` (a URL) into `dst` (a URL). Runs on a worker."""
    import imgstrip

    record: Dict[str, Any] = {"path": rel}
    with fsspec.open(src, "rb") as f:
        head = f.read(HEAD)
        if not could_be_image(head):
            record["skipped"] = NOT_AN_IMAGE
            return record
        data = head + f.read()
    try:
        out, report = imgstrip.strip_with_report(data, keep=keep, limits=limits)
    except imgstrip.Error as e:
        record.update(
            error=str(e), error_class=type(e).__name__, offset=e.offset, format=e.format
        )
        return record
    size = len(data)
    del data
    fs, path = fsspec.core.url_to_fs(dst)
    parent = posixpath.dirname(path)
    if parent:
        fs.makedirs(parent, exist_ok=True)
    with fs.open(path, "wb") as f:
        f.write(out)
    record["output"] = dst
    record.update(report.to_dict())
    record["bytes_before"] = size
    record["bytes_after"] = len(out)
    return record


def list_files(src: str) -> Tuple[List[str], List[str]]:
    """Every file under `src`: (URLs to open, paths relative to `src`), sorted."""
    fs, root = fsspec.core.url_to_fs(src)
    root = root.rstrip("/")
    urls, rels = [], []
    for path in sorted(fs.find(root)):
        rel = posixpath.relpath(path, root)
        urls.append(fs.unstrip_protocol(path))
        rels.append(rel)
    return urls, rels


def output_url(dst: str, rel: str) -> str:
    return dst.rstrip("/") + "/" + rel


def run(
    client: Any,
    src: str,
    dst: str,
    keep: str = "",
    limits: Any = "cos",
    in_flight: int = 1000,
) -> Iterator[Dict[str, Any]]:
    """Strips every file under `src` into `dst` on `client`'s cluster; yields each file's
    record as its task finishes."""
    from dask.distributed import as_completed

    urls, rels = list_files(src)
    jobs = iter(zip(urls, rels))

    def submit(job: Tuple[str, str]) -> Any:
        url, rel = job
        return client.submit(
            strip_one, url, output_url(dst, rel), rel, keep, limits, pure=False
        )

    pending = as_completed()
    for job in jobs:
        pending.add(submit(job))
        if pending.count() >= in_flight:
            break
    for future in pending:
        yield future.result()
        future.release()
        job = next(jobs, None)
        if job is not None:
            pending.add(submit(job))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src", help="a folder or fsspec URL to read every file under")
    parser.add_argument("dst", help="a folder or fsspec URL to write the stripped files under")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler")
    parser.add_argument("--report", metavar="FILE", help="write one JSON line per file here")
    parser.add_argument("--keep", default="", metavar="LIST", help="as imgstrip --keep")
    parser.add_argument("--no-limits", action="store_true", help="lift every limit")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster workers (2)")
    parser.add_argument(
        "--threads", action="store_true", help="LocalCluster workers as threads of this process"
    )
    parser.add_argument("--in-flight", type=int, default=1000, help="most tasks at a time")
    args = parser.parse_args(argv)

    from dask.distributed import Client, LocalCluster

    import imgstrip

    imgstrip.keep_names()  # the package must import here, and on every worker
    limits = None if args.no_limits else "cos"
    if args.keep:
        imgstrip.inspect(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", keep=args.keep)  # check names

    cluster = None
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            processes=not args.threads,
            # Loopback only: nothing leaves the machine.
            host="127.0.0.1",
            protocol="tcp",
            dashboard_address=None,
        )
        client = Client(cluster)
    report = fsspec.open(args.report, "w").open() if args.report else None
    counts = {"stripped": 0, "skipped": 0, "failed": 0}
    before = after = 0
    try:
        for record in run(client, args.src, args.dst, args.keep, limits, args.in_flight):
            if "error" in record:
                counts["failed"] += 1
                print(f"{record['path']}: {record['error']}", file=sys.stderr)
            elif "skipped" in record:
                counts["skipped"] += 1
            else:
                counts["stripped"] += 1
                before += record["bytes_before"]
                after += record["bytes_after"]
            if report is not None:
                report.write(json.dumps(record) + "\n")
    finally:
        if report is not None:
            report.close()
        client.close()
        if cluster is not None:
            cluster.close()
    print(
        f"{counts['stripped']} stripped, {counts['skipped']} skipped (not images), "
        f"{counts['failed']} failed; {before - after} bytes removed of {before}",
        file=sys.stderr,
    )
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
