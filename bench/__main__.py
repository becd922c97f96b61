"""`make bench` (`python -m bench`): every area's benchmark, each in its own process (each configures its own
temporary database before setting Django up, so they cannot share one interpreter). Measures only, never assertions.

- bench.certificates: cards/s (fast vs straightforward), CP1 verifications/s (bench.card and bench.cp1), issuing
  and zipping 10/100/1000-trainee sessions, peak memory;
- bench.www: the main pages at national scale; bench.api: the API's throughput and latency.

`python -m bench [area …]` runs only the named areas (certificates, www, api); `python -m bench.card [n]` only the
cards/s figure, `python -m bench.cp1` only the verifications/s.
"""

import importlib.util
import os
import subprocess
import sys
import time

AREAS = {
    "certificates": ("bench.certificates", "Certificats : cartes/s, émission de sessions, vérifications/s"),
    "www": ("bench.www", "Interface web : pages principales à l'échelle nationale"),
    "api": ("bench.api", "API REST : débit et latence"),
}


def _available(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:  # a parent package missing
        return False


def main(names: list[str]) -> int:
    if any(name in {"-h", "--help"} for name in names):
        print(__doc__)
        return 0
    unknown = [name for name in names if name not in AREAS]
    if unknown:
        print(f"unknown area(s): {', '.join(unknown)}; choose among {', '.join(AREAS)} (--help)", file=sys.stderr)
        return 2
    failures = 0
    begun = time.perf_counter()
    load = os.getloadavg()
    print(
        f"make bench — {time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} cœurs, charge moyenne "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1, 5, 15 min), Python {sys.version.split()[0]}"
    )
    for name in names or list(AREAS):
        module, title = AREAS[name]
        if not _available(module):
            print(f"\n== {title} : {module} absent, ignoré ==")
            continue
        print(f"\n== {title} ({module}) ==", flush=True)
        started = time.perf_counter()
        command = [sys.executable, "-c", f"import {module} as bench; bench.run()"]  # fixed modules of this project
        code = subprocess.run(command, check=False).returncode  # noqa: S603
        print(f"({module} : {time.perf_counter() - started:.0f} s{'' if code == 0 else f', code {code}'})")
        failures += code != 0
    print(f"\n(make bench : {time.perf_counter() - begun:.0f} s au total ; charge moyenne {os.getloadavg()[0]:.1f})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
