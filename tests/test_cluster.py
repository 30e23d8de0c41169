"""Parsing on a Dask cluster (``ingest --scheduler``) gives what a local run gives: the same
dataset row for row, the same lines, summary and exit status; a worker killed mid-batch loses
nothing; an unchanged re-run sends the cluster nothing; and without Dask the option says how to
install it. The cluster is real: a LocalCluster of two worker processes on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import ragtrack
from cluster_parsers import DEATHS, parse_or_die
from fake_reports import parse_fake, write_report
from ragtrack import api
from ragtrack.cli import app
from ragtrack.cluster import local_cluster
from ragtrack.pipeline import ParseFailure
from ragtrack.version import PARSER_VERSION
from sample_dataset import SAMPLES

if TYPE_CHECKING:  # distributed loads in the test process that runs these tests only
    from distributed import LocalCluster


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """Two worker processes, one thread each; a task whose worker dies is tried once more."""
    deaths = tmp_path_factory.mktemp("deaths")
    os.environ[DEATHS] = str(deaths)  # the workers inherit it
    try:
        with local_cluster(2) as local:  # what `--scheduler local --jobs 2` starts
            yield local
    finally:
        del os.environ[DEATHS]


def _comparable(root: Path) -> dict[str, pd.DataFrame]:
    """Every table, rows sorted, without the time of writing."""
    tables = {}
    for name, frame in ragtrack.load(root).items():
        frame = frame.drop(columns=["ingested_at"], errors="ignore")
        order = frame.astype(str).sort_values(list(frame.columns)).index
        tables[name] = frame.loc[order].reset_index(drop=True)
    return tables


def assert_same_dataset(a: Path, b: Path) -> None:
    left, right = _comparable(a), _comparable(b)
    assert sorted(left) == sorted(right)
    assert len(left["documents"]) > 0 and len(left["items"]) > 0
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name], obj=name)


def _cli(cwd: Path, *args: str) -> tuple[int, str]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, list(args))
    finally:
        os.chdir(old)
    return result.exit_code, result.output


def _summary(path: Path) -> list[dict[str, object]]:
    return [
        {k: v for k, v in r.items() if k != "note"}
        for r in json.loads(path.read_text(encoding="utf-8"))["results"]
    ]


@pytest.mark.slow
def test_the_cluster_builds_the_dataset_a_local_run_builds(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    runs = {}
    for name, extra in (("here", []), ("cluster", ["--scheduler", cluster.scheduler_address])):
        cwd = tmp_path / name
        shutil.copytree(SAMPLES, cwd / "samples")
        (cwd / "samples" / "README.md").unlink()
        runs[name] = _cli(cwd, "ingest", "samples", "--json", "run.json", *extra)
        assert runs[name][0] == 0, runs[name][1]
    assert runs["cluster"][1] == runs["here"][1]  # the same lines, warnings and counts
    assert "5 files: 5 new" in runs["cluster"][1]
    assert _summary(tmp_path / "cluster" / "run.json") == _summary(tmp_path / "here" / "run.json")
    assert_same_dataset(tmp_path / "here" / "ragtrack-data", tmp_path / "cluster" / "ragtrack-data")


def _fake_inbox(folder: Path, names: list[str]) -> list[Path]:
    return [
        write_report(folder / f"{name}.txt", period=f"2019-{month:02d}-28", council=name)
        for month, name in enumerate(names, start=1)
    ]


@pytest.mark.slow
def test_a_killed_worker_loses_nothing(cluster: LocalCluster, tmp_path: Path) -> None:
    """``killer`` kills every worker that parses it and fails alone after one retry;
    ``dies-once`` kills its first worker and is ingested on the retry; the rest are ingested."""
    names = ["alpha", "dies-once", "beta", "killer", "gamma", "delta", "epsilon"]
    _fake_inbox(tmp_path / "in", names)
    summary = api.ingest(
        [tmp_path / "in"],
        tmp_path / "cluster",
        api.IngestOptions(scheduler=cluster.scheduler_address),
        parse=parse_or_die,
    )
    failed = {Path(r.path).name: r.error for r in summary.failed}
    assert list(failed) == ["killer.txt"]
    assert "parser process failed: KilledWorker" in (failed["killer.txt"] or "")
    assert summary.counts() == {"new": 6, "failed": 1}
    # what was written is exactly what a local run of the other files writes
    (tmp_path / "in" / "killer.txt").unlink()
    api.ingest([tmp_path / "in"], tmp_path / "here", parse=parse_fake)
    assert_same_dataset(tmp_path / "here", tmp_path / "cluster")
    assert [p.name for p in Path(os.environ[DEATHS]).iterdir()] == ["dies-once.txt"]


@pytest.mark.slow
def test_an_unchanged_rerun_submits_no_task(cluster: LocalCluster, tmp_path: Path) -> None:
    _fake_inbox(tmp_path / "in", ["one", "two", "three"])
    options = api.IngestOptions(scheduler=cluster.scheduler_address)
    before = cluster.scheduler.transition_counter
    first = api.ingest([tmp_path / "in"], tmp_path / "data", options, parse=parse_fake)
    assert first.counts() == {"new": 3}
    sent = cluster.scheduler.transition_counter
    assert sent > before  # the first run parsed on the cluster
    again = api.ingest([tmp_path / "in"], tmp_path / "data", options, parse=parse_fake)
    assert again.counts() == {"unchanged": 3}
    assert cluster.scheduler.transition_counter == sent


@pytest.mark.slow
def test_the_client_keeps_no_file_it_has_sent(cluster: LocalCluster, tmp_path: Path) -> None:
    """Regression: Dask kept the last thousand messages each connection sent, and each task
    message carries a file's bytes, so a backfill's client grew by a file's size per
    document sent. Now it keeps a few messages, however many documents it sends."""
    from distributed import default_client

    kept: list[int] = []

    def count_tasks_kept(result: object) -> None:
        log = default_client().scheduler_comm.recent_message_log
        batches = [batch for batch in log if isinstance(batch, list)]
        kept.append(sum(m.get("op") == "update-graph" for batch in batches for m in batch))

    for n in range(40):
        write_report(tmp_path / "in" / f"c{n:02d}.txt", council=f"Council {n}")
    options = api.IngestOptions(scheduler=cluster.scheduler_address)
    summary = api.ingest(
        [tmp_path / "in"], tmp_path / "data", options, parse=parse_fake, on_result=count_tasks_kept
    )
    assert summary.counts() == {"new": 40}
    assert max(kept) <= 16  # it was one for every document sent: 40


@pytest.mark.slow
def test_a_local_cluster_of_jobs_workers(tmp_path: Path) -> None:
    """``--scheduler local`` starts its own cluster of ``--jobs`` processes and stops it."""
    _fake_inbox(tmp_path / "in", ["north", "south", "east", "west"])
    summary = api.ingest(
        [tmp_path / "in"],
        tmp_path / "cluster",
        api.IngestOptions(scheduler="local", jobs=2),
        parse=parse_fake,
    )
    assert summary.counts() == {"new": 4}
    api.ingest([tmp_path / "in"], tmp_path / "here", parse=parse_fake)
    assert_same_dataset(tmp_path / "here", tmp_path / "cluster")


LEAVES_DASK_AS_IT_WAS = """
import sys
import ragtrack
from ragtrack.api import IngestOptions
summary = ragtrack.ingest([sys.argv[1]], sys.argv[2], IngestOptions(scheduler="local", jobs=1))
assert summary.counts() == {"new": 1}, summary.counts()
import dask
print(dask.config.get("distributed.comm.timeouts.connect"))
print(dask.config.get("distributed.admin.low-level-log-length"))
print(dask.config.get("distributed.worker.profile.enabled"))
"""


@pytest.mark.slow
def test_a_cluster_ingest_leaves_the_dask_settings_as_they_were(tmp_path: Path) -> None:
    """Regression: in a fresh process (a notebook that goes on to use Dask), the ingest's own
    settings for its client dropped every setting of Dask distributed when it finished."""
    shutil.copy(SAMPLES / "002_09ef99f253a2c4a1.txt", tmp_path / "plan.txt")
    done = subprocess.run(
        [sys.executable, "-c", LEAVES_DASK_AS_IT_WAS, str(tmp_path / "plan.txt"), "data"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["30s", "1000", "True"]


def test_without_dask_the_option_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    write_report(tmp_path / "in" / "q3.txt")
    code, output = _cli(tmp_path, "ingest", "in", "--scheduler", "tcp://127.0.0.1:8786")
    assert code == 2
    assert output.strip().splitlines() == [
        "error: parsing on a Dask cluster needs Dask: pip install 'ragtrack[dask]'"
    ]
    assert not (tmp_path / "ragtrack-data").exists()


def test_an_unreachable_scheduler_is_one_error_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ragtrack.cluster.CONNECT_SECONDS", 0.5)
    write_report(tmp_path / "in" / "q3.txt")
    code, output = _cli(tmp_path, "ingest", "in", "--scheduler", "tcp://127.0.0.1:9")
    assert code == 1
    [line] = [x for x in output.splitlines() if x.startswith("error:")]
    assert line.startswith("error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert not list((tmp_path / "ragtrack-data").glob("*/*/*.parquet"))


def test_a_local_ingest_does_not_import_dask(tmp_path: Path) -> None:
    write_report(tmp_path / "in" / "q3.txt")
    code = (
        "import sys, ragtrack; "
        "from fake_reports import parse_fake; "
        f"ragtrack.ingest([{str(tmp_path / 'in')!r}], {str(tmp_path / 'data')!r}, "
        "parse=parse_fake); "
        "print([m for m in ('dask', 'distributed') if m in sys.modules])"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "[]"


def test_a_worker_with_another_parser_version_refuses(tmp_path: Path) -> None:
    from ragtrack.cluster import parse_task

    path = write_report(tmp_path / "q3.txt")
    options = api.IngestOptions()
    result = parse_task(path.read_bytes(), path, options, parse_fake, "0.0-older")
    assert isinstance(result, ParseFailure)
    assert result.error.startswith(f"{path}: the Dask worker runs ragtrack parser ")
    assert "install the same ragtrack version on every worker" in result.error
    parsed = parse_task(path.read_bytes(), path, options, parse_fake, PARSER_VERSION)
    assert not isinstance(parsed, ParseFailure)
    assert parsed.document.source_name == "q3.txt"


class _Task:
    """A finished task of :class:`_Client`: its result, or the error its workers died with."""

    def __init__(self, client: _Client, value: object) -> None:
        self.client, self.value = client, value

    def result(self) -> object:
        if isinstance(self.value, BaseException):
            raise self.value
        return self.value

    def release(self) -> None:
        self.client.held -= 1


class _Client:
    """Stands in for a ``distributed.Client``: runs each task at once, counts what is held."""

    def __init__(self, workers: int, killers: set[str]) -> None:
        self.workers, self.killers = workers, killers
        self.held = self.peak = self.submitted = 0

    def nthreads(self) -> dict[str, int]:
        return {f"tcp://10.0.0.{n}:1234": 1 for n in range(self.workers)}

    def submit(self, fn: Callable[..., object], *args: object, **kwargs: object) -> _Task:
        from distributed.scheduler import KilledWorker

        self.held += 1
        self.submitted += 1
        self.peak = max(self.peak, self.held)
        path = args[1]
        assert isinstance(path, Path)
        if path.name in self.killers:
            return _Task(self, KilledWorker("task", "tcp://10.0.0.1:1234", 2))
        return _Task(self, fn(*args))


@settings(max_examples=25, deadline=None)
@given(
    kinds=st.lists(st.sampled_from(["ok", "ok", "killer", "missing"]), max_size=25),
    workers=st.integers(1, 4),
)
def test_results_come_in_input_order_with_a_bounded_number_in_flight(
    kinds: list[str], workers: int
) -> None:
    from ragtrack.cluster import IN_FLIGHT_PER_WORKER, _parse_in_order

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for n, kind in enumerate(kinds):
            path = Path(tmp) / f"{kind}-{n:02d}.txt"
            if kind != "missing":
                write_report(path, council=f"Council {n}")
            paths.append(path)
        client = _Client(workers, {p.name for p in paths if p.name.startswith("killer")})
        results = list(
            _parse_in_order(client, paths, api.IngestOptions(), parse_fake)  # type: ignore[arg-type]
        )
    assert len(results) == len(paths)
    for path, result in zip(paths, results, strict=True):
        if path.name.startswith("ok"):
            assert not isinstance(result, ParseFailure)
            assert result.document.source_name == path.name
        else:
            assert isinstance(result, ParseFailure)
            assert result.error.startswith(f"{path}: ")
            word = "KilledWorker" if path.name.startswith("killer") else "cannot read"
            assert word in result.error
    assert client.submitted == sum(kind != "missing" for kind in kinds)
    assert client.peak <= IN_FLIGHT_PER_WORKER * workers
    assert client.held == 0  # every task let go once its result is taken


PROFILES = Path(__file__).resolve().parent / "fixtures" / "profiles"


def test_a_worker_parses_by_the_profile_it_is_sent(tmp_path: Path) -> None:
    """A worker on another machine has no copy of the ``--profile`` file: it parses by the
    profile the client loaded and sent with the task."""
    from ragtrack.cluster import parse_task
    from ragtrack.pipeline import load_layout, parse_file

    report = PROFILES / "aligned_older.txt"
    here = parse_file(report, api.IngestOptions(profile=PROFILES / "aligned_older.toml"))
    assert not isinstance(here, ParseFailure) and here.items
    elsewhere = api.IngestOptions(profile=tmp_path / "on-the-client-only.toml")
    sent = load_layout(PROFILES / "aligned_older.toml")
    parsed = parse_task(report.read_bytes(), report, elsewhere, None, PARSER_VERSION, sent)
    assert not isinstance(parsed, ParseFailure)
    assert parsed.items == here.items
    unsent = parse_task(report.read_bytes(), report, elsewhere, None, PARSER_VERSION)
    assert isinstance(unsent, ParseFailure) and "on-the-client-only.toml" in unsent.error


@pytest.mark.slow
def test_a_profile_read_by_the_client_alone_parses_on_the_cluster(
    cluster: LocalCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The profile file is gone once the client has loaded it: the workers never read it."""
    import ragtrack.cluster

    shutil.copy(PROFILES / "aligned_older.toml", tmp_path / "mine.toml")
    shutil.copy(PROFILES / "aligned_older.txt", tmp_path / "report.txt")
    loads = ragtrack.cluster.load_layout

    def load_then_remove(path: Path) -> object:
        profile = loads(path)
        path.unlink()
        return profile

    monkeypatch.setattr(ragtrack.cluster, "load_layout", load_then_remove)
    options = api.IngestOptions(scheduler=cluster.scheduler_address, profile=tmp_path / "mine.toml")
    summary = api.ingest([tmp_path / "report.txt"], tmp_path / "cluster", options)
    assert summary.counts() == {"new": 1}, summary.failed
    assert not (tmp_path / "mine.toml").exists()
    local = api.IngestOptions(profile=PROFILES / "aligned_older.toml")
    api.ingest([tmp_path / "report.txt"], tmp_path / "here", local)
    assert_same_dataset(tmp_path / "here", tmp_path / "cluster")
