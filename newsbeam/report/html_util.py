"""Small HTML helpers: every piece of text from the data passes through ``esc``.

The data comes from untrusted feeds, so text is always escaped and a link is
only made for an http or https URL.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

_SAFE_SCHEMES = frozenset({"http", "https"})


def esc(value: Any) -> str:
    """``value`` as escaped HTML text ("" for None); dates as ISO, floats rounded."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return html.escape(value.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
        return html.escape(value.strftime("%Y-%m-%d %H:%M"))
    if isinstance(value, dt.date):
        return html.escape(value.isoformat())
    if isinstance(value, float):
        return html.escape(f"{value:.2f}")
    return html.escape(str(value), quote=True)


def when(value: Any) -> str:
    """An ISO 8601 timestamp string as escaped "YYYY-MM-DD HH:MM" (other values escaped as they are)."""
    if isinstance(value, str):
        try:
            return esc(dt.datetime.fromisoformat(value))
        except ValueError:
            pass
    return esc(value)


def safe_href(url: Any) -> str | None:
    """The URL escaped for an href attribute when it is http(s) with a host, else None."""
    if not isinstance(url, str) or not url or any(ord(ch) < 0x21 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SAFE_SCHEMES or not parts.netloc:
        return None
    return html.escape(url, quote=True)


def link(url: Any, text: Any = None) -> str:
    """An <a> to ``url`` when it is safe; otherwise the escaped text or URL alone."""
    label = esc(text if text not in (None, "") else url)
    href = safe_href(url)
    if href is None:
        return label
    return f'<a href="{href}" rel="noopener noreferrer nofollow">{label}</a>'


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], attrs: str = "", numeric: Iterable[int] = ()) -> str:
    """An HTML table; ``headers`` are plain text, cells are already-escaped HTML."""
    right = set(numeric)
    head = "".join(f"<th{_num(i, right)}>{esc(h)}</th>" for i, h in enumerate(headers))
    body = "\n".join(
        "<tr>" + "".join(f"<td{_num(i, right)}>{cell}</td>" for i, cell in enumerate(row)) + "</tr>" for row in rows
    )
    sep = " " if attrs else ""
    return f"<table{sep}{attrs}><thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>"


def _num(index: int, numeric: set[int]) -> str:
    return ' class="num"' if index in numeric else ""


def message(text: str, element_id: str | None = None) -> str:
    """A visible note, e.g. why a section has no data."""
    id_attr = f' id="{esc(element_id)}"' if element_id else ""
    return f'<p class="empty"{id_attr}>{esc(text)}</p>'


def section(element_id: str, title: str, body: str, intro: str = "") -> str:
    """A titled page section."""
    intro_html = f'<p class="intro">{esc(intro)}</p>' if intro else ""
    return f'<section id="{esc(element_id)}">\n<h2>{esc(title)}</h2>\n{intro_html}\n{body}\n</section>'


def truncate(text: Any, limit: int) -> str:
    """``text`` as a string cut to ``limit`` characters with an ellipsis."""
    s = "" if text is None else str(text)
    return s if len(s) <= limit else s[: limit - 1] + "…"
