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
