"""Shared set-up for the engine benchmarks: a throw-away database (SQLite file or a
fresh PostgreSQL database) and a company of N employees built in bulk."""

from __future__ import annotations

import atexit
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def use_database(kind: str, template: str = "") -> str:
    """Point Django at a new empty database (on PostgreSQL a copy of `template` when
    given, e.g. one a benchmark saved with its data built) and migrate it."""
    if kind == "sqlite":
        path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        name = f"jixiao_bench_{os.getpid()}"
        base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
        create = f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else "")
        subprocess.run(["psql", f"{base}/postgres", "-qc", create], check=True)
        if os.environ.get("BENCH_KEEP"):  # to look at the plans afterwards
            print(f"  keeping database {name}")
        else:
            atexit.register(
                lambda: subprocess.run(
                    ["psql", f"{base}/postgres", "-qc", f"DROP DATABASE {name}"], check=False
                )
            )
        os.environ["DATABASE_URL"] = f"{base}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engine.settings")
    os.environ.setdefault("JIXIAO_DEBUG", "1")
    os.environ.setdefault("JIXIAO_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    # As in production, e-mail is handed to the Redis broker, not sent inside the sweep.
    os.environ.setdefault("JIXIAO_CELERY_EAGER", "0")
    import django

    django.setup()
    from django.db import connections

    from engine.celery import app

    atexit.register(connections.close_all)  # runs before the DROP registered above
    atexit.register(app.control.purge)  # nothing may run later against a dropped database
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return os.environ["DATABASE_URL"]


def save_as(template: str) -> None:
    """Keep the PostgreSQL database as it is now as `template` (for `use_database`), so
    that several runs start from the same data without building it again."""
    from django.db import connection, connections

    current = connection.settings_dict["NAME"]
    connections.close_all()
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    subprocess.run(["psql", f"{base}/postgres", "-qc", f"DROP DATABASE IF EXISTS {template}"])
    create = f"CREATE DATABASE {template} TEMPLATE {current}"
    subprocess.run(["psql", f"{base}/postgres", "-qc", create], check=True)
    print(f"  saved as {template}")


def build_company(n: int, code: str = "bench", pack: str = "general", role: str = "staff"):
    """One company, 10 departments, supervisors over groups of 20, all on one pack role
    (general staff unless told)."""
    from django.contrib.auth import get_user_model

    from engine.appraisals import services
    from engine.org.models import Company, CompanyRole, Department, Employee, Position

    User = get_user_model()
    t0 = time.perf_counter()
    co = Company.objects.create(code=code, name=code)
    depts = [Department.objects.create(company=co, code=f"d{i}", name=f"D{i}") for i in range(10)]
    pos = Position.objects.create(company=co, code="staff", name_zh="职员", name_en="Staff")
    hr = User.objects.create(username=f"{code}_hr")
    gm = User.objects.create(username=f"{code}_gm")
    CompanyRole.objects.bulk_create(
        [CompanyRole(company=co, user=hr, role="hr"), CompanyRole(company=co, user=gm, role="gm")]
    )
    users = User.objects.bulk_create(
        [User(username=f"{code}_{i}") for i in range(n)], batch_size=2000
    )
    emps = Employee.objects.bulk_create(
        [
            Employee(
                company=co,
                user=u,
                number=f"E{i}",
                name=f"e{i}",
                department=depts[i % 10],
                position=pos,
                hire_date=dt.date(2024, 1, 1),
            )
            for i, u in enumerate(users)
        ],
        batch_size=2000,
    )
    for i, e in enumerate(emps):
        if i % 20:
            e.supervisor_id = emps[i - i % 20].pk
    Employee.objects.bulk_update(emps, ["supervisor"], batch_size=2000)
    services.pack_activate(actor=hr, company=co, pack=pack)
    services.position_map(actor=hr, company=co, position=pos, pack=pack, role=role)
    print(f"  built {n} employees in {time.perf_counter() - t0:.1f}s")
    return co, hr
