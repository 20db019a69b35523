"""The notification list: newest first, unread ones on their own if asked, in pages;
marking read takes the ticked ones or all."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from engine.notifications.models import Notification
from engine.notifications.services import notification_mark_read
from workflows.common.listing import FilterForm, kept_query, page_of


class NoticeFilter(FilterForm):
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("", _("All")), ("unread", _("Unread only"))],
    )


class IdList(forms.Field):
    """Ticked row ids; marking read filters by the reader, so no choice list is needed."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        ids = []
        for raw in value or []:
            if not (str(raw).isascii() and str(raw).isdigit()) or not 0 < int(raw) < 2**31:
                raise forms.ValidationError(_("Choose notifications from the list."))
            ids.append(int(raw))
        return ids


class MarkRead(forms.Form):
    ids = IdList(required=False)
    every = forms.BooleanField(required=False)


@login_required
def notifications(request):
    if request.method == "POST":
        form = MarkRead(request.POST)
        if form.is_valid():
            every = form.cleaned_data["every"]
            notification_mark_read(
                user=request.user, ids=None if every else form.cleaned_data["ids"]
            )
        return redirect("people:notifications")
    filters = NoticeFilter(request.GET)
    items = Notification.objects.filter(user=request.user)
    if filters.is_valid() and filters.cleaned_data["show"] == "unread":
        items = items.filter(read_at__isnull=True)
    page = page_of(request, items.order_by("-created_at", "-pk"))
    return render(
        request,
        "people/notifications.html",
        {"page": page, "items": page, "kept": kept_query(request), "filters": filters},
    )
