"""`qms verify` judged by the one signature policy, through merges and every commit (real git histories)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qms_docs.cli import cli
from tests.audit_history import Doc, body, tick
from tests.builders import AUTHOR, PEOPLE, QMS_YML, commit, doc_path, git

JANE, OMAR = PEOPLE["quality-manager"], PEOPLE["process-owner"]


def verify(repo: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["verify", "--repo", str(repo)], catch_exceptions=False)
    return result.exit_code, result.stdout.splitlines()


def merge(repo: Path, branch: str, author: tuple[str, str], *, edit: dict[str, str] | None = None) -> str:
    """Merge `branch` into the current branch as `author`; with `edit`, change files inside the merge commit."""
    env = {"GIT_AUTHOR_NAME": author[0], "GIT_AUTHOR_EMAIL": author[1], "GIT_COMMITTER_NAME": author[0],
           "GIT_COMMITTER_EMAIL": author[1], "GIT_AUTHOR_DATE": tick(repo), "GIT_COMMITTER_DATE": tick(repo)}
    git(repo, "merge", "-q", "--no-ff", "--no-commit", branch, env=env)
    for rel, text in (edit or {}).items():
        (repo / rel).write_text(text, encoding="utf-8")
        git(repo, "add", "--", rel)
    git(repo, "commit", "-q", "--no-edit", env=env)
    return git(repo, "rev-parse", "HEAD").stdout.strip()


def side_branch(repo: Path, name: str) -> None:
    """A side branch with a commit of its own, and a commit on main, so that merging makes a merge commit."""
    git(repo, "switch", "-q", "-c", name)
    commit(repo, {f"controlled/{name}.txt": "side\n"}, f"{name}: a note", date=tick(repo))
    git(repo, "switch", "-q", "main")
    commit(repo, {"controlled/main.txt": "main\n"}, "main: a note", date=tick(repo))


def short(sha: str) -> str:
    return sha[:12]


def role_granted_in_a_merge(repo: Path, doc_id: str, holder: str, merger: tuple[str, str]) -> tuple[Doc, str]:
    """A draft, then a merge in which `merger` adds `holder` to the process owners in qms.yml."""
    doc = Doc(repo, doc_id, doc_path(doc_id))
    doc.draft(body(1))
    side_branch(repo, "side")
    granted = QMS_YML.replace("[omar@acme.example, li@acme.example]", f"[omar@acme.example, li@acme.example, {holder}]")
    return doc, merge(repo, "side", merger, edit={"qms.yml": granted})


def test_a_role_granted_inside_a_merge_by_a_non_approver_is_not_in_force(qms_repo: Path) -> None:
    wi, evil = role_granted_in_a_merge(qms_repo, "WI-001", "sam@acme.example", AUTHOR)  # Sam grants himself a role
    signed = wi.sign("process-owner", person=AUTHOR)  # … and uses it

    code, lines = verify(qms_repo)

    assert code == 1
    assert f"{short(evil)} qms.yml rev ? (qms.yml): QMS014 guarded file changed by a non-approver: qms.yml changed " \
           f"by Sam Author <sam@acme.example>, who holds none of the config_approvers roles; the change is not in " \
           f"force" in lines
    assert f"{short(signed)} WI-001 rev 1 ({doc_path('WI-001')}): QMS023 signer without the role: approval 1 (Sam " \
           f"Author, process-owner): sam@acme.example does not hold the role process-owner" in lines


def test_a_role_granted_in_a_merge_by_the_quality_manager_is_in_force_from_the_next_commit(qms_repo: Path) -> None:
    wi, _ = role_granted_in_a_merge(qms_repo, "WI-001", "ceo@acme.example", JANE)
    wi.sign("process-owner", person=PEOPLE["top-management"])
    code, lines = verify(qms_repo)
    assert code == 0 and len(lines) == 1, lines


def test_an_approval_that_first_appears_in_a_merge_was_added_by_the_merge_author(qms_repo: Path) -> None:
    wi = Doc(qms_repo, "WI-002", doc_path("WI-002"))
    wi.draft(body(1))
    side_branch(qms_repo, "side")
    wi.approvals.append(wi.entry(OMAR, "process-owner"))
    wi.status = "approved"
    evil = merge(qms_repo, "side", AUTHOR, edit={wi.path: wi.text()})  # Sam writes Omar's signature in a merge

    code, lines = verify(qms_repo)

    assert code == 1 and lines[0].startswith(f"{short(evil)} WI-002 rev 1 ({doc_path('WI-002')}): QMS025 forged "
                                             f"approval: approval 1 (Omar Haddad, process-owner): added by commit "
                                             f"{short(evil)} authored by Sam Author")


def test_content_written_in_a_merge_is_authored_by_the_merge_author(qms_repo: Path) -> None:
    wi = Doc(qms_repo, "WI-003", doc_path("WI-003"))
    wi.draft(body(1))
    side_branch(qms_repo, "side")
    wi.body = body(1, " Omar's own step, written while merging.")
    evil = merge(qms_repo, "side", OMAR, edit={wi.path: wi.text()})
    wi.sign("process-owner")

    code, lines = verify(qms_repo)

    assert code == 1 and "QMS024 self-approval: approval 1 (Omar Haddad, process-owner): omar@acme.example wrote " \
                         f"revision 1 (commit {short(evil)}) and cannot approve it" in lines[0]


def test_a_merge_that_takes_one_side_unchanged_writes_nothing(qms_repo: Path) -> None:
    wi = Doc(qms_repo, "WI-003", doc_path("WI-003"))
    wi.draft(body(1))
    git(qms_repo, "switch", "-q", "-c", "edit")
    wi.edit(body(1, " Sam's second thoughts."), "WI-003: edit on a branch")
    git(qms_repo, "switch", "-q", "main")
    commit(qms_repo, {"controlled/main.txt": "main\n"}, "main: a note", date=tick(qms_repo))
    merge(qms_repo, "edit", OMAR)  # Omar merges Sam's edit without writing anything himself
    wi.sign("process-owner")

    code, lines = verify(qms_repo)

    assert code == 0 and lines[-1].startswith("verified 1 revision of 1 document"), lines


def test_self_approval_counts_content_written_before_the_revision_line_was_raised(qms_repo: Path) -> None:
    wi = Doc(qms_repo, "WI-004", doc_path("WI-004"))
    wi.release(body(1))
    wi.status, wi.approvals, wi.body = "draft", [], body(2)  # Omar rewrites the text while it still says revision 1
    early = wi.save("WI-004: new steps", OMAR)
    wi.revision, wi.summary = 2, "New steps."  # Sam then raises the revision line
    wi.save("WI-004: revision 2 for review")
    wi.sign("process-owner")  # Omar approves what he wrote

    code, lines = verify(qms_repo)

    assert code == 1 and "QMS024 self-approval: approval 1 (Omar Haddad, process-owner): omar@acme.example wrote " \
                         f"revision 2 (commit {short(early)}) and cannot approve it" in lines[0]


def test_one_revision_number_approved_with_two_contents_is_qms010(qms_repo: Path) -> None:
    wi = Doc(qms_repo, "WI-005", doc_path("WI-005"))
    first = wi.release(body(1))[-1]
    wi.status, wi.approvals = "draft", []  # back to draft, edited, approved again as revision 1
    wi.edit(body(1, " Quietly different."), "WI-005: edit")
    again = wi.sign("process-owner")

    code, lines = verify(qms_repo)

    assert code == 1 and lines[:-1] == [
        f"{short(again)} WI-005 rev 1 ({doc_path('WI-005')}): QMS010 revision reused: revision 1 was approved with "
        f"other content in commit {short(first)}; a revision number, once approved, names one content forever: "
        f"raise the revision"]


def test_a_broken_historical_qms_yml_makes_what_was_approved_under_it_unverifiable(qms_repo: Path) -> None:
    commit(qms_repo, {"qms.yml": "types: [not, a, mapping\n"}, "Broken config", author=JANE, date=tick(qms_repo))
    wi = Doc(qms_repo, "WI-006", doc_path("WI-006"))
    wi.draft(body(1))
    signed = wi.sign("process-owner")
    commit(qms_repo, {"qms.yml": QMS_YML}, "Config repaired", author=JANE, date=tick(qms_repo))

    code, lines = verify(qms_repo)

    assert code == 1 and lines[0].startswith(f"{short(signed)} WI-006 rev 1 ({doc_path('WI-006')}): QMS023 signer "
                                             f"without the role: the qms.yml in force is unusable")
    assert "not valid YAML" in lines[0]


def test_an_approved_revision_of_an_undefined_type_is_qms005(qms_repo: Path) -> None:
    wi = Doc(qms_repo, "WI-007", doc_path("WI-007"))
    wi.draft(body(1))
    text = wi.text().replace('type: "work-instruction"', 'type: "recipe"').replace('status: "draft"',
                                                                                    'status: "approved"')
    bad = commit(qms_repo, {wi.path: text}, "WI-007 approved as a recipe", author=OMAR, date=tick(qms_repo))

    code, lines = verify(qms_repo)

    assert code == 1 and lines[:-1] == [f"{short(bad)} WI-007 rev 1 ({doc_path('WI-007')}): QMS005 unknown type: "
                                        f"status approved but type 'recipe' is not defined in the qms.yml in force"]


def test_a_signature_for_another_revision_and_an_undefined_role_are_reported(qms_repo: Path) -> None:
    wi = Doc(qms_repo, "WI-008", doc_path("WI-008"))
    wi.release(body(1))
    wi.draft(body(2), "Second issue.")
    old = wi.entry(OMAR, "process-owner") | {"revision": 1}
    wi.approvals.append(old)
    wi.save("WI-008: carry the old signature", OMAR)
    auditor = wi.entry(OMAR, "auditor")
    wi.approvals.append(auditor)
    added = wi.save("WI-008: sign as auditor", OMAR)
    signed = wi.sign("process-owner")

    code, lines = verify(qms_repo)

    assert code == 1 and sorted(lines[:-1]) == sorted([
        f"{short(signed)} WI-008 rev 2 ({doc_path('WI-008')}): QMS022 approval for another revision: approval 1 "
        f"(Omar Haddad, process-owner) is for revision 1, the document is at revision 2",
        f"{short(added)} WI-008 rev 2 ({doc_path('WI-008')}): QMS023 signer without the role: approval 2 "
        f"(Omar Haddad, auditor): role 'auditor' is not defined in qms.yml"])


def test_an_unreadable_blob_in_history_is_named_and_skipped(qms_repo: Path) -> None:
    wi = Doc(qms_repo, "WI-009", doc_path("WI-009"))
    wi.release(body(1))
    (qms_repo / wi.path).write_bytes(b"---\nid: WI-009\ntitle: caf\xe9\n---\n")
    git(qms_repo, "add", wi.path)
    git(qms_repo, "commit", "-q", "-m", "WI-009: broken bytes")
    bad = git(qms_repo, "rev-parse", "HEAD").stdout.strip()
    wi.release(body(2), "Repaired.")

    code, lines = verify(qms_repo)

    assert code == 0
    assert lines[0].startswith(f"note: {short(bad)} {doc_path('WI-009')}: cannot be read, skipped (")
    assert "not valid UTF-8" in lines[0] and lines[-1].endswith("every signature is valid")


def test_a_revision_signed_on_a_branch_under_rules_the_branch_was_given_stays_valid_once_merged(qms_repo: Path) -> None:
    """The quality manager changes who approves work instructions on a branch, they sign there, the branch
    is merged: the merge takes the signed content unchanged, so it keeps the judgement it had where it
    was signed (main's qms.yml before the merge still asks for a process owner)."""
    git(qms_repo, "switch", "-q", "-c", "side")
    changed = QMS_YML.replace("work-instruction: {prefix: WI,  approvers: [process-owner]",
                              "work-instruction: {prefix: WI,  approvers: [quality-manager]")
    assert changed != QMS_YML
    commit(qms_repo, {"qms.yml": changed}, "Work instructions are approved by the quality manager", author=JANE,
           date=tick(qms_repo))
    wi = Doc(qms_repo, "WI-004", doc_path("WI-004"))
    wi.draft(body(1))
    wi.sign("quality-manager", person=JANE, approve=True)
    git(qms_repo, "switch", "-q", "main")
    commit(qms_repo, {"controlled/main.txt": "main\n"}, "main: a note", date=tick(qms_repo))
    merge(qms_repo, "side", AUTHOR)

    code, lines = verify(qms_repo)

    assert code == 0 and lines[-1].startswith("verified 1 revision of 1 document"), lines
