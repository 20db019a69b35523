"""The `jixiao` command of an installed copy: every management command without
`manage.py` (`jixiao help`, `jixiao migrate`, `jixiao production`, …), which a wheel
installed with pip does not carry."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engine.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jixiao", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
