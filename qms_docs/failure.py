"""How a command that stops on an error ends: its exit code and one printable line (never a traceback).

Shared by the click CLI (`cli.QmsGroup`) and the hooks' entry without click (`hooks.main`), so that both
say the same thing: a QmsError carries its exit code (SPEC: 1 refused, 2 usage or configuration); an
OSError is the file system saying no (exit 2, naming the path); a closed pipe is none of ours."""

from __future__ import annotations

import errno

from qms_docs.errors import QmsError, io_error
from qms_docs.model.printable import printable


def failure(error: BaseException) -> tuple[int, str] | None:
    """(exit code, message) for an error that ends a command; None for what the caller lets through."""
    if isinstance(error, QmsError):
        return error.exit_code, printable(str(error))
    if isinstance(error, OSError) and error.errno != errno.EPIPE:
        return 2, printable(str(io_error(error)))
    return None
