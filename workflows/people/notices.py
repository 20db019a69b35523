"""The notification list: newest first, unread ones on their own if asked, in pages;
marking read takes the ticked ones or all. Below it, how the person is told: e-mail and
each installed channel, on or off (the list here always stays)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from engine.notifications.channels import channels_of
from engine.notifications.models import Notification
from engine.notifications.services import channel_choice_set, notification_mark_read
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
        {
            "page": page,
            "items": page,
            "kept": kept_query(request),
            "filters": filters,
            "channels": _channels(request.user),
        },
    )


def _channels(user) -> list[dict]:
    zh = (get_language() or "").startswith("zh")
    return [{**c, "label": c["label_zh"] if zh else c["label_en"]} for c in channels_of(user)]


class ChannelForm(forms.Form):
    """Ticked channels; the choices are the installation's channels at the time."""

    channels = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].choices = [(c["channel"], c["label"]) for c in _channels(user)]


@login_required
@require_POST
def channels(request):
    form = ChannelForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose channels from the list."))
        return redirect("people:notifications")
    channel_choice_set(actor=request.user, on=form.cleaned_data["channels"])
    messages.success(request, _("Saved. New notifications reach you this way."))
    return redirect(reverse("people:notifications") + "#channels")
