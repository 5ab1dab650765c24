"""Issue 11.3/11.4 and 10.5: entry signatures in the one policy (stale, moved, backdated), `authored` entries
under squash (QMS024), and `qms approve` refusing what the push will refuse."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from qms_docs.config import parse_config
from qms_docs.model.frontmatter import parse
from qms_docs.signatures.policy import RevisionFacts, SignatureFacts, judge, proof, proven_by, signers_of
from qms_docs.signatures.statement import statement_of
from tests.builders import QMS_YML, commit, doc_path, git, make_document
from tests.entrysig_support import ENTRY_YML, JANE, OMAR, SAM, allowed_signers, approve, commit_all, draft, make_keys, public
from tests.sshsig_support import needs_ssh_keygen, public_key, ssh_sign

pytestmark = needs_ssh_keygen
QP1 = doc_path("QP-001")
CONFIG = parse_config(ENTRY_YML)
AT = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_keys(tmp_path_factory.mktemp("keys"))


def signed_doc(keys: dict[str, Path], *, at: dt.datetime = AT, key: str = "jane", **change: object) -> str:
    """QP-001 revision 1 approved; Jane's entry carries a `sig` made with `key` over (the entry + `change`)."""
    text = make_document("QP-001", signed_at=at, roles=["quality-manager"])
    doc = parse(text.encode(), QP1)
    raw = dict(doc.approvals[0].raw, **change)
    statement = statement_of("QP-001", raw)
    assert statement is not None
    armored = ssh_sign(keys[key], statement.to_bytes())
    block = "    sig: |\n" + "".join(f"      {line}\n" for line in armored.strip().split("\n"))
    return text.replace("\n---\n#", "\n" + block.rstrip("\n") + "\n---\n#", 1)


def facts_of(keys: dict[str, Path], added_at: dt.datetime | None = None) -> RevisionFacts:
    signers = signers_of(allowed_signers(keys).encode())
    return RevisionFacts(CONFIG.__class__(**{**CONFIG.__dict__, "types": {
        "procedure": CONFIG.types["procedure"].__class__("procedure", "QP", ("quality-manager",))}}),
        {0: SignatureFacts(0, "c" * 40, SAM[0], SAM[1], added_at=added_at or AT + dt.timedelta(hours=1))},
        frozenset({SAM[1]}), signers=signers)


def problems(text: str, keys: dict[str, Path], added_at: dt.datetime | None = None) -> list[str]:
    return [f"{p.code} {p.message}" for p in judge(parse(text.encode(), QP1), facts_of(keys, added_at))]


def test_a_valid_sig_proves_the_signer_whoever_committed_it(keys: dict[str, Path]) -> None:
    assert problems(signed_doc(keys), keys) == []
    proven = proof(proven_by(parse(signed_doc(keys).encode(), QP1), 0, facts_of(keys)))
    assert proven == f"entry signature, key {public_key(keys['jane']).fingerprint}"


@pytest.mark.parametrize(("change", "why"), [
    ({"key": "eve"}, "is not in the allowed-signers file"),
    ({"role": "process-owner"}, "does not match the statement"),
    ({"revision": 2}, "does not match the statement"),
    ({"digest": "sha256:" + "0" * 64}, "does not match the statement"),
])
def test_a_sig_over_another_role_revision_digest_or_by_another_key_is_forged(
        keys: dict[str, Path], change: dict[str, object], why: str) -> None:
    key = str(change.pop("key", "jane"))
    found = problems(signed_doc(keys, key=key, **change), keys)
    assert any(p.startswith("QMS025") and "entry signature (sig) does not count" in p and why in p for p in found), found


def test_an_entry_dated_after_the_commit_that_added_it_is_refused(keys: dict[str, Path]) -> None:
    """A signature from the future relative to the commit that carries it is refused; the signer's and the
    committer's clocks may differ by up to 24 h (CLOCK_SKEW), within which it is accepted."""
    found = problems(signed_doc(keys), keys, added_at=AT - dt.timedelta(hours=24, minutes=1))
    assert any("more than 24 h later than commit" in p for p in found), found
    assert problems(signed_doc(keys), keys, added_at=AT - dt.timedelta(hours=23, minutes=59)) == []


def test_the_key_must_be_valid_at_the_entry_time(keys: dict[str, Path]) -> None:
    expired = allowed_signers(keys).replace('namespaces="qms-approval"',
                                            'namespaces="qms-approval",valid-before="20261101Z"', 1)
    doc = parse(signed_doc(keys).encode(), QP1)
    facts = RevisionFacts(CONFIG, {0: SignatureFacts(0, "c" * 40, SAM[0], SAM[1], added_at=AT)},
                          frozenset(), signers=signers_of(expired.encode()), judge_provenance_of=frozenset({0}))
    assert any("has expired" in p.message for p in judge(doc, facts) if p.code == "QMS025")


def test_an_authored_entry_makes_its_signer_an_author_and_never_approves(keys: dict[str, Path]) -> None:
    """A squash merge has one commit author: an `authored` entry keeps the real author visible to QMS024."""
    text = make_document("QP-001", roles=["quality-manager", "process-owner"])
    authored = ("  - name: Omar Haddad\n    email: omar@acme.example\n    role: author\n    meaning: authored\n"
                "    at: 2026-02-27T14:03:00Z\n    revision: 1\n    digest: " + parse(text.encode(), QP1).digest + "\n")
    text = text.replace("\n---\n#", "\n" + authored.rstrip("\n") + "\n---\n#", 1)
    doc = parse(text.encode(), QP1)
    found = judge(doc, RevisionFacts(parse_config(QMS_YML), None, frozenset({SAM[1]})))
    assert [p.code for p in found] == ["QMS024"] and "an `authored` entry" in found[0].message
    without = judge(doc, RevisionFacts(parse_config(QMS_YML), None, frozenset({SAM[1]})))
    assert all(p.code != "QMS023" for p in without)  # authorship needs no role


def repo_with_draft(qms_repo: Path, keys: dict[str, Path], author: tuple[str, str]) -> Path:
    commit(qms_repo, {"qms.yml": ENTRY_YML, ".qms/allowed_signers": allowed_signers(keys)}, "Entry signatures",
           author=JANE)
    text = draft("QP-001")
    commit(qms_repo, {QP1: text}, "QP-001: first draft", author=author)
    return qms_repo


def test_approve_refuses_a_self_approval_and_names_who_may_sign(qms_repo: Path, keys: dict[str, Path]) -> None:
    repo = repo_with_draft(qms_repo, keys, OMAR)
    before = (repo / QP1).read_bytes()
    done = approve(repo, OMAR, keys["omar"])
    assert done.returncode == 1 and "QMS024" in done.stderr and "ask li@acme.example" in done.stderr, done.stderr
    assert (repo / QP1).read_bytes() == before


def test_approve_with_squash_authorship_then_check_refuses_the_author(qms_repo: Path, keys: dict[str, Path]) -> None:
    """Omar declares authorship (entry-signed), Jane approves; Omar's approval is refused by qms approve."""
    repo = repo_with_draft(qms_repo, keys, SAM)
    done = approve(repo, OMAR, keys["omar"], "QP-001", "--meaning", "authored")
    assert done.returncode == 0 and "meaning authored (not counted toward approval)" in done.stdout, done.stderr
    assert "meaning: authored" in (repo / QP1).read_text() and "sig: |" in (repo / QP1).read_text()
    assert commit_all(repo, "QP-001: authorship of Omar", SAM).returncode == 0
    refused = approve(repo, OMAR, keys["omar"])
    assert refused.returncode == 1 and "an `authored` entry" in refused.stderr, refused.stderr


def test_approve_sign_adds_sig_without_required_signing(qms_repo: Path, keys: dict[str, Path]) -> None:
    commit(qms_repo, {".qms/allowed_signers": allowed_signers(keys)}, "Signers", author=JANE)
    commit(qms_repo, {QP1: draft("QP-001")},
           "QP-001: draft", author=SAM)
    done = approve(qms_repo, JANE, keys["jane"], "QP-001", "--sign")
    assert done.returncode == 0 and "entry signed" in done.stdout, done.stderr
    text = (qms_repo / QP1).read_text()
    assert "    sig: |\n      -----BEGIN SSH SIGNATURE-----\n" in text
    unsigned = approve(qms_repo, OMAR, keys["omar"])
    assert unsigned.returncode == 0 and "entry signed" not in unsigned.stdout


def test_a_key_added_to_the_file_but_not_committed_cannot_sign(qms_repo: Path, keys: dict[str, Path]) -> None:
    repo = repo_with_draft(qms_repo, keys, SAM)
    (repo / ".qms/allowed_signers").write_text(f"eve@acme.example {public(keys['eve'])}\n"
                                                f"jane@acme.example {public(keys['eve'])}\n")
    done = approve(repo, JANE, keys["eve"])
    assert done.returncode == 1 and "is not in the allowed-signers file" in done.stderr, done.stderr
    assert git(repo, "status", "--porcelain", "--", QP1).stdout == ""
