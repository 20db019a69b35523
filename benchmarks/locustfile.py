"""The load test's people (run by benchmarks/load.py): each signs in with a session
prepared for them and does what an employee does at month-end — the inbox, their
appraisal's form, the live preview while typing, and once the self-review's submit."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

from locust import HttpUser, between, task

PEOPLE = json.loads(Path(os.environ["JIXIAO_LOAD_PEOPLE"]).read_text(encoding="utf-8"))
CSRF = "l" * 32
TURN = itertools.count()


class Employee(HttpUser):
    # Think time between two actions: reading the inbox, typing a paragraph. Set
    # JIXIAO_LOAD_THINK="0.5,2" to find the throughput limit instead.
    wait_time = between(*(float(x) for x in os.environ.get("JIXIAO_LOAD_THINK", "3,8").split(",")))

    def on_start(self):
        self.me = PEOPLE[next(TURN) % len(PEOPLE)]  # each simulated person is someone else
        self.client.cookies.set("sessionid", self.me["session"])
        self.client.cookies.set("csrftoken", CSRF)
        self.submitted = False
        self.base = f"/appraisals/{self.me['appraisal']}"
        self.step = f"{self.base}/steps/{self.me['step']}"

    def post(self, url, data, name):
        return self.client.post(
            url,
            data={**data, "csrfmiddlewaretoken": CSRF},
            headers={"X-CSRFToken": CSRF},
            name=name,
            allow_redirects=False,
        )

    @task(4)
    def inbox(self):
        self.client.get("/inbox/", name="inbox")

    @task(3)
    def form(self):
        self.client.get(f"{self.base}/", name="form")

    @task(3)
    def preview(self):
        if self.submitted:  # the step is handed in: nothing left to preview
            return self.form()
        self.post(f"{self.step}/preview/", {"comment": "本月完成装配任务"}, "preview")

    @task(1)
    def submit(self):
        if self.submitted:
            return
        with self.client.post(
            f"{self.step}/submit/",
            data={"comment": "本月完成装配任务", "csrfmiddlewaretoken": CSRF},
            headers={"X-CSRFToken": CSRF},
            name="submit",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            # 302: handed in; 409: another simulated person already handed in this one
            if r.status_code in (302, 409):
                r.success()
            self.submitted = True
