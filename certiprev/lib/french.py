"""French as users read it: counts with real plurals (no model imports)."""


def count_fr(n: int, singular: str, plural: str | None = None) -> str:
    """ "0 réussite", "1 réussite", "3 réussites" (0 and 1 take the singular); `plural`: "2 chevaux"."""
    word = singular if abs(n) <= 1 else (plural or f"{singular}s")
    return f"{n} {word}"
