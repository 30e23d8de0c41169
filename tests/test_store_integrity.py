"""The dataset keeps its promises: readers see one committed state, interruptions lose
nothing, damage is found and mended, report keys never collide, faults end cleanly.

Each test here is a finding of an attack on the store, and failed before the store gained
snapshot reads, checksums and commits that carry their lineage.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import filelock
import pandas as pd
import pytest
from typer.testing import CliRunner

import ragtrack
from fake_reports import parse_fake, write_report
from ragtrack.cli import app
from ragtrack.errors import StoreError
from ragtrack.pipeline import IngestOptions, ingest
from ragtrack.records import ParsedDocument
from ragtrack.store import Store, status
from ragtrack.store import dataset as store_dataset
from ragtrack.store.layout import LOCK_NAME, STAGING_NAME
from ragtrack.store.reading import DatasetDamaged
from ragtrack.store.snapshot import JOURNAL_NAME, NoDataset

SRC = Path(ragtrack.__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent


def _two_years(inbox: Path, version: int = 0) -> Path:
    """Two reports of one council a year apart whose items link across the years."""
    for year, period in (("2019/20", "2019-12-31"), ("2020/21", "2020-12-31")):
        write_report(
            inbox / f"{period}.txt",
            plan_year=year,
            period=period,
            items=[("1.1", "green"), ("1.2", ["amber", "red"][version % 2])],
            extra=f"version {version}",
        )
    return inbox


def _dataset(tmp_path: Path) -> tuple[Path, Path]:
    inbox, out = _two_years(tmp_path / "in"), tmp_path / "out"
    assert ingest([inbox], out, parse=parse_fake).ok
    return inbox, out


def _items_file(out: Path) -> Path:
    return next((out / "items").rglob("*2019-12-31.parquet"))


# -- readers see one committed state -----------------------------------------------------

READER = """
import sys, time
from pathlib import Path
import ragtrack
out, stop = sys.argv[1], Path(sys.argv[2])
reads = mixed = unlinked = 0
deadline = time.monotonic() + 300
while not stop.exists() and time.monotonic() < deadline:
    t = ragtrack.load(out)
    docs, items = t["documents"], t["items"]
    reads += 1
    stop.with_name("reading").touch()
    versions = {w for ws in docs["warnings"] for w in ws}
    if not set(items["document_id"]) <= set(docs["document_id"]) or len(versions) > 1:
        mixed += 1
    if items["lineage_id"].isna().any() or len(docs) != 2:
        unlinked += 1
print(reads, mixed, unlinked)
"""


@pytest.mark.slow  # a soak: readers under a live writer
def test_a_reader_never_sees_half_a_commit_or_items_without_lineage(tmp_path: Path) -> None:
    inbox, out = _dataset(tmp_path)
    stop = tmp_path / "stop"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(TESTS)])}
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(out), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 120
    while not (tmp_path / "reading").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    for version in range(1, 9):  # eight commits while the reader reads
        _two_years(inbox, version)
        assert ingest([inbox], out, parse=parse_fake).ok
    stop.touch()
    reads, mixed, unlinked = map(int, reader.communicate(timeout=300)[0].split())
    assert reads >= 2
    assert (mixed, unlinked) == (0, 0)


def test_status_during_a_live_ingest_is_no_problem(tmp_path: Path) -> None:
    _, out = _dataset(tmp_path)
    busy = out / STAGING_NAME / "writer"
    busy.mkdir(parents=True)
    (busy / JOURNAL_NAME).write_text(json.dumps({"generation": 99, "moves": [], "removes": []}))
    with filelock.FileLock(out / LOCK_NAME):
        report = status(out)
        assert report.writing and report.consistent
    report = status(out)  # the same folder with no writer: an interrupted ingest
    assert not report.writing
    assert [p.kind for p in report.problems] == ["interrupted"]


# -- lineage is committed with the reports ------------------------------------------------


def test_a_bad_overrides_file_stops_the_run_before_anything_changes(tmp_path: Path) -> None:
    inbox, out = _dataset(tmp_path)
    before = ragtrack.load(out)
    (out / "overrides.csv").write_text("decision,kind\nmaybe,action\n", encoding="utf-8")
    _two_years(inbox, 1)
    with pytest.raises(ragtrack.errors.InputError, match=r"overrides.csv, line \d"):
        ingest([inbox], out, parse=parse_fake)
    after = ragtrack.load(out)
    pd.testing.assert_frame_equal(before["items"], after["items"])
    assert after["items"]["lineage_id"].notna().all()
    (out / "overrides.csv").unlink()
    assert ingest([inbox], out, parse=parse_fake).counts() == {"changed": 2}
    assert ragtrack.load(out)["items"]["lineage_id"].notna().all()
    assert not any((out / STAGING_NAME).iterdir())
    assert not list(out.rglob("*.tmp"))


def test_a_run_stopped_by_a_full_disk_leaves_the_dataset_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, out = _dataset(tmp_path)
    before = ragtrack.load(out)
    _two_years(inbox, 1)
    real = store_dataset._write_file
    calls = {"n": 0}

    def fill_up(path: Path, blob: bytes) -> None:
        calls["n"] += 1
        if calls["n"] > 4:  # the disk fills up half-way through the run
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, blob)

    monkeypatch.setattr(store_dataset, "_write_file", fill_up)
    with pytest.raises(StoreError, match="No space left on device"):
        ingest([inbox], out, parse=parse_fake)
    monkeypatch.setattr(store_dataset, "_write_file", real)
    pd.testing.assert_frame_equal(before["items"], ragtrack.load(out)["items"])
    assert status(out).consistent
    assert ingest([inbox], out, parse=parse_fake).counts() == {"changed": 2}


def test_a_full_disk_is_one_line_and_exit_1_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, out = _dataset(tmp_path)
    _two_years(inbox, 1)

    def full(path: Path, blob: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(store_dataset, "_write_file", full)
    monkeypatch.setattr("ragtrack.pipeline.default_parser", lambda: parse_fake)
    result = CliRunner().invoke(app, ["ingest", str(inbox), "--data", str(out)])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "No space left on device" in errors[0]
    assert "Traceback" not in result.output


def test_a_failed_move_puts_every_old_file_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One partition refusing a write: no table of the report is replaced."""
    inbox, out = _dataset(tmp_path)
    before = ragtrack.load(out)
    _two_years(inbox, 1)
    real = os.replace

    def refuse_commentary(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if "commentary" in str(dst) and Path(src).name.startswith("n"):  # a new file
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        real(src, dst)

    monkeypatch.setattr(store_dataset.os, "replace", refuse_commentary)
    with pytest.raises(StoreError, match="Permission denied"):
        ingest([inbox], out, parse=parse_fake)
    monkeypatch.setattr(store_dataset.os, "replace", real)
    after = ragtrack.load(out)
    for table in ("documents", "items", "commentary"):
        pd.testing.assert_frame_equal(before[table], after[table])
    assert status(out).consistent


def test_a_lock_that_cannot_be_taken_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: object, *args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", "ragtrack-data/_ingest.lock")

    monkeypatch.setattr(filelock.FileLock, "acquire", refuse)
    with pytest.raises(StoreError, match="cannot lock the dataset for writing: Permission"):
        ingest([write_report(tmp_path / "a.txt")], tmp_path / "out", parse=parse_fake)


def test_files_take_the_users_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        _, out = _dataset(tmp_path)
    finally:
        os.umask(old)
    for path in [*out.rglob("*.parquet")]:
        assert path.stat().st_mode & 0o777 == 0o644, path


# -- checksums: damage found and mended ---------------------------------------------------


def test_garbage_inside_a_file_is_found_and_repaired_from_its_source(tmp_path: Path) -> None:
    inbox, out = _dataset(tmp_path)
    before = ragtrack.load(out)["items"]
    victim = _items_file(out)
    blob = bytearray(victim.read_bytes())
    blob[20:60] = b"\x00" * 40  # inside the data pages; the footer is intact
    victim.write_bytes(bytes(blob))
    report = status(out)
    assert [p.kind for p in report.problems] == ["damaged"]
    with pytest.raises(DatasetDamaged, match="does not match its checksum"):
        ragtrack.load(out)
    summary = ingest([inbox], out, parse=parse_fake)
    assert sorted(r.status for r in summary.results) == ["repaired", "unchanged"]
    assert status(out).consistent
    after = ragtrack.load(out)["items"]
    pd.testing.assert_frame_equal(
        before.drop(columns="lineage_id"), after.drop(columns="lineage_id")
    )
    assert (before["lineage_id"] == after["lineage_id"]).all()


def test_every_flipped_byte_is_found(tmp_path: Path) -> None:
    _, out = _dataset(tmp_path)
    victim = _items_file(out)
    original = victim.read_bytes()
    step = max(1, len(original) // 60)
    for position in range(0, len(original), step):
        flipped = bytearray(original)
        flipped[position] ^= 0x01
        victim.write_bytes(bytes(flipped))
        assert not status(out).consistent, position
    victim.write_bytes(original)
    assert status(out).consistent


def test_a_truncated_or_deleted_file_is_an_error_naming_it_not_fewer_rows(
    tmp_path: Path,
) -> None:
    _, out = _dataset(tmp_path)
    victim = _items_file(out)
    victim.write_bytes(victim.read_bytes()[:100])
    with pytest.raises(DatasetDamaged, match=victim.name):
        ragtrack.load(out)
    victim.unlink()
    with pytest.raises(DatasetDamaged, match="is missing"):
        ragtrack.load(out)
    partial = ragtrack.load(out, on_damage="skip")  # on request, the rest, with a warning
    assert len(partial["documents"]) == 2 and len(partial["items"]) == 2


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign"])
def test_a_damaged_manifest_is_reported_then_rebuilt(tmp_path: Path, damage: str) -> None:
    inbox, out = _dataset(tmp_path)
    before = ragtrack.load(out)
    manifest = out / "_manifest.sqlite"
    if damage == "garbage":
        manifest.write_bytes(b"this is not a database at all" * 100)
    elif damage == "truncated":
        manifest.write_bytes(manifest.read_bytes()[:300])
    else:
        manifest.unlink()
        with sqlite3.connect(manifest) as db:
            db.execute("CREATE TABLE reports (name TEXT)")
    report = status(out)
    assert [p.kind for p in report.problems] == ["manifest"]
    result = CliRunner().invoke(app, ["status", "--data", str(out)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    summary = ingest([inbox], out, parse=parse_fake)
    assert summary.counts() == {"unchanged": 2}
    assert status(out).consistent
    after = ragtrack.load(out)
    pd.testing.assert_frame_equal(before["items"], after["items"])


def test_a_damaged_lineage_table_is_relinked_by_the_next_ingest(tmp_path: Path) -> None:
    inbox, out = _dataset(tmp_path)
    lineage = out / "lineage" / "lineage.parquet"
    lineage.write_bytes(b"PAR1 not really")
    with pytest.raises(DatasetDamaged, match="lineage"):
        ragtrack.load(out)
    ingest([inbox], out, parse=parse_fake)
    items = ragtrack.load(out)["items"]
    assert items["lineage_id"].notna().all()
    assert status(out).consistent


def test_a_rebuilt_manifest_keeps_the_real_source_path_for_repairs(tmp_path: Path) -> None:
    inbox = tmp_path / os.fsdecode(b"in-\xe9t\xe9")  # a folder name that is not UTF-8
    inbox, out = _two_years(inbox), tmp_path / "out"
    assert ingest([inbox], out, parse=parse_fake).ok
    (out / "_manifest.sqlite").unlink()
    with Store(out):
        pass  # rebuilt from the files
    _items_file(out).unlink()
    summary = ingest([tmp_path / "elsewhere"], out, parse=parse_fake)
    assert [r.status for r in summary.results if r.status != "failed"] == ["repaired"]
    assert len(ragtrack.load(out)["documents"]) == 2


# -- report identity -----------------------------------------------------------------------


@pytest.mark.slow  # a soak: one ingest per council name
def test_council_names_of_any_script_stay_apart(tmp_path: Path) -> None:
    out = tmp_path / "out"
    names = ["東京都", "大阪府", "???", "!!!", "A" * 60 + " North", "A" * 60 + " South"]
    for n, name in enumerate(names):  # files of their own: one file is one report
        path = write_report(tmp_path / f"{n}.txt", extra=f"council {n}")
        summary = ingest([path], out, IngestOptions(council=name), parse=parse_fake)
        assert summary.ok, name
    docs = ragtrack.load(out)["documents"]
    assert sorted(docs["council"]) == sorted(names)
    assert docs["report_key"].is_unique


def _quarter_only(source: object, **kwargs: object) -> ParsedDocument:
    parsed = parse_fake(source, **kwargs)  # type: ignore[arg-type]
    document = dataclasses.replace(parsed.document, plan_year=None, period_end=None, quarter=3)
    return dataclasses.replace(parsed, document=document)


def test_two_reports_whose_year_cannot_be_read_never_replace_each_other(tmp_path: Path) -> None:
    first = write_report(tmp_path / "a.txt", items=[("1.1", "green")])
    second = write_report(tmp_path / "b.txt", items=[("2.1", "red")])
    out = tmp_path / "out"
    assert ingest([first], out, parse=_quarter_only).counts() == {"new": 1}
    assert ingest([second], out, parse=_quarter_only).counts() == {"new": 1}
    assert len(ragtrack.load(out)["documents"]) == 2


def test_a_replacement_says_what_it_replaces(tmp_path: Path) -> None:
    out = tmp_path / "out"
    ingest([write_report(tmp_path / "old.txt")], out, parse=parse_fake)
    newer = write_report(tmp_path / "new.txt", items=[("1.1", "red")])
    (result,) = ingest([newer], out, parse=parse_fake).results
    assert result.status == "changed" and result.note and "replaces old.txt" in result.note


# -- recovery stays inside the dataset; bad dataset paths --------------------------------


@pytest.mark.parametrize("dest", ["../outside.txt", "/tmp/ragtrack-outside.txt", "items/../../x"])
def test_recovery_never_touches_a_path_outside_the_dataset(tmp_path: Path, dest: str) -> None:
    _, out = _dataset(tmp_path)
    outside = tmp_path / "outside.txt" if not dest.startswith("/") else Path(dest)
    outside.write_text("keep me")
    txn = out / STAGING_NAME / "hand-made"
    txn.mkdir(parents=True)
    (txn / "old0").write_text("planted")
    journal = {
        "generation": 999,
        "moves": [{"staged": "n1.parquet", "dest": dest, "backup": "old0", "had_old": True}],
        "removes": [],
    }
    (txn / JOURNAL_NAME).write_text(json.dumps(journal))
    with Store(out):
        pass
    assert outside.read_text() == "keep me"
    outside.unlink()
    assert status(out).consistent


def test_an_empty_dataset_path_is_a_usage_error(tmp_path: Path) -> None:
    path = write_report(tmp_path / "a.txt")
    for command in (["ingest", str(path), "--out", ""], ["status", "--data", ""]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 2, command
    assert not list(Path.cwd().glob("_manifest.sqlite"))


def test_load_refuses_a_folder_that_is_not_a_ragtrack_dataset(tmp_path: Path) -> None:
    foreign = tmp_path / "other"
    (foreign / "items").mkdir(parents=True)
    pd.DataFrame({"x": [1, 2]}).to_parquet(foreign / "items" / "part.parquet")
    with pytest.raises(NoDataset, match="not a ragtrack dataset"):
        ragtrack.load(foreign)


def test_status_works_with_relative_paths_and_the_default_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    inbox = _two_years(Path("in"))
    assert ingest([inbox], "ragtrack-data", parse=parse_fake).ok
    for args in (["status"], ["status", "ragtrack-data"], ["status", "--data", "ragtrack-data"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
        assert "files agree" in result.output
    monkeypatch.setattr("ragtrack.pipeline.default_parser", lambda: parse_fake)
    result = CliRunner().invoke(app, ["ingest", "in", "--dry-run"])
    assert result.exit_code == 0, result.output


# -- workers die with their parent ------------------------------------------------------

PARENT = """
import sys, time
from slow_parse import parse_slowly
from ragtrack.pipeline import IngestOptions, ingest
ingest([sys.argv[1]], sys.argv[2], IngestOptions(jobs=2), parse=parse_slowly)
"""


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(entry.name))
    return found


@pytest.mark.slow  # a soak: SIGKILLs a live ingest and watches its workers end
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find processes")
def test_parse_workers_end_when_their_ingest_is_killed(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    for number in range(8):
        write_report(inbox / f"{number}.txt", council=f"C{number}")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(TESTS)])}
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(inbox), str(tmp_path / "out")], env=env
    )
    family: set[int] = set()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(family) < 3:
        time.sleep(0.2)
        family = _children(parent.pid)
        family |= {g for c in family for g in _children(c)}
    assert len(family) >= 3, "the fork server and its workers did not start"
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 15
    alive = family
    while time.monotonic() < deadline and alive:
        time.sleep(0.2)
        alive = {p for p in alive if Path(f"/proc/{p}").exists() and not _zombie(p)}
    assert not alive, f"left running: {sorted(alive)}"


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return False


def test_a_full_disk_while_recording_a_failure_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, out = _dataset(tmp_path)
    (inbox / "bad.txt").write_text("not a report\n", encoding="utf-8")

    def full(self: object, row: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr("ragtrack.store.manifest.Manifest.record_failure", full)
    with pytest.raises(StoreError, match="cannot record a failure: database or disk is full"):
        ingest([inbox], out, parse=parse_fake)
    assert status(out).consistent


def test_review_decisions_take_the_users_umask(tmp_path: Path) -> None:
    from ragtrack.link.settings import Override
    from ragtrack.store.overrides import append_overrides

    old = os.umask(0o022)
    try:
        _, out = _dataset(tmp_path)
        decision = Override("cannot_link", "action", "2019/20", "1.1", "2020/21", "1.1")
        path = append_overrides(out, [decision])
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644
    assert not list(out.glob("_*.tmp"))


def test_a_dataset_from_before_checksums_is_read_and_then_migrated(tmp_path: Path) -> None:
    inbox, out = _dataset(tmp_path)
    before = ragtrack.load(out)
    with sqlite3.connect(out / "_manifest.sqlite") as db:  # the manifest as it used to be
        db.execute("DROP TABLE files")
        db.execute("DROP TABLE meta")
    old = ragtrack.load(out)
    pd.testing.assert_frame_equal(before["items"], old["items"])
    assert old["items"]["lineage_id"].notna().all()
    assert ingest([inbox], out, parse=parse_fake).counts() == {"unchanged": 2}
    assert status(out).consistent
    pd.testing.assert_frame_equal(before["items"], ragtrack.load(out)["items"])
