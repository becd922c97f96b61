"""A benchmark area for tests/bench/test_results.py: records one figure, as bench.cp1 does."""

from bench import results


def run() -> None:
    results.record(target="cp1.pure", figure=6000, unit="/s", met=True, runs=3)
