"""Readers against a busy writer: ingest alternates two versions of the samples while another
process loads the dataset continuously; every read must be one committed state, whole, with
every item linked.

    python bench/store_soak.py [SECONDS]   (default 60)

Prints the number of commits, reads, mixed reads (items of a document the read does not
hold, or two versions at once) and reads with items lacking a lineage_id.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ragtrack

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"

READER = """
import json, sys, time
import ragtrack
out, seconds, versions = sys.argv[1], float(sys.argv[2]), json.loads(sys.argv[3])
states = [set(v) for v in versions]
reads = mixed = unlinked = 0
stop = time.monotonic() + seconds
while time.monotonic() < stop:
    t = ragtrack.load(out)
    docs, items = t["documents"], t["items"]
    reads += 1
    held = set(docs["document_id"])
    if held not in states or not set(items["document_id"]) <= held:
        mixed += 1
    if items["lineage_id"].isna().any():
        unlinked += 1
print(reads, mixed, unlinked)
"""


def write_version(inbox: Path, version: int) -> list[str]:
    """The samples, the progress reports marked as version 0 or 1 (a changed reissue);
    returns the document IDs (content hashes) of that version."""
    ids = []
    for sample in sorted(SAMPLES.glob("*.txt")):
        blob = sample.read_bytes()
        if sample.name.startswith(("000", "001", "004")):
            blob += f"\nversion mark {version}\n".encode()
        (inbox / sample.name).write_bytes(blob)
        ids.append(hashlib.sha256(blob).hexdigest())
    return ids


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    logging.getLogger("ragtrack").setLevel(logging.ERROR)  # the samples' parser warnings
    work = Path(tempfile.mkdtemp(prefix="ragtrack-soak-"))
    try:
        inbox, out = work / "in", work / "data"
        inbox.mkdir()
        versions = [write_version(inbox, 1), write_version(inbox, 0)]
        ragtrack.ingest([inbox], out)
        reader = subprocess.Popen(
            [sys.executable, "-c", READER, str(out), str(seconds), json.dumps(versions)],
            stdout=subprocess.PIPE,
            text=True,
        )
        commits, started = 0, time.monotonic()
        while reader.poll() is None:
            commits += 1
            write_version(inbox, commits % 2)
            ragtrack.ingest([inbox], out)
        reads, mixed, unlinked = map(int, reader.communicate()[0].split())
        elapsed = time.monotonic() - started
        print(f"{elapsed:.0f} s: {commits} commits (each replacing 3 reports and the lineage)")
        print(f"{reads} reads: {mixed} mixed, {unlinked} with unlinked items")
        sys.exit(0 if mixed == unlinked == 0 else 1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
