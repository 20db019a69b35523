"""No template of any installed pack names two of its items alike, in Chinese or in
English: a reader (a form, a confirmation, a result) tells the items apart by name
only (the sales supervisor read "Teamwork" twice: 团队协作配合 and 团队合作)."""

from collections import Counter

from engine.plugins.registry import discover


def _twins(names) -> list[str]:
    return sorted(n for n, k in Counter(n.strip().casefold() for n in names).items() if k > 1)


def test_every_template_names_each_item_once_in_each_language():
    """For every role of every valid pack: the items' Chinese names are distinct, and so
    are their English names (case aside)."""
    found = []
    for entry in discover():
        if not entry.valid:
            continue
        for t in entry.pack.roles:
            items = [*t.indicators, *t.events]
            for lang in ("name_zh", "name_en"):
                twins = _twins(getattr(i, lang) for i in items)
                if twins:
                    found.append((entry.name, t.role, lang, twins))
    assert found == []
