"""Result-table plumbing for test_cos_python_sdk.py.

Every SDK call the tests make is wrapped in `step(mode, call)`; each one adds a Markdown
row `| python | mode | call | result |`. The rows are printed at the end of the run, or,
when the environment variable SDK_TABLE names a file, appended to it (run.sh collects the
Python and Node rows there in one table).
"""
import os
from contextlib import contextmanager

import pytest

ROWS_KEY = pytest.StashKey[list]()


def pytest_configure(config):
    config.stash[ROWS_KEY] = []


def _cell(text):
    text = " ".join(str(text).split())
    if len(text) > 320:
        text = text[:317] + "..."
    return text.replace("|", "\\|")


class _Step:
    """What a step found, shown in the table's result column."""

    def __init__(self):
        self.detail = ""


@pytest.fixture
def step(request):
    rows = request.config.stash[ROWS_KEY]

    @contextmanager
    def run(mode, call):
        st = _Step()

        def add(result):
            rows.append("| python | %s | %s | %s |" % (_cell(mode), _cell(call), _cell(result)))

        try:
            yield st
        except pytest.skip.Exception as e:
            add("SKIP %s" % e)
            raise
        except BaseException as e:  # noqa: BLE001 - the row records every failure
            first = str(e).strip().splitlines()[0] if str(e).strip() else ""
            add("FAIL %s: %s" % (type(e).__name__, first))
            raise
        else:
            add("ok" + (": " + st.detail if st.detail else ""))

    return run


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    rows = config.stash.get(ROWS_KEY, [])
    if not rows:
        return
    out = os.environ.get("SDK_TABLE")
    if out:
        with open(out, "a", encoding="utf-8") as f:
            for row in rows:
                f.write(row + "\n")
        return
    terminalreporter.section("SDK call table (python)")
    terminalreporter.write_line("| sdk | mode | call | result |")
    terminalreporter.write_line("|---|---|---|---|")
    for row in rows:
        terminalreporter.write_line(row)
