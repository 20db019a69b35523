"""Charts drawn on the server as SVG: served with the page, nothing fetched from
elsewhere (companies run this on intranets), readable without JavaScript. Every
chart has a title and a text alternative; the numbers are also in a table beside."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1f3a5f", "#2f5d8c", "#5b8cc0", "#9bbbe0", "#c9d9ee", "#e3e6eb")


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    cap: int | None = None


def _text_width(text: str) -> int:
    return sum(12 if ord(ch) > 0x2E80 else 7 for ch in text)


def bars(title: str, rows: list[Bar], width: int = 320) -> SafeString:
    """Horizontal bars, one per row, with the cap marked where there is one."""
    top = max([r.value for r in rows] + [r.cap or 0 for r in rows] + [1])
    height = 22 * len(rows) + 8
    # room for the longest label (12 px text: a Chinese character ~12 px, a Latin
    # letter ~7 px), so "Meets requirements" is never cut; the bars take the rest
    label_w = max(90, min(width // 2, max((_text_width(r.label) for r in rows), default=0) + 8))
    bar_w = width - label_w - 40
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for i, r in enumerate(rows):
        y = 4 + i * 22
        w = round(bar_w * r.value / top)
        over = r.cap is not None and r.value > r.cap
        colour = "#b00020" if over else PALETTE[1]
        parts.append(
            f'<text x="0" y="{y + 14}" font-size="12">{escape(r.label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{max(w, 1)}" height="14" fill="{colour}"/>'
            f'<text x="{label_w + max(w, 1) + 4}" y="{y + 14}" font-size="12">{r.value}</text>'
        )
        if r.cap is not None:
            x = label_w + round(bar_w * r.cap / top)
            parts.append(
                f'<line x1="{x}" x2="{x}" y1="{y}" y2="{y + 20}" stroke="#a35a00" '
                f'stroke-width="2" stroke-dasharray="3 2"/>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text is escaped above


def lines(
    title: str, labels: list[str], series: dict[str, list[float]], width: int = 520
) -> SafeString:
    """Percentages (0–100) over time, one line per series, with a legend."""
    height, left, bottom = 180, 34, 24
    n = max(len(labels), 2)
    step = (width - left - 34) / (n - 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height + 20 * len(series)}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for pct in (0, 50, 100):
        y = height - bottom - (height - bottom - 10) * pct / 100
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y:.0f}" y2="{y:.0f}" stroke="#e3e6eb"/>'
            f'<text x="0" y="{y + 4:.0f}" font-size="11">{pct}%</text>'
        )
    for i, label in enumerate(labels):
        x = left + i * step
        parts.append(
            f'<text x="{x:.0f}" y="{height - 6}" font-size="11" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    for k, (name, values) in enumerate(series.items()):
        colour = PALETTE[k * 2 % len(PALETTE)]
        points = " ".join(
            f"{left + i * step:.0f},{height - bottom - (height - bottom - 10) * v / 100:.0f}"
            for i, v in enumerate(values)
        )
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>'
            f'<rect x="{left}" y="{height + 6 + 20 * k}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{left + 18}" y="{height + 16 + 20 * k}" font-size="12">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text is escaped above


def sparkline(totals: list[Decimal], width: int = 120, height: int = 28) -> SafeString:
    """A person's last totals (0–100) as a small line."""
    if len(totals) < 2:
        return mark_safe("")
    step = width / (len(totals) - 1)
    points = " ".join(
        f"{i * step:.0f},{height - float(t) * (height - 2) / 100:.0f}" for i, t in enumerate(totals)
    )
    return mark_safe(  # noqa: S308 — numbers only
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-hidden="true"><polyline fill="none" stroke="#2f5d8c" stroke-width="1.5" '
        f'points="{points}"/></svg>'
    )
