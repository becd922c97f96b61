"""French typography (issue 13, item 19): no plain space before « : ; ! ? » nor inside « » in what users read."""

import importlib.util
from pathlib import Path

import pytest

from certiprev.lib.typography import NBSP, fix_python, fix_template, fix_text

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("french_typography", ROOT / "scripts" / "french_typography.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_template_and_message_has_its_non_breaking_spaces():
    script = _script()
    missing = [
        str(path.relative_to(ROOT))
        for path in script.targets()
        if script.fixed(path, source := path.read_text(encoding="utf-8")) != source
    ]
    assert missing == [], "Run `.venv/bin/python scripts/french_typography.py` to fix: " + ", ".join(missing)


def test_the_scan_covers_the_templates_and_the_messages():
    names = {str(path.relative_to(ROOT)) for path in _script().targets()}
    assert "certiprev/www/templates/www/base.html" in names
    assert "certiprev/notifications/templates/notifications/email/validated.txt" in names
    assert "certiprev/trainings/policy.py" in names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Attention : la session", "Attention\u00a0: la session"),
        ("Renvoyer ?", "Renvoyer\u00a0?"),
        ("Fini ! Merci ; à bientôt", "Fini\u00a0! Merci\u00a0; à bientôt"),
        ("« Mon compte »", "«\u00a0Mon compte\u00a0»"),
        ("08:30 et https://x.fr", "08:30 et https://x.fr"),  # no space before the sign: nothing to do
        ("Déjà\u00a0: fait", "Déjà\u00a0: fait"),
    ],
)
def test_a_plain_space_before_a_high_sign_becomes_non_breaking(text, expected):
    assert fix_text(text) == expected


def test_a_template_is_fixed_in_its_text_and_read_attributes_only():
    source = (
        '{% if a %}<p title="Aide ?">{{ n }} : voir {% url "x" %} ?</p>{# note : rien #}'
        '<script>a ? b : c</script><form data-confirm="Retirer {{ t }} ?" class="a :b">'
    )
    fixed = fix_template(source, html=True)
    assert f'title="Aide{NBSP}?"' in fixed
    assert f"{{{{ n }}}}{NBSP}: voir" in fixed and f"%}}{NBSP}?</p>" in fixed
    assert "{# note : rien #}" in fixed and "<script>a ? b : c</script>" in fixed
    assert f'data-confirm="Retirer {{{{ t }}}}{NBSP}?"' in fixed and 'class="a :b"' in fixed


def test_python_strings_are_fixed_but_not_docstrings_raw_strings_or_expressions():
    source = 'def f(x):\n    """Doc : kept."""\n    return f"Refusé : {x if x else {1 : 2}} ; fin", r"a : b"\n'
    fixed = fix_python(source)
    assert '"""Doc : kept."""' in fixed and 'r"a : b"' in fixed
    assert f'f"Refusé{NBSP}: {{x if x else {{1 : 2}}}}{NBSP}; fin"' in fixed
    assert fix_python(fixed) == fixed  # running it again changes nothing
