"""Crashes, concurrent writers and hand-made damage never leave a broken or partial dataset."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import filelock
import pandas as pd
import pytest

import ragtrack
from fake_reports import parse_fake, report_text, write_report
from ragtrack.errors import LockTimeout
from ragtrack.pipeline import IngestOptions, ingest
from ragtrack.store import Manifest, Store, status
from ragtrack.store.layout import LOCK_NAME, STAGING_NAME

SRC = Path(ragtrack.__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
CHILD = """
import sys
from fake_reports import parse_fake
from ragtrack.pipeline import ingest
print("go", flush=True)
summary = ingest([sys.argv[1]], sys.argv[2], parse=parse_fake)
sys.exit(0 if summary.ok else 1)
"""

#: Forks one ingest per line read ("DELAY"): kills it with SIGKILL after DELAY seconds (never,
#: when DELAY < 0) and prints its exit code and run time. Forking from a process that has
#: already imported everything keeps 50 runs fast; the server kills its own unreaped child,
#: so the pid cannot have been reused.
KILLER = """
import os, signal, sys, time
from fake_reports import parse_fake
from ragtrack.pipeline import ingest
# imported before forking, so a batch's time is its writes, not the lineage step's imports
import ragtrack.link.lineage, ragtrack.store.lineage_table, sklearn.feature_extraction.text
inbox, out = sys.argv[1], sys.argv[2]
for line in sys.stdin:
    delay = float(line)
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        code = 2
        try:
            code = 0 if ingest([inbox], out, parse=parse_fake).ok else 1
        finally:
            os._exit(code)
    if delay >= 0:
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    print(os.waitstatus_to_exitcode(status), time.monotonic() - started, flush=True)
"""


def child(inbox: Path, out: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(TESTS)])}
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(inbox), str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )


def batch(inbox: Path, version: int, reports: int = 6) -> dict[str, tuple[int, int]]:
    """Write version ``version`` of each report; return rows expected per document id."""
    expected = {}
    for number in range(reports):
        count = 1 + (version + number) % 3
        text = report_text(
            period=f"2019-{(number % 12) + 1:02d}-28",
            council=f"Council {number // 12}",
            items=[(f"1.{i}", "green") for i in range(1, count + 1)],
            comments=[("progress", "1.1")] * (4 - count),
            extra=f"version {version}",
        )
        (inbox / f"report-{number}.txt").write_text(text, encoding="utf-8")
        expected[hashlib.sha256(text.encode()).hexdigest()] = (count, 4 - count)
    return expected


def assert_whole_reports(out: Path, expected: dict[str, tuple[int, int]], reports: int) -> None:
    """Readable, no duplicates, and every report wholly one version."""
    tables = ragtrack.load(out)
    docs, items, comments = tables["documents"], tables["items"], tables["commentary"]
    assert docs["report_key"].is_unique and items["item_id"].is_unique
    assert len(docs) == reports
    assert set(items["document_id"]) <= set(docs["document_id"])
    assert set(comments["document_id"]) <= set(docs["document_id"])
    for document_id in docs["document_id"]:
        n_items, n_comments = expected[document_id]
        assert (items["document_id"] == document_id).sum() == n_items
        assert (comments["document_id"] == document_id).sum() == n_comments
    # Plain readers ignore the staging area: the files in place are readable, one per report.
    assert pd.read_parquet(out / "items")["item_id"].is_unique
    assert pd.read_parquet(out / "documents")["report_key"].is_unique


@pytest.mark.slow  # a soak: 50 SIGKILLs of a live ingest
def test_sigkill_at_50_random_moments_never_leaves_half_a_report(tmp_path: Path) -> None:
    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    reports = 6
    expected = batch(inbox, 0, reports)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(TESTS)])}
    server = subprocess.Popen(
        [sys.executable, "-c", KILLER, str(inbox), str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert server.stdin and server.stdout

    def run(delay: float) -> tuple[int, float]:
        server.stdin.write(f"{delay}\n")
        server.stdin.flush()
        code, elapsed = server.stdout.readline().split()
        return int(code), float(elapsed)

    try:
        assert run(-1)[0] == 0
        expected |= batch(inbox, 1, reports)
        code, duration = run(-1)  # how long a batch of corrected reports takes
        assert code == 0
        rng = random.Random(20261123)
        killed = interrupted = 0
        for version in range(2, 52):
            expected |= batch(inbox, version, reports)
            code, _ = run(rng.uniform(0, duration))
            killed += code == -signal.SIGKILL
            staging = out / STAGING_NAME
            interrupted += staging.is_dir() and any(staging.iterdir())
            assert_whole_reports(out, expected, reports)
        print(f"SIGKILL: {killed} of 50 runs killed, {interrupted} mid-commit")
        assert killed >= 10, f"only {killed} of 50 runs were killed before they finished"
        assert interrupted > 0, "no kill landed inside a write; the test proved nothing"
        final = batch(inbox, 52, reports)
        assert run(-1)[0] == 0
    finally:
        server.stdin.close()
        server.wait(timeout=60)
    assert_whole_reports(out, final, reports)
    assert set(ragtrack.load(out)["documents"]["document_id"]) == set(final)
    assert status(out).consistent
    assert not any((out / STAGING_NAME).iterdir())


@pytest.mark.slow  # a soak: two live ingests racing for the lock
def test_two_ingests_at_once_end_with_the_union(tmp_path: Path) -> None:
    out = tmp_path / "out"
    firsts, seconds = tmp_path / "a", tmp_path / "b"
    for number in range(5):
        write_report(firsts / f"{number}.txt", council="North", period=f"2019-0{number + 4}-30")
        write_report(seconds / f"{number}.txt", council="South", period=f"2019-0{number + 4}-30")
    procs = [child(firsts, out), child(seconds, out)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    docs = ragtrack.load(out)["documents"]
    assert sorted(docs["council"]) == ["North"] * 5 + ["South"] * 5
    assert len(ragtrack.load(out)["items"]) == 30
    assert status(out).consistent


def test_a_second_writer_waits_then_times_out(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    path = write_report(tmp_path / "a.txt")
    summary = tmp_path / "run.json"
    summary.write_text('{"counts": {"new": 1}}', encoding="utf-8")  # the last run's
    with filelock.FileLock(out / LOCK_NAME):
        started = time.monotonic()
        with pytest.raises(LockTimeout, match="held the dataset lock"):
            options = IngestOptions(lock_timeout=0.3, json_path=summary)
            ingest([path], out, options, parse=parse_fake)
        assert time.monotonic() - started >= 0.3
    # regression: the summary a monitor reads was the last run's; now it says why this one
    # stopped, and that it wrote nothing
    written = json.loads(summary.read_text(encoding="utf-8"))
    assert "held the dataset lock" in written["error"]
    assert written["written"] is False and written["counts"] == {}
    assert ingest([path], out, parse=parse_fake).ok


def test_a_file_deleted_by_hand_is_reported_and_repaired(tmp_path: Path) -> None:
    inbox, out = tmp_path / "in", tmp_path / "out"
    write_report(inbox / "a.txt")
    write_report(inbox / "b.txt", period="2019-09-30")
    ingest([inbox], out, parse=parse_fake)
    victim = next((out / "items").rglob("*2019-09-30.parquet"))
    victim.unlink()
    report = status(out)
    assert not report.consistent
    assert [(p.report_key, p.kind) for p in report.problems] == [
        ("testshire_progress-report_2019-20_2019-09-30", "missing_file")
    ]
    # The next ingest repairs it, even when run over other files.
    other = write_report(tmp_path / "c.txt", period="2019-06-30")
    summary = ingest([other], out, parse=parse_fake)
    assert sorted(r.status for r in summary.results) == ["new", "repaired"]
    assert victim.exists() and status(out).consistent
    assert len(ragtrack.load(out)["items"]) == 9


def test_a_damaged_report_whose_source_is_gone_is_taken_out_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    gone = write_report(tmp_path / "gone.txt")
    kept = write_report(tmp_path / "kept.txt", period="2019-09-30")
    ingest([gone, kept], out, parse=parse_fake)
    gone.unlink()
    next((out / "commentary").rglob("*2019-12-31.parquet")).unlink()
    ingest([kept], out, parse=parse_fake)
    tables = ragtrack.load(out)
    assert tables["documents"]["source_name"].tolist() == ["kept.txt"]
    assert set(tables["items"]["document_id"]) == set(tables["documents"]["document_id"])
    assert status(out).consistent


def test_a_lost_manifest_is_rebuilt_from_the_files(tmp_path: Path) -> None:
    inbox, out = tmp_path / "in", tmp_path / "out"
    write_report(inbox / "a.txt")
    write_report(inbox / "b.txt", period="2019-09-30")
    ingest([inbox], out, parse=parse_fake)
    before = ragtrack.load(out)
    (out / "_manifest.sqlite").unlink()
    with Store(out) as store:  # the next writer rebuilds it from the files
        assert "rebuilt it from the 2 report(s)" in store.notices[0]
    assert status(out).consistent
    assert ingest([inbox], out, parse=parse_fake).counts() == {"unchanged": 2}
    after = ragtrack.load(out)
    pd.testing.assert_frame_equal(before["items"], after["items"])


def test_a_writer_stopped_before_its_commit_is_read_as_before_and_rolled_back(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    path = write_report(tmp_path / "a.txt")
    ingest([path], out, parse=parse_fake)
    write_report(path, items=[("1.1", "red")])
    # Stop a writer after its new files are in place, before the manifest commits them.
    original = Manifest.commit

    def die(self: Manifest, **kwargs: object) -> None:
        raise KeyboardInterrupt

    Manifest.commit = die  # type: ignore[method-assign]
    try:
        with pytest.raises(KeyboardInterrupt):
            ingest([path], out, parse=parse_fake)
    finally:
        Manifest.commit = original  # type: ignore[method-assign]
    assert ragtrack.load(out)["items"]["rag"].astype(str).tolist() == ["green", "amber", "red"]
    assert status(out).consistent
    assert ingest([path], out, parse=parse_fake).counts() == {"changed": 1}
    assert ragtrack.load(out)["items"]["rag"].astype(str).tolist() == ["red"]


def test_an_uncommitted_staging_area_is_ignored_and_cleaned(tmp_path: Path) -> None:
    out = tmp_path / "out"
    ingest([write_report(tmp_path / "a.txt")], out, parse=parse_fake)
    half = out / STAGING_NAME / "testshire-abc"
    half.mkdir(parents=True)
    (half / "items.parquet").write_bytes(b"PAR1 half written")
    assert len(ragtrack.load(out)["items"]) == 3
    assert len(pd.read_parquet(out / "items")) == 3
    ingest([tmp_path / "a.txt"], out, parse=parse_fake)
    assert not half.exists()
