"""Domain errors that every entry point (view, API, command) turns into the same answer.

Each error names the field and the rule, so a person knows what to fix; the HTTP
status and the CLI exit code are fixed per class so callers can rely on them.
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        rule: str | None = None,
        params: dict[str, str] | None = None,
    ):
        """With `params`, `message` is an English template (a msgid) filled with them:
        an edge says it in the reader's language (`text` and `params`)."""
        self.text, self.params = message, params or {}
        message = message % self.params if self.params else message
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule = rule

    def as_dict(self) -> dict[str, str | None]:
        return {"error": self.code, "field": self.field, "rule": self.rule, "message": self.message}

    def one_line(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{where}{self.message}".replace("\n", " ")


class InvalidInput(DomainError):
    status = 400
    code = "invalid"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"
