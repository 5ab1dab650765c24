"""Issue 2 benchmark: `qms check` on the 1000-document, 5-revision corpus against the floor.

    python bench/bench_check.py [--docs 1000] [--revisions 5] [--runs 11]
Target: `qms check` within 1.5x of the floor (bench/floor_check.py). The commands run round-robin
(see common.interleaved); both wall and CPU time (user + system, children included) are reported, with
the load average: on a shared machine wall times stretch, CPU times much less. qms_docs is byte-compiled
first, as an installed package is (see common.compiled)."""

from __future__ import annotations

import argparse
import sys

from common import HERE, commits, compiled, corpus, dump, interleaved, load_note, qms_exe, table

PLAIN_EXIT = "import sys; from qms_docs.cli import cli; cli.main(prog_name='qms')"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--revisions", type=int, default=5)
    ap.add_argument("--runs", type=int, default=11)
    a = ap.parse_args()
    repo = corpus(a.docs, a.revisions)
    compiled()
    before = load_note()
    results = interleaved({
        "floor: read + C-loader parse + digest": [sys.executable, str(HERE / "floor_check.py"), str(repo)],
        "`qms check` (working tree)": [qms_exe(), "check", "--repo", str(repo)],
        # cli.main() ends with gc.freeze(); this row is the same command without it (see its docstring)
        "`qms check`, exit without gc.freeze": [sys.executable, "-c", PLAIN_EXIT, "check", "--repo", str(repo)],
        "`qms check --staged` (index, cat-file --batch)": [qms_exe(), "check", "--staged", "--repo", str(repo)],
    }, a.runs)
    floor_wall, floor_cpu = next(iter(results.values()))
    rows = [(name, f"{wall:.3f}", f"{wall / floor_wall:.2f}x", f"{cpu:.3f}", f"{cpu / floor_cpu:.2f}x")
            for name, (wall, cpu) in results.items()]
    print(f"corpus: {a.docs} documents x {a.revisions} revisions, {commits(repo)} commits; median of {a.runs}; "
          f"{before} before, {load_note()} after\n")
    print(table(rows, ["command", "wall s", "vs floor", "CPU s", "vs floor"]))
    dump("bench_check", {k: {"wall": w, "cpu": c} for k, (w, c) in results.items()})


if __name__ == "__main__":
    main()
