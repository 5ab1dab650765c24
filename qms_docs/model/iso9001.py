"""ISO 9001:2015 clauses (data) and the ones that call for documented information."""

from __future__ import annotations

from collections.abc import Iterable

CLAUSES: dict[str, str] = {
    "4": "Context of the organization",
    "4.1": "Understanding the organization and its context",
    "4.2": "Understanding the needs and expectations of interested parties",
    "4.3": "Determining the scope of the quality management system",
    "4.4": "Quality management system and its processes",
    "5": "Leadership",
    "5.1": "Leadership and commitment",
    "5.2": "Policy",
    "5.3": "Organizational roles, responsibilities and authorities",
    "6": "Planning",
    "6.1": "Actions to address risks and opportunities",
    "6.2": "Quality objectives and planning to achieve them",
    "6.3": "Planning of changes",
    "7": "Support",
    "7.1": "Resources",
    "7.1.5": "Monitoring and measuring resources",
    "7.1.6": "Organizational knowledge",
    "7.2": "Competence",
    "7.3": "Awareness",
    "7.4": "Communication",
    "7.5": "Documented information",
    "7.5.2": "Creating and updating",
    "7.5.3": "Control of documented information",
    "8": "Operation",
    "8.1": "Operational planning and control",
    "8.2": "Requirements for products and services",
    "8.2.3": "Review of the requirements for products and services",
    "8.3": "Design and development of products and services",
    "8.3.2": "Design and development planning",
    "8.3.3": "Design and development inputs",
    "8.3.4": "Design and development controls",
    "8.3.5": "Design and development outputs",
    "8.3.6": "Design and development changes",
    "8.4": "Control of externally provided processes, products and services",
    "8.5": "Production and service provision",
    "8.5.1": "Control of production and service provision",
    "8.5.2": "Identification and traceability",
    "8.5.3": "Property belonging to customers or external providers",
    "8.5.4": "Preservation",
    "8.5.5": "Post-delivery activities",
    "8.5.6": "Control of changes",
    "8.6": "Release of products and services",
    "8.7": "Control of nonconforming outputs",
    "9": "Performance evaluation",
    "9.1": "Monitoring, measurement, analysis and evaluation",
    "9.2": "Internal audit",
    "9.3": "Management review",
    "10": "Improvement",
    "10.1": "General",
    "10.2": "Nonconformity and corrective action",
    "10.3": "Continual improvement",
}

# The clauses whose text says documented information shall be maintained or retained, with what.
DOCUMENTED_INFORMATION: dict[str, str] = {
    "4.3": "maintain: the scope of the QMS",
    "4.4": "maintain and retain: information to support and show the operation of processes (4.4.2)",
    "5.2": "maintain: the quality policy (5.2.2)",
    "6.2": "maintain: the quality objectives",
    "7.1.5": "retain: fitness for purpose of measuring resources; the basis for calibration",
    "7.2": "retain: evidence of competence",
    "7.5": "documented information required by the standard and by the organization (7.5.1)",
    "8.1": "maintain and retain: confidence that processes ran as planned",
    "8.2.3": "retain: results of the review and new requirements (8.2.3.2)",
    "8.3.2": "documented information needed to show design requirements are met",
    "8.3.3": "retain: design and development inputs",
    "8.3.4": "retain: design and development controls",
    "8.3.5": "retain: design and development outputs",
    "8.3.6": "retain: design changes, reviews, authorisations",
    "8.4": "retain: evaluation, selection and monitoring of external providers (8.4.1)",
    "8.5.1": "maintain: characteristics of products and results to be achieved",
    "8.5.2": "retain: what enables traceability",
    "8.5.3": "retain: customer property lost, damaged or unsuitable",
    "8.5.6": "retain: review of changes, who authorised them, actions",
    "8.6": "retain: evidence of conformity and the person authorising release",
    "8.7": "retain: nonconformities, actions, concessions, authority (8.7.2)",
    "9.1": "retain: results of monitoring and measurement (9.1.1)",
    "9.2": "retain: the audit programme and audit results (9.2.2)",
    "9.3": "retain: results of management reviews (9.3.3)",
    "10.2": "retain: nonconformities, actions and their results (10.2.2)",
}


def covers(declared: str, clause: str) -> bool:
    """Whether a document declaring `declared` addresses `clause` (a row of the matrix).

    The same clause, a sub-clause of it, or a parent of it; a whole chapter ("8") counts only
    for the chapter row, never for all of its clauses."""
    if declared == clause:
        return True
    if "." in clause and declared.startswith(clause + "."):
        return True
    return "." in declared and clause.startswith(declared + ".")


def within(clause: str, excluded: str) -> bool:
    """Whether `clause` is `excluded` or one of its sub-clauses ("8.3.2" is within "8.3"; "8" is not)."""
    return clause == excluded or clause.startswith(excluded + ".")


def matrix_rows(declared: Iterable[str]) -> list[str]:
    """The rows of the matrix: every ISO 9001 clause, then declared clauses that match none."""
    extra = {d for d in declared if not any(covers(d, c) for c in CLAUSES)}
    return [*CLAUSES, *sorted(extra, key=_clause_key)]


def _clause_key(clause: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (10**6, p) for p in clause.split("."))
