"""Issue 11.5: two entry-signed approvals land on main by merge commit, squash, rebase and cherry-pick; in every
case `qms check --base`, pre-receive, `qms verify` and the site accept them, and a forged `sig` is refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.builders import doc_path, git, make_document
from tests.entrysig_support import (
    ENTRY_YML,
    EVE,
    JANE,
    OMAR,
    QP1,
    QP2,
    SAM,
    approve,
    commit_all,
    entry_server,
    make_keys,
    public,
    signed_branch,
)
from tests.helpers_hooks import push, qms, with_qms_on_path
from tests.sshsig_support import needs_ssh_keygen

pytestmark = needs_ssh_keygen
SIG = re.compile(r"    sig: \|\n(?:      .*\n)+")


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Path]:
    return make_keys(tmp_path / "keys")


@pytest.fixture
def server(qms_repo: Path, tmp_path: Path, keys: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    with_qms_on_path(monkeypatch)
    return entry_server(qms_repo, tmp_path, keys)


def land(work: Path, how: str, *extra: str) -> None:
    """Bring branch `pr` onto main as a hosting service would, as Sam (who holds no role)."""
    git(work, "checkout", "-q", "main")
    other = commit_all_file(work, doc_path("FRM-001"), make_document("FRM-001", status="draft"))
    assert other.returncode == 0, other.stderr
    env = {"GIT_AUTHOR_NAME": SAM[0], "GIT_AUTHOR_EMAIL": SAM[1], "GIT_COMMITTER_NAME": SAM[0],
           "GIT_COMMITTER_EMAIL": SAM[1]}
    if how == "merge":
        git(work, "merge", "-q", "--no-ff", "-m", "Merge pull request: QP-001 approved", "pr", env=env)
    elif how == "squash":
        git(work, "merge", "-q", "--squash", "pr", env=env)
        assert commit_all(work, "QP-001: approved (squashed)", SAM, *extra).returncode == 0
    elif how == "rebase":
        git(work, "checkout", "-q", "pr")
        git(work, "rebase", "-q", "main", env=env)
        git(work, "checkout", "-q", "main")
        git(work, "merge", "-q", "--ff-only", "pr")
    else:
        shas = git(work, "rev-list", "--reverse", "main..pr").stdout.split()
        git(work, "cherry-pick", *shas, env=env)


def accepted_and_pushed(remote: Path, work: Path) -> None:
    """`qms check --base` accepts main, pre-receive takes the push, and `qms verify` in the bare repository agrees."""
    checked = qms("check", "--base", "origin/main", cwd=work)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    pushed = push(work, "main")
    assert pushed.returncode == 0, pushed.stderr
    verified = qms("verify", "main", cwd=remote)
    assert verified.returncode == 0 and "every signature is valid" in verified.stdout, verified.stdout


def commit_all_file(work: Path, rel: str, text: str):  # type: ignore[no-untyped-def]
    (work / rel).parent.mkdir(parents=True, exist_ok=True)
    (work / rel).write_text(text, encoding="utf-8")
    return commit_all(work, "FRM-001: first draft", SAM)


LANDINGS = ("merge", "squash", "rebase", "cherry-pick")


@pytest.mark.parametrize("how", LANDINGS)
def test_entry_signed_approvals_survive_every_landing(server: tuple[Path, Path], keys: dict[str, Path],
                                                      tmp_path: Path, how: str) -> None:
    remote, work = server
    signed_branch(work, keys)
    land(work, how)
    assert 'status: approved' in (work / QP1).read_text(encoding="utf-8")
    accepted_and_pushed(remote, work)
    published = qms("publish", "--site-dir", str(tmp_path / "site"), cwd=work)
    assert published.returncode == 0, published.stderr
    page = next((tmp_path / "site").rglob("QP-001*/index.html"), None) or next((tmp_path / "site").rglob("QP-001.html"))
    html = page.read_text(encoding="utf-8").replace("<wbr>", "")
    assert "Jane Doe" in html and "entry signature, key SHA256:" in html


def forge(work: Path, keys: dict[str, Path], how: str) -> None:
    """On branch pr (Jane signed, then Omar): replace Jane's `sig` with a forged one."""
    text = (work / QP1).read_text(encoding="utf-8")
    jane_sig = SIG.findall(text)[0]
    if how == "other key":  # Eve signs Jane's statement with her own key (not listed for Jane)
        from qms_docs.model.frontmatter import parse
        from qms_docs.signatures.statement import statement_of
        from tests.sshsig_support import ssh_sign

        doc = parse(text.encode(), QP1)
        statement = statement_of("QP-001", doc.approvals[0].raw)
        assert statement is not None
        armored = ssh_sign(keys["eve"], statement.to_bytes())
        forged = "    sig: |\n" + "".join(f"      {line}\n" for line in armored.strip().split("\n"))
    elif how == "copied":  # Jane's genuine signature of QP-002, copied onto QP-001
        done = approve(work, JANE, keys["jane"], "QP-002")
        assert done.returncode == 0, done.stderr
        forged = SIG.findall((work / QP2).read_text(encoding="utf-8"))[0]
        git(work, "checkout", "-q", "--", QP2)
    else:  # one byte of the signature changed
        lines = jane_sig.split("\n")
        line = lines[3]
        lines[3] = line[:-3] + ("A" if line[-3] != "A" else "B") + line[-2:]
        forged = "\n".join(lines)
    (work / QP1).write_text(text.replace(jane_sig, forged), encoding="utf-8")
    assert commit_all(work, "QP-001: signature", SAM, "--no-verify").returncode == 0


@pytest.mark.parametrize("forgery", ("other key", "copied", "one byte"))
@pytest.mark.parametrize("how", LANDINGS)
def test_a_forged_entry_signature_is_refused_on_every_landing(server: tuple[Path, Path], keys: dict[str, Path],
                                                              how: str, forgery: str) -> None:
    remote, work = server
    signed_branch(work, keys)
    forge(work, keys, forgery)
    land(work, how, "--no-verify")  # the pre-commit hook refuses the squash: an insider skips it
    checked = qms("check", "--base", "origin/main", cwd=work)
    assert checked.returncode == 1 and "QMS025" in checked.stdout and "entry signature (sig) does not count" \
        in checked.stdout, checked.stdout
    pushed = push(work, "--no-verify", "main")
    assert pushed.returncode == 1 and "QMS025" in pushed.stderr and "Jane Doe" in pushed.stderr, pushed.stderr


def test_an_approval_without_sig_is_refused_with_method_entry(server: tuple[Path, Path], keys: dict[str, Path]) -> None:
    remote, work = server
    git(work, "checkout", "-q", "-b", "pr")
    for who in (JANE, OMAR):  # signed by their own commits, but without entry signatures
        done = approve(work, who, None, "QP-001", "--commit")
        assert done.returncode == 1 and "signingkey" in done.stderr or "ssh-agent" in done.stderr, done.stderr
    unsigned = make_document("QP-001", effective_date=__import__("datetime").date(2026, 11, 1))
    refused = commit_all_file(work, QP1, unsigned)  # pre-commit refuses it; an insider skips the hook
    assert refused.returncode == 1 and "has no entry signature (sig)" in refused.stderr, refused.stderr
    assert commit_all(work, "QP-001: approved", SAM, "--no-verify").returncode == 0
    checked = qms("check", "--base", "origin/main", cwd=work)
    assert checked.returncode == 1 and checked.stdout.count("has no entry signature (sig)") == 2, checked.stdout
    pushed = push(work, "--no-verify", "pr:main")
    assert pushed.returncode == 1 and "has no entry signature (sig)" in pushed.stderr


def test_a_key_not_listed_for_the_signer_is_refused_before_writing(server: tuple[Path, Path],
                                                                   keys: dict[str, Path]) -> None:
    remote, work = server
    before = (work / QP1).read_bytes()
    done = approve(work, JANE, keys["eve"])
    assert done.returncode == 1 and "is not in the allowed-signers file" in done.stderr
    assert (work / QP1).read_bytes() == before
    done = approve(work, EVE, keys["eve"])  # Eve holds no role: refused as before
    assert done.returncode == 1 and (work / QP1).read_bytes() == before



def test_an_allowed_signers_path_written_another_way_names_the_same_guarded_file(
        qms_repo: Path, tmp_path: Path, keys: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """qms.yml naming `./.qms//allowed_signers`: the keys are read from `.qms/allowed_signers` in the bare
    repository too (check, pre-receive, verify), and that file stays guarded against someone without the role."""
    with_qms_on_path(monkeypatch)
    yml = ENTRY_YML.replace("allowed_signers: .qms/allowed_signers", "allowed_signers: ./.qms//allowed_signers")
    assert yml != ENTRY_YML
    remote, work = entry_server(qms_repo, tmp_path, keys, yml)
    signed_branch(work, keys)
    land(work, "merge")
    accepted_and_pushed(remote, work)
    with (work / ".qms" / "allowed_signers").open("a", encoding="utf-8") as f:
        f.write(f'{JANE[1]} namespaces="qms-approval" {public(keys["eve"])}\n')
    assert commit_all(work, "Signers: one more key", EVE, "--no-verify").returncode == 0
    refused = push(work, "main")
    assert refused.returncode != 0 and "QMS014" in refused.stderr and ".qms/allowed_signers" in refused.stderr
