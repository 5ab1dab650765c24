"""The words that say how an approval entry's signer is proven (SPEC 2 `sig`, SPEC 3 `signing.method`).

They live here, beside the policy that decides the proof, so that the signatures layer never reaches up
into publishing; the site's and the report's label tables (`qms_docs.publishing.labels`) take their
English wording from here and may give a translation of their own."""

from __future__ import annotations

from typing import NamedTuple


class ProofLabels(NamedTuple):
    entry: str = "entry signature, key {fingerprint}"  # `{fingerprint}`: the signing key's SHA256 fingerprint
    commit: str = "signed commit {commit}, key {fingerprint}"  # `{commit}`: its short id
    author: str = "commit author only"
    invalid: str = "entry signature that does not verify ({reason})"


ENGLISH = ProofLabels()
