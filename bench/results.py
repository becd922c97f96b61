"""The figures of `make bench`, collected for its closing summary (one table, every target of issue 14).

Interface for an area (bench.certificates, bench.card, bench.cp1, bench.www, bench.api): after measuring a figure,
call

    from bench import results

    results.record(
        target="api.detail",          # an id of TARGETS below (a new id is printed too, after them)
        figure=412.0, unit="req/s",   # what was measured
        comparison=1630.0,            # the comparison measured in the same run (None if the goal is absolute)
        comparison_label="/healthz",  # what the comparison is
        ratio=0.25,                   # figure ÷ comparison (None if there is no comparison)
        met=False,                    # the area's honest verdict against the goal (None: no verdict)
        database="SQLite",            # "SQLite", "PostgreSQL" or "" (no database: pure library figures)
        runs=3,                       # how many runs the figure is the median of
    )

`goal` (text, e.g. "≥ 0,4 ×") defaults to the one in TARGETS; `load` (the 1-minute load average) to the one at the
moment of the call; `note` adds a few words. Each call appends one JSON line to the file named by the environment
variable BENCH_RESULTS (`python -m bench` sets it to a file in a temporary directory that it removes at the end);
without that variable, `record` does nothing, so an area run alone (`python -m bench.card`) prints as before.
`bench.__main__` reads the lines (`read`) and prints `summary` at the end of the run: one row per target and per
database, « non mesuré » for a target no area recorded.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ENV", "TARGETS", "Target", "at_least", "at_most", "read", "record", "summary"]

ENV = "BENCH_RESULTS"
_BOTH = ("SQLite", "PostgreSQL")


@dataclass(frozen=True, slots=True)
class Target:
    id: str
    label: str
    goal: str
    databases: tuple[str, ...] = ("",)  # one row each; "" for a figure without a database


TARGETS = (
    Target("cards.straightforward", "Cartes (signature + QR + PDF + fichier) ÷ manière directe", "≥ 20 ×"),
    Target("cards.weasyprint", "Cartes ÷ la même carte par WeasyPrint (HTML/CSS)", "≥ 70 ×"),
    Target("cards.size", "Cartes : taille du plus gros PDF", "≤ 40\u202f000 octets"),
    Target("verify.per_core", "Vérification côté serveur par cœur ÷ CP1 pur", "≥ 5 000/s", ("SQLite",)),
    Target("verify.queries", "Vérification côté serveur : requêtes par vérification", "0", ("SQLite",)),
    Target("api.verify", "API POST /verify ÷ /healthz", "≥ 0,5 ×", _BOTH),
    Target("api.detail", "API GET /trainings/{id} ÷ /healthz", "≥ 0,4 ×", _BOTH),
    Target("api.detail.p99", "API GET /trainings/{id} : p99, 16 connexions", "< 50 ms", _BOTH),
    Target("api.list", "API GET /trainings ÷ /healthz", "≥ 0,4 ×", _BOTH),
    Target("api.list.p99", "API GET /trainings : p99, 16 connexions", "< 50 ms", _BOTH),
    Target("www.dashboard.load", "Tableau de bord OF, 16 connexions ÷ /healthz", "≥ 0,1 ×", _BOTH),
    Target("www.trainer.load", "Liste du formateur, 16 connexions ÷ /healthz", "≥ 0,1 ×", _BOTH),
    Target("www.history.load", "Recherche dans l'historique, 16 connexions ÷ /healthz", "≥ 0,1 ×", _BOTH),
    Target("www.dashboard.median", "Tableau de bord OF : médiane, un client", "< 50 ms", _BOTH),
    Target("www.trainer.median", "Liste du formateur : médiane, un client", "< 50 ms", _BOTH),
    Target("www.history.median", "Recherche dans l'historique : médiane, un client", "< 50 ms", _BOTH),
    Target("www.dashboard.cold", "Tableau de bord OF : à froid", "< 300 ms", _BOTH),
    Target("www.trainer.cold", "Liste du formateur : à froid", "< 300 ms", _BOTH),
    Target("www.history.cold", "Recherche dans l'historique : à froid", "< 300 ms", _BOTH),
    Target("www.statistics.cold", "Statistiques : à froid", "< 150 ms", _BOTH),
    # The README's other targets, printed by the same areas.
    Target("cp1.pure", "Vérifications CP1 pures (bibliothèque) par cœur", "≥ 5 000/s"),
    Target("issue.10", "Émettre et zipper une session de 10 stagiaires", "< 150 ms", ("SQLite",)),
    Target("issue.1000", "Émettre et zipper une session de 1 000 stagiaires", "< 12 000 ms", ("SQLite",)),
    Target("issue.memory", "Pic de mémoire, session de 1 000 stagiaires", "< 300 Mo"),
)
_BY_ID = {target.id: target for target in TARGETS}


def at_least(value: float, bound: float) -> bool:
    return value >= bound


def at_most(value: float, bound: float) -> bool:
    return value <= bound


def record(
    *,
    target: str,
    figure: float,
    unit: str,
    runs: int,
    met: bool | None,
    comparison: float | None = None,
    comparison_label: str = "",
    comparison_unit: str = "",
    ratio: float | None = None,
    goal: str = "",
    database: str = "",
    load: float | None = None,
    note: str = "",
) -> None:
    """Append one figure to the run's results (nothing without BENCH_RESULTS); see the module's docstring."""
    path = os.environ.get(ENV)
    if not path:
        return
    known = _BY_ID.get(target)
    line = {
        "target": target,
        "figure": figure,
        "unit": unit,
        "comparison": comparison,
        "comparison_label": comparison_label,
        "comparison_unit": comparison_unit or unit,
        "ratio": ratio,
        "goal": goal or (known.goal if known else ""),
        "met": met,
        "database": database,
        "runs": runs,
        "load": round(os.getloadavg()[0] if load is None else load, 2),
        "note": note,
    }
    with open(path, "a", encoding="utf-8") as out:  # one short write per line: areas run one after another
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


def read(path: str | os.PathLike[str]) -> list[dict]:
    """The lines recorded in `path` (none if the file does not exist: no area recorded anything)."""
    file = Path(path)
    if not file.exists():
        return []
    return [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]


def _number(value: float | None, unit: str = "") -> str:
    """French digits: a narrow space between thousands, a decimal comma; an integer stays one."""
    if value is None:
        return "—"
    magnitude = abs(value)
    digits = (
        0 if magnitude >= 100 or isinstance(value, int) else 1 if magnitude >= 10 else 2 if magnitude >= 0.1 else 3
    )
    text = f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")
    if not unit:
        return text
    return f"{text}{unit}" if unit.startswith("/") else f"{text}\u00a0{unit}"


def _row(label: str, database: str, line: dict | None, goal: str) -> list[str]:
    if line is None:
        return [label, database or "—", "non mesuré", "—", "—", goal, "—", "—", "non mesuré"]
    comparison = "—"
    if line.get("comparison") is not None:
        comparison = f"{_number(line['comparison'], line.get('comparison_unit', ''))} ({line['comparison_label']})"
    ratio = f"{_number(line['ratio'])}\u00a0×" if line.get("ratio") is not None else "—"
    met = line.get("met")
    verdict = "atteint" if met is True else "non atteint" if met is False else "sans verdict"
    figure = _number(line["figure"], line["unit"]) + (f" ({line['note']})" if line.get("note") else "")
    return [
        label,
        line.get("database") or "—",
        figure,
        comparison,
        ratio,
        line.get("goal") or goal,
        str(line.get("runs", "—")),
        _number(line.get("load")),
        verdict,
    ]


def summary(lines: list[dict]) -> str:
    """One Markdown table: every target of TARGETS for each of its databases, then any other recorded id; the
    last recorded line wins when a target was recorded twice for one database."""
    latest: dict[tuple[str, str], dict] = {}
    for line in lines:
        latest[(line["target"], line.get("database", ""))] = line
    rows = []
    for target in TARGETS:
        databases = list(target.databases)
        databases += sorted(db for (tid, db) in latest if tid == target.id and db not in databases)
        for database in databases:
            rows.append(_row(target.label, database, latest.pop((target.id, database), None), target.goal))
    for (target_id, database), line in latest.items():
        rows.append(_row(target_id, database, line, line.get("goal", "")))
    header = ["Objectif (issue 14)", "Base", "Mesuré", "Comparaison, même tour", "Rapport", "But", "Tours", "Charge"]
    header.append("Verdict")
    table = [header, ["---"] * len(header), *rows]
    met = sum(row[-1] == "atteint" for row in rows)
    missed = sum(row[-1] == "non atteint" for row in rows)
    absent = sum(row[-1] == "non mesuré" for row in rows)
    text = "\n".join("| " + " | ".join(cells) + " |" for cells in table)
    return f"{text}\n\n{met} atteint(s), {missed} non atteint(s), {absent} non mesuré(s) sur {len(rows)}."
