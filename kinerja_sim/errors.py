"""One error type for every bad input, listing *all* problems at once.

Policy analysts fix input files in Excel; a traceback that stops at the first bad cell makes
them iterate one cell at a time. Every loader and validator therefore collects
:class:`Problem` records and raises a single :class:`InputError` whose message lists them all
with file, row (or key path) and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    ``location`` is a 1-based spreadsheet row ("row 7") for data files or a dotted key path
    ("scheme.params.weights.skp") for scenario files; ``column`` names the data column when
    there is one.
    """

    file: str
    location: str
    message: str
    column: str | None = None
    expected: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}: {self.location}" if self.location else self.file
        if self.column:
            where += f", column '{self.column}'"
        text = f"{where}: {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        return text


@dataclass
class InputError(Exception):
    """Raised once per input with every :class:`Problem` found in it."""

    problems: list[Problem] = field(default_factory=list)
    max_listed: int = 200

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def message(self) -> str:
        n = len(self.problems)
        lines = [f"{n} problem{'s' if n != 1 else ''} found:"]
        lines += [f"  - {p}" for p in self.problems[: self.max_listed]]
        if n > self.max_listed:
            lines.append(f"  ... and {n - self.max_listed} more of the same kinds")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message


class ProblemCollector:
    """Accumulates problems; :meth:`raise_if_any` raises them together."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, location: str, message: str, column: str | None = None,
            expected: str | None = None) -> None:
        self.problems.append(Problem(file, location, message, column, expected))

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(list(self.problems))
