"""A QMS repository in three languages (en, nb, tr) with a fixed-date history, for the per-language sites.

- QP-001 revision 1 in force; its nb translation is current (signed by Jane and the nb translator); a tr
  translation claims Jane's and Elif's approvals but was committed whole by Sam (forged, QMS025);
- QP-002 revision 2 in force since 2026-06-01; its nb translation renders revision 1 (stale);
- QP-003 revision 1 in force; no translation in force, an nb draft on top (never published)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from qms_docs.model.digest import content_digest
from tests.builders import PEOPLE, QMS_YML, _split, commit, commit_signed, doc_path, git, make_document, render
from tests.site_fixture import SITE_YML

INGRID = ("Ingrid Berg", "ingrid@acme.example")
ELIF = ("Elif Yıldız", "elif@acme.example")
CONFIG = QMS_YML.replace("roles:\n", "roles:\n  translator-nb: [ingrid@acme.example]\n"
                         "  translator-tr: [elif@acme.example]\n").replace(
    "approvers: [quality-manager, process-owner],  review_months: 24}",
    "approvers: [quality-manager, process-owner],  review_months: 24, translation_approvers: "
    "{nb: [quality-manager, translator-nb], tr: [quality-manager, translator-tr]}}") \
    + "languages: {default: en, available: [nb, tr]}\n"
NB_WORD = "kalibreringsrutinene"  # only in the Norwegian translation of QP-001
SECRETS = ("NB-DRAFT-SECRET", "TR-FORGED-TEXT")


def nb_path(doc_id: str, language: str = "nb") -> str:
    return doc_path(doc_id).removesuffix(".md") + f".{language}.md"


def translation(source: str, language: str, signers: list[tuple[tuple[str, str], str]], *, title: str, body: str,
                revision: int = 1, status: str = "approved", effective: dt.date = dt.date(2026, 4, 1),
                link_digest: str | None = None, doc_type: str | None = None) -> str:
    """The text of a translation of `source` (a document's text), signed by `signers` ((person, role), ...)."""
    meta, _ = _split(source)
    front: dict[str, Any] = {"id": meta["id"], "title": title, "type": doc_type or meta["type"], "revision": revision,
                             "status": status, "owner": meta["owner"], "language": language,
                             "translation_of": {"revision": meta["revision"],
                                                "digest": link_digest or content_digest(meta, _split(source)[1])},
                             "approvals": []}
    if status == "approved":
        front["effective_date"] = effective
        digest = content_digest(front, body)
        front["approvals"] = [{"name": who[0], "email": who[1], "role": role, "meaning": "approved",
                               "at": dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC), "revision": revision,
                               "digest": digest} for who, role in signers]
    return render(front, body)


def make_i18n_repo(repo: Path) -> Path:
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    commit(repo, {"qms.yml": CONFIG, "mkdocs.yml": SITE_YML}, "Set up the QMS in three languages",
           author=PEOPLE["quality-manager"], date="2026-01-05T09:00:00Z")
    qp1 = make_document("QP-001", title="Calibration", body="# Calibration\n\nEvery gauge is calibrated yearly.\n")
    qp2 = make_document("QP-002", title="Purchasing", body="# Purchasing\n\nSuppliers are evaluated yearly.\n")
    qp3 = make_document("QP-003", title="Training", body="# Training\n\nEvery operator is trained. ONLY-ENGLISH\n")
    qm, nb = PEOPLE["quality-manager"], "translator-nb"
    steps = [
        (doc_path("QP-001"), qp1), (doc_path("QP-002"), qp2), (doc_path("QP-003"), qp3),
        (nb_path("QP-001"), translation(qp1, "nb", [(qm, "quality-manager"), (INGRID, nb)], title="Kalibrering",
                                        body=f"# Kalibrering\n\nAlle måleinstrumenter kalibreres årlig etter "
                                             f"{NB_WORD}.\n")),
        (nb_path("QP-002"), translation(qp2, "nb", [(qm, "quality-manager"), (INGRID, nb)], title="Innkjøp",
                                        body="# Innkjøp\n\nLeverandører evalueres årlig.\n")),
        (doc_path("QP-002"), make_document("QP-002", revision=2, title="Purchasing", effective_date=dt.date(2026, 6, 1),
                                           body="# Purchasing\n\nSuppliers are evaluated twice a year.\n")),
    ]
    for day, (path, text) in enumerate(steps, start=1):
        commit_signed(repo, {path: text}, f"{path}: change", date=f"2026-02-{day:02d}T10:00:00Z")
    draft = translation(qp3, "nb", [], title="Opplæring NB-DRAFT-SECRET", body="# Opplæring\n\nNB-DRAFT-SECRET\n",
                        status="draft")
    commit(repo, {nb_path("QP-003"): draft}, "QP-003 (nb): draft", date="2026-02-20T10:00:00Z")
    forged = translation(qp1, "tr", [(qm, "quality-manager"), (ELIF, "translator-tr")], title="Kalibrasyon",
                         body="# Kalibrasyon\n\nTR-FORGED-TEXT\n")
    commit(repo, {nb_path("QP-001", "tr"): forged}, "QP-001 (tr): approved", date="2026-02-21T10:00:00Z")
    return repo
