"""Errors raised by the core packages, carrying what a user needs to fix their input."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Problem:
    """One thing wrong with an input file: where it is and what was expected."""

    message: str
    row: int | None = None  # 1-based data row (header excluded) or feature number
    column: str | None = None
    value: object = None
    expected: str | None = None
    file: str | None = None  # the file within a directory input (None: the input itself)

    def __str__(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(f"file {self.file}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        if self.value is not None:
            parts.append(f"value {self.value!r}")
        where = ", ".join(parts)
        text = f"{where}: {self.message}" if where else self.message
        if self.expected:
            text += f" (expected {self.expected})"
        return text


@dataclass
class InputRejected(Exception):
    """A whole input file refused; nothing was written to the store."""

    source: str
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        shown = self.problems[:20]
        lines = [f"{self.source}: refused, nothing was written ({len(self.problems)} problem(s))"]
        lines += [f"  - {p}" for p in shown]
        if len(self.problems) > len(shown):
            lines.append(f"  … and {len(self.problems) - len(shown)} more")
        return "\n".join(lines)


class StoreError(Exception):
    """The store is missing, unreadable, read-only or not an Områdekort store.

    Commands exit with status 2 on it; the web service answers 503.
    """


class StoreBusy(StoreError):
    """Another command held the store's writer lock longer than the caller would wait."""


class StoreChanged(StoreError):
    """Another writer changed the store after this command read it: nothing was written."""


class NotFound(LookupError):
    """An id (area, year, municipality) that the store does not know."""
