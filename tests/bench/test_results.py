"""`make bench`'s summary (bench.results, bench.__main__): what the areas record, how the table reads it."""

import os
import tempfile
from pathlib import Path

from bench import __main__ as bench_main
from bench import results


def test_record_does_nothing_without_the_variable(monkeypatch, tmp_path):
    monkeypatch.delenv(results.ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    results.record(target="cards.size", figure=12_000, unit="octets", met=True, runs=1)
    assert list(tmp_path.iterdir()) == []


def test_the_summary_has_every_target_with_an_honest_verdict(monkeypatch, tmp_path):
    path = tmp_path / "results.jsonl"
    monkeypatch.setenv(results.ENV, str(path))
    results.record(
        target="api.detail",
        figure=300.0,
        unit="req/s",
        comparison=1500.0,
        comparison_label="/healthz",
        ratio=0.2,
        met=False,
        database="SQLite",
        runs=3,
    )
    results.record(target="cards.size", figure=38_512, unit="octets", met=True, runs=5, load=1.5)
    results.record(target="something.new", figure=1.0, unit="s", met=None, runs=1, goal="< 2 s")
    lines = results.read(path)
    assert [line["target"] for line in lines] == ["api.detail", "cards.size", "something.new"]
    assert lines[0]["goal"] == "≥ 0,4 ×" and lines[1]["load"] == 1.5
    table = results.summary(lines).splitlines()
    rows = {(cells[0], cells[1]): cells for cells in (line.strip("| ").split(" | ") for line in table if "|" in line)}
    detail = rows[("API GET /trainings/{id} ÷ /healthz", "SQLite")]
    assert detail[2:5] == ["300\u00a0req/s", "1\u202f500\u00a0req/s (/healthz)", "0,20\u00a0×"]
    assert detail[-1] == "non atteint"
    assert rows[("API GET /trainings/{id} ÷ /healthz", "PostgreSQL")][-1] == "non mesuré"
    assert rows[("Cartes : taille du plus gros PDF", "—")][-1] == "atteint"
    assert rows[("something.new", "—")][-1] == "sans verdict"
    expected_rows = sum(len(target.databases) for target in results.TARGETS) + 1
    assert table[-1] == f"1 atteint(s), 1 non atteint(s), {expected_rows - 3} non mesuré(s) sur {expected_rows}."


def test_python_m_bench_collects_the_areas_figures_and_removes_its_directory(monkeypatch, capsys):
    monkeypatch.setitem(bench_main.AREAS, "fake", ("tests.bench.fake_area", "Aire factice"))
    monkeypatch.setenv("BENCH_POSTGRES", "0")
    before = set(Path(tempfile.gettempdir()).glob("certiprev-bench-results-*"))
    assert bench_main.main(["fake"]) == 0
    out = capsys.readouterr().out
    assert "| Vérifications CP1 pures (bibliothèque) par cœur | — | 6\u202f000/s |" in out
    assert "| atteint |" in out
    assert set(Path(tempfile.gettempdir()).glob("certiprev-bench-results-*")) == before
    assert os.environ.get(results.ENV) is None
