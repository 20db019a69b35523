"""`python manage.py archive_font`: keep the reduced copy of the CJK font the appraisal
forms are drawn with (engine/archive/fonts.py); an install step, like collectstatic."""

import sys

from django.core.management.base import BaseCommand

from engine.archive.fonts import font_copies_build
from engine.errors import DomainError


class Command(BaseCommand):
    help = "Write the reduced copy of the PDF forms' CJK font into JIXIAO_PDF_FONT_CACHE."

    def handle(self, *args, **options):
        try:
            paths = font_copies_build()
        except DomainError as exc:
            sys.stderr.write(exc.one_line() + "\n")
            sys.exit(2)
        for path in paths:
            self.stdout.write(f"{path} ({path.stat().st_size} bytes)")
