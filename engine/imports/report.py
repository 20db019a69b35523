"""What an import answers: how many rows it read, what it created and updated, and
every bad row with its number, column and reason. Any bad row and nothing changes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class RowError:
    """`text` is a translatable template filled from `params` when it is read, so the
    page says it in the reader's language and the CLI in English."""

    row: int
    column: str
    text: Any
    params: dict = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return str(self.text) % self.params if self.params else str(self.text)


@dataclass
class Report:
    kind: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return not self.dry_run and self.ok and bool(self.created or self.updated)

    def bad(self, row: int, column: str, text: Any, /, **params: Any) -> None:
        """Positional-only, so a reason may name another row (`row=`) among its params."""
        self.errors.append(RowError(row, column, text, params))

    def as_dict(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if k != "errors"}
        out["errors"] = [
            {"row": e.row, "column": e.column, "reason": e.reason} for e in self.errors
        ]
        out["ok"], out["changed"] = self.ok, self.changed
        return out

    def one_line(self) -> str:
        first = self.errors[0]
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        return f"row {first.row}, {first.column}: {first.reason}{more}; nothing changed"
