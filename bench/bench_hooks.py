#!/usr/bin/env python3
"""Benchmark the hook paths on a generated corpus; prints a Markdown table (medians).

    python bench/bench_hooks.py [--docs 1000] [--revisions 5] [--runs 11] [--out bench/out]

1. `qms hook pre-commit` with one staged document (a draft edited; a new document, which also runs the
   cross-document rules; an approval entry newly signed with an SSH key, in a corpus whose approvals
   are all entry-signed), against bare Python start, `python3 -c pass` (target: within 3x). Round-robin
   runs, wall and CPU time (user + system of the process and its children: git, ssh-keygen), and the
   load average, since wall times stretch on a shared machine;
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

from common import OUT, compiled, interleaved, load_note
from common import corpus as make_corpus
from make_corpus import TYPES

HERE = Path(__file__).resolve().parent
ENTRY = ("qms_docs.__main__", "main")  # pyproject's [project.scripts] qms


def qms_script() -> str:
    """The console script next to this interpreter (a pyenv shim in front of it costs ~100 ms)."""
    local = Path(sys.executable).parent / "qms"
    return str(local) if local.exists() else shutil.which("qms") or "qms"


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


def staged_clone(repo: Path, where: Path, name: str, change: str) -> Path:
    """A clone of the corpus with one staged document: a draft edited ("edit"), a new draft added
    ("new": the cross-document rules then run, through the id index), or an approval entry added to
    the draft and signed with the signer's SSH key by `qms approve --sign` ("sign")."""
    work = where / name
    shutil.rmtree(work, ignore_errors=True)
    run(["git", "clone", "-q", str(repo), str(work)], where)
    draft = subprocess.run(["git", "-C", str(work), "log", "-1", "--format=", "--name-only"], capture_output=True,
                           text=True, check=True).stdout.strip()
    text = (work / draft).read_text(encoding="utf-8")
    old_id = text.split('id: "', 1)[1].split('"', 1)[0]
    if change == "new":
        target = work / Path(draft).with_name(f"{old_id.split('-')[0]}-9999-new.md")
        target.write_text(text.replace(f'id: "{old_id}"', f'id: "{old_id.split("-")[0]}-9999"', 1), encoding="utf-8")
        run(["git", "add", str(target.relative_to(work))], work)
    elif change == "sign":
        role = TYPES[text.split('type: "', 1)[1].split('"', 1)[0]][2][-1]
        person = {"quality-manager": "jane", "top-management": "ceo", "process-owner": "omar"}[role]
        for key, value in (("user.name", person.title()), ("user.email", f"{person}@acme.example"),
                           ("user.signingkey", str(OUT / "keys" / person))):
            run(["git", "config", key, value], work)
        run([qms_script(), "approve", old_id, "--role", role, "--sign"], work)
        run(["git", "add", draft], work)
    else:
        (work / draft).write_text(text + "\nOne more sentence in the draft.\n", encoding="utf-8")
        run(["git", "add", draft], work)
    return work


def provenance(repo: Path, ranges: Sequence[int], runs: int) -> dict[int, float]:
    """Seconds spent judging the commits of the range (inside `qms check --base HEAD~N`) for each range."""
    from qms_docs.changes import compare as change_check
    from qms_docs.gitio import snapshots as snapshot

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
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--hooks-only", action="store_true", help="skip the range measurements (minutes)")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    print(f"qms_docs from {compiled()}")
    repo = make_corpus(a.docs, a.revisions, drafts=10)
    signed = make_corpus(a.docs, a.revisions, drafts=10, sign=True)
    commits = int(subprocess.run(["git", "-C", str(repo), "rev-list", "--count", "HEAD"], capture_output=True,
                                 text=True, check=True).stdout)
    qms = qms_script()
    clones = {change: staged_clone(signed if change == "sign" else repo, a.out, f"pre-commit-{change}", change)
              for change in ("edit", "new", "sign")}
    before = load_note()
    # the hook as the shims run it: `qms hook pre-commit` in the repository, through a console script for
    # pyproject's entry point (what `pip install` writes; the installed `qms` may predate the entry point)
    entry = a.out / "qms-console-script"
    entry.write_text(f"#!{sys.executable}\nimport sys\nfrom {ENTRY[0]} import {ENTRY[1]}\nsys.exit({ENTRY[1]}())\n")
    hooks = interleaved({
        "python3 -c pass": [sys.executable, "-c", "pass"],
        'python3 -c "import yaml"': [sys.executable, "-c", "import yaml"],
        **{change: [sys.executable, str(entry), "hook", "pre-commit"] for change in clones},
        "edit, installed `qms` script": [qms, "hook", "pre-commit"],
    }, a.runs, cwds={**clones, "edit, installed `qms` script": clones["edit"]})
    after = load_note()
    gate = {} if a.hooks_only else \
        median_seconds(a.runs, {"check": lambda: run([qms, "check", "--base", "HEAD~50", "--head", "HEAD"], repo)})
    facts = {} if a.hooks_only else provenance(repo, [n for n in (50, 500, 5000) if n < commits], a.runs)
    base_wall, base_cpu = hooks["python3 -c pass"]
    print(f"Corpus: {a.docs} documents x {a.revisions} revisions, {commits} commits; median of {a.runs} runs; "
          f"{before} before, {after} after.\n")
    print("| measurement | wall | CPU | target | result (wall, CPU) |\n|---|---|---|---|---|")
    names = {"edit": "`qms hook pre-commit`, one staged document",
             "edit, installed `qms` script": "one staged document, through the installed `qms` script",
             "new": "`qms hook pre-commit`, one new document (+ id index)",
             "sign": "`qms hook pre-commit`, one newly entry-signed approval"}
    for name, (wall, cpu) in hooks.items():
        label = names.get(name, f"`{name}`")
        if name not in names:
            print(f"| {label} | {wall * 1000:.0f} ms | {cpu * 1000:.0f} ms | baseline | |")
            continue
        ratio_wall, ratio_cpu = wall / base_wall, cpu / base_cpu
        print(f"| {label} | {wall * 1000:.0f} ms | {cpu * 1000:.0f} ms | ≤ 3× `python3 -c pass` | {ratio_wall:.1f}×, "
              f"{ratio_cpu:.1f}× {'ok' if max(ratio_wall, ratio_cpu) <= 3 else 'MISSED'} |")
    if gate:
        print(f"| `qms check --base HEAD~50 --head HEAD` | {gate['check']:.2f} s | | < 1 s | "
              f"{'ok' if gate['check'] < 1 else 'MISSED'} |")
    for n, seconds in facts.items():
        per = seconds / n * 1000
        print(f"| every commit judged, {n} commits | {seconds * 1000:.0f} ms | | ∝ range | {per:.2f} ms per commit |")


if __name__ == "__main__":
    main()
