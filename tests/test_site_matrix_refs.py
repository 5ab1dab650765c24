"""The clause matrix shows excluded clauses (qms.yml `exclusions`) with their justification, not as
gaps; a reference to a document with no revision in force is marked "not issued"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qms_docs.config import Config
from qms_docs.mkdocs_plugin import pages
from qms_docs.publishing import select
from tests.builders import QMS_YML, commit, commit_signed, doc_path, make_document
from tests.site_fixture import build_site, page
from tests.test_publishing import TODAY

WHY = "Acme builds to customer drawings; it does not design products."


def row(html: str, clause: str) -> str:
    found = re.search(rf'<tr class="[^"]*"><td>{re.escape(clause)}</td>.*?</tr>', html)
    assert found, clause
    return found.group(0)


def test_excluded_clauses_and_their_sub_clauses_show_the_justification_not_a_gap(qms_repo: Path) -> None:
    commit_signed(qms_repo, {doc_path("QP-001"): make_document("QP-001", clauses=["7.5"])}, "QP-001")
    pub = select(qms_repo, TODAY)
    plain = pages.clause_matrix(pub, lambda i: None, exclusions={})
    html = pages.clause_matrix(pub, lambda i: None, exclusions={"8.3": WHY})
    assert '<tr class="qms-gap"><td>8.3.2</td>' in plain  # without the exclusion: a gap
    for clause in ("8.3", "8.3.2", "8.3.3", "8.3.4", "8.3.5", "8.3.6"):
        assert row(html, clause).startswith('<tr class="qms-excluded">')
        assert f'<span class="qms-badge qms-badge--excluded">Excluded</span> <span class="qms-justification">{WHY}</span>' \
            in row(html, clause)
    assert row(html, "8.4").startswith('<tr class="qms-gap">')  # only 8.3 and below
    def counts(text: str) -> tuple[int, int]:
        found = re.search(r"<p>(\d+) of (\d+) clauses that call for documented information", text)
        assert found
        return int(found.group(1)), int(found.group(2))

    assert counts(plain)[0] - counts(html)[0] == 5  # 8.3.2 to 8.3.6 call for documented information
    assert counts(plain)[1] - counts(html)[1] == 5  # and are no longer counted as applicable
    assert f"<li><strong>8.3</strong> Design and development of products and services: {WHY}</li>" in html
    assert "<li><strong>8.3.2</strong>" not in html


def test_a_justification_is_escaped(qms_repo: Path) -> None:
    html = pages.clause_matrix(select(qms_repo, TODAY), lambda i: None, exclusions={"8.3": "<script>x</script>"})
    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


@pytest.mark.skipif("exclusions" not in Config.__dataclass_fields__, reason="qms.yml has no `exclusions` key yet")
def test_the_built_matrix_reads_exclusions_from_qms_yml(qms_repo: Path, tmp_path: Path) -> None:
    from tests.site_fixture import SITE_YML

    qms_yml = QMS_YML + f'exclusions:\n  "8.3": "{WHY}"\n'
    commit(qms_repo, {"qms.yml": qms_yml, "mkdocs.yml": SITE_YML,
                      doc_path("QP-001"): make_document("QP-001", clauses=["7.5"])}, "QP-001")
    html = page(build_site(qms_repo, tmp_path / "site"), "clause-matrix")
    assert row(html, "8.3.4").startswith('<tr class="qms-excluded">') and WHY in row(html, "8.3.4")


def test_references_to_documents_not_in_force_are_marked_not_issued(qms_repo: Path, tmp_path: Path) -> None:
    from tests.site_fixture import SITE_YML

    body = "# Purchasing\n\nSee QP-002 (a draft), QP-009 (no such file), ISO-9001 and ABC-123 (not ours), QP-001.\n"
    commit(qms_repo, {"mkdocs.yml": SITE_YML, doc_path("QP-002"): make_document("QP-002", status="draft")},
           "QP-002 draft")
    commit_signed(qms_repo, {doc_path("QP-001"): make_document("QP-001", body=body, references=["QP-002"])}, "QP-001")
    html = page(build_site(qms_repo, tmp_path / "site"), "procedures/QP-001")
    mark = ('<span class="qms-not-issued" title="No revision of {0} is in force">{0} '
            '<span class="qms-badge qms-badge--not-issued">not issued</span></span>')
    text = html[html.index('<h1 id="purchasing"'):]
    assert f"See {mark.format('QP-002')} (a draft), {mark.format('QP-009')} (no such file), ISO-9001 and ABC-123" in text
    assert "(not ours), QP-001.</p>" in text  # the page itself: neither linked nor marked
    assert re.search(r"<dt>References</dt><dd>(.*?)</dd>", html).group(1) == mark.format("QP-002")
