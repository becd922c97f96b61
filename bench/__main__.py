"""`make bench` (`python -m bench`): every area's benchmark, each in its own process (each configures its own
temporary database before setting Django up, so they cannot share one interpreter). Measures only, never assertions.

- bench.certificates: cards/s (production path against the straightforward way and WeasyPrint, bench.card), CP1
  verifications/s (bench.cp1), issuing and zipping 10/100/1000-trainee sessions, peak memory, server-side
  verifications/s and their queries;
- bench.www: the main pages at national scale; bench.api: the API's throughput and latency (HTTP, gunicorn,
  DEBUG off, on SQLite and on PostgreSQL).

At the end, one table of every target of issue 14 (bench.results: the areas record their figures as JSON lines in a
file named by BENCH_RESULTS, in a temporary directory removed at the end), with « atteint » / « non atteint », then
the entries that appeared in the temporary directory during the run (there should be none).

PostgreSQL: unless BENCH_DATABASE_URL is set, the HTTP areas (api, www: one after the other, each creates the
database afresh and drops it) are given BENCH_DATABASE_URL=$BENCH_POSTGRES, a throwaway database (default
postgres://postgres@127.0.0.1:5432/certiprev_bench), when that server answers; BENCH_POSTGRES=0: SQLite only.

`python -m bench [area …]` runs only the named areas (certificates, www, api); `python -m bench.card [n]` only the
cards/s figure, `python -m bench.cp1` only the verifications/s.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import results

AREAS = {
    "certificates": ("bench.certificates", "Certificats : cartes/s, émission de sessions, vérifications/s"),
    "www": ("bench.www", "Interface web : pages principales à l'échelle nationale"),
    "api": ("bench.api", "API REST : débit et latence"),
}
HTTP_AREAS = {"api", "www"}  # measured on SQLite, and on PostgreSQL when given BENCH_DATABASE_URL
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/certiprev_bench"


def _available(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:  # a parent package missing
        return False


def _postgres_answers(url: str) -> bool:
    """True when the PostgreSQL server of `url` accepts a connection (to its `postgres` database)."""
    try:
        import psycopg
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        params = conninfo_to_dict(url)
        params.update(dbname="postgres", connect_timeout=3)
        with psycopg.connect(make_conninfo("", **params)):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not there": the areas run on SQLite only
        return False


def _postgres_env(names: list[str]) -> dict[str, str]:
    """The throwaway database given to the HTTP areas, when a PostgreSQL server answers (see the docstring)."""
    url = os.environ.get("BENCH_POSTGRES", DEFAULT_POSTGRES)
    if url in {"", "0"} or os.environ.get("BENCH_DATABASE_URL") or not HTTP_AREAS & set(names):
        return {}
    if not _postgres_answers(url):
        print(f"(PostgreSQL ne répond pas à {url} : figures HTTP sur SQLite seulement)")
        return {}
    return {"BENCH_DATABASE_URL": url}


def _tmp_entries() -> set[str]:
    return set(os.listdir(tempfile.gettempdir()))


def main(names: list[str]) -> int:
    if any(name in {"-h", "--help"} for name in names):
        print(__doc__)
        return 0
    unknown = [name for name in names if name not in AREAS]
    if unknown:
        print(f"unknown area(s): {', '.join(unknown)}; choose among {', '.join(AREAS)} (--help)", file=sys.stderr)
        return 2
    names = names or list(AREAS)
    failures = 0
    begun = time.perf_counter()
    load = os.getloadavg()
    tmp_before = _tmp_entries()
    print(
        f"make bench — {time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} cœurs, charge moyenne "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1, 5, 15 min), Python {sys.version.split()[0]}"
    )
    area_env = _postgres_env(names)
    for variable, url in area_env.items():
        print(f"  {variable}={url} (base jetable, supprimée par l'aire qui la crée)")
    directory = tempfile.mkdtemp(prefix="certiprev-bench-results-")
    try:
        results_file = Path(directory) / "results.jsonl"
        env = {**os.environ, **area_env, results.ENV: str(results_file)}
        durations = []
        for name in names:
            module, title = AREAS[name]
            if not _available(module):
                print(f"\n== {title} : {module} absent, ignoré ==")
                continue
            print(f"\n== {title} ({module}) ==", flush=True)
            started = time.perf_counter()
            command = [sys.executable, "-c", f"import {module} as bench; bench.run()"]  # fixed modules of this project
            code = subprocess.run(command, check=False, env=env).returncode  # noqa: S603
            elapsed = time.perf_counter() - started
            durations.append(f"{name} {elapsed:.0f} s")
            print(f"({module} : {elapsed:.0f} s{'' if code == 0 else f', code {code}'})")
            failures += code != 0
        total = time.perf_counter() - begun
        load = os.getloadavg()
        print("\n== Résumé : les objectifs de l'issue 14, mesurés dans ce tour ==\n")
        print(results.summary(results.read(results_file)))
        print(
            f"\nDurée : {total:.0f} s au total ({', '.join(durations)}) ; objectif < 900 s : "
            f"{'atteint' if total < 900 else 'non atteint'}. Charge moyenne à la fin {load[0]:.1f} / {load[1]:.1f} / "
            f"{load[2]:.1f}."
        )
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    left = sorted(_tmp_entries() - tmp_before)
    print(
        f"Laissé dans {tempfile.gettempdir()} : "
        + ("rien." if not left else f"{', '.join(left)} (apparus pendant le tour ; peut-être d'un autre processus)")
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
