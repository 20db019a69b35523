"""People are listed by the pinyin of their names (陈 < 王 < 张), not by code point."""

import pytest
from django.test import Client

from engine.org.models import Employee
from engine.org.names import by_pinyin, name_key

pytestmark = pytest.mark.django_db


def test_name_key_orders_by_pinyin():
    """张 (U+5F20) sorts before 王 (U+738B) by code point; by pinyin chen < wang < zhang,
    and a Latin name sorts by its letters among them."""
    names = ["张伟", "王芳", "陈静", "Li Lei"]
    assert sorted(names) != sorted(names, key=name_key)
    assert sorted(names, key=name_key) == ["陈静", "Li Lei", "王芳", "张伟"]


def test_a_surname_is_read_as_a_surname():
    """曾 as a surname is zēng (after 许 xu), not céng (before 邓 deng): 曾平 last."""
    assert sorted(["曾平", "邓刚", "许桂英"], key=name_key) == ["邓刚", "许桂英", "曾平"]


def test_the_database_sorts_names_by_pinyin(litong):
    """The database sorts a queryset by pinyin: SQLite's `pinyin` collation as name_key
    does; PostgreSQL's ICU collation reads every character by its common reading, so
    there a surname read otherwise (曾 zeng) sorts by its common reading (ceng)."""
    from django.db import connection
    from pypinyin import Style, lazy_pinyin

    names = list(
        Employee.objects.filter(company=litong.company)
        .order_by(by_pinyin("name"), "pk")
        .values_list("name", flat=True)
    )
    if connection.vendor == "postgresql":
        # ICU orders characters of one reading by a fixed character order of its own
        # (于 before 余), so only the readings are compared: they never go backwards
        first = [lazy_pinyin(n[:1], style=Style.NORMAL)[0] for n in names]
        assert first == sorted(first)
    else:
        assert names == sorted(names, key=name_key)
    assert names != sorted(names)  # the demo names differ in the two orders


def test_team_page_lists_by_pinyin(workshop, set_clock):
    """The head's /team/ sorted by name lists 王 (wang) before 张 (zhang), which code
    point order puts first."""
    w = workshop
    for user, name in (("staff02", "张伟"), ("staff03", "王芳")):
        Employee.objects.filter(user=w.u[user]).update(name=name)
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(w.u["workshop_head"])
    body = c.get("/team/?sort=name").content.decode()
    assert body.index("王芳") < body.index("张伟")
