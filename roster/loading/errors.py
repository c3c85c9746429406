"""What is wrong with a scenario: problems that name the file, the line, the key and a hint."""

from __future__ import annotations

from dataclasses import dataclass

from roster.labels import visible


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario file."""

    file: str
    line: int | None
    key: str
    message: str
    cell: str = ""
    """In a workbook: the cell (`Secondees!F12`, or `F12` in a CSV file), or the row."""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line and not self.file.startswith("<") else self.file
        if self.cell:
            where = f"{self.file}, {self.cell}"
        key = f" `{visible(self.key)}`" if self.key else ""
        return f"{visible(where)}:{key} {visible(self.message)}"


class ScenarioError(Exception):
    """A scenario file that cannot be used, with every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
