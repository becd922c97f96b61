"""What both schemathesis runs share: real ids swapped in for generated ones, and the loop over every operation."""

import hashlib
from collections.abc import Callable

from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def use_known_ids(case, known: dict[str, list[str]], parameters_known: dict[str, str]) -> None:
    """Half of the generated ids are swapped for real ones (deterministically), so real objects get fuzzed too.

    `id` takes the ids of the path's collection (`known[<collection>]`); `parameters_known` names the list of
    `known` each other path parameter takes (e.g. {"trainee_id": "trainees"})."""
    parameters = case.path_parameters or {}
    collection = case.path.split("/")[3] if case.path.count("/") >= 3 else ""
    pairs = [("id", known.get(collection)), *((name, known[key]) for name, key in parameters_known.items())]
    for name, choices in pairs:
        if name in parameters and choices:
            digest = hashlib.sha256(repr(parameters[name]).encode()).digest()
            if digest[0] % 2 == 0:
                parameters[name] = choices[digest[1] % len(choices)]


def fuzz_operations(
    operations: list, *, headers: dict[str, str], prepare: Callable, max_examples: int, derandomize: bool
) -> dict[int, int]:
    """Every operation with schema-valid and schema-invalid inputs; fails listing every operation that broke.

    Returns the count of each status seen, after checking the fuzzing really ran: many calls, some accepted, some
    refused, none above 499."""
    failures: list[str] = []
    statuses: dict[int, int] = {}
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=max_examples,
                deadline=None,
                derandomize=derandomize,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def check(case):
                prepare(case)
                response = case.call_and_validate(headers=headers, checks=CHECKS)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

            try:
                check()
            except Exception as exc:  # collect them all: one report for every operation
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    assert not failures, "\n\n".join(failures)
    assert sum(statuses.values()) >= 4 * len(operations), statuses
    assert any(200 <= status < 300 for status in statuses) and any(400 <= status < 500 for status in statuses)
    return statuses
