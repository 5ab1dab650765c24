"""The qms.yml (and allowed-signers file) in force at any commit, read through one cat-file process.

In force at commit C: the file of C's first parent, so that a commit cannot grant its own author a
role and use it (SPEC section 3); C's own file for a root commit, or where the parent has none.
After `trust(...)`, a change of qms.yml takes force only when its commit's author held a
`config_approvers` role in the qms.yml then in force (QMS014): a commit, merges included, that
rewrites qms.yml without that role changes nothing that `verify` or the site believes."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from qms_docs.config import CONFIG_FILE, Config, parse_config
from qms_docs.errors import ConfigError
from qms_docs.gitio import runner
from qms_docs.gitio.log import Change, Commit


@dataclass(frozen=True)
class TrustState:
    """What `trust` found, per commit reachable from `head`: the qms.yml each commit leaves (`actual`) and
    the one in force after it (`trusted`), as blob ids (or `REV:PATH` for a root commit; None: none)."""

    head: str
    actual: Mapping[str, str | None]
    trusted: Mapping[str, str | None]
    untrusted: tuple[str, ...]  # commits whose change of qms.yml did not take force
    new: tuple[str, ...] = ()  # the commits this `trust` followed (after the known state), parents first


class Policies(runner.ReadsBlobs):
    """Use as a context manager; results are cached per commit and parsed once per distinct file."""

    def __init__(self, root: Path):
        self._reader = runner.BlobReader(root)
        self._base: dict[str, str] = {}  # commit -> the commit whose files are in force
        self._by_commit: dict[str, Config | str] = {}
        self._by_text: dict[bytes, Config | str] = {}
        self._by_spec: dict[str | None, Config | str] = {}
        self._trusted: Mapping[str, str | None] | None = None  # commit -> spec of the qms.yml in force after it
        self.untrusted: list[Commit] = []  # commits whose change of qms.yml did not take force
        self._state: TrustState | None = None


    def at(self, commit: Commit) -> Config | str:
        """The Config in force at `commit`, or a message saying why there is none."""
        if commit.sha not in self._by_commit:
            self._by_commit[commit.sha] = self._load(commit)
        return self._by_commit[commit.sha]

    def base(self, commit: Commit) -> str:
        """The commit whose qms.yml is in force at `commit`."""
        if commit.sha not in self._base:
            self.at(commit)
        return self._base[commit.sha]

    def trust(self, root: Path, head: str, commits: Sequence[Commit], known: TrustState | None = None,
              walk: bytes | None = None) -> None:
        """Follow qms.yml through every commit reachable from `head` (parents first); `commits` carry the
        changes of qms.yml against each parent (History's one log pass). With `known` (the state at an
        ancestor of `head`), only the commits after it are followed; `walk` is the output of
        `rev-list --parents --topo-order --reverse` for those commits when the caller has it already."""
        by_sha = {c.sha: c for c in commits}
        # the known state is read through, never copied (the cache reads back only the commits asked for)
        actual: MutableMapping[str, str | None] = ChainMap({}, known.actual) if known else {}  # type: ignore[arg-type]
        trusted: MutableMapping[str, str | None] = ChainMap({}, known.trusted) if known else {}  # type: ignore[arg-type]
        self.untrusted = [by_sha[s] for s in known.untrusted if s in by_sha] if known else []
        if walk is None:
            limit = ["--not", known.head] if known else []
            walk = runner.git(root, "rev-list", "--parents", "--topo-order", "--reverse", head, *limit)
        followed: list[str] = []
        for line in walk.decode().splitlines():
            sha, *parents = line.split()
            followed.append(sha)
            commit = by_sha.get(sha)
            if not parents:
                actual[sha] = trusted[sha] = f"{sha}:{CONFIG_FILE}"
                continue
            diffs = _config_diffs(commit, len(parents))
            first = diffs[0]
            if first is None:
                actual[sha], trusted[sha] = actual[parents[0]], trusted[parents[0]]
                continue
            actual[sha] = None if first.deleted else first.blob
            same = next((p for p, d in zip(parents[1:], diffs[1:], strict=True) if d is None), None)
            if same is not None:  # a merge taking a side branch's qms.yml: as trusted as it was there
                trusted[sha] = trusted[same]
            elif commit is not None and self._approver(trusted[parents[0]], commit.author_email):
                trusted[sha] = actual[sha]
            else:
                trusted[sha] = trusted[parents[0]]
                if commit is not None:
                    self.untrusted.append(commit)
        self._trusted = trusted
        self._state = TrustState(head, actual, trusted, tuple(c.sha for c in self.untrusted), tuple(followed))
        self._by_commit.clear()

    @property
    def state(self) -> TrustState | None:
        """What the last `trust` found (None before it ran)."""
        return self._state

    def in_force(self, commit: Commit) -> str | None:
        """The blob (or `REV:PATH`) of the qms.yml in force at `commit`, after `trust` (None: unknown or none)."""
        if self._trusted is None or not commit.parents:
            return f"{commit.sha}:{CONFIG_FILE}"
        return self._trusted.get(commit.parents[0])

    def _spec(self, spec: str | None) -> Config | str:
        """The config in a blob (or `REV:PATH`), read and parsed once per spec."""
        if spec not in self._by_spec:
            self._by_spec[spec] = self._parse(self._reader.read(spec) if spec else None)
        return self._by_spec[spec]

    def _approver(self, spec: str | None, email: str) -> bool:
        config = self._spec(spec)
        return not isinstance(config, str) and any(config.holds(email, r) for r in config.config_approvers)

    def _parse(self, data: bytes | None) -> Config | str:
        if data is None:
            return f"{CONFIG_FILE} is missing"
        if data not in self._by_text:
            try:
                self._by_text[data] = parse_config(data.decode("utf-8"), CONFIG_FILE)
            except (ConfigError, UnicodeDecodeError) as e:
                self._by_text[data] = str(e)
        return self._by_text[data]

    def _load(self, commit: Commit) -> Config | str:
        if self._trusted is not None and commit.parents and commit.parents[0] in self._trusted:
            self._base[commit.sha] = commit.parents[0]
            config = self._spec(self._trusted[commit.parents[0]])
            return f"{config} at {commit.parents[0][:12]}" if config == f"{CONFIG_FILE} is missing" else config
        data, base = None, commit.sha
        if commit.parents:
            data = self._reader.read(f"{commit.parents[0]}:{CONFIG_FILE}")
            base = commit.parents[0]
        if data is None:
            data, base = self._reader.read(f"{commit.sha}:{CONFIG_FILE}"), commit.sha
        self._base[commit.sha] = base
        if data is None:
            return f"{CONFIG_FILE} is missing at {base[:12]}"
        return self._parse(data)

    def allowed_signers(self, commit: Commit) -> bytes | None:
        """The allowed-signers file named by the qms.yml in force, from the same commit; None when absent."""
        policy = self.at(commit)
        if isinstance(policy, str):
            return None
        return self._reader.read(f"{self.base(commit)}:{policy.signing.allowed_signers}")


def _config_diffs(commit: Commit | None, parents: int) -> list[Change | None]:
    """Per parent: the change of qms.yml against it, or None when it is the same (a commit the log did not
    list changed neither qms.yml nor a document against its first parent)."""
    if commit is None:
        return [None] * parents
    diffs = commit.parent_changes or (commit.changes,)
    found = [next((c for c in d if CONFIG_FILE in (c.path, c.old_path)), None) for d in diffs]
    return found + [None] * (parents - len(found))
