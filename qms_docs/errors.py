"""The errors that stop a command; rule violations are Findings, never exceptions."""

from __future__ import annotations


class QmsError(Exception):
    """A command was refused or failed; the message tells the user what to do."""

    exit_code = 1


class UsageError(QmsError):
    """Bad arguments or a repository that is not set up (exit 2)."""

    exit_code = 2


class ConfigError(UsageError):
    """qms.yml is missing or invalid (exit 2); the message names the file and key."""


class DocumentError(QmsError):
    """A document cannot be read; carries the path and line for a QMS001/QMS002 finding."""

    def __init__(self, message: str, path: str = "", line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}" if where else self.message


class GitError(QmsError):
    """git failed or the repository lacks what a command needs (exit 2)."""

    exit_code = 2


class IOFailure(UsageError):
    """The file system refused a read or write the command needed (exit 2); names the path."""


def io_error(error: OSError) -> IOFailure:
    """An OSError as one line naming the file: `path: No such file or directory`."""
    reason = error.strerror or type(error).__name__
    names = [str(n) for n in (error.filename, error.filename2) if n is not None]
    return IOFailure(f"{' -> '.join(names)}: {reason}" if names else f"{reason}: {error}")
