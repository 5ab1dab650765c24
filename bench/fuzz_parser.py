"""The long fuzz run of the parser, the static rules and the finding formats (issue 8.4/8.5).

    PYTHONPATH=. python3 bench/fuzz_parser.py [--examples 20000] [--seed N] [--slow 1.0]

Mutates the example manual's documents and qms.yml (tests/fuzz/mutations.py: hostile YAML
values, impossible dates, anchors and aliases, deep nesting, control characters, duplicated,
dropped and spliced lines) and asserts the property of tests/test_fuzz_parser.py on many more
examples, random rather than derandomized. It also fails when one input costs more than --slow
seconds (a regression to an expanding or quadratic parse). Exit 0 when every example held."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from tests.fuzz.mutations import config_survives, mutated_config, mutated_document, survives  # noqa: E402


def within(slow: float, check, *args) -> None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    check(*args)
    spent = time.perf_counter() - start
    assert spent < slow, f"one input took {spent:.2f} s: {args!r:.200}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examples", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--slow", type=float, default=1.0, help="seconds one input may cost")
    a = ap.parse_args()
    options = settings(max_examples=a.examples, deadline=None, database=None,
                       suppress_health_check=list(HealthCheck))

    @given(mutated_document())
    def documents(case: tuple[str, bytes]) -> None:
        within(a.slow, survives, *case)

    @given(mutated_config())
    def configs(text: str) -> None:
        within(a.slow, config_survives, text)

    tests = [documents, configs]
    start = time.perf_counter()
    for test in tests:
        test = options(test)
        if a.seed is not None:
            test = seed(a.seed)(test)
        test()
    print(f"{2 * a.examples} examples held in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
