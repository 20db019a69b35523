"""A notification channel for a WeCom (企业微信) or DingTalk (钉钉) group robot: every
notification of the configured company is posted to the group as a text message.

Configure with environment variables (one robot per company code):
    JIXIAO_ROBOT_<COMPANY>=https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…
    JIXIAO_ROBOT_<COMPANY>=https://oapi.dingtalk.com/robot/send?access_token=…
Both robots accept the same body: {"msgtype": "text", "text": {"content": …}}.
"""

from __future__ import annotations

import json
import os
import urllib.request

from engine.notifications.wording import sentence
from engine.plugins.hookspecs import hookimpl

# How a person sees this channel on the page where they choose their channels.
label_zh = "企业微信 / 钉钉群机器人"
label_en = "WeCom / DingTalk group robot"


@hookimpl
def jixiao_notification_channel(notification) -> bool:
    url = os.environ.get(f"JIXIAO_ROBOT_{notification.company.code.upper()}")
    if not url or not url.startswith("https://"):
        return False
    text = sentence(notification.kind, notification.params or {}, notification.message)
    body = json.dumps({"msgtype": "text", "text": {"content": text}}).encode()
    request = urllib.request.Request(  # noqa: S310 — https only, checked above
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
        return 200 <= answer.status < 300
