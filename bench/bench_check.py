"""Issue 2 benchmark: `qms check` on the 1000-document, 5-revision corpus against the floor.

    python bench/bench_check.py [--docs 1000] [--revisions 5] [--runs 5]
Target: `qms check` within 1.5x of the floor (bench/floor_check.py)."""

from __future__ import annotations

import argparse
import sys

from common import HERE, commits, corpus, dump, median_time, qms_exe, table


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--revisions", type=int, default=5)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    repo = corpus(a.docs, a.revisions)
    floor = median_time([sys.executable, str(HERE / "floor_check.py"), str(repo)], a.runs)
    check = median_time([qms_exe(), "check", "--repo", str(repo)], a.runs)
    staged = median_time([qms_exe(), "check", "--staged", "--repo", str(repo)], a.runs)
    rows = [("floor: read + C-loader parse + digest", f"{floor:.3f}", "1.00x"),
            ("`qms check` (working tree)", f"{check:.3f}", f"{check / floor:.2f}x"),
            ("`qms check --staged` (index, cat-file --batch)", f"{staged:.3f}", f"{staged / floor:.2f}x")]
    print(f"corpus: {a.docs} documents x {a.revisions} revisions, {commits(repo)} commits; median of {a.runs}\n")
    print(table(rows, ["command", "seconds", "vs floor"]))
    dump("bench_check", {"floor": floor, "check": check, "staged": staged, "target": 1.5})
    if check / floor > 1.5:
        print(f"\nabove target: {check / floor:.2f}x > 1.5x")


if __name__ == "__main__":
    main()
