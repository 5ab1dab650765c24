"""Issue 13 point 6: the cost of translations.

    python bench/bench_translations.py [--docs 1000] [--runs 11]              # `qms check`
    python bench/bench_translations.py --publish [--docs 1000] [--runs 3]     # `qms publish`, three languages

Check: builds two working trees from the project's corpus generator: DOCS sources plus one approved nb
translation of each (2 x DOCS files), and 2 x DOCS sources. Target: `qms check` within 1.5x of the floor
(bench/floor_check.py) for the same number of files.

Publish: the corpus (DOCS documents x 5 revisions) with an nb and a tr translation of every document in
force committed on top as a team does it (the drafts by an author, then each signature in a commit of its
signer), `languages: {default: en, available: [nb, tr]}`. `qms publish` builds `/`, `/nb/` and `/tr/`;
the one-language figure is `qms publish` of the corpus without translations. Target: three languages at
most 3.3x one language (CPU time: the machine is shared)."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
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


def translated_history(source: Path, target: Path, languages: tuple[str, ...] = ("nb", "tr")) -> Path:
    """A clone of `source` with a translation of every document at HEAD into each language, committed as a
    team does: the config by the quality manager, the drafts by an author, then every signature round by
    its signers (one commit per signer and round), so that each entry is added by its signer."""
    if (target / ".git").is_dir():
        return target
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(source), str(target)], check=True)
    config = (target / "qms.yml").read_text(encoding="utf-8")
    config += f"languages: {{default: en, available: [{', '.join(languages)}]}}\n"
    _commit(target, {"qms.yml": config}, ("Jane Doe", "jane@acme.example"), "Translations")
    drafts: dict[str, tuple[dict[str, object], str, list[dict[str, object]]]] = {}
    for path in sorted((target / "controlled").rglob("*.md")):
        rel = path.relative_to(target).as_posix()
        doc = parse(path.read_bytes(), rel)
        for lang in languages:
            meta = {k: v for k, v in doc.meta.items() if k not in ("approvals", "change_summary", "status")}
            meta |= {"revision": 1, "language": lang, "status": "draft",
                     "translation_of": {"revision": doc.revision, "digest": doc.digest}}
            body = f"# {lang}\n\n" + doc.body.strip() + "\n"
            signed = digest(meta, body)
            entries = [{**a.raw, "revision": 1, "digest": signed} for a in doc.approvals]
            drafts[rel.removesuffix(".md") + f".{lang}.md"] = (meta, body, entries)
    _commit(target, {rel: _text({**m, "approvals": []}, b) for rel, (m, b, _) in drafts.items()},
            ("Sam Author", "sam@acme.example"), "Translations for review")
    for n in range(max(len(e) for _, _, e in drafts.values())):
        signers = sorted({(str(e[n]["name"]), str(e[n]["email"])) for _, _, e in drafts.values() if len(e) > n})
        for who in signers:
            files = {rel: _text({**m, "status": "approved" if n + 1 == len(e) else "review", "approvals": e[:n + 1]}, b)
                     for rel, (m, b, e) in drafts.items() if len(e) > n and (e[n]["name"], e[n]["email"]) == who}
            _commit(target, files, who, f"Translations: signature {n + 1}")
    return target


def _text(meta: dict[str, object], body: str) -> str:
    """The document's text; `translation_of` as a flow mapping (the generator's renderer writes flat values)."""
    front = dict(meta)
    link = front.pop("translation_of")
    assert isinstance(link, dict)
    lang = front["language"]
    return render(front, body).replace(f'\nlanguage: "{lang}"\n', f"\nlanguage: {lang}\ntranslation_of: {{revision: "
                                                                  f"{link['revision']}, digest: \"{link['digest']}\"}}\n")


def _commit(repo: Path, files: dict[str, str], who: tuple[str, str], message: str) -> None:
    for rel, text in files.items():
        (repo / rel).write_text(text, encoding="utf-8")
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    env = {"GIT_AUTHOR_NAME": who[0], "GIT_AUTHOR_EMAIL": who[1], "GIT_COMMITTER_NAME": who[0],
           "GIT_COMMITTER_EMAIL": who[1], "PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "")}
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", message], check=True, env=env)


def publish(a: argparse.Namespace) -> None:
    """`qms publish` of three languages against one, CPU and wall, with the load average."""
    from bench_publish import timed

    plain = corpus(a.docs, 5)
    translated = translated_history(plain, OUT / f"translated-history-{a.docs}x5")
    work = Path(tempfile.mkdtemp(prefix="bench-i18n-"))
    try:
        one = timed([qms_exe(), "publish", "--repo", str(plain), "--site-dir", str(work / "one")], a.runs)
        three = timed([qms_exe(), "publish", "--repo", str(translated), "--site-dir", str(work / "three")], a.runs)
        pages = {lang: sum(1 for _ in (work / "three" / lang).rglob("index.html")) for lang in ("nb", "tr")}
        mdl = (work / "three/nb/master-document-list/index.html").read_text(encoding="utf-8")
        shown = mdl.count('qms-translation--current" data-lang="nb"')
    finally:
        shutil.rmtree(work, ignore_errors=True)
    (w1, c1), (w3, c3) = ((statistics.median(w), statistics.median(c)) for w, c in (one, three))
    print(f"{a.docs} documents x 5 revisions; nb and tr: {shown} current translations; pages nb {pages['nb']}, "
          f"tr {pages['tr']}; median of {a.runs}; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}\n")
    print(table([("`qms publish`, one language (the corpus)", f"{w1:.1f}", f"{c1:.1f}", "1.00x", "1.00x"),
                 ("`qms publish`, en + nb + tr", f"{w3:.1f}", f"{c3:.1f}", f"{w3 / w1:.2f}x", f"{c3 / c1:.2f}x")],
                ["build", "wall s", "CPU s", "wall vs one", "CPU vs one"]))
    dump("bench_translations_publish", {"one": one, "three": three, "ratio_cpu": c3 / c1, "target": 3.3})
    if c3 / c1 > 3.3:
        print(f"\nabove target: {c3 / c1:.2f}x > 3.3x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=None)
    ap.add_argument("--publish", action="store_true", help="time `qms publish` of three languages against one")
    a = ap.parse_args()
    if a.publish:
        a.runs = a.runs or 3
        publish(a)
        return
    a.runs = a.runs or 11
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
