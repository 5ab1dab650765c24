"""Issue 13 point 6 (check half): `qms check` on a tree where half the files are translations, against the
floor and against a tree of the same number of files without translations.

    python bench/bench_translations.py [--docs 1000] [--runs 11]
Builds two working trees from the project's corpus generator: DOCS sources plus one approved nb translation
of each (2 x DOCS files), and 2 x DOCS sources. Target: `qms check` within 1.5x of the floor
(bench/floor_check.py) for the same number of files."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from common import HERE, OUT, corpus, dump, interleaved, qms_exe, table
from make_corpus import digest, render

sys.path.insert(0, str(HERE.parent))

from qms_docs.model.frontmatter import parse  # noqa: E402


def worktree_copy(source: Path, target: Path) -> Path:
    """The corpus' qms.yml and documents as a fresh repository with no history (`qms check` reads the disk)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source / "controlled", target / "controlled")
    shutil.copy(source / "qms.yml", target / "qms.yml")
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    return target


def add_translations(tree: Path) -> int:
    """An approved nb translation beside every document, signed by the same people for its own digest."""
    with (tree / "qms.yml").open("a", encoding="utf-8") as f:
        f.write("languages: {default: en, available: [nb]}\n")
    count = 0
    for path in sorted((tree / "controlled").rglob("*.md")):
        rel = path.relative_to(tree).as_posix()
        source = parse(path.read_bytes(), rel)
        meta = {k: v for k, v in source.meta.items() if k not in ("approvals", "change_summary")}
        meta |= {"revision": 1, "language": "nb",
                 "translation_of": {"revision": source.revision, "digest": source.digest}}
        body = "# Oversettelse\n\n" + source.body.strip() + "\n"
        link = meta.pop("translation_of")
        signed = digest({**meta, "translation_of": link}, body)
        entries = [{**a.raw, "revision": 1, "digest": signed} for a in source.approvals]
        text = render({**meta, "approvals": entries}, body).replace(
            "\nlanguage: \"nb\"\n", f"\nlanguage: nb\ntranslation_of: {{revision: {link['revision']}, "
                                    f"digest: \"{link['digest']}\"}}\n")
        path.with_suffix(".nb.md").write_text(text, encoding="utf-8")
        count += 1
    return count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=11)
    a = ap.parse_args()
    translated = worktree_copy(corpus(a.docs, 1), OUT / f"translated-{a.docs}")
    added = add_translations(translated)
    plain = worktree_copy(corpus(2 * a.docs, 1), OUT / f"plain-{2 * a.docs}")
    check = subprocess.run([qms_exe(), "check", "--repo", str(translated)], capture_output=True, text=True)
    print(check.stdout.splitlines()[-1] if check.stdout else check.stderr)
    results = interleaved({
        "floor, sources + translations": [sys.executable, str(HERE / "floor_check.py"), str(translated)],
        "`qms check`, sources + translations": [qms_exe(), "check", "--repo", str(translated)],
        "floor, sources only": [sys.executable, str(HERE / "floor_check.py"), str(plain)],
        "`qms check`, sources only": [qms_exe(), "check", "--repo", str(plain)],
    }, a.runs)
    (floor_t, cpu_t), _, (floor_p, cpu_p), _ = results.values()
    floors = [(floor_t, cpu_t), (floor_t, cpu_t), (floor_p, cpu_p), (floor_p, cpu_p)]
    rows = [(name, f"{wall:.3f}", f"{wall / fw:.2f}x", f"{cpu:.3f}", f"{cpu / fc:.2f}x")
            for (name, (wall, cpu)), (fw, fc) in zip(results.items(), floors, strict=True)]
    print(f"{a.docs} sources + {added} translations vs {2 * a.docs} sources; median of {a.runs}\n")
    print(table(rows, ["command", "wall s", "vs floor", "CPU s", "vs floor"]))
    dump("bench_translations", {k: {"wall": w, "cpu": c} for k, (w, c) in results.items()})


if __name__ == "__main__":
    main()
