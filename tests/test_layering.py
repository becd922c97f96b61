"""The source tree keeps its layers: session states are read in `trainings/` only, and the two interfaces (`www`,
`api`) never import each other. These tests read the code itself, so that the rule stays true."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "certiprev"

# ---------------------------------------------------------------------------------------------------------------
# Session states outside trainings/

# A comparison with a state, a filter on it, or a named state or state set (the grep of issue 8).
PY_STATE = re.compile(
    r"\.state ?(==|!=|in )|state__in|\bstate=|TrainingState\.|OPEN_STATES|EDITABLE_STATES|RESULTS_STATES|"
    r"TRAINER_DONE_STATES"
)
TEMPLATE_STATE = re.compile(r"state ?==|[\"'](draft|submitted|returned|validated|closed|cancelled)[\"']")

# What the patterns find that is not a session-state decision: (path prefix, the allowed text, why).
PY_LEGITIMATE = [
    (
        "certiprev/certificates/selectors.py",
        r'(self|status)\.state [!=]= "(ready|purged|none|not_closed)"',
        "the state of the certificate files",
    ),
    ("certiprev/api/endpoints/certificates.py", r'status\.state [!=]= "(not_closed|purged)"', "the same files"),
    (
        "certiprev/api/endpoints/trainings.py",
        r"state=filters\.state",
        "the list's state filter, handed to trainings.selectors which reads it",
    ),
    ("certiprev/www/organisation/certificate_sections.py", r'files\.state == "ready"', "the same files"),
    (
        "certiprev/webhooks/",
        r'(state=|\.state == )DeliveryState\.\w+|Q\(state="pending"\)',
        "a webhook delivery's own states",
    ),
    ("certiprev/", r"TrainingState\.(choices|values)\b", "the labels: a filter's choices, a chart, the API schema"),
]
TEMPLATE_LEGITIMATE = [
    (
        "certiprev/www/templates/",
        r'\b(files\.state|row\.file_state) == "(ready|pending|failed|purged|none)"',
        "the state of the certificate files",
    ),
]
# The workflow mechanics (generic, for every workflow) and the session workflow itself.
# Each workflow owns its states: sessions (trainings), habilitation requests (habilitations), and the mechanics.
PY_OWNERS = ("certiprev/trainings/", "certiprev/habilitations/", "certiprev/lib/workflow.py")


def _offending(path: str, line: str, pattern: re.Pattern, legitimate) -> bool:
    for prefix, allowed, _why in legitimate:
        if path.startswith(prefix):
            line = re.sub(allowed, "", line)
    return bool(pattern.search(line))


def _scan(suffixes: tuple[str, ...], pattern: re.Pattern, legitimate, owners: tuple[str, ...] = ()) -> list[str]:
    found = []
    for file in sorted(PACKAGE.rglob("*")):
        path = file.relative_to(ROOT).as_posix()
        if file.suffix not in suffixes or path.startswith(owners) or "/migrations/" in path:
            continue
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if _offending(path, line, pattern, legitimate):
                found.append(f"{path}:{number}: {line.strip()}")
    return found


def test_no_python_module_outside_trainings_reads_a_session_state():
    assert _scan((".py",), PY_STATE, PY_LEGITIMATE, PY_OWNERS) == []


def test_no_template_compares_a_raw_state():
    assert _scan((".html", ".txt"), TEMPLATE_STATE, TEMPLATE_LEGITIMATE) == []


@pytest.mark.parametrize(
    "line",
    [
        "if training.state == TrainingState.CLOSED:",
        "queryset.filter(state__in=OPEN_STATES)",
        "Training.objects.filter(state=TrainingState.SUBMITTED)",
        "if status.state == 'ready' or training.state != 'closed':",
    ],
)
def test_the_state_guard_catches_a_state_decision_in_an_interface(line):
    assert _offending("certiprev/www/x.py", line, PY_STATE, PY_LEGITIMATE)


def test_the_state_guard_catches_a_raw_state_in_a_template():
    assert _offending("certiprev/www/templates/x.html", '{% if training.state == "validated" %}', TEMPLATE_STATE, [])
    assert _offending("certiprev/www/templates/x.html", '{% if files.state == "closed" %}', TEMPLATE_STATE, [])
    assert not _offending(
        "certiprev/www/templates/x.html", '{% if files.state == "ready" %}', TEMPLATE_STATE, TEMPLATE_LEGITIMATE
    )


# ---------------------------------------------------------------------------------------------------------------
# No interface imports another


def _module_name(file: Path) -> str:
    parts = list(file.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(file: Path) -> set[str]:
    """Every module the file imports, relative imports resolved (`from x import y` also yields `x.y`)."""
    module = _module_name(file)
    package = module if file.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"), filename=str(file))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            names.add(source)
            names.update(f"{source}.{alias.name}" for alias in node.names)
    return names


def _imports_of(package: str, forbidden: str) -> list[str]:
    found = []
    for file in sorted((PACKAGE / package).rglob("*.py")):
        for name in sorted(imported_modules(file)):
            if name == forbidden or name.startswith(f"{forbidden}."):
                found.append(f"{file.relative_to(ROOT).as_posix()} imports {name}")
    return found


@pytest.mark.parametrize(("package", "forbidden"), [("www", "certiprev.api"), ("api", "certiprev.www")])
def test_no_interface_imports_the_other(package, forbidden):
    assert _imports_of(package, forbidden) == []


def test_the_import_reader_resolves_relative_and_absolute_imports():
    source = PACKAGE / "www" / "accounts" / "views.py"
    names = imported_modules(source)
    assert "certiprev.accounts.api_tokens.api_token_create" in names  # absolute
    assert "certiprev.www.accounts.forms" in names  # `from .forms import …`
    api_module = PACKAGE / "api" / "endpoints" / "account.py"
    assert any(name.startswith("certiprev.api.") for name in imported_modules(api_module))  # `from ..x import …`
