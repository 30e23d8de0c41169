"""Parsing on a Dask cluster: one more way for the pipeline to parse, behind the same interface.

The ingest reads, hashes and skips files here as always; only the files it must parse go to
the cluster, as tasks carrying the file's bytes (workers need ragtrack installed, not the
files). Results come back in input order, so the one writer (this process) stages and commits
them exactly as it does after parsing locally. At most a few documents per worker are in
flight, so this process's memory stays flat however long the batch.

A task whose worker dies is run once more (on the local cluster the scheduler allows one
failure per task; a scheduler started elsewhere decides by its own
``distributed.scheduler.allowed-failures``); after that the file fails like any bad file and
the batch goes on. Dask is imported only here, only when a scheduler is asked for.
"""

from __future__ import annotations

import collections
import contextlib
import importlib.util
import logging
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ragtrack.errors import ClusterError, MissingExtra
from ragtrack.extract.reader import read_file_bytes
from ragtrack.pipeline import (
    IN_FLIGHT_PER_WORKER,
    IngestOptions,
    ParseFailure,
    ParseFn,
    load_layout,
    one_line_failure,
    parse_bytes,
    path_text,
    read_limit,
)
from ragtrack.records import ParsedDocument
from ragtrack.version import PARSER_VERSION
from ragtrack.workers import AUTO, usable_cores

if TYPE_CHECKING:
    from distributed import Client, Future, LocalCluster

log = logging.getLogger(__name__)

#: ``IngestOptions.scheduler`` value for a cluster of ``jobs`` worker processes on this machine
#: (one per core with ``jobs="auto"``)
LOCAL = "local"
#: how long to wait for a scheduler's first worker before giving up
WORKER_WAIT_SECONDS = 60.0
#: how long to try to reach a scheduler
CONNECT_SECONDS = 30.0
#: Dask settings while this process is a client. Dask keeps the last 1000 messages each
#: connection sent, for debugging, and each task message here carries a file's bytes: a
#: backfill's client (and a local cluster's scheduler, in this process) grew by about 0.1 MB
#: a document until a thousand were kept. A few are enough to debug by.
CLIENT_CONFIG = {"distributed.admin.low-level-log-length": 16}
#: and for a cluster this process starts: a task whose worker dies is tried once more;
#: workers do not sample their own stacks a hundred times a second for a dashboard that is
#: not there (120 PDFs on two cores: 91 -> 71 s of the workers' time), and the event loops,
#: system and memory monitors wake a few times a second, not fifty (an idle cluster of two
#: took a tenth of a core)
LOCAL_CLUSTER_CONFIG = {
    "distributed.scheduler.allowed-failures": 1,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}

_parsing = threading.Lock()


def require_dask() -> None:
    """Raise :class:`MissingExtra` unless Dask distributed can be imported (without
    importing it)."""
    if importlib.util.find_spec("distributed") is None:
        raise MissingExtra("parsing on a Dask cluster needs Dask: pip install 'ragtrack[dask]'")


def parse_task(
    data: bytes,
    path: Path,
    options: IngestOptions,
    parse: ParseFn | None,
    parser: str,
    profile: object | None = None,
) -> ParsedDocument | ParseFailure:
    """What a worker runs for one file. A worker with another parser version than the ingest
    (``parser``) refuses: its rows would not be what the manifest records. The layout profile
    comes loaded (``profile``), so workers need no copy of the profile file. One document at
    a time per worker process: PDFium is not thread-safe, and the parsers hold the GIL anyway
    (run workers with one thread each)."""
    if parser != PARSER_VERSION:
        return ParseFailure(
            f"{path_text(path)}: the Dask worker runs ragtrack parser {PARSER_VERSION}, the "
            f"ingest parser {parser}; install the same ragtrack version on every worker"
        )
    with _parsing:
        return parse_bytes(data, path, options, parse, profile)


def parse_on_cluster(
    paths: Sequence[Path], options: IngestOptions, parse: ParseFn | None
) -> Iterator[ParsedDocument | ParseFailure]:
    """Parse ``paths`` on the cluster ``options.scheduler`` names, yielding results in order.

    Nothing to parse connects to nothing (an unchanged re-run submits no task)."""
    if not paths:
        return
    profile = load_layout(options.profile) if options.profile is not None else None
    with _client(options, len(paths)) as client:
        yield from _parse_in_order(client, paths, options, parse, profile)


def local_cluster(workers: int) -> LocalCluster:
    """A Dask cluster of ``workers`` single-threaded processes on this machine, on loopback
    with no dashboard; a task whose worker dies is tried once more."""
    import dask
    from distributed import LocalCluster

    # the scheduler runs in this process and reads its settings as it starts; each worker's
    # nanny keeps a copy of them for the worker it starts (and restarts)
    with dask.config.set(LOCAL_CLUSTER_CONFIG):
        return LocalCluster(
            n_workers=max(1, workers),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # no dashboard; the health endpoint on a free loopback port, not 8787
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.ERROR,
        )


@contextlib.contextmanager
def _client(options: IngestOptions, files: int) -> Iterator[Client]:
    """A client of the scheduler ``options.scheduler``, or of a local cluster it starts for
    ``files`` files to parse."""
    import dask
    import distributed  # noqa: F401  (its settings first: leaving the block below
    # would otherwise drop every `distributed.*` setting it added within)

    with dask.config.set(CLIENT_CONFIG), _connected(options, files) as client:
        yield client


@contextlib.contextmanager
def _connected(options: IngestOptions, files: int) -> Iterator[Client]:
    """A client of the scheduler at ``options.scheduler``, waiting for its first worker; a
    local cluster has ``options.jobs`` workers ("auto": one per core, at most one per file)."""
    from distributed import Client

    address = options.scheduler
    if address == LOCAL:
        workers = min(usable_cores(), files) if options.jobs == AUTO else options.jobs
        with local_cluster(workers) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(address, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError) as err:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {err}") from None
    with client:
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
        except TimeoutError:
            raise ClusterError(
                f"the Dask scheduler at {address} has no workers "
                f"(waited {WORKER_WAIT_SECONDS:.0f} seconds)"
            ) from None
        yield client


def _in_flight(client: Client) -> int:
    """How many documents to keep on the cluster: a few per worker (workers may join)."""
    return IN_FLIGHT_PER_WORKER * max(1, len(client.nthreads()))


def _submit(
    client: Client, path: Path, options: IngestOptions, parse: ParseFn | None, profile: object
) -> Future | ParseFailure:
    """Read one file and send its bytes as a task; a file that cannot be read fails here."""
    try:
        data = read_file_bytes(path, read_limit(path, options.max_bytes))
    except Exception as err:  # one bad file must never stop the batch
        return one_line_failure(err, path)
    # pure=False: a fresh key per task, so two runs never share a result
    return client.submit(
        parse_task, data, path, options, parse, PARSER_VERSION, profile, pure=False, retries=1
    )


def _parse_in_order(
    client: Client,
    paths: Sequence[Path],
    options: IngestOptions,
    parse: ParseFn | None,
    profile: object = None,
) -> Iterator[ParsedDocument | ParseFailure]:
    """Keep a bounded window of tasks on the cluster; yield their results in input order."""
    window: collections.deque[tuple[Path, Future | ParseFailure]] = collections.deque()
    todo = iter(paths)
    while True:
        limit = _in_flight(client)
        while len(window) < limit and (path := next(todo, None)) is not None:
            window.append((path, _submit(client, path, options, parse, profile)))
        if not window:
            return
        path, task = window.popleft()
        yield task if isinstance(task, ParseFailure) else _result(task, path)


def _result(task: Future, path: Path) -> ParsedDocument | ParseFailure:
    """The task's result, or the file's failure when its workers died or the cluster is gone."""
    try:
        result: ParsedDocument | ParseFailure = task.result()
    except Exception as err:
        log.debug("%s: task failed on the cluster", path, exc_info=True)
        return ParseFailure(f"{path_text(path)}: parser process failed: {_task_error(err)}")
    finally:
        task.release()
    return result


def _task_error(err: Exception) -> str:
    """One line for a task that did not return: a killed worker's error is a paragraph."""
    name = type(err).__name__
    if name == "KilledWorker":
        return "KilledWorker: every Dask worker that tried to parse it died"
    return f"{name}: {' '.join(str(err).split())}"
