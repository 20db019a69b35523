"""Golden cases: expected numbers computed by hand from docs/rulepacks.md, with the
arithmetic in a comment beside each case."""

from engine.plugins.registry import get_template
from engine.scoring import score


def run(pack: str, role: str, **inputs) -> dict:
    return score(get_template(pack, role), inputs).to_json()


def ind(result: dict, code: str) -> str:
    return next(i["score"] for i in result["indicators"] if i["code"] == code)


def sec(result: dict, code: str) -> str:
    return next(s["score"] for s in result["sections"] if s["code"] == code)
