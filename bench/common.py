"""Shared helpers for the benchmarks: make (or reuse) a corpus, time commands, print a table."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def corpus(docs: int, revisions: int, drafts: int = 0, sign: bool = False) -> Path:
    """A corpus from the project's own generator (bench/make_corpus.py), cached under bench/out/;
    `sign`: every approval entry-signed, with the signers' keys kept in bench/out/keys."""
    path = OUT / f"corpus-{docs}x{revisions}-d{drafts}{'-signed' if sign else ''}"
    if not (path / ".git").is_dir():
        OUT.mkdir(exist_ok=True)
        subprocess.run([sys.executable, str(HERE / "make_corpus.py"), str(path), "--docs", str(docs),
                        "--revisions", str(revisions), "--drafts", str(drafts),
                        *(["--sign", str(OUT / "keys")] if sign else [])], check=True)
    return path


def compiled() -> str:
    """Byte-compile the qms_docs the commands will import, and say where it is. An installed package
    has its bytecode (pip writes it); a source tree run with PYTHONDONTWRITEBYTECODE=1 would otherwise
    compile every module again in every run, a cost no user pays (~50 ms for `qms check`)."""
    found = subprocess.run([sys.executable, "-c", "import qms_docs, os; print(os.path.dirname(qms_docs.__file__))"],
                           capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run([sys.executable, "-m", "compileall", "-q", found], check=True, capture_output=True)
    return found


def load_note() -> str:
    """The load average, for the report: on a shared machine wall times stretch, CPU times much less."""
    import os

    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def commits(repo: Path) -> int:
    return int(subprocess.run(["git", "-C", str(repo), "rev-list", "--count", "HEAD"], capture_output=True,
                              text=True, check=True).stdout)


def median_time(argv: Sequence[str], runs: int = 5, cwd: Path | None = None, ok: Sequence[int] = (0,),
                env: dict[str, str] | None = None, stdin: bytes | None = None) -> float:
    """Median wall time of `runs` runs (after one warm-up run), in seconds."""
    times = []
    for i in range(runs + 1):
        start = time.perf_counter()
        proc = subprocess.run(argv, cwd=cwd, capture_output=True, env=env, input=stdin)
        elapsed = time.perf_counter() - start
        if proc.returncode not in ok:
            raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.decode()[-2000:]}")
        if i:
            times.append(elapsed)
    return statistics.median(times)


def interleaved(commands: dict[str, Sequence[str]], runs: int = 5,
                cwds: dict[str, Path] | None = None) -> dict[str, tuple[float, float]]:
    """{name: (median wall seconds, median CPU seconds)}, running the commands round-robin after one
    warm-up each, so that drift in a shared machine's speed hits them all alike (`cwds`: where to run some)."""
    import resource

    walls: dict[str, list[float]] = {k: [] for k in commands}
    cpus: dict[str, list[float]] = {k: [] for k in commands}
    for i in range(runs + 1):
        for name, argv in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            proc = subprocess.run(argv, capture_output=True, cwd=(cwds or {}).get(name))
            elapsed = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if proc.returncode not in (0, 1):
                raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.decode()[-2000:]}")
            if i:
                walls[name].append(elapsed)
                cpus[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return {k: (statistics.median(walls[k]), statistics.median(cpus[k])) for k in commands}


def table(rows: Sequence[Sequence[object]], header: Sequence[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def qms_exe() -> str:
    exe = Path(sys.executable).parent / "qms"
    return str(exe) if exe.exists() else "qms"


def dump(name: str, data: object) -> None:
    OUT.mkdir(exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
