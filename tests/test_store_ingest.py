"""Ingest behaviour users rely on: idempotence, replacement, re-parse, bad files, batches."""

from __future__ import annotations

import json
import os
import random
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

import ragtrack
import ragtrack.pipeline
from fake_reports import parse_fake, write_report
from ragtrack.pipeline import IngestOptions, expand_paths, ingest


def snapshot(root: Path) -> dict[str, bytes]:
    """Every dataset file's bytes (manifest excluded), keyed by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.parquet"))}


def frames(root: Path) -> dict[str, pd.DataFrame]:
    """The loaded tables, ordered and without the ingest time, for comparisons."""
    tables = ragtrack.load(root)
    keys = {"documents": "document_id", "items": "item_id", "commentary": "commentary_id"}
    out = {}
    for name, key in keys.items():
        frame = tables[name].drop(columns=["ingested_at"], errors="ignore")
        out[name] = frame.sort_values(key).reset_index(drop=True)
    return out


def manifest_rows(root: Path) -> list[tuple]:
    with sqlite3.connect(root / "_manifest.sqlite") as db:
        return db.execute(
            "SELECT report_key, sha256, status, error, rows_items FROM reports ORDER BY 1, 3"
        ).fetchall()


def test_ingesting_twice_changes_nothing(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    for month in ("06-30", "09-30", "12-31"):
        write_report(inbox / f"{month}.txt", period=f"2019-{month}")
    out = tmp_path / "out"
    first = ingest([inbox], out, parse=parse_fake)
    assert first.counts() == {"new": 3}
    files, manifest = snapshot(out), manifest_rows(out)
    second = ingest([inbox], out, parse=parse_fake)
    assert second.counts() == {"unchanged": 3}
    assert snapshot(out) == files
    assert manifest_rows(out) == manifest


def test_a_corrected_report_replaces_its_rows_in_every_table(tmp_path: Path) -> None:
    out = tmp_path / "out"
    original = write_report(tmp_path / "v1" / "report.txt")
    other = write_report(tmp_path / "v1" / "other.txt", period="2019-09-30")
    ingest([original, other], out, parse=parse_fake)
    corrected = write_report(
        tmp_path / "v2" / "report-corrected.txt",
        items=[("1.1", "red"), ("1.2", "red")],
        comments=[("finance", "1.2")],
    )
    summary = ingest([corrected], out, parse=parse_fake)
    assert [r.status for r in summary.results] == ["changed"]
    tables = ragtrack.load(out)
    docs = tables["documents"]
    assert sorted(docs["source_name"]) == ["other.txt", "report-corrected.txt"]
    new_id = docs.loc[docs["source_name"] == "report-corrected.txt", "document_id"].iloc[0]
    mine = tables["items"][tables["items"]["document_id"] == new_id]
    assert sorted(mine["rag"].astype(str)) == ["red", "red"]
    assert set(tables["items"]["document_id"]) == set(docs["document_id"])
    assert set(tables["commentary"]["document_id"]) == set(docs["document_id"])
    assert tables["commentary"].loc[
        tables["commentary"]["document_id"] == new_id, "category"
    ].tolist() == ["finance"]
    assert len(manifest_rows(out)) == 2


def test_force_reparses_and_reparse_follows_the_parser_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_report(tmp_path / "r.txt")
    out = tmp_path / "out"
    ingest([path], out, parse=parse_fake)
    assert ingest([path], out, IngestOptions(force=True), parse=parse_fake).counts() == {
        "reparsed": 1
    }
    monkeypatch.setattr(ragtrack.pipeline, "PARSER_VERSION", "99.0")
    stale = ingest([path], out, parse=parse_fake)
    assert stale.counts() == {"unchanged": 1}
    assert "not the current 99.0; re-parse to update" in (stale.results[0].note or "")
    from ragtrack.cli import _describe  # the command line names the option

    assert "--reparse to update" in _describe(stale.results[0])
    assert ingest([path], out, IngestOptions(reparse=True), parse=parse_fake).counts() == {
        "reparsed": 1
    }


def test_one_bad_file_never_stops_the_batch(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    write_report(inbox / "a good one.txt")
    (inbox / "novel.txt").write_text("It was a dark and stormy night.\n")
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "garbage.txt").write_bytes(bytes(range(256)) * 8)
    (inbox / "scan.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    write_report(inbox / "ünïcode näme.txt", period="2019-09-30")
    out = tmp_path / "out"
    summary = ingest([inbox, tmp_path / "missing.txt"], out, parse=parse_fake)
    assert summary.counts() == {"new": 2, "failed": 5}
    for result in summary.failed:
        assert result.error and "\n" not in result.error
        assert result.error.startswith(result.path), result.error
    failed = [row for row in manifest_rows(out) if row[2] == "failed"]
    assert len(failed) == 5 and all(row[3] for row in failed)
    assert len(ragtrack.load(out)["documents"]) == 2


def test_a_failed_corrected_report_leaves_the_old_rows(tmp_path: Path) -> None:
    out = tmp_path / "out"
    good = write_report(tmp_path / "report.txt")
    ingest([good], out, parse=parse_fake)
    before = snapshot(out)
    good.write_text("not a report any more\n")
    assert not ingest([good], out, parse=parse_fake).ok
    assert snapshot(out) == before


def test_two_files_of_one_report_in_a_batch(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    write_report(inbox / "a.txt")
    write_report(inbox / "b.txt", items=[("1.1", "red")])  # same key, other content
    (inbox / "copy.txt").write_bytes((inbox / "a.txt").read_bytes())
    summary = ingest([inbox], tmp_path / "out", parse=parse_fake)
    by_name = {Path(r.path).name: r for r in summary.results}
    assert by_name["a.txt"].status == "new"
    assert by_name["b.txt"].status == "failed"
    assert "same report" in (by_name["b.txt"].error or "")
    assert by_name["copy.txt"].status == "unchanged"
    assert len(ragtrack.load(tmp_path / "out")["documents"]) == 1


def test_dry_run_plans_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    a = write_report(tmp_path / "in" / "a.txt")
    b = write_report(tmp_path / "in" / "b.txt", period="2019-09-30")
    ingest([a, b], out, parse=parse_fake)
    before = snapshot(out), manifest_rows(out)
    write_report(b, period="2019-09-30", items=[("1.1", "red")])
    write_report(tmp_path / "in" / "c.txt", period="2019-06-30")
    (tmp_path / "in" / "d.txt").write_text("nonsense\n")
    plan = ingest([tmp_path / "in"], out, IngestOptions(dry_run=True), parse=parse_fake)
    statuses = {Path(r.path).name: r.status for r in plan.results}
    assert statuses == {"a.txt": "unchanged", "b.txt": "changed", "c.txt": "new", "d.txt": "failed"}
    assert (snapshot(out), manifest_rows(out)) == before
    assert ingest(
        [tmp_path / "x.txt"], tmp_path / "fresh", IngestOptions(dry_run=True), parse=parse_fake
    ).counts() == {"failed": 1}
    assert not (tmp_path / "fresh").exists()


def test_json_summary(tmp_path: Path) -> None:
    path = write_report(tmp_path / "a.txt", extra="odd line")
    target = tmp_path / "run.json"
    ingest([path], tmp_path / "out", IngestOptions(json_path=target), parse=parse_fake)
    data = json.loads(target.read_text())
    assert data["counts"] == {"new": 1}
    result = data["results"][0]
    assert result["items"] == 3 and result["commentary"] == 2
    assert result["warnings"] == ["line 10: cannot place this line: odd line"]


def test_council_option_sets_the_council_and_the_key(tmp_path: Path) -> None:
    path = write_report(tmp_path / "a.txt", council=None)
    out = tmp_path / "out"
    assert ingest([path], out, parse=parse_fake).results[0].report_key == (
        "unspecified_progress-report_2019-20_2019-12-31"
    )
    items = len(ragtrack.load(out)["items"])
    named = IngestOptions(council="Cumbria County Council")
    result = ingest([path], out, named, parse=parse_fake).results[0]
    assert result.report_key == "cumbria-county-council_progress-report_2019-20_2019-12-31"
    # the same file read again as another council's: it replaces the report it was, never
    # stands beside it (regression: every table held the report twice)
    assert result.status == "changed"
    assert "replaces unspecified_progress-report_2019-20_2019-12-31" in (result.note or "")
    tables = ragtrack.load(out)
    assert list(tables["documents"]["council"]) == ["Cumbria County Council"]
    assert len(tables["items"]) == items and len(tables["timeline"]) == items
    assert ingest([path], out, named, parse=parse_fake).results[0].status == "unchanged"


def test_folders_symlink_loops_and_unreadable_files(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    write_report(inbox / "sub" / "a.txt")
    write_report(inbox / "sub" / "deeper" / "b.TXT", period="2019-09-30")
    (inbox / "sub" / "notes.md").write_text("ignored")
    os.symlink(inbox, inbox / "sub" / "loop")
    files, errors = expand_paths([inbox, inbox / "sub" / "a.txt"])
    assert [f.name for f in files] == ["a.txt", "b.TXT"]
    assert errors == []
    os.symlink(tmp_path / "gone.txt", inbox / "dangling.txt")
    summary = ingest([inbox], tmp_path / "out", parse=parse_fake)
    assert summary.counts() == {"new": 2, "failed": 1}
    assert "dangling.txt: cannot read file" in (summary.failed[0].error or "")


def test_a_file_without_read_permission_fails_alone(tmp_path: Path) -> None:
    locked = write_report(tmp_path / "in" / "locked.txt")
    write_report(tmp_path / "in" / "fine.txt", period="2019-09-30")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as a user who can read anything")
        summary = ingest([tmp_path / "in"], tmp_path / "out", parse=parse_fake)
    finally:
        locked.chmod(0o644)
    assert summary.counts() == {"new": 1, "failed": 1}
    assert "locked.txt: cannot read file" in (summary.failed[0].error or "")


def test_parallel_and_shuffled_batches_give_the_same_dataset(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    names = []
    for quarter, month in enumerate(("06-30", "09-30", "12-31"), start=1):
        for year in (2018, 2019):
            names.append(
                write_report(
                    inbox / f"{year}-q{quarter}.txt",
                    plan_year=f"{year}/{str(year + 1)[-2:]}",
                    period=f"{year}-{month}",
                )
            )
    (inbox / "bad.txt").write_text("nope\n")
    serial = ingest([inbox], tmp_path / "serial", parse=parse_fake)
    shuffled = names[:]
    random.Random(7).shuffle(shuffled)
    parallel = ingest(
        [*shuffled, inbox / "bad.txt"],
        tmp_path / "parallel",
        IngestOptions(jobs=2),
        parse=parse_fake,
    )
    assert serial.counts() == parallel.counts() == {"new": 6, "failed": 1}
    one, two = frames(tmp_path / "serial"), frames(tmp_path / "parallel")
    for table in one:
        pd.testing.assert_frame_equal(one[table], two[table])


def test_a_worker_killed_in_a_parallel_batch_fails_only_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``jobs=2``, a file that kills its worker process every time (a crash in a PDF
    library, the kernel's OOM killer) fails alone; one that kills it once is parsed on its
    second try; the files in flight beside them, and the rest of the batch, are ingested.
    (A dead worker breaks its whole pool: the files in flight are tried again one at a
    time in a new pool.)"""
    import uuid

    from cluster_parsers import DEATHS, parse_or_die

    monkeypatch.delenv(DEATHS, raising=False)  # the marks go by content: this run's alone
    inbox = tmp_path / "in"
    names = ["a", "b", "killer", "c", "d", "dies-once", "e", "f", "g", "h"]
    for n, name in enumerate(names, start=1):
        council = f"{name} {uuid.uuid4().hex[:8]}" if name == "dies-once" else name
        write_report(inbox / f"{name}.txt", period=f"2019-{n:02d}-28", council=council)
    summary = ingest([inbox], tmp_path / "data", IngestOptions(jobs=2), parse=parse_or_die)
    failed = {Path(r.path).name: r.error for r in summary.failed}
    assert list(failed) == ["killer.txt"]
    assert "the worker parsing it died 2 times" in (failed["killer.txt"] or "")
    assert summary.counts() == {"new": 9, "failed": 1}
    (inbox / "killer.txt").unlink()
    ingest([inbox], tmp_path / "here", parse=parse_fake)
    one, two = frames(tmp_path / "here"), frames(tmp_path / "data")
    for table in one:
        pd.testing.assert_frame_equal(one[table], two[table])


def test_a_failure_is_forgotten_once_its_file_is_gone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    bad = tmp_path / "bad.txt"
    bad.write_text("nothing\n")
    ingest([bad, write_report(tmp_path / "a.txt")], out, parse=parse_fake)
    assert [row[2] for row in manifest_rows(out)] == ["failed", "ok"]
    bad.unlink()
    ingest([tmp_path / "a.txt"], out, parse=parse_fake)
    assert [row[2] for row in manifest_rows(out)] == ["ok"]


UNGUARDED_SCRIPT = """
import ragtrack
from ragtrack.api import IngestOptions

summary = ragtrack.ingest(["{inbox}"], "data", IngestOptions(jobs=2))
print("counts", summary.counts())
"""


@pytest.mark.parametrize("guarded", [False, True])
def test_a_script_ingesting_with_two_jobs_ends(tmp_path: Path, guarded: bool) -> None:
    """Regression: a script without a ``__main__`` guard, ingesting with ``jobs=2``, hung:
    each worker imported the script again, and its ingest waited five minutes a try for
    the lock the script held; then every file failed as if its worker had crashed. Now the
    call is refused at once, naming the script's line; with the guard the files are
    ingested."""
    import shutil
    import subprocess
    import sys
    import textwrap

    from sample_dataset import SAMPLES

    (tmp_path / "in").mkdir()
    for name in ("000_965dd161175208ce.txt", "004_37aa582fc5e89633.txt"):
        shutil.copy(SAMPLES / name, tmp_path / "in" / name)
    body = UNGUARDED_SCRIPT.format(inbox=tmp_path / "in")
    if guarded:
        body = 'if __name__ == "__main__":\n' + textwrap.indent(body, "    ")
    (tmp_path / "job.py").write_text(body, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "job.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    if guarded:
        assert "counts {'new': 2}" in done.stdout, done.stderr
    else:  # refused before anything is read or written, naming the line to move
        assert done.returncode == 1 and "counts" not in done.stdout
        assert (
            f"{tmp_path / 'job.py'}, line 5: ingest with jobs=2 is called outside "
            '`if __name__ == "__main__":`'
        ) in done.stderr
        assert not (tmp_path / "data").exists()


COMMIT_IMPORTS_SCRIPT = """
import sys, threading
import ragtrack
from ragtrack.api import IngestOptions

if __name__ == "__main__":
    ragtrack.ingest(["{inbox}"], "data", IngestOptions(jobs=2, dry_run=True))
    print("dry run imported pandas:", "pandas" in sys.modules)
    summary = ragtrack.ingest(["{inbox}"], "data", IngestOptions(jobs=2))
    alive = [t.name for t in threading.enumerate() if t.name == "ragtrack-commit-imports"]
    print("counts", summary.counts(), "importing after ingest:", alive)
"""


def test_a_batch_imports_for_its_commit_only_while_it_parses(tmp_path: Path) -> None:
    """A batch's parent imports what its commit needs while the workers parse; a dry run,
    which commits nothing, imports none of it, and no import is left running once ingest
    returns (a fork while one runs could hang)."""
    import shutil
    import subprocess
    import sys

    from sample_dataset import SAMPLES

    (tmp_path / "in").mkdir()
    for name in ("000_965dd161175208ce.txt", "004_37aa582fc5e89633.txt"):
        shutil.copy(SAMPLES / name, tmp_path / "in" / name)
    script = COMMIT_IMPORTS_SCRIPT.format(inbox=tmp_path / "in")
    (tmp_path / "job.py").write_text(script, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "job.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert "dry run imported pandas: False" in done.stdout, done.stderr
    assert "counts {'new': 2} importing after ingest: []" in done.stdout, done.stderr


def test_two_versions_of_a_report_in_an_inbox_settle_on_the_newer(tmp_path: Path) -> None:
    """Regression: a corrected copy saved beside the old file made every run replace the
    report with the other version, exit 0; the newer file now wins and the older fails,
    naming it, on every run after."""
    inbox, out = tmp_path / "in", tmp_path / "out"
    old = write_report(inbox / "a-q3.txt", items=[("1.1", "green")])
    new = write_report(inbox / "b-q3.txt", items=[("1.1", "red")])
    os.utime(old, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    runs = []
    for n in range(4):
        runs.append(ingest([inbox], out, parse=parse_fake))
        assert list(ragtrack.load(out)["items"]["rag"]) == ["red" if n else "green"]
    assert runs[1].counts() == {"unchanged": 1, "changed": 1}  # the first run took a-q3
    for summary in runs[2:]:
        assert summary.counts() == {"unchanged": 1, "failed": 1}
        (failed,) = summary.failed
        assert failed.path.endswith("a-q3.txt")
        assert "as " + str(new) + ", a newer file; skipped" in (failed.error or "")
