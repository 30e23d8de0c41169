"""A PDF backfill parsed on a Dask cluster against parsing here: speed-up and client memory.

Builds report PDFs from the tab-separated progress-report samples (tests/report_pdf.py), each
copy printed as another council's report (a council line on its title page), so every file
has bytes and a report key of its own. Then, each in a fresh process and a fresh dataset, one
run each of
  * ``--jobs 1``: parsing in the ingest process,
  * ``--jobs 2``: two local worker processes,
  * ``--scheduler local --jobs 2``: a LocalCluster of two worker processes (one thread each),
and prints the wall time of the ingest (cluster start-up included), the speed-up over
``--jobs 1`` (target for the cluster: >= 1.7x with two workers) and the ingest process's peak
memory (``ru_maxrss``; with a LocalCluster the scheduler lives in that process too): when a
quarter, half, three quarters and all of the documents are parsed and staged (flat: no
parsed report is held in memory), and in all (linking every report at the one commit at the
end comes on top, in every mode alike; the runs make no checkpoint commits, so that the
figures compare).

    python bench/cluster_speed.py [--reports 400] [--keep FOLDER]
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from report_pdf import Options, blocks_from_tabbed, render  # noqa: E402

SAMPLES = ROOT / "samples"
VARIANTS = [
    ("004_37aa582fc5e89633.txt", Options(rag="colour")),
    ("001_7d2f7bf68617a22e.txt", Options(rag="both", colour_space="cmyk", arrows="symbol")),
]
PLACES = ["Ash", "Bram", "Cal", "Dun", "Eld", "Fen", "Gar", "Hol", "Ing", "Kel", "Lang", "Mor"]
ENDINGS = ["ford", "ton", "by", "wick", "ham", "stead", "field", "bury", "mouth", "dale"]
KINDS = ["County", "Borough", "District"]

#: one ingest in a fresh process: prints its wall time and peak memory as JSON: the peak when
#: a quarter, half, three quarters and all of the documents have been parsed and staged (no
#: checkpoint commits, so these are the parsing alone), and at the end (after linking all the
#: reports and committing)
RUN = """
import json, resource, sys, time
import ragtrack
from ragtrack.api import IngestOptions
folder, data, jobs, scheduler = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] or None
def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
parsed = []
start = time.perf_counter()
options = IngestOptions(jobs=jobs, scheduler=scheduler, checkpoint_seconds=None)
summary = ragtrack.ingest([folder], data, options, on_result=lambda result: parsed.append(peak()))
elapsed = time.perf_counter() - start
quarters = [parsed[max(0, len(parsed) * q // 4 - 1)] for q in (1, 2, 3, 4)]
print(json.dumps({"seconds": elapsed, "counts": summary.counts(),
                  "parsing_mb": quarters, "maxrss_mb": peak()}))
"""


def councils(count: int) -> list[str]:
    """``count`` made-up council names (letters only, as a council line prints them)."""
    names = (
        f"{place}{ending} {kind}"
        for kind, place, ending in itertools.product(KINDS, PLACES, ENDINGS)
    )
    return list(itertools.islice(names, count))


def _render(job: tuple[str, Options, str, Path]) -> int:
    name, options, council, target = job
    text = (SAMPLES / name).read_text(encoding="utf-8-sig")
    data = render(blocks_from_tabbed(f"{council} Council\n{text}"), options)
    target.write_bytes(data)
    return len(data)


def build_pdfs(folder: Path, reports: int) -> int:
    """Write ``reports`` PDFs into ``folder`` (two cores render them); return their bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    per_variant = -(-reports // len(VARIANTS))
    jobs = [
        (name, options, council, folder / f"{council.replace(' ', '-')}-{Path(name).stem}.pdf")
        for council in councils(per_variant)
        for name, options in VARIANTS
    ][:reports]
    with cf.ProcessPoolExecutor(max_workers=2) as pool:
        return sum(pool.map(_render, jobs, chunksize=8))


def run(folder: Path, data: Path, jobs: int, scheduler: str | None) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", RUN, str(folder), str(data), str(jobs), scheduler or ""],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=400, help="report PDFs to ingest")
    parser.add_argument("--keep", type=Path, help="build the PDFs here (reused if present)")
    args = parser.parse_args()
    if args.reports > len(councils(10**6)) * len(VARIANTS):
        parser.error(f"at most {len(councils(10**6)) * len(VARIANTS)} reports")
    work = Path(tempfile.mkdtemp(prefix="bench-distributed-"))
    folder = args.keep or work / "in"
    try:
        if len(list(folder.glob("*.pdf"))) != args.reports:
            shutil.rmtree(folder, ignore_errors=True)
            size = build_pdfs(folder, args.reports)
        else:
            size = sum(p.stat().st_size for p in folder.glob("*.pdf"))
        print(f"{args.reports} report PDFs, {size / 1e6:.1f} MB")
        runs = {
            "--jobs 1": run(folder, work / "one", 1, None),
            "--jobs 2": run(folder, work / "two", 2, None),
            "--scheduler local --jobs 2": run(folder, work / "cluster", 2, "local"),
        }
        base = float(runs["--jobs 1"]["seconds"])  # type: ignore[arg-type]
        for label, result in runs.items():
            seconds = float(result["seconds"])  # type: ignore[arg-type]
            quarters = "/".join(f"{mb:.0f}" for mb in result["parsing_mb"])  # type: ignore[attr-defined]
            print(
                f"{label:28} {seconds:7.1f} s  speed-up {base / seconds:4.2f}x  "
                f"peak memory {quarters} MB at 1/4, 1/2, 3/4, all parsed; "
                f"{float(result['maxrss_mb']):5.0f} MB in all  "  # type: ignore[arg-type]
                f"{result['counts']}"
            )
        cluster = base / float(runs["--scheduler local --jobs 2"]["seconds"])  # type: ignore[arg-type]
        verdict = "meets" if cluster >= 1.7 else "misses"
        print(f"cluster speed-up {cluster:.2f}x ({verdict} the >= 1.7x target with 2 workers)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
