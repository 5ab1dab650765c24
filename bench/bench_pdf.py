"""Issue 14 benchmark: `qms pdf --manual` on the example manual and on generated corpora.

    python bench/bench_pdf.py [--sizes 100,250,500,1000] [--runs 3]

Targets: the example manual (about 20 documents) in under 5 s; the generated manuals linear in the
number of pages (CPU seconds per page about constant from 100 to 1000 documents). On a shared
machine, read the CPU columns: wall time grows with the load average, which the output reports. Wall and CPU times
are medians of `--runs` runs after one warm-up (the example) and of `--runs` runs (corpora: one
warm-up would double an already long run, so the first run counts). Results: bench/out/pdf.json.

The floor, measured in the same run on the example: stock WeasyPrint (`HTML(string=...).write_pdf()`,
its defaults) in a fresh process on the very HTML and stylesheet that `qms pdf --manual` lays out:
what the layout engine costs without qms (no git, no selection, no Markdown) and without qms'
savings (collector paused, lean user-agent stylesheet).

The example is measured both ways in interleaved pairs: as `qms pdf --manual` runs it (in parts, a
forked process per part: publishing/pdf/parallel.py) and laid out whole in one process (what it does
with one core). CPU is the command's with its processes' (user + sys)."""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import HERE, OUT, corpus, dump, table

ROOT = HERE.parent
TARGET_EXAMPLE = 5.0


WHOLE = ("import sys; from qms_docs.publishing.pdf import parallel; parallel.available = lambda: False\n"
         "from qms_docs.__main__ import main; sys.argv[0] = 'qms'; raise SystemExit(main())\n")


def run_pdf(repo: Path, out: Path, whole: bool = False) -> tuple[float, float, int, int]:
    """(wall s, CPU s, pages, documents) of one `qms pdf --manual` (`whole`: laid out in one process)."""
    command = ["-c", WHOLE] if whole else ["-m", "qms_docs"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, *command, "pdf", "--manual", "--out", str(out), "--repo", str(repo)],
                          capture_output=True, text=True, env={**os.environ, "QMS_TODAY": "2026-11-22"})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"qms pdf exited {proc.returncode}: {proc.stderr[-2000:]}")
    from pypdf import PdfReader

    reader = PdfReader(str(out))
    documents = len(json.loads(reader.attachments["qms-manifest.json"][0])["documents"])
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, len(reader.pages), documents


def measure(repo: Path, runs: int, warm_up: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "manual.pdf"
        if warm_up:
            run_pdf(repo, out)
        return summary([run_pdf(repo, out) for _ in range(runs)])


def measure_both(repo: Path, runs: int) -> dict[str, dict[str, float]]:
    """In parts (as `qms pdf` runs) and whole: interleaved pairs after one warm-up of each, so both see
    the same load."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "manual.pdf"
        run_pdf(repo, out)
        run_pdf(repo, out, whole=True)
        pairs = [(run_pdf(repo, out), run_pdf(repo, out, whole=True)) for _ in range(runs)]
    return {"example": summary([p[0] for p in pairs]), "example-whole": summary([p[1] for p in pairs])}


def summary(results: list[tuple[float, float, int, int]]) -> dict[str, float]:
    wall, cpu = statistics.median(r[0] for r in results), statistics.median(r[1] for r in results)
    pages, documents = results[0][2], results[0][3]
    return {"documents": documents, "pages": pages, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "ms_per_page": round(1000 * wall / pages, 1), "cpu_ms_per_page": round(1000 * cpu / pages, 1),
            "wall_runs": [round(r[0], 2) for r in results], "cpu_runs": [round(r[1], 2) for r in results]}


def dump_html(repo: Path, folder: Path) -> None:
    """The HTML and stylesheet that `qms pdf --manual` hands to WeasyPrint, written to `folder`."""
    code = ("import datetime as dt, sys; from pathlib import Path\n"
            "from qms_docs.commands import pdf\nfrom qms_docs.publishing.pdf import render\n"
            "out = Path(sys.argv[2])\n"
            "def capture(html, css, images, manifest):\n"
            "    (out / 'manual.html').write_text(html, encoding='utf-8')\n"
            "    (out / 'manual.css').write_text(css, encoding='utf-8')\n"
            "    return render.Rendered(b'', 0, ())\n"
            "render.render = capture\n"
            "pdf.run(Path(sys.argv[1]), pdf.Request(None, True, out / 'unused.pdf'), dt.date(2026, 11, 22),"
            " dt.datetime(2026, 11, 22, 12, tzinfo=dt.timezone.utc))\n")
    subprocess.run([sys.executable, "-c", code, str(repo), str(folder)], check=True, capture_output=True)


FLOOR = ("import sys; from pathlib import Path; import weasyprint\n"
         "html, css, out = (Path(a) for a in sys.argv[1:4])\n"
         "weasyprint.HTML(string=html.read_text(encoding='utf-8')).write_pdf(out, stylesheets=["
         "weasyprint.CSS(string=css.read_text(encoding='utf-8'))])\n")


def measure_floor(repo: Path, runs: int) -> dict[str, float]:
    """Stock WeasyPrint on the manual's own HTML (see the module's docstring), median of `runs` after a warm-up."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        dump_html(repo, folder)
        argv = [sys.executable, "-c", FLOOR, str(folder / "manual.html"), str(folder / "manual.css"), str(folder / "f.pdf")]
        samples = []
        for i in range(runs + 1):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(argv, check=True, capture_output=True)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if i:
                samples.append((wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime))
    return {"wall_s": round(statistics.median(s[0] for s in samples), 2),
            "cpu_s": round(statistics.median(s[1] for s in samples), 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100,250,500,1000")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    load_before = os.getloadavg()
    rows = measure_both(ROOT, args.runs)
    example, whole = rows["example"], rows["example-whole"]
    floor = measure_floor(ROOT, args.runs)
    for size in (int(s) for s in args.sizes.split(",") if s):
        rows[f"corpus-{size}"] = measure(corpus(size, 3), max(1, args.runs // 3), warm_up=False)
    dump("pdf", {"load_average": {"before": load_before, "after": os.getloadavg()}, "cpus": os.cpu_count(),
                 "floor_stock_weasyprint_example": floor, "results": rows})
    print(table([[name, r["documents"], r["pages"], r["wall_s"], r["cpu_s"], r["ms_per_page"], r["cpu_ms_per_page"]]
                 for name, r in rows.items()],
                ["manual", "documents", "pages", "wall s", "CPU s", "wall ms per page", "CPU ms per page"]))
    verdict = "OK" if example["wall_s"] < TARGET_EXAMPLE else "SLOW (read it with the load average)"
    print(f"example manual: {example['wall_s']} s wall, {example['cpu_s']} s CPU in parts; laid out whole "
          f"{whole['wall_s']} s wall, {whole['cpu_s']} s CPU (target < {TARGET_EXAMPLE} s wall): {verdict}; "
          f"floor (stock WeasyPrint on the same HTML): {floor['wall_s']} s wall, {floor['cpu_s']} s CPU; "
          f"load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    main()
