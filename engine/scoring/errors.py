"""Errors of the scoring core; they name the field and the rule so a person can fix
the input (the CLI prints them on one line, the web answers 400 with them)."""


class ScoringInputError(ValueError):
    """An input refused, naming the field and the rule. With `params`, `message` is an
    English template (`text`) filled with them: the edges say it in the reader's
    language (the same msgid is in the zh-Hans catalogue); `message` is the English."""

    def __init__(self, field: str, rule: str, message: str, **params: str):
        self.text, self.params = message, params
        message = message % params if params else message
        super().__init__(f"{field}: {message} [{rule}]")
        self.field = field
        self.rule = rule
        self.message = message


class TemplateError(ValueError):
    """A template that cannot be used; carries every problem found."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems
