"""Issue 4/12 benchmark: `qms publish` against a plain `mkdocs build` of the same pages.

    python bench/bench_publish.py [--docs 1000] [--revisions 5] [--drafts 0] [--runs 3]

The plain build is `mkdocs build` of the tree `qms render` writes: the same pages (revisions in force,
superseded revisions, generated pages), Material with navigation.prune and search, a type-level
navigation, no `qms` plugin. Reported: wall and CPU seconds (user+sys of the build process: the
machine may be loaded by other work), the site's size (bytes of its files) and the search index size.
Targets (1000 documents): `qms publish` within 1.3x of the plain build and under 8 s; site under 50 MB.
The corpus comes from bench/make_corpus.py when it exists, else from ../shared/bench/make_corpus.py."""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import HERE, OUT, commits, dump, qms_exe, table

SHARED_GENERATOR = HERE.parents[1] / "shared" / "bench" / "make_corpus.py"
TARGET = 1.3
SITE_YML = """\
site_name: Benchmark Quality Manual
docs_dir: controlled
theme:
  name: material
  features: [navigation.prune]
plugins:
  - search
{qms}"""


def corpus(docs: int, revisions: int, drafts: int) -> Path:
    """The project's corpus generator if present, else the shared one; cached under bench/out/."""
    generator = HERE / "make_corpus.py"
    if not generator.is_file():
        if not SHARED_GENERATOR.is_file():
            raise SystemExit(f"no corpus generator: neither {generator} nor {SHARED_GENERATOR} exists")
        print(f"note: {generator.name} not in bench/; using {SHARED_GENERATOR}", file=sys.stderr)
        generator = SHARED_GENERATOR
    path = OUT / f"corpus-{docs}x{revisions}-d{drafts}"
    if not (path / ".git").is_dir():
        OUT.mkdir(exist_ok=True)
        subprocess.run([sys.executable, str(generator), str(path), "--docs", str(docs), "--revisions",
                        str(revisions), "--drafts", str(drafts)], check=True, stdout=subprocess.DEVNULL)
    return path


def timed(argv: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU times of `runs` runs (after one warm-up run that fills the page cache)."""
    walls, cpus = [], []
    for i in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True, env={**os.environ, "QMS_TODAY": "2026-11-22",
                                                               "NO_MKDOCS_2_WARNING": "1"})
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}:\n{proc.stderr.decode()[-3000:]}")
        if i:
            walls.append(wall)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--revisions", type=int, default=5)
    ap.add_argument("--drafts", type=int, default=0)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    repo = corpus(a.docs, a.revisions, a.drafts)
    # Uncommitted and outside controlled/: the plugin publishes only what git holds there.
    (repo / "mkdocs.yml").write_text(SITE_YML.format(qms="  - qms\n"), encoding="utf-8")
    work = Path(tempfile.mkdtemp(prefix="bench-publish-"))
    try:
        timed([qms_exe(), "render", "--repo", str(repo), "--out", str(work / "tree")], 0)
        plain = timed([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(work / "tree" / "mkdocs.yml"),
                       "-d", str(work / "plain")], a.runs)
        publish = timed([qms_exe(), "publish", "--repo", str(repo), "--site-dir", str(work / "qms")], a.runs)
        render = timed([qms_exe(), "render", "--repo", str(repo), "--out", str(work / "tree")], a.runs)
        pages = sum(1 for _ in (work / "qms").rglob("index.html"))
        site_mb, index_mb = size(work / "qms") / 1e6, (work / "qms/search/search_index.json").stat().st_size / 1e6
    finally:
        shutil.rmtree(work, ignore_errors=True)
    (p, pc), (q, qc), (r, rc) = ((statistics.median(w), statistics.median(c)) for w, c in (plain, publish, render))
    rows = [("plain `mkdocs build` of the `qms render` tree (Material, search)", f"{p:.1f}", f"{pc:.1f}", "1.00x"),
            ("`qms publish` (selection from git, render, build)", f"{q:.1f}", f"{qc:.1f}", f"{qc / pc:.2f}x"),
            ("`qms render --out` (selection from git, render, write)", f"{r:.1f}", f"{rc:.1f}", f"{rc / pc:.2f}x")]
    print(f"corpus: {a.docs} documents x {a.revisions} revisions, {a.drafts} drafts, {commits(repo)} commits; "
          f"{pages} pages published; median of {a.runs}; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}\n")
    print(table(rows, ["build", "wall s", "CPU s", "CPU vs plain"]))
    print(f"\nsite: {site_mb:.1f} MB in files; search index {index_mb:.2f} MB")
    dump("bench_publish", {"plain": plain, "publish": publish, "render": render, "ratio_cpu": qc / pc,
                           "site_mb": site_mb, "search_index_mb": index_mb, "pages": pages, "target": TARGET})
    if qc / pc > TARGET:
        print(f"\nabove target: {qc / pc:.2f}x > {TARGET}x")


if __name__ == "__main__":
    main()
