"""A bare server with pre-receive, signing.required with entry signatures, and signers' real SSH keys."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.builders import PEOPLE, QMS_YML, commit, doc_path, git, make_document
from tests.helpers_hooks import make_server, qms, shims
from tests.site_fixture import SITE_YML

JANE, OMAR, SAM = PEOPLE["quality-manager"], PEOPLE["process-owner"], ("Sam Author", "sam@acme.example")
EVE = ("Eve Intruder", "eve@acme.example")
QP1, QP2 = doc_path("QP-001"), doc_path("QP-002")
ENTRY_YML = QMS_YML.replace("signing: {required: false", "signing: {required: true")


def make_keys(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    for name in ("jane", "omar", "eve"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(folder / name)],
                       check=True)
        made[name] = folder / name
    return made


def public(key: Path) -> str:
    return " ".join(key.with_name(key.name + ".pub").read_text(encoding="ascii").split()[:2])


def allowed_signers(keys: dict[str, Path]) -> str:
    return "".join(f'{who[1]} namespaces="qms-approval" {public(keys[n])}\n' for n, who in (("jane", JANE), ("omar", OMAR)))


def draft(doc_id: str) -> str:
    """Revision 1 of `doc_id` as a draft with its effective date set (signed content, set before signing)."""
    return make_document(doc_id, status="draft", effective_date=None).replace(
        "approvals: []", "effective_date: 2026-11-01\napprovals: []")


def entry_server(seed: Path, where: Path, keys: dict[str, Path], yml: str = ENTRY_YML) -> tuple[Path, Path]:
    """main: qms.yml with signing.required (method entry), the allowed-signers file and mkdocs.yml committed by
    the quality manager, and QP-001/QP-002 revision 1 drafts written by Sam."""
    commit(seed, {**shims(), "qms.yml": yml, ".qms/allowed_signers": allowed_signers(keys),
                  "mkdocs.yml": SITE_YML}, "Require entry signatures", author=JANE)
    commit(seed, {QP1: draft("QP-001"), QP2: draft("QP-002")}, "QP-001, QP-002: first drafts", author=SAM)
    return make_server(seed, where)


def act_as(work: Path, who: tuple[str, str], key: Path | None) -> None:
    git(work, "config", "user.name", who[0])
    git(work, "config", "user.email", who[1])
    if key is None:
        git(work, "config", "--unset", "user.signingkey", check=False)
    else:
        git(work, "config", "user.signingkey", str(key))


def approve(work: Path, who: tuple[str, str], key: Path | None, doc_id: str = "QP-001",
            *args: str) -> subprocess.CompletedProcess[str]:
    act_as(work, who, key)
    return qms("approve", doc_id, *args, cwd=work)


def commit_all(work: Path, message: str, who: tuple[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    env = {"GIT_AUTHOR_NAME": who[0], "GIT_AUTHOR_EMAIL": who[1], "GIT_COMMITTER_NAME": who[0],
           "GIT_COMMITTER_EMAIL": who[1]}
    git(work, "add", "-A")
    return git(work, "commit", "-q", "-m", message, *extra, env=env, check=False)


def signed_branch(work: Path, keys: dict[str, Path], branch: str = "pr") -> None:
    """A pull-request branch where Jane and Omar entry-sign QP-001; Sam (no role, no key) commits both."""
    git(work, "checkout", "-q", "-b", branch)
    for who, key in ((JANE, keys["jane"]), (OMAR, keys["omar"])):
        done = approve(work, who, key)
        assert done.returncode == 0, done.stderr
        assert "entry signed" in done.stdout
        committed = commit_all(work, f"QP-001: signature of {who[0]}", SAM)
        assert committed.returncode == 0, committed.stderr
    act_as(work, SAM, None)
