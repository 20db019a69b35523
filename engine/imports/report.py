"""What an import answers: how many rows it read, what it created and updated, and
every bad row with its number, column and reason. Any bad row and nothing changes.

Rows that cannot apply any more (an appraisal closed since the template was made) are
not bad rows: they are skipped with a note, so a downloaded template always imports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language


@dataclass(frozen=True)
class Words:
    """A name in both languages, said in the reader's language when the message is
    read (the page in the request's language, the CLI in English)."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.en if (get_language() or "zh-hans").startswith("en") else self.zh


def quoted(text: str) -> Words:
    """What the file says, quoted as the reader quotes."""
    return Words(f"“{text}”", f'"{text}"')


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
        if not self.params:
            return str(self.text)
        return str(self.text) % {k: str(v) for k, v in self.params.items()}


@dataclass(frozen=True)
class Change:
    """One value a confirmed import will write: where it comes from (the row), what it
    is (who and which indicator, in words) and the value before and after, as stored —
    the page shows them by the indicator's unit."""

    row: int
    what: Any
    before: Any
    after: Any
    indicator: Any = None  # the Indicator, so a reader can show the values by its unit


@dataclass
class Report:
    kind: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    sheet: str = ""
    errors: list[RowError] = field(default_factory=list)
    notes: list[RowError] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return not self.dry_run and self.ok and bool(self.created or self.updated)

    def bad(self, row: int, column: str, text: Any, /, **params: Any) -> None:
        """Positional-only, so a reason may name another row (`row=`) among its params."""
        self.errors.append(RowError(row, column, text, params))

    def skip(self, row: int, column: str, text: Any, /, **params: Any) -> None:
        """A row left as it is, with the reason; not a refusal."""
        self.skipped += 1
        self.notes.append(RowError(row, column, text, params))

    def as_dict(self) -> dict:
        out: dict[str, Any] = {
            k: getattr(self, k)
            for k in ("kind", "dry_run", "rows", "created", "updated", "unchanged", "skipped")
        }
        out["sheet"] = self.sheet
        out["errors"] = [
            {"row": e.row, "column": e.column, "reason": e.reason} for e in self.errors
        ]
        out["notes"] = [{"row": e.row, "column": e.column, "reason": e.reason} for e in self.notes]
        out["changes"] = [
            {"row": c.row, "what": str(c.what), "before": c.before, "after": c.after}
            for c in self.changes
        ]
        out["ok"], out["changed"] = self.ok, self.changed
        return out

    def one_line(self, column_words: Callable[[str], str] = str) -> str:
        """The first bad row for the CLI; `column_words` names a column as a header."""
        first = self.errors[0]
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        where = f"sheet {self.sheet!r}, " if self.sheet else ""
        return (
            f"{where}row {first.row}, column {column_words(first.column)!r}: {first.reason}{more}; "
            "nothing changed"
        )
