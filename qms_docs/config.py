"""Load and validate qms.yml (SPEC section 3) into frozen dataclasses."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml

from qms_docs.errors import ConfigError
from qms_docs.parsing import safeyaml
from qms_docs.parsing.yamlerror import describe

if TYPE_CHECKING:
    from qms_docs.model.document import Document

MAX_REVIEW_MONTHS = 1200  # 100 years; a longer interval leaves the calendar (date arithmetic overflows)
CONFIG_FILE = "qms.yml"
MAX_CONFIG_SIZE = 1024 * 1024
PREFIX_RE = re.compile(r"^[A-Z][A-Z0-9]*$")
NAME_RE = re.compile(r"^[a-z][a-z0-9-]*$")
_KEY_ON_LINE = re.compile(r"[ \t]*(?:-[ \t]+)?([A-Za-z_][\w.-]*)[ \t]*:(?:[ \t]|$)")
TOP_KEYS = ("documents_dir", "types", "roles", "protected_branches", "config_approvers", "signing", "exclusions",
            "trusted_files", "languages")
REVIEWERS = "reviewers"  # the optional role of people who may record reviews but approve nothing
CLAUSE_RE = re.compile(r"^[1-9][0-9]*(\.[0-9]+)*$")
TYPE_KEYS = ("prefix", "approvers", "review_months", "allow_self_approval", "translation_approvers")
SIGNING_KEYS = ("required", "allowed_signers", "method")
LANGUAGE_KEYS = ("default", "available", "required")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")  # a BCP 47 tag: en, nb, tr, pt-BR, sr-Latn


class Languages(NamedTuple):  # a plain record: a NamedTuple costs a tenth of a dataclass to define
    """`languages` of qms.yml (SPEC 8): the sources' language, the translations allowed, those required."""

    default: str = "en"
    available: tuple[str, ...] = ()
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocType:
    name: str
    prefix: str
    approvers: tuple[str, ...]
    review_months: int = 24
    allow_self_approval: bool = False
    translation_approvers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # language -> roles

    @cached_property
    def id_pattern(self) -> re.Pattern[str]:
        return re.compile(rf"^{re.escape(self.prefix)}-[0-9]{{3,}}$")


class Signing(NamedTuple):  # a plain record: a NamedTuple costs a tenth of a dataclass to define
    required: bool = False
    allowed_signers: str = ".qms/allowed_signers"
    method: str = "entry"  # entry: the approval entry's `sig` proves the signer; commit: an SSH-signed commit

    @property
    def by_entry(self) -> bool:
        """signing.required with method entry: every approval entry must carry a valid `sig`."""
        return self.required and self.method == "entry"


@dataclass(frozen=True)
class Config:
    types: Mapping[str, DocType]
    roles: Mapping[str, tuple[str, ...]]
    documents_dir: str = "controlled"
    protected_branches: tuple[str, ...] = ("main",)
    config_approvers: tuple[str, ...] = ("quality-manager",)
    signing: Signing = field(default_factory=Signing)
    exclusions: Mapping[str, str] = field(default_factory=dict)  # ISO 9001 clause -> justification (4.3)
    trusted_files: tuple[str, ...] = ()  # guarded like qms.yml (QMS014)
    languages: Languages = field(default_factory=Languages)

    def holds(self, email: str, role: str) -> bool:
        """Whether the person with this e-mail address holds the role."""
        return email.lower() in (e.lower() for e in self.roles.get(role, ()))

    def roles_of(self, email: str) -> tuple[str, ...]:
        return tuple(r for r in self.roles if self.holds(email, r))

    def may_review(self, email: str) -> bool:
        """Whether this person may record a `reviewed` signature: the holder of any role (the
        optional `reviewers` role among them). A review is evidence, never an approval."""
        return bool(self.roles_of(email))

    def review_role(self, email: str) -> str | None:
        """The role a `reviewed` signature is recorded under when none is named: `reviewers` when the
        person is listed there, else the first role they hold; None when they may not review."""
        held = self.roles_of(email)
        return REVIEWERS if REVIEWERS in held else next(iter(held), None)

    def type_for_id(self, doc_id: str) -> DocType | None:
        return next((t for t in self.types.values() if t.id_pattern.match(doc_id)), None)

    def type_of(self, doc: Document) -> DocType | None:
        """The document's type as it applies to this document: for a translation, `approvers` are the
        type's `translation_approvers` for its language when qms.yml sets them (SPEC 8)."""
        doc_type = self.types.get(doc.type or "")
        if doc_type is None or not doc.is_translation:
            return doc_type
        roles = doc_type.translation_approvers.get(doc.language or "")
        return replace(doc_type, approvers=roles) if roles else doc_type


def load_config(root: Path) -> Config:
    """Read qms.yml at the root of a QMS repository."""
    path = root / CONFIG_FILE
    try:
        if path.exists() and not path.is_file():  # a folder or a FIFO: never block on open()
            raise ConfigError(f"{CONFIG_FILE}: cannot be read: not a regular file")
        with path.open("rb") as f:
            data = f.read(MAX_CONFIG_SIZE + 1)
        if len(data) > MAX_CONFIG_SIZE:
            raise _too_large(CONFIG_FILE)
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{CONFIG_FILE}: not found in {root}; run `qms init` to create one") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{CONFIG_FILE}: cannot be read: {e}") from None
    return parse_config(text)


def parse_config(text: str, source: str = CONFIG_FILE) -> Config:
    """Validate the text of a qms.yml; any problem is a ConfigError naming the key.

    Read like a document's front matter (SPEC 2): no byte-order mark, at most 1 MiB, and no
    anchors, aliases, merge keys, duplicate keys or deep nesting (see model/safeyaml.py)."""
    if text.startswith("\ufeff"):
        raise ConfigError(f"{source}:1: the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM")
    if len(text) > MAX_CONFIG_SIZE:
        raise _too_large(source)
    try:
        data = safeyaml.load(text)
    except yaml.YAMLError as e:
        line, problem = describe(e)
        what = "refused" if isinstance(e, safeyaml.Refused) else "not valid YAML"
        raise ConfigError(f"{source}:{line}: {_key_on(text, line)}{what}: {problem}") from None
    return _Validator(text, source).config(data)


def _key_on(text: str, line: int) -> str:
    """'key: ' when that line of the YAML text starts with a key, so the error names it; else ''."""
    lines = text.split("\n")
    found = _KEY_ON_LINE.match(lines[line - 1]) if 0 < line <= len(lines) else None
    return f"{found.group(1)}: " if found else ""


def _too_large(source: str) -> ConfigError:
    return ConfigError(f"{source}: the file is larger than {MAX_CONFIG_SIZE // (1024 * 1024)} MiB")


class _Validator:
    def __init__(self, text: str, source: str):
        self.text = text
        self.source = source

    def fail(self, keys: tuple[str, ...], message: str) -> ConfigError:
        line = _line_of(self.text, keys)
        where = f"{self.source}:{line}" if line else self.source
        return ConfigError(f"{where}: {'.'.join(keys) or '(top level)'}: {message}")

    def mapping(self, value: Any, keys: tuple[str, ...], allowed: tuple[str, ...] | None = None) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(keys, "must be a mapping")
        for k in value:
            if not isinstance(k, str):
                raise self.fail(keys, f"key {k!r} must be a string")
            if allowed is not None and k not in allowed:
                raise self.fail((*keys, k), f"unknown key (expected one of: {', '.join(allowed)})")
        return value

    def str_list(self, value: Any, keys: tuple[str, ...], *, empty_ok: bool = False) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(keys, "must be a list of non-empty strings")
        if not value and not empty_ok:
            raise self.fail(keys, "must not be empty")
        return tuple(v.strip() for v in value)

    def repo_path(self, value: Any, keys: tuple[str, ...], problem: str) -> str:
        """A path inside the repository, normalised once (`./.qms/x` and `.qms//x` are `.qms/x`) so that
        every reader names the same file git does, in a bare repository too; `problem` when it leaves the
        repository."""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(keys, problem)
        path = posixpath.normpath(value.strip())
        if path.startswith(("/", "../")) or path in (".", ".."):
            raise self.fail(keys, problem)
        return path

    def config(self, data: Any) -> Config:
        if data is None:
            raise self.fail((), "the file is empty; see SPEC section 3 for the format")
        top = self.mapping(data, (), TOP_KEYS)
        roles = self.roles(top.get("roles"))
        languages = self.languages(top.get("languages"))
        types = self.types(top.get("types"), roles, languages)
        documents_dir = self.repo_path(top.get("documents_dir", "controlled"), ("documents_dir",),
                                       "must be a relative folder inside the repository")
        protected = self.str_list(top.get("protected_branches", ["main"]), ("protected_branches",), empty_ok=True)
        approvers = self.str_list(top.get("config_approvers", ["quality-manager"]), ("config_approvers",))
        for i, role in enumerate(approvers):
            if role not in roles:
                raise self.fail(("config_approvers", str(i)), f"unknown role {role!r} (not in roles)")
        return Config(types=types, roles=roles, documents_dir=documents_dir,
                      protected_branches=protected, config_approvers=approvers,
                      signing=self.signing(top.get("signing", {})), exclusions=self.exclusions(top.get("exclusions", {})),
                      trusted_files=tuple(
                          self.repo_path(f, ("trusted_files", str(i)), "must be a path inside the repository")
                          for i, f in enumerate(self.str_list(top.get("trusted_files", []), ("trusted_files",),
                                                              empty_ok=True))),
                      languages=languages)

    def roles(self, value: Any) -> dict[str, tuple[str, ...]]:
        if value is None:
            raise self.fail(("roles",), "missing: say who holds each role")
        roles: dict[str, tuple[str, ...]] = {}
        for name, holders in self.mapping(value, ("roles",)).items():
            if not NAME_RE.match(name):
                raise self.fail(("roles", name), "a role name is lower-case letters, digits and '-'")
            if not holders:
                raise self.fail(("roles", name), "the role has no holders")
            emails = self.str_list(holders, ("roles", name))
            for email in emails:
                if "@" not in email:
                    raise self.fail(("roles", name), f"{email!r} is not an e-mail address")
            roles[name] = emails
        return roles

    def types(self, value: Any, roles: Mapping[str, tuple[str, ...]], languages: Languages) -> dict[str, DocType]:
        if value is None:
            raise self.fail(("types",), "missing: define at least one document type")
        types: dict[str, DocType] = {}
        prefixes: dict[str, str] = {}
        for name, spec in self.mapping(value, ("types",)).items():
            keys = ("types", name)
            if not NAME_RE.match(name):
                raise self.fail(keys, "a type name is lower-case letters, digits and '-'")
            spec = self.mapping(spec, keys, TYPE_KEYS)
            prefix = spec.get("prefix")
            if not isinstance(prefix, str) or not PREFIX_RE.match(prefix):
                raise self.fail((*keys, "prefix"), f"{prefix!r} is not a prefix: upper-case letters and digits, e.g. QP")
            if prefix in prefixes:
                raise self.fail((*keys, "prefix"), f"prefix {prefix} is already used by type {prefixes[prefix]}")
            prefixes[prefix] = name
            approvers = self.role_list(spec.get("approvers"), (*keys, "approvers"), roles)
            months = spec.get("review_months", 24)
            if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= MAX_REVIEW_MONTHS:
                raise self.fail((*keys, "review_months"), f"must be a whole number of months, 1 to {MAX_REVIEW_MONTHS}")
            self_ok = spec.get("allow_self_approval", False)
            if not isinstance(self_ok, bool):
                raise self.fail((*keys, "allow_self_approval"), "must be true or false")
            translators = self.translation_approvers(spec.get("translation_approvers"), keys, roles, languages)
            types[name] = DocType(name, prefix, approvers, months, self_ok, translators)
        if not types:
            raise self.fail(("types",), "define at least one document type")
        return types

    def role_list(self, value: Any, keys: tuple[str, ...], roles: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
        names = self.str_list(value, keys)
        for role in names:
            if role not in roles:
                raise self.fail(keys, f"unknown role {role!r} (not in roles)")
        return names

    def translation_approvers(self, value: Any, keys: tuple[str, ...], roles: Mapping[str, tuple[str, ...]],
                              languages: Languages) -> dict[str, tuple[str, ...]]:
        """A list of roles (every language) or a mapping of language to roles; {} when not set."""
        keys = (*keys, "translation_approvers")
        if value is None:
            return {}
        if isinstance(value, list):
            found = self.role_list(value, keys, roles)
            return dict.fromkeys(languages.available, found)
        if not isinstance(value, dict):
            raise self.fail(keys, "must be a list of roles, or a mapping of language to a list of roles")
        by_language: dict[str, tuple[str, ...]] = {}
        for language, names in self.mapping(value, keys).items():
            if language not in languages.available:
                raise self.fail((*keys, language), f"{language!r} is not in languages.available "
                                                   f"({', '.join(languages.available) or 'none'})")
            by_language[language] = self.role_list(names, (*keys, language), roles)
        return by_language

    def languages(self, value: Any) -> Languages:
        if value is None:
            return Languages()
        spec = self.mapping(value, ("languages",), LANGUAGE_KEYS)
        default = spec.get("default", "en")
        if not isinstance(default, str) or not LANGUAGE_RE.match(default):
            raise self.fail(("languages", "default"), f"{default!r} is not a BCP 47 language tag such as en or nb")
        available = self.str_list(spec.get("available", []), ("languages", "available"), empty_ok=True)
        for i, tag in enumerate(available):
            if not LANGUAGE_RE.match(tag):
                raise self.fail(("languages", "available", str(i)), f"{tag!r} is not a BCP 47 language tag such as nb")
            if tag == default:
                raise self.fail(("languages", "available", str(i)),
                                f"{tag} is the default language (the sources'); list only the translations")
        if len(set(available)) != len(available):
            raise self.fail(("languages", "available"), "a language is listed twice")
        required = self.str_list(spec.get("required", []), ("languages", "required"), empty_ok=True)
        for i, tag in enumerate(required):
            if tag not in available:
                raise self.fail(("languages", "required", str(i)), f"{tag!r} is not in languages.available")
        return Languages(default, available, tuple(dict.fromkeys(required)))

    def exclusions(self, value: Any) -> dict[str, str]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(("exclusions",), 'must be a mapping of clause to justification, e.g. "8.3": "We do not design."')
        found: dict[str, str] = {}
        for clause, why in value.items():
            if not isinstance(clause, str) or not CLAUSE_RE.match(clause):
                raise self.fail(("exclusions",), f"{clause!r} is not an ISO 9001 clause; write it quoted, e.g. \"8.3\"")
            if not isinstance(why, str) or not why.strip():
                raise self.fail(("exclusions", clause), "give the justification of the exclusion (ISO 9001 4.3)")
            found[clause] = why.strip()
        return found

    def signing(self, value: Any) -> Signing:
        spec = self.mapping(value, ("signing",), SIGNING_KEYS)
        required = spec.get("required", False)
        if not isinstance(required, bool):
            raise self.fail(("signing", "required"), "must be true or false")
        signers = self.repo_path(spec.get("allowed_signers", ".qms/allowed_signers"), ("signing", "allowed_signers"),
                                 "must be a path to an allowed-signers file inside the repository")
        method = spec.get("method", "entry")
        if method not in ("entry", "commit"):
            raise self.fail(("signing", "method"), "must be entry (the approval's `sig`) or commit (SSH-signed commits)")
        return Signing(required, signers, method)


def _line_of(text: str, keys: tuple[str, ...]) -> int | None:
    """The 1-based line of the deepest key of `keys` found in the YAML text (for error messages)."""
    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    line = None
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == key), None)
            if match is None:
                break
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and key.isdigit() and int(key) < len(node.value):
            node = node.value[int(key)]
            line = node.start_mark.line + 1
        else:
            break
    return line
