"""A QMS repository with a fixed-date history for the publishing tests, and an in-process site build."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.builders import QMS_YML, commit, commit_signed, doc_path, git, make_document

SITE_YML = """\
site_name: Acme Quality Manual
docs_dir: controlled
theme:
  name: material
  font: false
  features: [navigation.prune]
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle: {icon: material/brightness-7, name: Switch to dark mode}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle: {icon: material/brightness-4, name: Switch to light mode}
plugins:
  - search
  - qms
"""

QP001_BODY = """\
# Control of Documented Information

This procedure keeps documents under control. Purchasing follows QP-002; gauges follow WI-001;
the old form FRM-001 is withdrawn and QP-003 is still a draft.

<script>alert('body')</script>

<img src="x.png" onerror="alert(2)">

<!-- a reviewer's note that no reader should see -->

## Steps

1. Write the document.
2. Have it approved.
"""
HOSTILE_TITLE = "Purchasing <script>alert(1)</script>"
SECRETS = ("DRAFT-ONLY-TEXT", "DRAFT TITLE SECRET", "DRAFT-SUMMARY-SECRET", "FUTURE-ONLY-TEXT",
           "FUTURE TITLE SECRET", "OBSOLETE-BODY-TEXT", "NEVER-EFFECTIVE-TEXT", "UNCOMMITTED-TEXT",
           "reviewer's note")


@contextlib.contextmanager
def isolated_env(home: Path) -> Iterator[None]:
    """What conftest's autouse fixture does, for module-scoped fixtures (which cannot use it)."""
    gitconfig = home / ".gitconfig"
    gitconfig.write_text("[user]\n\tname = Test Runner\n\temail = runner@acme.example\n"
                         "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        for key, value in {"HOME": str(home), "GIT_CONFIG_GLOBAL": str(gitconfig), "GIT_CONFIG_NOSYSTEM": "1",
                           "QMS_TODAY": "2026-11-22"}.items():
            mp.setenv(key, value)
        for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
            mp.delenv(name, raising=False)
        yield


def make_site_repo(repo: Path) -> Path:
    """Approved QP-001 with a draft on top; QP-002 (hostile title) at its second revision with an
    uncommitted edit; WI-001 with a future revision; FRM-001 obsolete; QP-003 never effective."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    commit(repo, {"qms.yml": QMS_YML, "mkdocs.yml": SITE_YML}, "Set up the QMS", date="2026-01-05T09:00:00Z")
    steps = [
        ("QP-001", make_document("QP-001", title="Control of Documented Information", body=QP001_BODY,
                                 clauses=["7.5.2", "7.5.3"], references=["QP-002", "WI-001", "FRM-001", "QP-003"])),
        ("QP-002", make_document("QP-002", title=HOSTILE_TITLE, clauses=["8.4"],
                                 body="# Purchasing\n\nSuppliers are evaluated with a zeppelin scorecard.\n")),
        ("WI-001", make_document("WI-001", title="Gauge calibration", effective_date=dt.date(2026, 2, 1),
                                 clauses=["7.1.5"], body="# Gauge calibration\n\nCalibrate every gauge yearly.\n")),
        ("FRM-001", make_document("FRM-001", title="Paper purchase order", effective_date=dt.date(2025, 1, 1),
                                  body="OBSOLETE-BODY-TEXT\n")),
        ("QP-001", make_document("QP-001", revision=2, status="draft", title="DRAFT TITLE SECRET",
                                 change_summary="DRAFT-SUMMARY-SECRET", body="# Draft\n\nDRAFT-ONLY-TEXT\n")),
        ("QP-002", make_document("QP-002", revision=2, title=HOSTILE_TITLE, clauses=["8.4"],
                                 effective_date=dt.date(2026, 6, 1), change_summary="Added supplier scorecards.",
                                 body="# Purchasing\n\nSuppliers are evaluated with a zeppelin scorecard, yearly.\n")),
        ("WI-001", make_document("WI-001", revision=2, title="FUTURE TITLE SECRET", effective_date=dt.date(2027, 1, 1),
                                 body="FUTURE-ONLY-TEXT\n")),
        ("FRM-001", make_document("FRM-001", revision=2, status="obsolete", sign=True, title="Paper purchase order",
                                  effective_date=dt.date(2026, 5, 1), change_summary="Replaced by the ERP.",
                                  body="OBSOLETE-BODY-TEXT\n")),
        ("QP-003", make_document("QP-003", status="draft", title="Never effective", body="NEVER-EFFECTIVE-TEXT\n")),
    ]
    for day, (doc_id, text) in enumerate(steps, start=1):
        commit_signed(repo, {doc_path(doc_id): text}, f"{doc_id}: change", date=f"2026-02-{day:02d}T10:00:00Z")
    path = repo / doc_path("QP-002")
    path.write_text(path.read_text(encoding="utf-8") + "\nUNCOMMITTED-TEXT\n", encoding="utf-8")
    return repo


def build_site(repo: Path, site: Path, *, strict: bool = True) -> Path:
    """Build in-process, as `mkdocs build` does."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    cfg = load_config(str(repo / "mkdocs.yml"), strict=strict, site_dir=str(site))
    cfg.plugins.on_startup(command="build", dirty=False)
    try:
        build(cfg)
    finally:
        cfg.plugins.on_shutdown()
    return site


def site_texts(site: Path) -> dict[str, str]:
    """Every file of the built site as text (gzip files unpacked), by relative path."""
    texts = {}
    for path in site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            texts[path.relative_to(site).as_posix()] = (gzip.decompress(data) if path.suffix == ".gz" else data) \
                .decode("utf-8", "replace")
    return texts


def page(site: Path, uri: str) -> str:
    return (site / uri / "index.html").read_text(encoding="utf-8")


# Links a browser would run or open if they survived, each written the way a scheme check misses it.
REFUSED_LINKS = {
    "entity-j": "&#106;avascript:window.__pwned=1",
    "hex-entities": "&#x6A;avascript&#x3A;window.__pwned=2",
    "named-colon": "javascript&colon;window.__pwned=3",
    "padded-entity": "&#0000106avascript:window.__pwned=4",
    "mixed-case": "JaVaScRiPt:window.__pwned=5",
    "tab-entity": "java&#9;script:window.__pwned=6",
    "newline-entity": "jav&#x0A;ascript:window.__pwned=7",
    "leading-space": "&#32;&#1;javascript:window.__pwned=8",
    "data": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript": "vbscript:msgbox(1)",
    "file": "file:///etc/passwd",
    "ftp": "ftp://ftp.example/x",
}
KEPT_LINKS = {"web": "https://www.iso.org/standard/62085.html", "mail": "mailto:quality@acme.example",
              "phone": "tel:+4712345678", "relative": "../QP-001/"}
LINKS_BODY = ("# Links\n\n"
              + "".join(f"- [{name}]({url})\n" for name, url in {**REFUSED_LINKS, **KEPT_LINKS}.items())
              + "- ![image-js](javascript:window.__pwned=20)\n"
              + "- [ref-style][js]\n"
              + "- [attr-list](https://ok.example){: href=\"javascript:window.__pwned=21\" }\n"
              + "\n[js]: javascript:window.__pwned=22\n")
REFUSED_TEXTS = (*REFUSED_LINKS, "image-js", "ref-style", "attr-list")


def make_links_repo(repo: Path) -> Path:
    """QP-001 in force, and QP-002 in force whose body holds every link of REFUSED_LINKS and KEPT_LINKS."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    site_yml = SITE_YML + "markdown_extensions: [attr_list]\n"
    commit(repo, {"qms.yml": QMS_YML, "mkdocs.yml": site_yml}, "Set up the QMS", date="2026-01-05T09:00:00Z")
    commit_signed(repo, {doc_path("QP-001"): make_document("QP-001", title="Control of documents"),
                         doc_path("QP-002"): make_document("QP-002", title="Links", body=LINKS_BODY)},
                  "QP-001 QP-002", date="2026-02-01T10:00:00Z")
    return repo


ATTACHMENT_SECRETS = ("PNG-DRAFT-BYTES", "PNG-WORKTREE-BYTES", "UNLINKED-TEXT", "DRAFT-COPY-TEXT", "BACKUP-TEXT",
                      "ORIG-TEXT", "HOST-FILE-SECRET", "SCRIPT-IN-HTML", "SCRIPT-IN-SVG", "CODE-BLOCK-ONLY",
                      "DRAFT-LINKED-ONLY", "UNTRACKED-LINKED")
ATTACHED_BODY = """\
# Control of documents

![Flow chart](img/flow.png) and the [order form](files/order%20form.pdf).
Not published: [a page](evil.html), [a diagram](diagram.svg), [the host](host.txt), [untracked](new.txt),
[a NUL](img/flow%00.png), [the configuration](../../qms.yml), [a folder](img/).

```
[only in a code block](img/code-only.png)
```
"""


def make_attachments_repo(repo: Path, outside: Path) -> Path:
    """QP-001 in force links files committed with it; a later draft changes and adds files; the working
    tree has edits, untracked backups and symlinks to `outside`, a file outside the repository."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    outside.write_text("HOST-FILE-SECRET\n", encoding="utf-8")
    folder = "controlled/procedures/"
    commit(repo, {"qms.yml": QMS_YML, "mkdocs.yml": SITE_YML}, "Set up the QMS", date="2026-01-05T09:00:00Z")
    (repo / folder).mkdir(parents=True)
    (repo / folder / "host.txt").symlink_to(outside)
    git(repo, "add", folder + "host.txt")
    commit(repo, {folder + "img/flow.png": "PNG-REV1-BYTES", folder + "files/order form.pdf": "%PDF-1.4 ORDER-FORM",
                  folder + "evil.html": "<script>SCRIPT-IN-HTML</script>",
                  folder + "diagram.svg": "<svg xmlns='http://www.w3.org/2000/svg'><script>SCRIPT-IN-SVG</script></svg>",
                  folder + "img/code-only.png": "CODE-BLOCK-ONLY", folder + "notes.txt": "UNLINKED-TEXT"},
           "QP-001: its files", date="2026-02-01T09:00:00Z")
    commit_signed(repo, {doc_path("QP-001"): make_document("QP-001", body=ATTACHED_BODY)},
                  "QP-001 with its files", date="2026-02-01T10:00:00Z")
    draft = make_document("QP-001", revision=2, status="draft",
                          body=ATTACHED_BODY + "\n![new](img/draft-only.png)\n")
    commit(repo, {doc_path("QP-001"): draft, folder + "img/flow.png": "PNG-DRAFT-BYTES",
                  folder + "img/draft-only.png": "DRAFT-LINKED-ONLY", folder + "QP-001.txt": "DRAFT-COPY-TEXT"},
           "QP-001 draft", date="2026-02-02T10:00:00Z")
    (repo / folder / "img/flow.png").write_text("PNG-WORKTREE-BYTES", encoding="utf-8")
    (repo / folder / "QP-001.md~").write_text("BACKUP-TEXT", encoding="utf-8")
    (repo / folder / "QP-001.md.orig").write_text("ORIG-TEXT", encoding="utf-8")
    (repo / folder / "new.txt").write_text("UNTRACKED-LINKED", encoding="utf-8")
    (repo / folder / "leak.txt").symlink_to(outside)
    return repo
