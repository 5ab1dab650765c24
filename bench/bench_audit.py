"""Issue 5 benchmark: `qms history` against `git log --follow -p`, and `qms verify` over the whole history.

    python bench/bench_audit.py [--docs 1000] [--revisions 5] [--runs 3]

Also issue 11.7: `qms verify` over the same corpus with every approval entry-signed (`make_corpus.py --sign`)
within 1.3x the unsigned run.

Targets: `qms history ID` within 2x of `git log --follow -p -- FILE`; `qms verify` under 10 s on the
1000-document, 5-revision corpus (12,500 commits) and linear in the number of commits. Linearity is
measured two ways: half the documents (500 x 5, which also halves the tree git diffs per commit) and
the same documents with fewer revisions (1000 x 3, same trees, fewer commits)."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

from common import HERE, OUT, commits, corpus, dump, median_time, qms_exe, table

SHARED_GENERATOR = HERE.parents[1] / "shared" / "bench" / "make_corpus.py"


def get_corpus(docs: int, revisions: int) -> Path:
    """The project's generator when present, else the shared one (the same contract)."""
    if (HERE / "make_corpus.py").is_file():
        return corpus(docs, revisions)
    path = OUT / f"corpus-{docs}x{revisions}-d0"
    if not (path / ".git").is_dir():
        print(f"bench/make_corpus.py is absent: using {SHARED_GENERATOR}", file=sys.stderr)
        OUT.mkdir(exist_ok=True)
        subprocess.run([sys.executable, str(SHARED_GENERATOR), str(path), "--docs", str(docs),
                        "--revisions", str(revisions)], check=True)
    return path


def signed_corpus(docs: int, revisions: int) -> Path:
    """The same corpus with every approval entry signed (keys made once under bench/out/keys)."""
    path = OUT / f"corpus-{docs}x{revisions}-signed"
    if not (path / ".git").is_dir():
        OUT.mkdir(exist_ok=True)
        subprocess.run([sys.executable, str(HERE / "make_corpus.py"), str(path), "--docs", str(docs),
                        "--revisions", str(revisions), "--sign", str(OUT / "keys")], check=True)
    return path


def a_document(repo: Path) -> tuple[str, str]:
    """(id, path) of the first procedure at HEAD."""
    out = subprocess.run(["git", "-C", str(repo), "ls-files", "controlled/procedures"], capture_output=True,
                         text=True, check=True).stdout.split()
    path = sorted(out)[0]
    found = re.match(r"[A-Z]+-[0-9]+", Path(path).name)
    assert found is not None, path
    return found.group(0), path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--revisions", type=int, default=5)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    qms = qms_exe()
    big = get_corpus(a.docs, a.revisions)
    half = get_corpus(a.docs // 2, a.revisions)
    few = max(1, a.revisions * 3 // 5)
    fewer = get_corpus(a.docs, few)

    doc_id, path = a_document(big)
    git_follow = median_time(["git", "-C", str(big), "log", "--follow", "-p", "--", path], a.runs + 2)
    history = median_time([qms, "history", doc_id, "--repo", str(big)], a.runs + 2)
    history_json = median_time([qms, "history", doc_id, "--format", "json", "--repo", str(big)], a.runs + 2)

    rows = [(f"`git log --follow -p -- {path.split('/')[-1]}`", "", f"{git_follow:.3f}", "1.00x (baseline)"),
            (f"`qms history {doc_id}`", "", f"{history:.3f}", f"{history / git_follow:.2f}x (target <= 2x)"),
            (f"`qms history {doc_id} --format json`", "", f"{history_json:.3f}", f"{history_json / git_follow:.2f}x")]
    results: dict[str, object] = {"git_follow": git_follow, "history": history, "history_json": history_json}
    base = None
    for label, repo in ((f"{a.docs // 2} x {a.revisions}", half), (f"{a.docs} x {few}", fewer),
                        (f"{a.docs} x {a.revisions}", big)):
        n = commits(repo)
        floor = median_time(["git", "-C", str(repo), "log", "-z", "--raw", "--no-abbrev", "-M", "--format=%H",
                             "HEAD", "--", "controlled"], a.runs)
        seconds = median_time([qms, "verify", "--repo", str(repo)], a.runs)
        per_k = seconds / n * 1000
        base = base or per_k
        rows.append((f"`git log --raw` over `controlled/`, {label}", f"{n}", f"{floor:.3f}", ""))
        rows.append((f"`qms verify`, {label}", f"{n}", f"{seconds:.3f}",
                     f"{per_k * 1000:.0f} us/commit ({per_k / base:.2f}x the first)"))
        results[f"verify {label}"] = {"commits": n, "seconds": seconds, "git_log_raw": floor}
    signed = signed_corpus(a.docs, a.revisions)
    unsigned_s = results[f"verify {a.docs} x {a.revisions}"]["seconds"]  # type: ignore[index]
    signed_s = median_time([qms, "verify", "--repo", str(signed)], a.runs)
    rows.append((f"`qms verify`, {a.docs} x {a.revisions}, every entry signed", f"{commits(signed)}", f"{signed_s:.3f}",
                 f"{signed_s / unsigned_s:.2f}x the unsigned run (target <= 1.3x)"))
    results["verify signed"] = {"seconds": signed_s, "ratio": signed_s / unsigned_s}
    report = median_time([qms, "report", "--out", str(OUT / "report.html"), "--repo", str(big)], a.runs)
    rows.append((f"`qms report` (whole history), {a.docs} x {a.revisions}", f"{commits(big)}", f"{report:.3f}", ""))
    results["report"] = report

    print(f"median of {a.runs} runs after a warm-up ({a.runs + 2} for history); document {doc_id} ({path})\n")
    print(table(rows, ["command", "commits", "seconds", "ratio"]))
    dump("bench_audit", results)


if __name__ == "__main__":
    main()
