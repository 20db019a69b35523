"""The scoring core: pure Python, no Django, no I/O.

`score(template, inputs)` turns a role template and one appraisal's inputs into a
`Result` that keeps every line of the computation (docs/rulepacks.md, "The template vocabulary"). The CLI
(`rulepacks score`) and the workflow call this same function.
"""

from .errors import ScoringInputError, TemplateError
from .inputs import Inputs, parse_inputs
from .result import Result
from .scorer import score
from .template import (
    AppealPolicy,
    AppealStep,
    ChainStep,
    Deadline,
    EventType,
    Grade,
    Indicator,
    LatePenalty,
    Level,
    RoleTemplate,
    Section,
)

__all__ = [
    "AppealPolicy",
    "AppealStep",
    "ChainStep",
    "Deadline",
    "EventType",
    "Grade",
    "Indicator",
    "Inputs",
    "LatePenalty",
    "Level",
    "Result",
    "RoleTemplate",
    "ScoringInputError",
    "Section",
    "TemplateError",
    "parse_inputs",
    "score",
]
