"""Notification channels as plugins: a distribution registers a module under the
entry-point group `jixiao.channels` implementing `jixiao_notification_channel` (see
engine/plugins/hookspecs.py). Each channel is one more way a person can be told, like
e-mail: it gets a row in the outbox for every notification of a person who has not
turned it off, and a failure is retried like a failed e-mail (engine/notifications/outbox.py).
E-mail and signed company webhooks are built in; `examples/` has a WeCom / DingTalk
group-robot channel."""

from __future__ import annotations

import logging
from importlib import metadata

import pluggy

from engine.plugins import hookspecs

log = logging.getLogger(__name__)
GROUP = "jixiao.channels"


def plugin_channels() -> dict[str, object]:
    """The installed channel plugins by name; one that cannot be loaded is left out
    (and logged), never a reason for the others to stop."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    found = {}
    for ep in metadata.entry_points(group=GROUP):
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
        except (ImportError, AttributeError, ValueError) as exc:
            log.warning("channel %s cannot be loaded: %s", ep.name, exc)
            continue
        if getattr(plugin, "jixiao_notification_channel", None) is not None:
            found[ep.name] = plugin
    return found


def personal_channels() -> list[str]:
    """What a person may turn on or off: e-mail and every installed plugin channel."""
    return ["email", *sorted(plugin_channels())]


def channels_of(user) -> list[dict]:
    """Each channel a person may choose, its words in both languages and whether it is
    on for them (e-mail only reaches a person with an address)."""
    from .models import ChannelChoice

    choice = ChannelChoice.objects.filter(user=user).first()
    off = set(choice.off if choice else [])
    plugins = plugin_channels()
    out = [
        {
            "channel": "email",
            "label_zh": "电子邮件",
            "label_en": "E-mail",
            "on": "email" not in off,
            "reachable": bool(user.email),
        }
    ]
    for name in sorted(plugins):
        plugin = plugins[name]
        out.append(
            {
                "channel": name,
                "label_zh": getattr(plugin, "label_zh", name),
                "label_en": getattr(plugin, "label_en", name),
                "on": name not in off,
                "reachable": True,
            }
        )
    return out
