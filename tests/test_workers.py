"""``jobs="auto"`` (the command line's default): worker processes only where they pay."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import ragtrack
from ragtrack import pipeline, workers
from ragtrack.api import AUTO_JOBS, IngestOptions
from ragtrack.cli import app
from ragtrack.workers import worker_count, workers_for
from report_pdf import Options, blocks_from_tabbed, render
from sample_dataset import SAMPLES


def _pdf(path: Path, kilobytes: int) -> Path:
    """A file the size of a report PDF of that many KB (the estimate reads size and header)."""
    path.write_bytes(b"%PDF-1.7\n" + b"x" * (kilobytes * 1024))
    return path


def _text(path: Path, kilobytes: int) -> Path:
    path.write_bytes(b"Council Plan progress report\n" * (kilobytes * 1024 // 29 + 1))
    return path


def test_a_folder_of_pdfs_uses_the_cores(tmp_path: Path) -> None:
    pdfs = [_pdf(tmp_path / f"q{n}.pdf", 130) for n in range(4)]
    assert workers_for(pdfs[:2], cores=2) == 2
    assert workers_for(pdfs, cores=2) == 2
    assert workers_for(pdfs, cores=8) == 4  # never more workers than files
    assert workers_for(pdfs, cores=1) == 1


def test_text_reports_and_single_files_parse_here(tmp_path: Path) -> None:
    samples = sorted(SAMPLES.glob("*.txt"))
    assert workers_for(samples, cores=2) == 1  # parsed in a tenth of a second: not worth it
    assert workers_for([_pdf(tmp_path / "big.pdf", 5000)], cores=2) == 1  # one file
    # one PDF and a small text: the PDF is the whole wait however many processes there are
    mixed = [_pdf(tmp_path / "q.pdf", 130), _text(tmp_path / "plan.txt", 20)]
    assert workers_for(mixed, cores=2) == 1
    # many megabytes of text are worth it again
    texts = [_text(tmp_path / f"t{n}.txt", 2000) for n in range(2)]
    assert workers_for(texts, cores=2) == 2


def test_files_that_cannot_be_read_cost_nothing(tmp_path: Path) -> None:
    gone = [tmp_path / "missing1.pdf", tmp_path / "missing2.pdf"]
    assert workers_for(gone, cores=2) == 1  # unreadable files fail in the parse, not here


def test_a_number_of_jobs_is_kept_up_to_the_files(tmp_path: Path) -> None:
    texts = [_text(tmp_path / f"t{n}.txt", 1) for n in range(3)]
    assert worker_count(2, texts) == 2
    assert worker_count(8, texts) == 3
    assert worker_count(1, texts) == 1


@pytest.mark.parametrize("jobs", [0, -1, "four", True, 2.0])
def test_ingest_options_refuse_a_jobs_value_that_means_nothing(jobs: object) -> None:
    with pytest.raises(ValueError, match="jobs must be"):
        IngestOptions(jobs=jobs)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["x", "0", "-2", "1.5", "", "²"])
def test_a_bad_jobs_flag_is_a_usage_error(tmp_path: Path, value: str) -> None:
    result = CliRunner().invoke(
        app, ["ingest", str(SAMPLES), "--jobs", value, "-d", str(tmp_path / "d")]
    )
    assert result.exit_code == 2
    assert "Invalid value for '--jobs'" in result.stderr
    assert not (tmp_path / "d").exists()


def _no_pool(workers: int) -> None:
    raise AssertionError(f"started {workers} worker processes")


def test_the_samples_and_a_scheduled_single_report_start_no_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "usable_cores", lambda: 2)
    monkeypatch.setattr(pipeline, "_new_pool", _no_pool)
    monkeypatch.chdir(tmp_path)
    one = CliRunner().invoke(app, ["ingest", str(SAMPLES / "002_09ef99f253a2c4a1.txt")])
    assert one.exit_code == 0, one.output
    result = CliRunner().invoke(app, ["ingest", str(SAMPLES), "--jobs", "AUTO", "-v"])
    assert result.exit_code == 0, result.output
    # the report ingested first is unchanged: four are parsed
    assert "info: parsing 4 files here: too little to gain from worker processes" in result.stderr
    assert len(ragtrack.load()["documents"]) == 5


def test_the_command_line_parses_a_folder_of_pdfs_in_workers_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    for name in ("004_37aa582fc5e89633.txt", "001_7d2f7bf68617a22e.txt"):
        blocks = blocks_from_tabbed((SAMPLES / name).read_text(encoding="utf-8-sig"))
        (inbox / name.replace(".txt", ".pdf")).write_bytes(render(blocks, Options()))
    monkeypatch.setattr(workers, "usable_cores", lambda: 2)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["ingest", "in", "-v"])
    assert result.exit_code == 0, result.output
    assert "info: parsing 2 files in 2 worker processes" in result.stderr
    assert "118 items, 112 commentary" in result.stdout  # as from the sample's text
    assert "91 items, 131 commentary" in result.stdout
    assert AUTO_JOBS == "auto"


def test_the_estimate_reads_a_file_as_the_readers_will(tmp_path: Path) -> None:
    """Regression: PDF bytes in a file named .txt were estimated as a PDF, so a batch of
    mis-named downloads started worker processes, but the text reader (chosen by the name)
    refuses such a file at once; and a .pdf that is no PDF is refused at once too."""
    misnamed = [_pdf(tmp_path / f"download{n}.txt", 130) for n in range(2)]
    assert workers_for(misnamed, cores=2) == 1
    not_pdf = [_text(tmp_path / f"page{n}.pdf", 130) for n in range(2)]
    assert workers_for(not_pdf, cores=2) == 1
    upper = [_pdf(tmp_path / f"scan{n}.PDF", 130) for n in range(2)]
    assert workers_for(upper, cores=2) == 2


def test_a_local_cluster_with_auto_has_no_more_workers_than_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: ``--scheduler local`` with the default ``--jobs auto`` started one Dask
    worker per core even for a single file; like the worker processes, it needs no more
    workers than there are files to parse."""
    pytest.importorskip("distributed")
    from ragtrack import cluster

    started: list[int] = []

    def no_cluster(workers: int) -> object:
        started.append(workers)
        raise RuntimeError("no cluster in this test")

    monkeypatch.setattr(workers, "usable_cores", lambda: 4)
    monkeypatch.setattr(cluster, "usable_cores", lambda: 4)
    monkeypatch.setattr(cluster, "local_cluster", no_cluster)
    one = [_text(tmp_path / "q1.txt", 1)]
    options = IngestOptions(jobs="auto", scheduler="local")
    with pytest.raises(RuntimeError, match="no cluster"):
        list(cluster.parse_on_cluster(one, options, None))
    many = [_text(tmp_path / f"q{n}.txt", 1) for n in range(6)]
    with pytest.raises(RuntimeError, match="no cluster"):
        list(cluster.parse_on_cluster(many, options, None))
    with pytest.raises(RuntimeError, match="no cluster"):
        list(cluster.parse_on_cluster(one, IngestOptions(jobs=3, scheduler="local"), None))
    assert started == [1, 4, 3]  # a number of jobs given is kept, as before


@pytest.mark.parametrize(
    ("cpu_max", "cpus"),
    [
        ("max 100000\n", None),  # no cap
        ("200000 100000\n", 2),
        ("150000 100000\n", 2),  # a part of a CPU is a worker's worth
        ("20000 100000\n", 1),
        ("", None),
        ("nonsense\n", None),
    ],
)
def test_a_containers_cpu_quota_is_read(tmp_path: Path, cpu_max: str, cpus: int | None) -> None:
    (tmp_path / "cpu.max").write_text(cpu_max, encoding="ascii")
    assert workers.cpu_quota(tmp_path / "cpu.max") == cpus
    assert workers.cpu_quota(tmp_path / "missing") is None


def test_a_container_given_one_cpu_parses_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cpu.max").write_text("100000 100000\n", encoding="ascii")
    monkeypatch.setattr(workers, "CPU_MAX", tmp_path / "cpu.max")
    assert workers.usable_cores() == 1
    pdfs = [_pdf(tmp_path / f"q{n}.pdf", 500) for n in range(4)]
    assert workers_for(pdfs) == 1


GUARDED = """import ragtrack

def main():
    ragtrack.ingest(["in"])

if __name__ == "__main__":
    main()
else:
    main()

if "__main__" == __name__: main()
main()
"""


@pytest.mark.parametrize(
    ("line", "guarded"),
    [(4, False), (7, True), (9, False), (11, True), (12, False), (1, False)],
)
def test_a_line_under_the_main_guard_is_told_from_one_outside(line: int, guarded: bool) -> None:
    assert workers.under_main_guard(GUARDED, line) is guarded


def test_a_script_that_cannot_be_read_as_python_counts_as_guarded() -> None:
    assert workers.under_main_guard("def (:\n", 1)


def test_pytest_and_notebooks_are_not_unguarded_scripts() -> None:
    assert workers.unguarded_call() is None  # __main__ here is pytest's, called in a function


UNGUARDED_AUTO = """
import logging
import ragtrack
from ragtrack.api import IngestOptions

logging.basicConfig(level=logging.INFO, format="%(message)s")


def main():
    summary = ragtrack.ingest(["in"], "data", IngestOptions(jobs="auto"))
    print("counts", summary.counts())


main()
"""


def test_auto_in_a_script_without_the_guard_parses_in_the_scripts_process(
    tmp_path: Path,
) -> None:
    """Workers would import the script again and run ``main()`` in each: "auto" parses here
    instead, however large the batch, and says why."""
    (tmp_path / "in").mkdir()
    for name in ("000_965dd161175208ce.txt", "004_37aa582fc5e89633.txt"):
        text = (SAMPLES / name).read_text(encoding="utf-8-sig")
        (tmp_path / "in" / name).write_text(text * 14, encoding="utf-8")  # 1-1.2 MB each
    assert workers_for(sorted((tmp_path / "in").iterdir()), cores=2) == 2
    (tmp_path / "job.py").write_text(UNGUARDED_AUTO, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "job.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert "counts {'new': 2}" in done.stdout, done.stderr
    assert f"parsing here: {tmp_path / 'job.py'} line 14 calls ingest outside" in done.stderr
