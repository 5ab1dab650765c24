"""Issue 12 benchmark: `qms publish` against a plain Material build of the same documents.

    python bench/bench_publish.py [--corpus 1000x1,1000x5,5000x1] [--runs 3]

For each corpus (documents x revisions, from bench/common.py under bench/out/):
- plain: `mkdocs build` of the tree `qms render` writes, without its superseded pages: the same documents
  in force and generated pages, Material with navigation.prune and search, the type-level navigation,
  no `qms` plugin;
- `qms publish`: selection from git, render, the MkDocs build, and the superseded revisions' pages
  (written by a worker process beside the build: its CPU is counted, it is a child of the build).
With `--cold`, two more: `qms publish` into a new site folder each time, with its caches (the verification
cache, the kept front matter and converted bodies in .git/qms-cache) and with `--no-cache` (a first build).
They run round-robin (common.interleaved) after a warm-up each. Reported: wall and CPU seconds
(user+sys of the process and its children), the load average before and after, the site size (bytes of
its files), the search index size, the pages; and the 5000-document time over the 1000-document time.
Targets (issue 12): 1000 documents x 5 revisions under 8 s and within 1.3x of the plain build of the
same 1000 documents; site under 50 MB; 5000 documents at most 5.5x the 1000-document time."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from common import commits, compiled, corpus, dump, interleaved, qms_exe, table

TARGET_RATIO, TARGET_SECONDS, TARGET_MB, TARGET_SCALE = 1.3, 8.0, 50.0, 5.5
SITE_YML = """\
site_name: Benchmark Quality Manual
docs_dir: controlled
theme:
  name: material
  features: [navigation.prune]
plugins:
  - search
  - qms
"""


def size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def plain_tree(repo: Path, tree: Path) -> None:
    """The rendered tree without the superseded revisions: the documents a plain build would publish."""
    subprocess.run([qms_exe(), "render", "--repo", str(repo), "--out", str(tree)], check=True, capture_output=True)
    shutil.rmtree(tree / "docs" / "superseded", ignore_errors=True)


def fresh_site(work: Path, *args: str) -> list[str]:
    """`qms publish` into a new folder below `work` (a shell's mktemp: no Python start counted)."""
    return ["sh", "-c", f'exec "$0" publish "$@" --site-dir "$(mktemp -d -p {work})"', qms_exe(), *args]


def measure(name: str, runs: int, cold: bool = False) -> dict[str, float]:
    docs, revisions = (int(x) for x in name.split("x"))
    repo = corpus(docs, revisions)
    # Uncommitted and outside controlled/: the plugin publishes only what git holds there.
    (repo / "mkdocs.yml").write_text(SITE_YML, encoding="utf-8")
    work = Path(tempfile.mkdtemp(prefix="bench-publish-"))
    try:
        plain_tree(repo, work / "tree")
        load = os.getloadavg()[0]
        (work / "fresh").mkdir()
        commands = {
            "plain": [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(work / "tree" / "mkdocs.yml"),
                      "-d", str(work / "plain")],
            "qms": [qms_exe(), "publish", "--repo", str(repo), "--site-dir", str(work / "qms")],
        }
        if cold:
            commands["fresh"] = fresh_site(work / "fresh", "--repo", str(repo))
            commands["cold"] = fresh_site(work / "fresh", "--repo", str(repo), "--no-cache")
        results = interleaved(commands, runs)
        site = work / "qms"
        out = {"docs": docs, "revisions": revisions, "commits": commits(repo),
               "pages": sum(1 for _ in site.rglob("index.html")),
               "superseded_pages": sum(1 for _ in (site / "superseded").rglob("index.html")),
               "site_mb": size(site) / 1e6, "plain_site_mb": size(work / "plain") / 1e6,
               "search_index_mb": (site / "search/search_index.json").stat().st_size / 1e6,
               "plain_wall": results["plain"][0], "plain_cpu": results["plain"][1],
               "qms_wall": results["qms"][0], "qms_cpu": results["qms"][1],
               "load_before": load, "load_after": os.getloadavg()[0]}
        for variant in ("fresh", "cold") if cold else ():
            out[f"{variant}_wall"], out[f"{variant}_cpu"] = results[variant]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="1000x1,1000x5,5000x1", help="documents x revisions, comma-separated")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cold", action="store_true", help="also: a new site folder each time, with and without caches")
    a = ap.parse_args()
    os.environ.update({"QMS_TODAY": "2026-11-22", "NO_MKDOCS_2_WARNING": "1"})
    compiled()
    found = {name: measure(name, a.runs, a.cold) for name in a.corpus.split(",")}
    rows = [(f"{r['docs']} x {r['revisions']} ({r['pages']} pages, {r['superseded_pages']} superseded)",
             f"{r['plain_wall']:.1f}", f"{r['plain_cpu']:.1f}", f"{r['qms_wall']:.1f}", f"{r['qms_cpu']:.1f}",
             f"{r['qms_wall'] / r['plain_wall']:.2f}x", f"{r['qms_cpu'] / r['plain_cpu']:.2f}x",
             f"{r['site_mb']:.1f}", f"{r['search_index_mb']:.2f}", f"{r['load_before']:.1f}-{r['load_after']:.1f}")
            for r in found.values()]
    print(f"median of {a.runs} round-robin runs; {os.cpu_count()} CPUs\n")
    print(table(rows, ["corpus", "plain wall s", "plain CPU s", "qms wall s", "qms CPU s", "wall vs plain",
                       "CPU vs plain", "site MB", "search index MB", "load"]))
    if a.cold:
        print("\nA new site folder each time (qms wall s / CPU s): with the caches, and with --no-cache (a first build)\n")
        print(table([(f"{r['docs']} x {r['revisions']}", f"{r['fresh_wall']:.1f}", f"{r['fresh_cpu']:.1f}",
                      f"{r['cold_wall']:.1f}", f"{r['cold_cpu']:.1f}", f"{r['cold_wall'] / r['plain_wall']:.2f}x")
                     for r in found.values()],
                    ["corpus", "new folder wall s", "CPU s", "--no-cache wall s", "CPU s", "--no-cache vs plain"]))
    if "1000x1" in found and "5000x1" in found:
        small, large = found["1000x1"], found["5000x1"]
        print(f"\n5000 over 1000 documents: wall {large['qms_wall'] / small['qms_wall']:.2f}x, "
              f"CPU {large['qms_cpu'] / small['qms_cpu']:.2f}x (target at most {TARGET_SCALE}x; plain "
              f"{large['plain_cpu'] / small['plain_cpu']:.2f}x CPU)")
    dump("bench_publish", {"runs": a.runs, "corpora": found, "targets": {
        "ratio": TARGET_RATIO, "seconds_1000x5": TARGET_SECONDS, "site_mb": TARGET_MB, "scale_5000": TARGET_SCALE}})


if __name__ == "__main__":
    main()
