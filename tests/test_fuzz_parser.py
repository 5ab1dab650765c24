"""Property: no mutation of the example manual's documents (or of qms.yml) makes the parser, the
static rules or a finding format raise, and every printed finding stays one line. The long run is
bench/fuzz_parser.py."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from tests.fuzz.mutations import config_survives, mutated_config, mutated_document, survives

BOUNDED = settings(max_examples=200, deadline=None, database=None, derandomize=True,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@BOUNDED
@given(mutated_document())
def test_no_mutated_document_escapes_the_parser_and_static_rules(case: tuple[str, bytes]) -> None:
    survives(*case)


@BOUNDED
@given(mutated_config())
def test_a_mutated_qms_yml_is_a_config_or_a_config_error(text: str) -> None:
    config_survives(text)
