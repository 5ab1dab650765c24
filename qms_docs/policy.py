"""The qms.yml (and allowed-signers file) in force at any commit, read through one cat-file process.

In force at commit C: the file of C's first parent, so that a commit cannot grant its own author a
role and use it (SPEC section 3); C's own file for a root commit, or where the parent has none."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from qms_docs.config import CONFIG_FILE, Config, parse_config
from qms_docs.errors import ConfigError
from qms_docs.gitio import runner
from qms_docs.gitio.log import Commit


class Policies:
    """Use as a context manager; results are cached per commit and parsed once per distinct file."""

    def __init__(self, root: Path):
        self._reader = runner.BlobReader(root)
        self._base: dict[str, str] = {}  # commit -> the commit whose files are in force
        self._by_commit: dict[str, Config | str] = {}
        self._by_text: dict[bytes, Config | str] = {}

    def __enter__(self) -> Policies:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._reader.close()

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

    def _load(self, commit: Commit) -> Config | str:
        data, base = None, commit.sha
        if commit.parents:
            data = self._reader.read(f"{commit.parents[0]}:{CONFIG_FILE}")
            base = commit.parents[0]
        if data is None:
            data, base = self._reader.read(f"{commit.sha}:{CONFIG_FILE}"), commit.sha
        self._base[commit.sha] = base
        if data is None:
            return f"{CONFIG_FILE} is missing at {base[:12]}"
        if data not in self._by_text:
            try:
                self._by_text[data] = parse_config(data.decode("utf-8"), CONFIG_FILE)
            except (ConfigError, UnicodeDecodeError) as e:
                self._by_text[data] = str(e)
        return self._by_text[data]

    def allowed_signers(self, commit: Commit) -> bytes | None:
        """The allowed-signers file named by the qms.yml in force, from the same commit; None when absent."""
        policy = self.at(commit)
        if isinstance(policy, str):
            return None
        return self._reader.read(f"{self.base(commit)}:{policy.signing.allowed_signers}")
