"""Issue 4 benchmark: `qms publish` against a plain `mkdocs build` of the same files.

    python bench/bench_publish.py [--docs 1000] [--revisions 5] [--drafts 0] [--runs 3]

Both builds use the same mkdocs.yml (Material with navigation.prune, search); the plain one just
lacks the `qms` plugin. Target: `qms publish` within 1.3x of the plain build. The corpus comes from
bench/make_corpus.py when it exists, else from ../shared/bench/make_corpus.py beside the checkout."""

from __future__ import annotations

import argparse
import os
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


def timed(argv: list[str], runs: int) -> list[float]:
    """Wall times of `runs` runs (after one warm-up run that fills the page cache)."""
    times = []
    for i in range(runs + 1):
        start = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True, env={**os.environ, "QMS_TODAY": "2026-11-22"})
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}:\n{proc.stderr.decode()[-3000:]}")
        if i:
            times.append(time.perf_counter() - start)
    return times


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
    (repo / "mkdocs-plain.yml").write_text(SITE_YML.format(qms=""), encoding="utf-8")
    work = Path(tempfile.mkdtemp(prefix="bench-publish-"))
    try:
        plain = timed([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(repo / "mkdocs-plain.yml"),
                       "-d", str(work / "plain")], a.runs)
        publish = timed([qms_exe(), "publish", "--repo", str(repo), "--site-dir", str(work / "qms")], a.runs)
        pages = sum(1 for _ in (work / "qms").rglob("index.html"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    p, q = statistics.median(plain), statistics.median(publish)
    rows = [("plain `mkdocs build` (Material, navigation.prune, search)", f"{p:.1f}", "1.00x"),
            ("`qms publish` (effective revisions from git, generated pages)", f"{q:.1f}", f"{q / p:.2f}x")]
    print(f"corpus: {a.docs} documents x {a.revisions} revisions, {a.drafts} drafts, {commits(repo)} commits; "
          f"{pages} pages published; median of {a.runs}\n")
    print(table(rows, ["build", "seconds", "vs plain"]))
    dump("bench_publish", {"plain": plain, "publish": publish, "ratio": q / p, "target": TARGET})
    if q / p > TARGET:
        print(f"\nabove target: {q / p:.2f}x > {TARGET}x")


if __name__ == "__main__":
    main()
