"""`qms approve` signs its entry (SPEC 2 `sig`) with the signer's SSH key, checked against the file in force.

The allowed-signers file in force is the one committed at HEAD (what a push based here holds, and what
pre-commit, CI and pre-receive judge the entry with), never the working tree's: a key added to the file
but not yet committed by a config approver cannot sign. The key is found as git's SSH signing finds it
(`user.signingkey`: key file, `key::` literal with ssh-agent, or unset: ssh-agent)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from qms_docs.config import Signing
from qms_docs.gitio import runner
from qms_docs.signatures.allowed_signers import AllowedSigners
from qms_docs.signatures.policy import signers_of
from qms_docs.signatures.signer import SigningRefused, key_spec, sign_statement
from qms_docs.signatures.statement import statement_of


def signers_in_force(root: Any, signing: Signing) -> AllowedSigners:
    """The allowed-signers file as committed at HEAD; SigningRefused when HEAD holds none."""
    path = signing.allowed_signers
    with runner.BlobReader(root) as reader:
        data = reader.read(f"HEAD:{path}")
    if data is None:
        raise SigningRefused(f"{path} is not committed: no key can sign until a config approver commits the "
                             f"allowed-signers file (it is guarded like qms.yml)")
    return signers_of(data)


def sign_entry(root: Any, doc_id: str, entry: Mapping[str, Any], signing: Signing) -> str:
    """The armoured `sig` of the entry's signed statement, by the signer's key; refused before anything is written."""
    statement = statement_of(doc_id, entry)
    if statement is None:
        raise SigningRefused(f"{doc_id}: the approval entry cannot be signed (a field is missing)")
    signers = signers_in_force(root, signing)
    key = key_spec(runner.config_value(root, "user.signingkey"))
    at: dt.datetime = statement.at
    return sign_statement(statement.to_bytes(), key, statement.email, signers, at)
