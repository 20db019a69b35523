"""Errors of the scoring core; they name the field and the rule so a person can fix
the input (the CLI prints them on one line, the web answers 400 with them)."""


class ScoringInputError(ValueError):
    def __init__(self, field: str, rule: str, message: str):
        super().__init__(f"{field}: {message} [{rule}]")
        self.field = field
        self.rule = rule
        self.message = message


class TemplateError(ValueError):
    """A template that cannot be used; carries every problem found."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems
