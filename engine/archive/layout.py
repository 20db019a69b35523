"""The form on A4: bordered tables in the order of the paper forms (seed 002, 004) —
header, indicators by section with subtotals, total and grade, outcomes, the chain's
confirmations, signatures, and the trail's proof. Draws what sheet.py put together;
fpdf2 embeds the CJK font subset to the characters used."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fpdf import FPDF, FontFace

from . import words
from .fonts import fonts_for

FAMILY = "cjk"
INK = (0, 0, 0)
SHADE = (235, 238, 242)
SECTION = (222, 228, 236)
WIDTH = 180  # A4 210 mm less 15 mm margins


class _Form(FPDF):
    footer_text = ""
    english = False

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 7.5)
        self.set_text_color(90, 90, 90)
        text = self.footer_text.replace("{page}", str(self.page_no()))
        self.cell(0, 5, text, align="C")
        self.set_text_color(*INK)


def _strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict | list | tuple):
        for v in value.values() if isinstance(value, dict) else value:
            yield from _strings(v)


STATIC = (
    words.SUBTOTAL,
    words.ADJUSTMENTS,
    words.TOTAL,
    words.GRADE,
    words.OUTCOMES_TITLE,
    words.CONFIRMATIONS,
    words.SYSTEM,
    words.FOOTER,
    words.TRAIL,
    *words.CONFIRM_COLUMNS.values(),
    *words.BY_HAND.values(),
    *words.TRAIL_LINES.values(),
)


def _fonts(pdf: FPDF, sheet: dict[str, Any]) -> None:
    """The full font, or its reduced copy when that has every character of the form."""
    text = [*_strings({k: v for k, v in sheet.items() if k != "zone"}), *map(str, STATIC)]
    for style, f in fonts_for([*text, "0123456789：:."]).items():
        pdf.add_font(FAMILY, style, str(f.path), collection_font_number=f.number)


HEAD = FontFace(emphasis="BOLD", fill_color=SHADE)
LABEL = FontFace(fill_color=SHADE)
BOLD = FontFace(emphasis="BOLD")
SEC = FontFace(emphasis="BOLD", fill_color=SECTION)


def _room(pdf: FPDF, height: float) -> None:
    """A new page unless `height` mm still fit above the footer: a heading never stands
    alone at the foot of a page, nor are the signature lines split."""
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()


def _heading(pdf: FPDF, text: str, room: float = 24) -> None:
    _room(pdf, room)
    pdf.ln(3)
    pdf.set_font(FAMILY, "B", 10.5)
    pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 9)


def _header(pdf: FPDF, sheet: dict[str, Any]) -> None:
    pairs = sheet["header"]
    with pdf.table(
        col_widths=(32, 58, 32, 58),
        first_row_as_headings=False,
        text_align="LEFT",
        line_height=5.2,
        padding=(1, 2),
    ) as table:
        for i in range(0, len(pairs), 2):
            row = table.row()
            for label, value in pairs[i : i + 2]:
                row.cell(label, style=LABEL)
                row.cell(value)


def _indicators(pdf: FPDF, sheet: dict[str, Any]) -> None:
    """The indicators by section, each section's subtotal, then the sum, the
    adjustments, the total and the grade at the foot of the same table (合计)."""
    cols = sheet["columns"]
    with pdf.table(
        col_widths=(11, 41, 15, 27, 32, 16, 38),
        text_align=("CENTER", "LEFT", "CENTER", "CENTER", "CENTER", "CENTER", "LEFT"),
        headings_style=HEAD,
        line_height=4.6,
        padding=(1, 1.2),
        v_align="MIDDLE",
    ) as table:
        head = table.row()
        for key in ("no", "indicator", "weight", "target", "actual", "score", "rater"):
            head.cell(cols[key], align="CENTER")
        if sheet["base"]:
            row = table.row()
            row.cell("")
            row.cell(sheet["base"]["label"], colspan=4)
            row.cell(sheet["base"]["score"])
            row.cell(str(words.SYSTEM))
        for sec in sheet["sections"]:
            if sec["label"]:
                table.row().cell(sec["label"], colspan=7, style=SEC, align="LEFT")
            for item in sec["items"]:
                row = table.row()
                for key in ("no", "label", "weight", "target", "actual", "score", "rater"):
                    row.cell(item[key])
            row = table.row()
            row.cell(str(words.SUBTOTAL), colspan=2, style=BOLD, align="RIGHT")
            row.cell(sec["weight"], style=BOLD)
            row.cell(sec["note"], colspan=2, align="CENTER")
            row.cell(sec["subtotal"], style=BOLD)
            row.cell("")
        _foot(table, sheet)


def _foot(table, sheet: dict[str, Any]) -> None:
    rows = []
    if sheet["adjustments"] or len(sheet["sections"]) > 1:
        rows.append((sheet["subtotal_label"], sheet["subtotal"], LABEL, None))
    if sheet["adjustments"]:
        rows.append((str(words.ADJUSTMENTS), "\n".join(sheet["adjustments"]), LABEL, None))
    rows.append((str(words.TOTAL), sheet["total"], HEAD, BOLD))
    rows.append((str(words.GRADE), sheet["grade"], HEAD, BOLD))
    for label, value, label_style, style in rows:
        row = table.row()
        row.cell(label, colspan=5, style=label_style, align="RIGHT")
        row.cell(value, colspan=2, style=style, align="LEFT")


def _outcomes(pdf: FPDF, sheet: dict[str, Any]) -> None:
    pairs = sheet["outcomes"]
    if not pairs:
        return
    _heading(pdf, str(words.OUTCOMES_TITLE))
    with pdf.table(
        col_widths=(46, 44, 46, 44),
        first_row_as_headings=False,
        text_align="LEFT",
        line_height=5,
        padding=(1, 2),
    ) as table:
        for i in range(0, len(pairs), 2):
            row = table.row()
            for label, value in pairs[i : i + 2]:
                row.cell(label, style=LABEL)
                row.cell(value)
            if len(pairs[i : i + 2]) == 1:
                row.cell("", colspan=2)


SHORT_NOTE = 160
PIECE_CHARS = 600
PIECE_LINES = 12


def pieces(text: str, chars: int = PIECE_CHARS, lines: int = PIECE_LINES) -> list[str]:
    """`text` cut into pieces of at most `chars` characters and `lines` lines, at line
    breaks where it can, else at a space, else anywhere: each piece, drawn in a table
    row of the form's width, stays well within one page."""
    out: list[str] = []
    part: list[str] = []
    size = 0
    for line in text.splitlines() or [""]:
        while len(line) > chars:
            cut = line.rfind(" ", chars // 2, chars)
            cut = cut if cut > 0 else chars
            if part:
                out.append("\n".join(part))
                part, size = [], 0
            out.append(line[:cut])
            line = line[cut:].lstrip(" ")
        if part and (size + len(line) > chars or len(part) >= lines):
            out.append("\n".join(part))
            part, size = [], 0
        part.append(line)
        size += len(line) + 1
    if part:
        out.append("\n".join(part))
    return out


def _confirmations(pdf: FPDF, sheet: dict[str, Any]) -> None:
    _heading(pdf, str(words.CONFIRMATIONS))
    cols = {k: str(v) for k, v in words.CONFIRM_COLUMNS.items()}
    rows = sheet["confirmations"] + sheet["signatures"]
    with pdf.table(
        col_widths=(72, 40, 34, 34),
        text_align="LEFT",
        headings_style=HEAD,
        line_height=5.2,
        padding=(1, 2),
    ) as table:
        head = table.row()
        for key in ("what", "who", "role", "when"):
            head.cell(cols[key], align="CENTER")
        for item in rows:
            row = table.row()
            note = item.get("note") or ""
            short = len(note) <= SHORT_NOTE and note.count("\n") < 4
            row.cell(f"{item['what']}\n{note}" if note and short else item["what"])
            row.cell(item["who"])
            row.cell(item["role"])
            row.cell(item["when"])
            if note and not short:
                # a long note (a decline's reason of up to 4,000 characters) runs in
                # full-width rows of at most a part of a page each: a table row must
                # fit on one page (fpdf2 refuses a taller one)
                for piece in pieces(note):
                    table.row().cell(piece, colspan=4)
    if not sheet["signatures"]:
        _by_hand(pdf)


def _by_hand(pdf: FPDF) -> None:
    """Lines to sign on paper, as the seed forms end (被考核人签名 / 考核人签名 / 日期):
    what the labels leave of the width shared 3 : 3 : 2 between the three lines."""
    _room(pdf, 16)
    pdf.ln(6)
    pdf.set_font(FAMILY, "", 9.5)
    colon = ": " if getattr(pdf, "english", False) else "："
    labels = [f"{words.BY_HAND[k]}{colon}" for k in ("employee", "rater", "date")]
    widths = [pdf.get_string_width(t) + 1 for t in labels]
    gap = 6
    room = WIDTH - sum(widths) - 2 * gap
    lines = [room * 3 / 8, room * 3 / 8, room * 2 / 8]
    y, x = pdf.get_y(), pdf.l_margin
    for label, width, line in zip(labels, widths, lines, strict=True):
        pdf.set_xy(x, y)
        pdf.cell(width, 7, label)
        pdf.line(x + width, y + 6, x + width + line, y + 6)
        x += width + line + gap
    pdf.set_y(y + 9)


def _trail(pdf: FPDF, sheet: dict[str, Any]) -> None:
    _heading(pdf, str(words.TRAIL))
    t = sheet["trail"]
    lines = words.TRAIL_LINES
    rows = []
    if t["hash"]:
        rows.append((str(lines["event"]), t["event"]))
        rows.append((str(lines["hash"]), t["hash"]))
        rows.append((str(lines["checkpoint"]), t["checkpoint"] or str(lines["none"])))
        if t["checkpoint_hash"]:
            rows.append(("", t["checkpoint_hash"]))
    else:
        rows.append((str(lines["event"]), str(lines["missing"])))
    with pdf.table(
        col_widths=(32, 148),
        first_row_as_headings=False,
        text_align="LEFT",
        line_height=4.6,
        padding=(0.8, 2),
    ) as table:
        for label, value in rows:
            row = table.row()
            row.cell(label, style=FontFace(size_pt=7.5, fill_color=SHADE))
            row.cell(value, style=FontFace(size_pt=7.5))


def render(sheet: dict[str, Any], *, generated_at: dt.datetime, language: str) -> tuple[bytes, int]:
    """The PDF's bytes and its number of pages."""
    pdf = _Form(orientation="portrait", unit="mm", format="A4")
    pdf.english = language.startswith("en")
    pdf.set_margins(15, 14, 15)
    pdf.set_auto_page_break(True, margin=16)
    _fonts(pdf, sheet)
    pdf.set_creation_date(generated_at)
    pdf.set_title(sheet["title"])
    pdf.set_author(sheet["header"][0][1])
    pdf.set_subject(sheet["subtitle"])
    pdf.set_creator("jixiao")
    pdf.set_lang("en" if language.startswith("en") else "zh-CN")
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.25)
    local = generated_at.astimezone(sheet["zone"]).strftime("%Y-%m-%d %H:%M")
    pdf.footer_text = words.FOOTER % {"at": local, "page": "{page}", "pages": "{nb}"}
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 16)
    pdf.cell(0, 9, sheet["title"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    pdf.cell(0, 6, sheet["subtitle"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FAMILY, "", 9)
    _header(pdf, sheet)
    pdf.ln(4)
    _indicators(pdf, sheet)
    _outcomes(pdf, sheet)
    _confirmations(pdf, sheet)
    _trail(pdf, sheet)
    data = bytes(pdf.output())
    return data, pdf.pages_count
