"""Issue 15 benchmark: verification that pays only for what is new.

    python bench/bench_verify_cache.py [--runs 5] [--small 1000x5] [--large 5000x3]

Measures, with wall and CPU time (a shared machine's wall time drifts; CPU time does not):
- the floor: reading and parsing every historical version once (one `git log` pass over the history,
  every blob through one cat-file, each parsed), in one process;
- a cold `qms verify --no-cache` against that floor (target: at most 1.2x), and its cost per commit at
  1000 x 5 and 5000 x 3 (flat: it must not grow with the number of documents);
- a warm `qms verify` after one new commit (target: under 0.3 s at 1000 x 5), and of the same head;
- the publisher's selection (`publishing.select`, the verification the site build runs) warm and cold
  (target: the warm one adds under 0.5 s to a build);
- peak RSS of a cold and a warm verify at 5000 x 3 (resource.getrusage of the child);
- with `--signed`: a cold `qms verify --no-cache` of the same corpus with every approval entry-signed
  (`make_corpus.py --sign`), run round-robin with the unsigned one (target: at most 1.3x its CPU), and the
  bare ed25519 verifications it cannot avoid (one per distinct entry; libsodium, as qms does, and OpenSSL for
  comparison), timed in the same run."""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import OUT, commits, corpus, dump, load_note, table

FLOOR = """
import sys, time
from pathlib import Path
from typing import Any
from qms_docs.records.history import log_commits
from qms_docs.gitio.stream import stream_objects
from qms_docs.model.frontmatter import parse
root = Path(sys.argv[1])
blobs = {}
for c in log_commits(root, ["HEAD"], "controlled"):
    for x in c.changes:
        if not x.deleted and x.path.endswith(".md"):
            blobs.setdefault(x.blob, x.path)
for oid, data in stream_objects(root, list(blobs)):
    parse(data or b"", blobs[oid])
"""

SELECT = """
import datetime as dt, sys
from pathlib import Path
from typing import Any
from qms_docs.publishing.selection import select
select(Path(sys.argv[1]), dt.date(2026, 11, 22))
"""


def run(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in MB) of one child process (git's children included in CPU)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    wrapper = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]); "
               "r = resource.getrusage(resource.RUSAGE_CHILDREN); sys.stderr.write(f'RSS {r.ru_maxrss}\\n'); "
               "sys.exit(p.returncode)")
    proc = subprocess.run([sys.executable, "-c", wrapper, *argv], capture_output=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.decode()[-2000:]}")
    rss = int(proc.stderr.decode().rsplit("RSS ", 1)[1].split()[0]) // 1024
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, rss


def median(samples: list[tuple[float, float, int]]) -> tuple[float, float, int]:
    return (statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples),
            max(s[2] for s in samples))


SHOWN = """
import datetime as dt, resource, sys, time
from pathlib import Path
from qms_docs.gitio.stream import stream_objects
from qms_docs.model.frontmatter import parse
from qms_docs.publishing.selection import select
from qms_docs.records.history import log_commits
root = Path(sys.argv[1])
pub = select(root, dt.date(2026, 11, 22))
shown = [(e.commit.sha, e.doc.path) for e in (*pub.documents, *pub.translations)]
shown += [(s.commit, s.doc.path) for e in (*pub.documents, *pub.translations) for s in e.superseded]
shown += [(u.commit, u.doc.path) for u in pub.upcoming]
blobs = {}
for c in log_commits(root, ["HEAD"], "controlled"):
    for x in c.changes:
        if not x.deleted:
            blobs[(c.sha[:7], x.path)] = x.blob
found = sorted({blobs[(sha[:7], path)] for sha, path in shown})
def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + r.ru_utime + r.ru_stime
start = cpu()
read = [data for _, data in stream_objects(root, found)]
mid = cpu()
for data in read:
    parse(data or b"", "x.md")
print(len(found), mid - start, cpu() - start)
"""


def verify(repo: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "qms_docs", "verify", "--repo", str(repo), *args]


def python(code: str, repo: Path) -> list[str]:
    return [sys.executable, "-c", code, str(repo)]


def new_commit(repo: Path, n: int) -> None:
    path = repo / "controlled" / "forms" / f"FRM-9{n:03d}.md"
    path.write_text(f"---\nid: FRM-9{n:03d}\ntitle: Bench {n}\ntype: form\nrevision: 1\nstatus: draft\n"
                    f"owner: Sam Author <sam@acme.example>\n---\n# Purpose\n\nBench.\n", encoding="utf-8")
    env = {**os.environ, "GIT_AUTHOR_NAME": "Sam Author", "GIT_AUTHOR_EMAIL": "sam@acme.example",
           "GIT_COMMITTER_NAME": "Sam Author", "GIT_COMMITTER_EMAIL": "sam@acme.example"}
    subprocess.run(["git", "-C", str(repo), "add", "--", str(path)], check=True)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", f"FRM-9{n:03d}: draft"], check=True, env=env)


def copy(repo: Path, name: str) -> Path:
    """A clone to add commits to (objects hard-linked: fast); no cache in it yet."""
    target = OUT / name
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", str(repo), str(target)], check=True)
    return target


def measure(label: str, repo: Path, runs: int) -> dict[str, Any]:
    n = commits(repo)
    work = copy(repo, f"cache-{label}")
    no_cache = {**os.environ, "QMS_NO_CACHE": "1"}
    floor = median([run(python(FLOOR, work)) for _ in range(runs)])
    cold = median([run(verify(work, "--no-cache")) for _ in range(runs)])
    run(verify(work))  # fill the cache
    same = median([run(verify(work)) for _ in range(runs)])
    after_one = []
    for i in range(runs):
        new_commit(work, i)
        after_one.append(run(verify(work)))
    select_cold = median([run(python(SELECT, work), no_cache) for _ in range(runs)])
    run(python(SELECT, work))
    select_warm = median([run(python(SELECT, work)) for _ in range(runs)])
    return {"label": label, "commits": n, "floor": floor, "cold": cold, "same_head": same,
            "after_one_commit": median(after_one), "select_cold": select_cold, "select_warm": select_warm}


ED25519 = """
import sys, time
from pathlib import Path
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from nacl.bindings import crypto_sign_open
from qms_docs.records.history import History, log_commits
from qms_docs.signatures.sshsig import parse_armored
from qms_docs.signatures.statement import statement_of
root = Path(sys.argv[1])
entries = {}
with History(root, log_commits(root, ["HEAD"], "controlled"), "controlled") as h:
    h.preload()
    for doc in h.parsed_documents().values():
        for a in doc.approvals:
            entries[(doc.id, a.raw["sig"])] = (statement_of(doc.id, a.raw), parse_armored(a.raw["sig"]))
signed = [(sig.key.blob[-32:], sig.sig_bytes, sig.signed_data(statement.to_bytes())) for statement, sig in entries.values()]
start = time.process_time()
for key, sig, data in signed:  # libsodium, what qms verifies ed25519 with
    crypto_sign_open(sig + data, key)
sodium = time.process_time() - start
start = time.process_time()
for key, sig, data in signed:  # OpenSSL, for comparison
    Ed25519PublicKey.from_public_bytes(key).verify(sig, data)
print(len(entries), sodium, time.process_time() - start)
"""


def signed(docs: int, revisions: int, runs: int) -> dict[str, Any]:
    """Cold verify of the unsigned and the entry-signed corpus, round-robin (CPU), and the bare ed25519 cost."""
    plain = corpus(docs, revisions)
    path = OUT / f"corpus-{docs}x{revisions}-signed"
    if not (path / ".git").is_dir():
        subprocess.run([sys.executable, str(Path(__file__).with_name("make_corpus.py")), str(path), "--docs", str(docs),
                        "--revisions", str(revisions), "--sign", str(OUT / "keys")], check=True)
    samples: dict[str, list[tuple[float, float, int]]] = {"unsigned": [], "signed": []}
    ratios = []
    for _ in range(runs):
        samples["unsigned"].append(run(verify(plain, "--no-cache")))
        samples["signed"].append(run(verify(path, "--no-cache")))
        ratios.append(samples["signed"][-1][1] / samples["unsigned"][-1][1])  # the pair ran side by side
    out = subprocess.run([sys.executable, "-c", ED25519, str(path)], capture_output=True, text=True, check=True).stdout
    count, seconds, openssl = out.split()
    least = {k: min(s[1] for s in v) for k, v in samples.items()}  # each side's least disturbed run
    return {"unsigned": median(samples["unsigned"]), "signed": median(samples["signed"]),
            "pair_ratios": sorted(ratios), "least_cpu": least, "entries": int(count), "ed25519_cpu": float(seconds),
            "ed25519_openssl_cpu": float(openssl),
            "load": load_note()}


def shown_floor(repo: Path) -> tuple[int, float, float]:
    """(blobs the site shows, CPU to read them, CPU to read and parse them), timed in one process."""
    out = subprocess.run(python(SHOWN, repo), capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), float(out[1]), float(out[2])


PUBLISH = """
import resource, sys, time
import qms_docs.publishing.selection as selection
from qms_docs.cli import cli
spent = []
select = selection.select
def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + r.ru_utime + r.ru_stime
def timed(*a, **k):
    start = cpu()
    try:
        return select(*a, **k)
    finally:
        spent.append(cpu() - start)
selection.select = timed
start = cpu()
try:
    cli.main(sys.argv[1:], standalone_mode=False)
finally:
    print(sum(spent), cpu() - start)
"""


def publish(repo: Path, site: Path, *args: str, env: dict[str, str] | None = None) -> tuple[float, float]:
    """`qms publish` in one process: (CPU of its selection, CPU of the whole command, children included)."""
    out = subprocess.run([sys.executable, "-c", PUBLISH, "publish", "--repo", str(repo), "--site-dir", str(site), *args],
                         capture_output=True, text=True, check=True, env=env).stdout.split()
    return float(out[-2]), float(out[-1])


def publisher(docs: int, revisions: int, runs: int) -> dict[str, Any]:
    """The publisher's verification, warm: the selection against the floor of reading (and parsing) the blobs
    it shows, and a warm `qms publish` against `qms publish --no-cache`, round-robin in the same run."""
    work = copy(corpus(docs, revisions), f"publish-{docs}x{revisions}")
    no_cache = {**os.environ, "QMS_NO_CACHE": "1"}
    site = OUT / f"publish-{docs}x{revisions}-site"
    run(python(SELECT, work))  # fill the cache
    run(python(SELECT, work))  # (the first warm run prunes what the cold one kept)
    samples: dict[str, list[tuple[float, float, int]]] = {"select_cold": [], "select_warm": []}
    floors, builds = [], {"publish_cold": list[tuple[float, float]](), "publish_warm": list[tuple[float, float]]()}
    for _ in range(runs):
        floors.append(shown_floor(work))
        samples["select_cold"].append(run(python(SELECT, work), no_cache))
        samples["select_warm"].append(run(python(SELECT, work)))
        builds["publish_cold"].append(publish(work, site, "--no-cache"))
        builds["publish_warm"].append(publish(work, site))
    shutil.rmtree(site, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)
    return {"corpus": f"{docs}x{revisions}", "load": os.getloadavg(), "shown_blobs": floors[0][0],
            "floor_read": statistics.median(f[1] for f in floors), "floor_parse": statistics.median(f[2] for f in floors),
            **{k: median(v) for k, v in samples.items()},
            **{k: (statistics.median(b[0] for b in v), statistics.median(b[1] for b in v)) for k, v in builds.items()}}


def publisher_report(r: dict[str, Any], runs: int) -> str:
    rows: list[tuple[object, ...]] = [
        ("floor: read the blobs the site shows", "", f"{r['floor_read']:.2f}", f"{r['shown_blobs']} blobs"),
        ("floor: read and parse them", "", f"{r['floor_parse']:.2f}", "")]
    for key, text in (("select_cold", "selection (own process), no cache"), ("select_warm", "selection (own process), warm")):
        w = r[key]
        rows.append((text, f"{w[0]:.2f}", f"{w[1]:.2f}", "Python start and imports included"))
    for key, text in (("publish_cold", "`qms publish --no-cache`"), ("publish_warm", "`qms publish`, warm")):
        selected, total = r[key]
        rows.append((text, "", f"{total:.2f}", f"of which the selection {selected:.2f}"))
    warm = r["publish_warm"][0]
    rows += [("warm selection in the build over reading what it shows", "", f"{warm - r['floor_read']:+.2f}", ""),
             ("warm selection in the build over reading and parsing it", "", f"{warm - r['floor_parse']:+.2f}", "")]
    load = ", ".join(f"{x:.1f}" for x in r["load"])
    return (f"{r['corpus']}, median of {runs} runs, load average {load}; CPU includes child processes\n\n"
            + table(rows, ["what", "wall s", "CPU s", "note"]) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--small", default="1000x5")
    ap.add_argument("--large", default="5000x3")
    ap.add_argument("--signed", action="store_true", help="only the entry-signed comparison, on --small")
    ap.add_argument("--publisher", action="store_true", help="only the publisher's warm build, on --small")
    a = ap.parse_args()
    if a.publisher:
        docs, revisions = (int(x) for x in a.small.split("x"))
        r = publisher(docs, revisions, a.runs)
        print(publisher_report(r, a.runs))
        dump("bench_verify_cache_publisher", r)
        return
    if a.signed:
        docs, revisions = (int(x) for x in a.small.split("x"))
        r = signed(docs, revisions, a.runs)
        u, s = r["unsigned"], r["signed"]
        least = r["least_cpu"]
        print(f"median of {a.runs} interleaved runs; {r['load']}; ratio of each side-by-side pair (CPU): "
              + ", ".join(f"{x:.2f}x" for x in r["pair_ratios"])
              + f"; least CPU of each side: {least['signed']:.2f} / {least['unsigned']:.2f} s = "
                f"{least['signed'] / least['unsigned']:.2f}x (a busy machine inflates single runs)\n")
        print(table([("unsigned", f"{u[0]:.2f}", f"{u[1]:.2f}", ""),
                     ("every entry signed", f"{s[0]:.2f}", f"{s[1]:.2f}",
                      f"{s[1] / u[1]:.2f}x (CPU); {r['entries']} distinct entries, bare ed25519 (libsodium) "
                      f"{r['ed25519_cpu']:.2f} s = {r['ed25519_cpu'] / u[1]:.2f}x of the unsigned run "
                      f"(OpenSSL: {r['ed25519_openssl_cpu']:.2f} s)")],
                    ["`qms verify --no-cache`", "wall s", "CPU s", "note"]))
        dump("bench_verify_cache_signed", r)
        return
    results: list[dict[str, Any]] = []
    for spec in (a.small, a.large):
        docs, revisions = (int(x) for x in spec.split("x"))
        results.append(measure(spec, corpus(docs, revisions), a.runs))
        print(report(results, a.runs), flush=True)  # a long run shows what it has so far
    dump("bench_verify_cache", results)
    for r in results:
        shutil.rmtree(OUT / f"cache-{r['label']}", ignore_errors=True)


def report(results: list[dict[str, Any]], runs: int) -> str:
    rows: list[tuple[object, ...]] = []
    base = None
    for r in results:
        f, c = r["floor"], r["cold"]
        per = c[1] / r["commits"] * 1e6
        base = base or per
        rows += [
            (r["label"], "floor: read + parse every version once", r["commits"], f"{f[0]:.2f}", f"{f[1]:.2f}", f"{f[2]}", ""),
            (r["label"], "`qms verify --no-cache` (cold)", r["commits"], f"{c[0]:.2f}", f"{c[1]:.2f}", f"{c[2]}",
             f"{c[1] / f[1]:.2f}x floor (CPU); {per:.0f} us/commit ({per / base:.2f}x the first)"),
        ]
        for key, text in (("same_head", "`qms verify`, warm, same head"),
                          ("after_one_commit", "`qms verify`, warm, after one new commit"),
                          ("select_cold", "publisher's selection, no cache"),
                          ("select_warm", "publisher's selection, warm")):
            w = r[key]
            rows.append((r["label"], text, "", f"{w[0]:.2f}", f"{w[1]:.2f}", f"{w[2]}", ""))
    return (f"median of {runs} runs; CPU includes git's processes; RSS is the peak of any one process\n\n"
            + table(rows, ["corpus", "what", "commits", "wall s", "CPU s", "peak RSS MB", "note"]) + "\n")


if __name__ == "__main__":
    main()
