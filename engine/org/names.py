"""People's and departments' names in the order a Chinese reader looks for them: by
pinyin (陈 chen before 王 wang before 张 zhang), not by code point, where 张 (U+5F20)
would come before 王 (U+738B) and 陈 (U+9648) after both.

A paginated list sorts in the database: PostgreSQL by its ICU Chinese collation
(`zh-x-icu`, pinyin order), SQLite by the `pinyin` collation registered on each of its
connections here (pypinyin). ICU knows no surname readings: on PostgreSQL 曾 sorts as
céng among the c's, here as zēng (SURNAMES); lists sorted in Python use name_key."""

from __future__ import annotations

from functools import lru_cache

from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate
from pypinyin import Style, lazy_pinyin

SQLITE_COLLATION = "pinyin"
POSTGRES_COLLATION = "zh-x-icu"


# Surnames read otherwise than the character's common reading (曾 zēng, not céng):
# a name's first character is read as a surname.
SURNAMES = {
    "曾": "zeng1",
    "单": "shan4",
    "仇": "qiu2",
    "区": "ou1",
    "解": "xie4",
    "查": "zha1",
    "朴": "piao2",
    "覃": "qin2",
    "翟": "zhai2",
    "乐": "yue4",
    "盖": "ge3",
    "缪": "miao4",
    "召": "shao4",
    "种": "chong2",
    "柏": "bai3",
    "纪": "ji3",
    "尉": "yu4",
}


@lru_cache(maxsize=65536)
def name_key(name: str) -> tuple[tuple[str, ...], str]:
    """The sort key of a name: its syllables in pinyin with tone numbers, lower case
    (a Latin name sorts by its letters among them), the first read as a surname, then
    the name itself for names that read alike (张伟 and 章伟)."""
    name = name or ""
    syllables = lazy_pinyin(name, style=Style.TONE3, neutral_tone_with_five=True)
    if name and name[0] in SURNAMES and syllables:
        syllables[0] = SURNAMES[name[0]]
    return tuple(s.lower() for s in syllables), name


def collate(a: str | None, b: str | None) -> int:
    ka, kb = name_key(a or ""), name_key(b or "")
    return (ka > kb) - (ka < kb)


def by_pinyin(field: str):
    """An order_by term for a name field, descending with a leading "-"."""
    desc = field.startswith("-")
    name = field.lstrip("-")
    vendor_collation = POSTGRES_COLLATION if connection.vendor == "postgresql" else SQLITE_COLLATION
    term = Collate(F(name), vendor_collation)
    return term.desc() if desc else term.asc()


def register_collation(sender, connection, **kwargs) -> None:
    """connection_created: give each SQLite connection the `pinyin` collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, collate)
