"""Notification channels as plugins: a distribution registers a module under the
entry-point group `jixiao.channels` implementing `jixiao_notification_channel` (see
engine/plugins/hookspecs.py); each channel gets every notification of the companies
that configured it. E-mail and signed webhooks are built in; `examples/` has a WeCom /
DingTalk group-robot channel. A channel that fails is logged and never stops the others."""

from __future__ import annotations

import logging
from importlib import metadata

import pluggy

from engine.plugins import hookspecs

from .models import Notification

log = logging.getLogger(__name__)
GROUP = "jixiao.channels"


def _manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for ep in metadata.entry_points(group=GROUP):
        try:
            pm.register(ep.load(), name=ep.name)
        except (ImportError, AttributeError, ValueError) as exc:
            log.warning("channel %s cannot be loaded: %s", ep.name, exc)
    return pm


def deliver_to_channels(keys: list[str]) -> int:
    """Hand each notification to every plugin channel; returns how many accepted it."""
    pm = _manager()
    if not pm.get_plugins():
        return 0
    accepted = 0
    for n in Notification.objects.filter(key__in=keys).select_related("user"):
        for plugin in pm.get_plugins():
            hook = getattr(plugin, "jixiao_notification_channel", None)
            if hook is None:
                continue
            try:
                accepted += bool(hook(notification=n))
            except Exception:  # a plugin's failure must not stop the others
                log.exception("channel %s failed", pm.get_name(plugin))
    return accepted
