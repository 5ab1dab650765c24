"""The audit report as one self-contained, printable HTML page, rendered from the Jinja2 template
`templates/report/audit.html.j2` with autoescaping on (every value is escaped unless the template's
own markup wraps it) and the English labels of `qms_docs.publishing.labels`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from qms_docs.publishing import labels
from qms_docs.records.verify import Outcome


@dataclass
class ReportData:
    """Everything the report shows, gathered by `qms report`."""

    repository: str
    head: str
    today: dt.date
    since: dt.date | None
    documents: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    changes: list[dict[str, Any]]
    overdue: list[dict[str, Any]]
    outcome: Outcome
    notes: list[str] = field(default_factory=list)


def render(data: ReportData) -> str:
    """The report page."""
    import jinja2  # only `qms report` pays for it
    from markupsafe import Markup, escape

    def fill(label: str, **values: Any) -> Markup:
        """A label with its `{name}` fields filled: text escaped, markup from the template kept."""
        return Markup(escape(label)).format(**{k: "" if v is None else v for k, v in values.items()})

    env = jinja2.Environment(loader=jinja2.PackageLoader("qms_docs.templates", "report"), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             finalize=lambda value: "" if value is None else value)
    env.filters["fill"] = fill
    env.tests["date_like"] = lambda value: isinstance(value, dt.date)
    return env.get_template("audit.html.j2").render(data=data, t=labels.ENGLISH)
