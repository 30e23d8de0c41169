"""20 random SIGKILLs of a changing ingest of the samples, each followed by a plain re-run:
the dataset, lineage IDs included, equals an uninterrupted run's every time."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import ragtrack

SRC = Path(ragtrack.__file__).resolve().parents[1]
SAMPLES = SRC.parent / "samples"

#: Reads "DELAY" lines: copies the base dataset, forks an ingest of the changed reports,
#: SIGKILLs it after DELAY seconds (never when DELAY < 0), runs the same ingest again
#: plainly, and prints whether the kill landed and a digest of the whole dataset.
SERVER = """
import hashlib, os, shutil, signal, sys, time
import ragtrack
from ragtrack.pipeline import ingest
import ragtrack.relink, sklearn.feature_extraction.text  # imported before forking
base, inbox, work = sys.argv[1:4]

def digest(out):
    h = hashlib.sha256()
    tables = ragtrack.load(out)
    for name in sorted(tables):
        frame = tables[name].drop(columns=["ingested_at"], errors="ignore")
        frame = frame.astype(str).sort_values(list(frame.columns)).reset_index(drop=True)
        h.update(name.encode() + frame.to_csv(index=False).encode())
    return h.hexdigest()

for line in sys.stdin:
    delay = float(line)
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(base, work)
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            ingest([inbox], work)
        finally:
            os._exit(0)
    if delay >= 0:
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    killed = os.waitstatus_to_exitcode(status) == -signal.SIGKILL
    elapsed = time.monotonic() - started
    assert ingest([inbox], work).ok
    print(int(killed), round(elapsed, 3), digest(work), flush=True)
"""


@pytest.mark.slow
def test_twenty_kills_then_a_plain_rerun_equal_an_uninterrupted_run(tmp_path: Path) -> None:
    base, inbox = tmp_path / "base", tmp_path / "inbox"
    inbox.mkdir()
    for sample in sorted(SAMPLES.glob("*.txt")):
        shutil.copy(sample, inbox / sample.name)
    assert ragtrack.ingest([inbox], base).ok
    for name in ("000_965dd161175208ce.txt", "004_37aa582fc5e89633.txt"):  # reissued changed
        with (inbox / name).open("a", encoding="utf-8") as handle:
            handle.write("\nReissued with corrections.\n")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(base), str(inbox), str(tmp_path / "work")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert server.stdin and server.stdout

    def run(delay: float) -> tuple[bool, float, str]:
        server.stdin.write(f"{delay}\n")
        server.stdin.flush()
        killed, elapsed, digest = server.stdout.readline().split()
        return killed == "1", float(elapsed), digest

    try:
        _, duration, reference = run(-1)
        rng = random.Random(20261130)
        kills = 0
        for _ in range(20):
            killed, _, digest = run(rng.uniform(0, 0.8 * duration))  # mostly mid-run
            kills += killed
            assert digest == reference
    finally:
        server.stdin.close()
        server.wait(timeout=120)
    print(f"{kills} of 20 runs killed; every re-run equalled the uninterrupted run")
    assert kills >= 5, f"only {kills} of 20 kills landed before the run ended"
