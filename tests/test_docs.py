"""The README and docs/ speak of this repository only: every file they point to is in it, every command exists."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_points_inside_the_repository(document):
    text = document.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    local = [target for target in targets if not re.match(r"[a-z]+:", target)]
    for target in local:
        resolved = (document.parent / target).resolve()
        assert resolved.is_relative_to(ROOT), f"{target} is outside the repository"
        assert resolved.exists(), f"{target} does not exist"
    assert "../shared" not in text


def test_the_make_targets_the_readme_names_exist():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", makefile, flags=re.MULTILINE))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"(?:^|`)make ([a-z-]+)", readme, flags=re.MULTILINE))
    assert named >= {"run", "test", "serve"}
    assert named <= targets


def test_the_readme_has_a_single_benchmark_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count("| what | measured | target |") == 1
    assert "cards/s" not in readme.split("## Benchmarks", 1)[0]
    assert "cards 168/s" not in readme  # the old prose figures that disagreed with the table
