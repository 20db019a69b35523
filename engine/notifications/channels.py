"""Notification channels as plugins: a distribution registers a module under the
entry-point group `jixiao.channels` implementing `jixiao_notification_channel` (see
engine/plugins/hookspecs.py). Each channel is one more way a person can be told, like
e-mail: it gets a row in the outbox for every notification of a person who has not
turned it off, and a failure is retried like a failed e-mail (engine/notifications/outbox.py).
E-mail and signed company webhooks are built in; `examples/` has a WeCom / DingTalk
group-robot channel."""

from __future__ import annotations

from importlib import metadata as metadata  # tests fake its entry points

from engine.plugins.groups import plugins_of

GROUP = "jixiao.channels"


def plugin_channels() -> dict[str, object]:
    """The installed channel plugins by name (engine/plugins/groups.py)."""
    return plugins_of(GROUP, "jixiao_notification_channel")


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
