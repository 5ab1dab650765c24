"""QMS014: only holders of a `config_approvers` role may change the configuration of a protected branch."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from qms_docs.config import CONFIG_FILE, Config
from qms_docs.rules.base import Context, Hit


def trusted_files(config: Config) -> tuple[str, str]:
    """qms.yml and the allowed-signers file it names: who may approve, and with which keys."""
    return CONFIG_FILE, config.signing.allowed_signers.removeprefix("./")


@dataclass(frozen=True)
class ConfigCommit:
    """A commit that changed qms.yml (or the allowed-signers file it names); sha None: the commit being made."""

    sha: str | None
    author_name: str
    author_email: str
    path: str


def unauthorised_config_change(ctx: Context) -> Iterator[Hit]:
    """QMS014: the configuration changed by an author who holds none of the config_approvers roles (of the base)."""
    if not ctx.facts.get("protected", True):
        return
    roles = ctx.config.config_approvers
    for c in ctx.facts.get("config_commits", ()):
        if any(ctx.config.holds(c.author_email, role) for role in roles):
            continue
        by = f"commit {c.sha[:12]}" if c.sha else "the commit being made"
        yield Hit(c.path, None, f"changed on a protected branch by {by} of {c.author_name} <{c.author_email}>, "
                                f"who holds none of the roles allowed to change it ({', '.join(roles)}); "
                                f"ask a holder of {' or '.join(roles)} to make the change")
