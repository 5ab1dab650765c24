"""Issue 11.6: `qms history` (text and JSON), `qms report`, the site's control block and revision history and
the PDF say for each signature how it was proven, in the same words: "entry signature, key SHA256:...",
"signed commit <id>, key SHA256:..." or "commit author only".

One real repository: QP-001 carries Jane's entry signature (committed by Sam, who holds no role) and Omar's
signature added in a commit Omar signed with his listed SSH key (gpg.format=ssh); QP-002 carries Jane's
signature in an unsigned commit and Omar's in a commit signed with a key that is not listed for him."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.builders import QMS_YML, commit, git
from tests.entrysig_support import JANE, OMAR, QP1, QP2, SAM, act_as, approve, commit_all, draft, make_keys, public
from tests.site_fixture import SITE_YML, build_site, isolated_env, page
from tests.sshsig_support import needs_ssh_keygen, public_key

pytestmark = needs_ssh_keygen


@dataclass(frozen=True)
class Proven:
    repo: Path
    site: Path
    entry: str  # the wording for Jane's entry signature on QP-001
    signed: str  # for Omar's signed commit on QP-001
    author: str = "commit author only"


def qms(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["qms", *args, "--repo", str(repo)], capture_output=True, text=True)


def sign_and_commit(repo: Path, who: tuple[str, str], key: Path | None, doc_id: str, *commit_args: str,
                    entry: bool = False) -> str:
    done = approve(repo, who, key, doc_id, *(["--sign"] if entry else []))
    assert done.returncode == 0, done.stderr
    committer = SAM if entry else who
    made = commit_all(repo, f"{doc_id}: signature of {who[0]}", committer, *commit_args)
    assert made.returncode == 0, made.stderr
    return git(repo, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture(scope="module")
def proven(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proven]:
    base = tmp_path_factory.mktemp("proofs")
    (base / "home").mkdir()
    with isolated_env(base / "home"):
        keys = make_keys(base / "keys")
        repo = base / "repo"
        repo.mkdir()
        git(repo, "init", "-q", "-b", "main")
        git(repo, "config", "gpg.format", "ssh")
        allowed = "".join(f"{who[1]} {public(keys[name])}\n" for name, who in (("jane", JANE), ("omar", OMAR)))
        commit(repo, {"qms.yml": QMS_YML, ".qms/allowed_signers": allowed, "mkdocs.yml": SITE_YML},
               "Set up the QMS", author=JANE)
        commit(repo, {QP1: draft("QP-001"), QP2: draft("QP-002")}, "QP-001, QP-002: first drafts", author=SAM)
        sign_and_commit(repo, JANE, keys["jane"], "QP-001", entry=True)
        signed = sign_and_commit(repo, OMAR, keys["omar"], "QP-001", "-S")
        sign_and_commit(repo, JANE, None, "QP-002")
        sign_and_commit(repo, OMAR, keys["eve"], "QP-002", "-S")  # a valid signature, by a key not listed for Omar
        act_as(repo, SAM, None)
        assert "G" not in git(repo, "log", "-1", "--format=%G?").stdout  # eve's key is not trusted by git either
        site = build_site(repo, base / "site")
        yield Proven(repo, site, f"entry signature, key {public_key(keys['jane']).fingerprint}",
                     f"signed commit {signed[:12]}, key {public_key(keys['omar']).fingerprint}")


def test_history_text_says_how_each_signature_is_proven(proven: Proven) -> None:
    one, two = (qms(proven.repo, "history", doc_id) for doc_id in ("QP-001", "QP-002"))
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    assert re.findall(r"proven by: (.*)", one.stdout) == [proven.entry, proven.signed]
    assert re.findall(r"proven by: (.*)", two.stdout) == [proven.author, proven.author]


def test_history_json_gives_the_wording_the_kind_and_the_key(proven: Proven) -> None:
    done = qms(proven.repo, "history", "QP-001", "--format", "json")
    assert done.returncode == 0, done.stderr
    signatures = json.loads(done.stdout)["revisions"][-1]["signatures"]
    assert [(s["name"], s["proof"], s["proven_by"]) for s in signatures] == [
        (JANE[0], proven.entry, "entry"), (OMAR[0], proven.signed, "commit")]
    assert [s["key"] for s in signatures] == [proven.entry.rsplit(" ", 1)[1], proven.signed.rsplit(" ", 1)[1]]
    other = json.loads(qms(proven.repo, "history", "QP-002", "--format", "json").stdout)["revisions"][-1]
    assert [(s["proof"], s["proven_by"], s["key"]) for s in other["signatures"]] == [(proven.author, "author", None)] * 2


def test_the_report_states_each_proof(proven: Proven, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    done = qms(proven.repo, "report", "--out", str(out))
    assert done.returncode == 0, done.stderr
    cells = re.findall(r"<td>([^<]*)</td></tr>", out.read_text(encoding="utf-8"))
    assert [c for c in cells if c.startswith(("entry", "signed", "commit author"))] == [
        proven.entry, proven.signed, proven.author, proven.author]


def test_the_site_control_block_and_revision_history_state_each_proof(proven: Proven) -> None:
    def proofs(uri: str, block: str) -> list[str]:
        found = re.search(block, page(proven.site, uri), re.S)
        assert found, uri
        return [p.replace("<wbr>", "") for p in re.findall(r'<small class="qms-proof" title="Proven by">(.*?)</small>',
                                                          found.group(0))]

    control, history = r'<div class="qms-control".*?</table></div>', r'<h2 id="revision-history">.*?</table>'
    assert proofs("procedures/QP-001", control) == [proven.entry, proven.signed]
    assert proofs("procedures/QP-001", history) == [proven.entry, proven.signed]
    assert proofs("procedures/QP-002", control) == [proven.author, proven.author]
    assert proofs("procedures/QP-002", history) == [proven.author, proven.author]


def test_the_pdf_signature_manifestation_states_each_proof(proven: Proven, tmp_path: Path) -> None:
    from tests.pdf_fixture import needs_weasyprint, pages_text

    if needs_weasyprint.args[0]:
        pytest.skip(needs_weasyprint.kwargs["reason"])
    out = tmp_path / "QP-001.pdf"
    done = qms(proven.repo, "pdf", "QP-001", "--out", str(out))
    assert done.returncode == 0, done.stderr
    text = re.sub(r"\s+", "", "".join(pages_text(out)))
    for wording in (proven.entry, proven.signed):
        assert text.count(re.sub(r"\s+", "", wording)) == 2  # the control block and the revision history
