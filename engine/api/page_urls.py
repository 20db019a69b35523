"""HR's API tokens page, under /hr/tokens/ beside HR's other pages."""

from django.urls import path

from . import pages

app_name = "api_tokens"

urlpatterns = [
    path("", pages.tokens_page, name="page"),
    path("<int:token_id>/revoke/", pages.token_revoke, name="revoke"),
]
