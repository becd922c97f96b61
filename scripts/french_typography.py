"""Write the non-breaking spaces of French typography into templates and messages (see certiprev/lib/typography.py).

    .venv/bin/python scripts/french_typography.py          # fix in place, list the files changed
    .venv/bin/python scripts/french_typography.py --check  # list what is missing, exit 1 if anything is
    .venv/bin/python scripts/french_typography.py --tests  # also the tests' expected messages (once, after a fix)

Safe to run again after a merge: only a plain space before « : ; ! ? », or inside « », is ever replaced.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from certiprev.lib.typography import fix_python, fix_template  # noqa: E402


def targets() -> list[Path]:
    """Templates (HTML and plain-text e-mails) and the Python modules whose strings users read."""
    package = ROOT / "certiprev"
    files = [p for p in package.rglob("templates/**/*") if p.suffix in (".html", ".txt")]
    files += [p for p in package.rglob("*.py") if "migrations" not in p.parts]
    return sorted(files)


# Tests whose strings are compared with text this script does not write (JavaScript, PDF text, cp1 vectors, input
# that the services clean): their literals stay as they are.
TESTS_LEFT_ALONE = {
    "tests/browser/test_verification_page.py",
    "tests/certificates/test_card_contents.py",
    "tests/lib/test_card_fastpdf.py",
    "tests/lib/test_card_pdf.py",
    "tests/lib/test_card_fonts.py",
    "tests/lib/test_cp1.py",
    "tests/lib/test_names.py",
    "tests/browser/test_french_pages.py",
    "tests/test_french_typography.py",
}


def test_targets() -> list[Path]:
    return [p for p in sorted((ROOT / "tests").rglob("*.py")) if str(p.relative_to(ROOT)) not in TESTS_LEFT_ALONE]


def fixed(path: Path, source: str) -> str:
    if path.suffix == ".py":
        return fix_python(source)
    return fix_template(source, html=path.suffix == ".html")


def main(argv: list[str]) -> int:
    check = "--check" in argv
    changed = []
    paths = targets() + (test_targets() if "--tests" in argv else [])
    for path in paths:
        source = path.read_text(encoding="utf-8")
        new = fixed(path, source)
        if new != source:
            changed.append(path.relative_to(ROOT))
            if not check:
                path.write_text(new, encoding="utf-8")
    for path in changed:
        print(path)
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
