"""Today's date, overridable with QMS_TODAY=YYYY-MM-DD for reproducible checks and reports."""

from __future__ import annotations

import datetime as dt
import os

from qms_docs.errors import UsageError


def today() -> dt.date:
    value = os.environ.get("QMS_TODAY")
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"QMS_TODAY={value!r} is not a date (YYYY-MM-DD)") from None


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
