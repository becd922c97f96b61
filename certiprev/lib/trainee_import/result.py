"""What a parse returns: valid rows, errors and warnings; and the limits it applies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

from certiprev.lib.names import identity_key


@dataclass(frozen=True)
class ImportedTrainee:
    """One valid row. `email` and `external_id` are "" when absent."""

    line: int
    last_name: str
    first_names: str
    birth_date: dt.date
    email: str = ""
    external_id: str = ""

    @property
    def identity_key(self) -> str:
        return identity_key(self.last_name, self.first_names, self.birth_date)


@dataclass(frozen=True)
class ImportIssue:
    """An error or a warning. `line` is None for file-level issues; `field` is a stable English key or None."""

    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        return f"Ligne {self.line} : {self.message}" if self.line is not None else self.message


@dataclass
class ImportResult:
    rows: list[ImportedTrainee] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    file_format: str | None = None  # "csv" or "xlsx" once recognised

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, line: int | None, field_name: str | None, message: str) -> None:
        self.errors.append(ImportIssue(line, field_name, message))

    def warn(self, line: int | None, field_name: str | None, message: str) -> None:
        self.warnings.append(ImportIssue(line, field_name, message))


@dataclass(frozen=True)
class _Rules:
    existing_keys: Collection[str]
    today: dt.date
    min_age: int
    max_age: int
    max_bytes: int
    max_rows: int


class _Stop(Exception):
    """Abort reading: the error has already been recorded."""
