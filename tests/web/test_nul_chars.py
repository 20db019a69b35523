"""A NUL in a query or form value answers 400 naming the field; PostgreSQL would refuse
it deep in a filter (a 500 the form fuzz found on the GM overview and HR's lists)."""

from django.test import Client


def test_a_nul_in_a_query_or_form_is_refused_naming_the_field(db, django_user_model):
    """GET and POST, in both languages; a value without NUL passes on to the view."""
    user = django_user_model.objects.create_user("someone", password="x")
    c = Client()
    c.force_login(user)
    r = c.get("/hr/people/", {"department": "a\x00b"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and "department" in r.content.decode()
    r = c.post("/gm/approve/", {"cycle": "\x00"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 400 and "cycle" in r.content.decode()
    assert "空字符" in r.content.decode()
    assert c.get("/hr/people/", {"department": "ab"}).status_code != 400
