"""/favicon.ico: browsers and bookmark tools ask for it whatever the page links to; it
points at the app's own icon so the request is not a 404 in every log."""

from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request):
    return redirect(static("people/favicon.svg"))
