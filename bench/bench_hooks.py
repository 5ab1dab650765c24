#!/usr/bin/env python3
"""Benchmark the hook paths on a generated corpus; prints a Markdown table (medians).

    python bench/bench_hooks.py [--docs 1000] [--revisions 5] [--runs 5] [--out bench/out]

1. `qms hook pre-commit` with one staged document, against a bare `python -c "import yaml"`
   (target: within 3x);
2. `qms check --base HEAD~50 --head HEAD` (target: under 1 s, issue 8: every commit of the range judged);
3. the per-commit judgement of a range (one `git log` pass, one diff-tree for merges, the changed blobs
   parsed once) for ranges of 50, 500 and 5000 commits: the cost should follow the range, not the history.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def qms_script() -> str:
    """The console script next to this interpreter (a pyenv shim in front of it costs ~100 ms)."""
    local = Path(sys.executable).parent / "qms"
    return str(local) if local.exists() else shutil.which("qms") or "qms"


def corpus(out: Path, docs: int, revisions: int) -> Path:
    repo = out / f"corpus-{docs}x{revisions}"
    if not (repo / ".git").is_dir():
        shutil.rmtree(repo, ignore_errors=True)
        subprocess.run([sys.executable, str(HERE / "make_corpus.py"), str(repo), "--docs", str(docs),
                        "--revisions", str(revisions), "--drafts", "10", "--seed", "1"], check=True)
    return repo


def median_seconds(runs: int, commands: dict[str, Callable[[], Any]]) -> dict[str, float]:
    """Median wall time of each command; the commands take turns, so machine load hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            command()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def run(args: Sequence[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> None:
    done = subprocess.run(args, cwd=cwd, capture_output=True)
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout.decode()}{done.stderr.decode()}")


def staged_clone(repo: Path, where: Path, name: str, new_document: bool) -> Path:
    """A clone of the corpus with one staged document: a draft edited, or a new draft added
    (a new document also runs the cross-document rules, through the id index)."""
    work = where / name
    shutil.rmtree(work, ignore_errors=True)
    run(["git", "clone", "-q", str(repo), str(work)], where)
    draft = subprocess.run(["git", "-C", str(work), "log", "-1", "--format=", "--name-only"], capture_output=True,
                           text=True, check=True).stdout.strip()
    text = (work / draft).read_text(encoding="utf-8")
    if new_document:
        old_id = text.split('id: "', 1)[1].split('"', 1)[0]
        target = work / Path(draft).with_name(f"{old_id.split('-')[0]}-9999-new.md")
        target.write_text(text.replace(f'id: "{old_id}"', f'id: "{old_id.split("-")[0]}-9999"', 1), encoding="utf-8")
        run(["git", "add", str(target.relative_to(work))], work)
    else:
        (work / draft).write_text(text + "\nOne more sentence in the draft.\n", encoding="utf-8")
        run(["git", "add", draft], work)
    return work


def provenance(repo: Path, ranges: Sequence[int], runs: int) -> dict[int, float]:
    """Seconds spent judging the commits of the range (inside `qms check --base HEAD~N`) for each range."""
    from qms_docs import snapshot
    from qms_docs.commands import change_check

    spent: list[float] = []
    real = change_check.judge_range

    def timed(*a: Any, **k: Any) -> Any:
        start = time.perf_counter()
        try:
            return real(*a, **k)
        finally:
            spent.append(time.perf_counter() - start)

    change_check.judge_range = timed  # type: ignore[assignment]
    current = snapshot.from_commit(repo, "HEAD")
    found = {}
    for n in ranges:
        spent.clear()
        for _ in range(runs):
            change_check.run(repo, current, f"HEAD~{n}", dt.date(2026, 11, 22))
        found[n] = statistics.median(spent)
    change_check.judge_range = real  # type: ignore[assignment]
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--revisions", type=int, default=5)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    repo = corpus(a.out, a.docs, a.revisions)
    commits = int(subprocess.run(["git", "-C", str(repo), "rev-list", "--count", "HEAD"], capture_output=True,
                                 text=True, check=True).stdout)
    qms = qms_script()
    edited, added = (staged_clone(repo, a.out, f"pre-commit-{n}", n == "new") for n in ("edit", "new"))
    hooks = median_seconds(a.runs, {
        "yaml": lambda: run([sys.executable, "-c", "import yaml"], edited),
        "pre-commit": lambda: run([qms, "hook", "pre-commit"], edited),
        "pre-commit new": lambda: run([qms, "hook", "pre-commit"], added),
    })
    gate = median_seconds(a.runs, {"check": lambda: run([qms, "check", "--base", "HEAD~50", "--head", "HEAD"], repo)})
    ranges = [n for n in (50, 500, 5000) if n < commits]
    facts = provenance(repo, ranges, a.runs)
    ratio, ratio_new = hooks["pre-commit"] / hooks["yaml"], hooks["pre-commit new"] / hooks["yaml"]
    print(f"Corpus: {a.docs} documents x {a.revisions} revisions, {commits} commits; median of {a.runs} runs.\n")
    print("| measurement | median | target | result |\n|---|---|---|---|")
    print(f"| `python -c \"import yaml\"` | {hooks['yaml'] * 1000:.0f} ms | baseline | |")
    print(f"| `qms hook pre-commit`, one staged document | {hooks['pre-commit'] * 1000:.0f} ms | ≤ 3× baseline | "
          f"{ratio:.1f}× {'ok' if ratio <= 3 else 'MISSED'} |")
    print(f"| `qms hook pre-commit`, one new document (+ id index) | {hooks['pre-commit new'] * 1000:.0f} ms | "
          f"≤ 3× baseline | {ratio_new:.1f}× {'ok' if ratio_new <= 3 else 'MISSED'} |")
    print(f"| `qms check --base HEAD~50 --head HEAD` | {gate['check']:.2f} s | < 1 s | "
          f"{'ok' if gate['check'] < 1 else 'MISSED'} |")
    for n, seconds in facts.items():
        per = seconds / n * 1000
        print(f"| every commit judged, {n} commits | {seconds * 1000:.0f} ms | ∝ range | {per:.2f} ms per commit |")


if __name__ == "__main__":
    main()
