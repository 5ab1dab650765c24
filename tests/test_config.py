"""qms.yml validation: an invalid file is exit 2 naming the file, the line and the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from qms_docs.config import parse_config
from qms_docs.errors import ConfigError
from tests.builders import QMS_YML


def test_the_spec_example_loads_into_typed_frozen_objects() -> None:
    config = parse_config(QMS_YML)
    procedure = config.types["procedure"]
    assert (procedure.prefix, procedure.approvers, procedure.review_months) == ("QP", ("quality-manager", "process-owner"), 24)
    assert config.holds("LI@acme.example", "process-owner") and not config.holds("li@acme.example", "quality-manager")
    assert config.protected_branches == ("main",) and config.signing.required is False
    with pytest.raises(AttributeError):
        config.documents_dir = "elsewhere"  # type: ignore[misc]


@pytest.mark.parametrize("old, new, expected", [
    ("approvers: [quality-manager, process-owner]", "approvers: [quality-manager, proces-owner]",
     "qms.yml:5: types.procedure.approvers: unknown role 'proces-owner'"),
    ("process-owner:   [omar@acme.example, li@acme.example]", "process-owner:   []",
     "qms.yml:11: roles.process-owner: the role has no holders"),
    ("prefix: QP,", "prefix: qp-,", "qms.yml:5: types.procedure.prefix: 'qp-' is not a prefix"),
    ("prefix: QP,", "prefix: POL,", "types.procedure.prefix: prefix POL is already used by type policy"),
    ("review_months: 36", "review_months: soon", "types.form.review_months: must be a whole number"),
    ("protected_branches: [main]", "protected_branch: [main]", "qms.yml:12: protected_branch: unknown key"),
    ("config_approvers: [quality-manager]", "config_approvers: [auditor]", "config_approvers.0: unknown role 'auditor'"),
    ("signing: {required: false", "signing: {required: maybe", "signing.required: must be true or false"),
    ("documents_dir: controlled", "documents_dir: ../elsewhere", "documents_dir: must be a relative folder"),
    ("documents_dir: controlled", "documents_dir: controlled/../..", "documents_dir: must be a relative folder"),
    ("allowed_signers: .qms/allowed_signers", "allowed_signers: /etc/ssh/keys",
     "signing.allowed_signers: must be a path to an allowed-signers file inside the repository"),
    ("protected_branches: [main]", "protected_branches: [main]\ntrusted_files: [ci.yml, ../ci.yml]",
     "trusted_files.1: must be a path inside the repository"),
    ("types:\n", "types: [\n", "(while parsing a flow sequence started at line 2)"),
])
def test_invalid_configuration_names_file_line_and_key(old: str, new: str, expected: str) -> None:
    assert old in QMS_YML
    with pytest.raises(ConfigError) as e:
        parse_config(QMS_YML.replace(old, new, 1))
    assert expected in str(e.value)
    assert e.value.exit_code == 2


def test_empty_and_non_mapping_files_are_config_errors() -> None:
    for text in ("", "- a\n- b\n"):
        with pytest.raises(ConfigError):
            parse_config(text)


def test_bad_configuration_is_exit_2_without_traceback(qms_repo: Path) -> None:
    (qms_repo / "qms.yml").write_text(QMS_YML.replace("[ceo@acme.example]", "[]"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--repo", str(qms_repo)])
    assert result.exit_code == 2
    assert "qms.yml:10: roles.top-management: the role has no holders" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_missing_configuration_says_how_to_create_it(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    result = CliRunner().invoke(cli, ["check", "--repo", str(tmp_path)])
    assert result.exit_code == 2 and "qms init" in result.stderr


def test_paths_are_read_as_git_names_them() -> None:
    """`./x`, `x//y` and `x/../y` name the file git holds at `x`, `x/y` and `y`: the guard and the key reader agree."""
    config = parse_config(QMS_YML.replace("allowed_signers: .qms/allowed_signers", "allowed_signers: ./.qms//allowed_signers")
                          .replace("documents_dir: controlled", "documents_dir: ./controlled/")
                          + "trusted_files: [./.github/workflows/../workflows/qms.yml]\n")
    assert config.signing.allowed_signers == ".qms/allowed_signers"
    assert config.documents_dir == "controlled"
    assert config.trusted_files == (".github/workflows/qms.yml",)
