"""What a person sees of a page: its text, without tags, attributes, scripts or styles;
and the raw codes that must never be part of it."""

import re
from html.parser import HTMLParser

# A field path (values.follow_up), or a snake_case code (in_progress, ticket_on_time).
RAW_CODE = re.compile(r"\b(?:values|deductions|events|context|targets)\.\w+|\b[a-z]+_[a-z_]+\b")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def raw_codes(html: str) -> list[str]:
    """Codes in the visible text; an e-mail address (a person's own) is not one."""
    return sorted(set(RAW_CODE.findall(EMAIL.sub(" ", visible_text(html)))))
