"""Benchmark of CP1 verification and QR encoding (for `make bench`; never a timed assertion in tests).

The pure verifications/s (the median of `runs` runs) are recorded for `make bench`'s summary (bench.results)."""

import hashlib
import os
import statistics
import time
from collections.abc import Callable
from datetime import date

from certiprev.lib.cp1 import (
    CP1Record,
    PublicKeyEntry,
    make_content,
    private_key_from_seed,
    public_key_bytes,
    sign,
    verify_content,
)
from certiprev.lib.qr import make_qr, qr_matrix


def _per_second(function: Callable[[], object], seconds: float) -> tuple[int, float]:
    """Run `function` repeatedly for about `seconds` of CPU time; returns (calls, calls per CPU second: the cost on
    one free core, which a busy shared machine does not change as much as the wall clock)."""
    calls = 0
    start = time.process_time()
    deadline = start + seconds
    while True:
        for _ in range(50):
            function()
        calls += 50
        now = time.process_time()
        if now >= deadline:
            return calls, calls / (now - start)


def run(seconds: float = 1.0, runs: int = 3) -> dict[str, float]:
    """Measure verifications/s (one core) and the QR matrix time with the fixed mask vs segno's mask search."""
    key = private_key_from_seed(hashlib.sha256(b"cp1 benchmark key, not a real one").digest())
    record = CP1Record(
        kind="initial",
        key_id=1,
        scheme_code=1,
        certified_on=date(2025, 3, 14),
        valid_until=date(2027, 3, 14),
        birth_date=date(1987, 11, 5),
        organisation_id=123456,
        revocation_id=bytes(range(8)),
        last_name="de la Tour d'Auvergne-Lauraguais",
        first_names="Marie-Christine Anne-Sophie",
    )
    content = make_content(sign(record, key))
    keys = [PublicKeyEntry(kid=1, public_key=public_key_bytes(key), status="active", not_before=date(2025, 1, 1))]
    revoked = {bytes(8)}
    today = date(2025, 9, 1)
    if verify_content(content, keys=keys, revoked=revoked, today=today).status != "valid":
        raise AssertionError("benchmark content does not verify")

    verifications = statistics.median(
        _per_second(lambda: verify_content(content, keys=keys, revoked=revoked, today=today), seconds)[1]
        for _ in range(runs)
    )
    _, fast_rate = _per_second(lambda: qr_matrix(content), seconds)
    _, search_rate = _per_second(lambda: make_qr(content, mask=None).matrix, seconds)
    results = {
        "cp1_verifications_per_s": round(verifications),
        "qr_matrix_fixed_mask_ms": round(1000 / fast_rate, 3),
        "qr_matrix_segno_mask_search_ms": round(1000 / search_rate, 3),
    }
    print(
        f"Vérifications CP1 pures (bibliothèque, sans base), par seconde de CPU, médiane de {runs} tours : "
        f"{results['cp1_verifications_per_s']}/s (objectif ≥ 5 000/s) ; charge moyenne {os.getloadavg()[0]:.1f}"
    )
    print(
        f"Matrice QR 11-Q : {results['qr_matrix_fixed_mask_ms']} ms par les tables fixes (masque 4), "
        f"{results['qr_matrix_segno_mask_search_ms']} ms par segno avec sa recherche de masque"
    )
    from bench import results as summary

    summary.record(
        target="cp1.pure",
        figure=results["cp1_verifications_per_s"],
        unit="/s",
        met=results["cp1_verifications_per_s"] >= 5000,
        runs=runs,
    )
    return results


if __name__ == "__main__":
    run()
