"""QMS014: only holders of a `config_approvers` role may change a guarded file of a protected branch."""

from __future__ import annotations

from collections.abc import Iterator

from qms_docs.config import CONFIG_FILE, Config
from qms_docs.rules.base import Context, Hit
from qms_docs.rules.facts import ConfigCommit

__all__ = ["ConfigCommit", "guarded_files", "unauthorised_config_change"]

MKDOCS_FILE = "mkdocs.yml"


def guarded_files(config: Config) -> tuple[str, ...]:
    """qms.yml, the allowed-signers file it names, mkdocs.yml (what reaches the site) and `trusted_files`
    (SPEC 3): who may approve, with which keys, and what is published."""
    paths = (CONFIG_FILE, config.signing.allowed_signers, MKDOCS_FILE, *config.trusted_files)
    return tuple(dict.fromkeys(paths))  # config.py normalises the paths


def _refusal(ctx: Context, c: ConfigCommit) -> str | None:
    """Why the change does not count, or None when a holder of a config_approvers role proved it."""
    config, roles = ctx.config, ctx.config.config_approvers
    by = f"commit {c.sha[:12]}" if c.sha else "the commit being made"
    if not any(config.holds(c.author_email, role) for role in roles):
        return (f"changed on a protected branch by {by} of {c.author_name} <{c.author_email}>, who holds none "
                f"of the roles allowed to change it ({', '.join(roles)}); ask a holder of {' or '.join(roles)} "
                f"to make the change")
    if config.signing.required and c.sha is not None \
            and not any(config.holds(p, role) for p in c.signed_by for role in roles):
        return (f"changed on a protected branch by {by}, which is not signed by a key that "
                f"{config.signing.allowed_signers} lists for a holder of {' or '.join(roles)} (signing.required: "
                f"an author name proves nothing); the holder must sign the commit (`git commit -S`)")
    return None


def unauthorised_config_change(ctx: Context) -> Iterator[Hit]:
    """QMS014: a guarded file changed by an author who holds none of the config_approvers roles (of the base),
    or, with signing.required, by a commit not signed by such a holder's key."""
    if not ctx.facts.protected:
        return
    for c in ctx.facts.config_commits:
        message = _refusal(ctx, c)
        if message is not None:
            yield Hit(c.path, None, message)
