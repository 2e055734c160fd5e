"""Date expressions in news sentences, resolved against the publication date.

Absolute days and day ranges in every common order, months, years, weekdays
and relative expressions ("next week", "later this month", "in April last
year").  Week-relative expressions resolve to the month that contains the day
they point at (precision ``month``); weekdays, today, yesterday and tomorrow
to a day.  Without a publication date only expressions that state the year
are resolved.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from newsbeam.events.text import lower_agrees_with_ignorecase

MONTHS: tuple[str, ...] = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
MONTH_ABBR: tuple[str, ...] = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Substrings one of which a pattern needs to match at all (a cheap test before running it). Patterns compiled
# with re.I are tested on the lower-cased text, and only where lower() and re.I agree.
MONTH_STEMS: tuple[str, ...] = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DATE_GATES: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("dmy_range", MONTH_STEMS, False),
    ("mdy_range", MONTH_STEMS, False),
    ("dmy", MONTH_STEMS, False),
    ("mdy", MONTH_STEMS, False),
    ("month", MONTH_STEMS, False),
    ("year", ("19", "20"), False),
    ("rel_day", ("today", "tonight", "terday", "tomorrow", "morning", "afternoon", "evening"), True),
    ("weekday", ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), False),
    ("rel_week", ("week",), True),
    ("rel_month", ("month",), True),
    ("rel_year", ("year",), True),
    ("ago", ("ago",), True),
)
DAY_KINDS: frozenset[str] = frozenset({"dmy_range", "mdy_range", "dmy", "mdy"})  # these need a digit (\d)
WEEKDAYS: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class DateExpr:
    """A date expression found in text; ``start`` is None when it cannot be resolved."""

    pos: int
    end_pos: int
    text: str
    start: dt.date | None
    end: dt.date | None
    precision: str | None
    direction: int = 0  # -1 past cue ("last", "ago"), +1 future cue ("next"), 0 neutral


def _month_index(word: str) -> int:
    w = word.lower().rstrip(".")
    if w in MONTHS:
        return MONTHS.index(w) + 1
    if w[:3] in MONTH_ABBR and (len(w) == 3 or w == "sept"):
        return MONTH_ABBR.index(w[:3]) + 1
    return 0


def _shift_month(d: dt.date, delta: int) -> dt.date:
    m = d.month - 1 + delta
    return dt.date(d.year + m // 12, m % 12 + 1, 1)


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    if not 1 <= m <= 12:
        return None
    if not 1 <= d <= calendar.monthrange(y, m)[1]:
        return None
    return dt.date(y, m, d)


class DateFinder:
    """Finds and resolves date expressions; regexes compiled once in the constructor."""

    def __init__(self) -> None:
        mon = (
            r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
            r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
        )
        day = r"(\d{1,2})(?:st|nd|rd|th)?"
        rng = r"\s*(?:-|–|—|to|and|until|through|till)\s*"
        yr = r"(?:,?\s+(\d{4}))?"
        wd = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
        self.digit = re.compile(r"\d")
        self.gates: dict[str, tuple[tuple[str, ...], bool]] = {k: (w, f) for k, w, f in DATE_GATES}
        self.handlers: dict[str, Callable[[re.Match[str], dt.date | None], tuple | None]] = {
            k: getattr(self, "_r_" + k) for k, _w, _f in DATE_GATES
        }
        self.patterns: list[tuple[str, re.Pattern[str]]] = [
            ("dmy_range", re.compile(rf"\b(?:from\s+|on\s+|between\s+)?{day}{rng}{day}\s+(?:of\s+)?({mon}){yr}\b")),
            (
                "mdy_range",
                re.compile(
                    rf"\b(?:from\s+|on\s+|between\s+)?({mon})\s+{day}{rng}(?:({mon})\s+)?{day}\b(?!\s*(?:pct|%|per))"
                    rf"{yr}"
                ),
            ),
            ("dmy", re.compile(rf"\b(?:on\s+)?(?:{wd},?\s+)?{day}\s+(?:of\s+)?({mon}){yr}\b")),
            (
                "mdy",
                re.compile(
                    rf"\b(?:on\s+)?(?:{wd},?\s+)?({mon})\s+{day}\b(?![\d,]*\s*(?:pct|%|bln|mln|dlr))"
                    rf"(?:,?\s+(\d{{4}}))?"
                ),
            ),
            (
                "month",
                re.compile(
                    rf"\b(?:(?:in|during|since|until|by|from|for)\s+)?"
                    rf"(?:(early|mid|late|the end of|the start of)\s*-?\s*)?"
                    rf"({mon})(?:\s+(last|next|this)\s+year|\s+(\d{{4}}))?\b"
                ),
            ),
            (
                "year",
                re.compile(r"\b(?:(in|during|since|by|until|from|for|of)\s+)?((?:19|20)\d\d)\b(?!\s*(?:-|to)\s*\d)"),
            ),
            ("rel_day", re.compile(r"\b(today|tonight|yesterday|tomorrow|this (?:morning|afternoon|evening))\b", re.I)),
            (
                "weekday",
                re.compile(rf"\b(?:(on|next|last|this)\s+)?({wd})(?:'s)?(?:\s+(?:morning|afternoon|evening|night))?\b"),
            ),
            (
                "rel_week",
                re.compile(
                    r"\b(?:(?:at\s+)?the\s+(end|start|beginning)\s+of\s+)?(?:(later|earlier)\s+)?"
                    r"(this|last|next|the coming|"
                    r"the past|(?<=at )the|(?<=over )the)\s+week(?:end)?\b",
                    re.I,
                ),
            ),
            ("rel_month", re.compile(r"\b(?:(later|earlier)\s+)?(this|last|next|the coming|the past)\s+month\b", re.I)),
            ("rel_year", re.compile(r"\b(?:(later|earlier)\s+)?(this|last|next|the coming|the past)\s+year\b", re.I)),
            ("ago", re.compile(r"\b(a|one|two|three|four|five|six|\d+)\s+(day|week|month|year)s?\s+ago\b", re.I)),
        ]
        # the re.I patterns without re.I, for the lower-cased text where lower() and re.I agree (same matches)
        self.plain: dict[str, re.Pattern[str]] = {
            k: re.compile(p.pattern, p.flags & ~re.IGNORECASE) for k, p in self.patterns if p.flags & re.IGNORECASE
        }

    def find(self, text: str, pub: dt.date | None, low: str | None = None) -> list[DateExpr]:
        """All date expressions in ``text`` (non-overlapping, earliest pattern wins).  ``low``: ``text.lower()``
        when the caller has it and lower() and re.I agree on the text (else it is computed here)."""
        taken: list[tuple[int, int]] = []
        out: list[DateExpr] = []
        if low is None:
            low = text.lower() if lower_agrees_with_ignorecase(text) else None
        digit = self.digit.search(text) is not None
        gate_hits: dict[tuple[str, ...], bool] = {}  # several patterns share a gate (the month stems)
        for kind, pat in self.patterns:
            if kind in DAY_KINDS and not digit:
                continue
            words, folded = self.gates[kind]
            hay = text if not folded else low
            if hay is not None:
                hit = gate_hits.get(words)
                if hit is None:
                    hit = gate_hits[words] = any(map(hay.__contains__, words))
                if not hit:
                    continue
            plain = self.plain.get(kind) if low is not None else None
            for m in plain.finditer(low) if plain is not None and low is not None else pat.finditer(text):
                if taken and any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                expr = self._resolve(kind, m, pub, text)
                if expr is None:
                    continue
                taken.append((m.start(), m.end()))
                out.append(expr)
        out.sort(key=lambda d: d.pos)
        return out

    def _resolve(self, kind: str, m: re.Match[str], pub: dt.date | None, text: str) -> DateExpr | None:
        """The date of match ``m`` (on ``text`` or, for re.I kinds, on its lower-cased form: same offsets; the
        handlers lower-case what they read) with the expression as written in ``text``."""
        handler = self.handlers[kind]
        res: tuple[dt.date | None, dt.date | None, str | None, int] | None = handler(m, pub)
        if res is None:
            return None
        start, end, prec, direction = res
        written = text[m.start() : m.end()].strip()
        return DateExpr(m.start(), m.end(), written, start, end, prec if start else None, direction)

    @staticmethod
    def _year_for(month: int, pub: dt.date | None, explicit: str | None) -> int | None:
        if explicit:
            return int(explicit)
        if pub is None:
            return None
        return pub.year

    def _r_dmy_range(self, m: re.Match[str], pub: dt.date | None) -> tuple | None:
        d1, d2 = int(m.group(1)), _expand_day(int(m.group(1)), m.group(2))
        month = _month_index(m.group(3))
        return self._day_range(month, month, d1, d2, m.group(4), pub)

    def _r_mdy_range(self, m: re.Match[str], pub: dt.date | None) -> tuple | None:
        m1 = _month_index(m.group(1))
        m2 = _month_index(m.group(3)) if m.group(3) else m1
        d1 = int(m.group(2))
        d2 = _expand_day(d1, m.group(4)) if m2 == m1 else int(m.group(4))
        return self._day_range(m1, m2, d1, d2, m.group(5), pub)

    def _day_range(self, m1: int, m2: int, d1: int, d2: int, year: str | None, pub: dt.date | None) -> tuple | None:
        y = self._year_for(m1, pub, year)
        if y is None:
            return (None, None, None, 0)
        start = _safe_date(y, m1, d1)
        end = _safe_date(y if m2 >= m1 else y + 1, m2, d2)
        if start is None or end is None or end < start:
            return None
        return (start, end, "day", 0)

    def _r_dmy(self, m: re.Match[str], pub: dt.date | None) -> tuple | None:
        return self._single_day(_month_index(m.group(2)), int(m.group(1)), m.group(3), pub)

    def _r_mdy(self, m: re.Match[str], pub: dt.date | None) -> tuple | None:
        return self._single_day(_month_index(m.group(1)), int(m.group(2)), m.group(3), pub)

    def _single_day(self, month: int, d: int, year: str | None, pub: dt.date | None) -> tuple | None:
        y = self._year_for(month, pub, year)
        if y is None:
            return (None, None, None, 0)
        start = _safe_date(y, month, d)
        return None if start is None else (start, None, "day", 0)

    def _r_month(self, m: re.Match[str], pub: dt.date | None) -> tuple | None:
        word = m.group(2)
        if word.rstrip(".") == "May" and not (m.group(1) or m.group(3) or m.group(4)):
            lead = m.group(0).split()[0].lower()
            if lead not in ("in", "during", "since", "until", "by", "from", "for"):
                return None
        month = _month_index(word)
        rel, year = m.group(3), m.group(4)
        if year:
            return (dt.date(int(year), month, 1), None, "month", 0)
        if pub is None:
            return (None, None, None, 0)
        y = pub.year + {"last": -1, "next": 1}.get(rel or "", 0)
        return (dt.date(y, month, 1), None, "month", {"last": -1, "next": 1}.get(rel or "", 0))

    def _r_year(self, m: re.Match[str], pub: dt.date | None) -> tuple | None:
        if m.group(1) and m.group(1).lower() in ("since", "by", "until", "of"):
            return None
        return (dt.date(int(m.group(2)), 1, 1), None, "year", 0)

    def _r_rel_day(self, m: re.Match[str], pub: dt.date | None) -> tuple | None:
        if pub is None:
            return (None, None, None, 0)
        w = m.group(1).lower()
        delta = {"yesterday": -1, "tomorrow": 1}.get(w, 0)
        return (pub + dt.timedelta(days=delta), None, "day", delta)

    def _r_weekday(self, m: re.Match[str], pub: dt.date | None) -> tuple | None:
        lead = (m.group(1) or "").lower()
        direction = {"next": 1, "last": -1}.get(lead, 0)
        if pub is None:
            return (None, None, None, direction)
        target = WEEKDAYS.index(m.group(2).lower())
        back = (pub.weekday() - target) % 7
        if direction == 1:
            return (pub + dt.timedelta(days=(target - pub.weekday()) % 7 or 7), None, "day", 1)
        if direction == -1:
            return (pub - dt.timedelta(days=back or 7), None, "day", -1)
        return (pub - dt.timedelta(days=back), None, "day", 0)

    def _r_rel_week(self, m: re.Match[str], pub: dt.date | None) -> tuple | None:
        edge, _later, which = (m.group(1) or "").lower(), m.group(2), m.group(3).lower()
        direction = {"last": -1, "the past": -1, "next": 1, "the coming": 1}.get(which, 0)
        if pub is None:
            return (None, None, None, direction)
        day = pub + dt.timedelta(days=7 * direction)
        monday = day - dt.timedelta(days=day.weekday())
        if edge == "end":
            day = monday + dt.timedelta(days=4)
        elif edge:
            day = monday
        return (day.replace(day=1), None, "month", direction)

    def _r_rel_month(self, m: re.Match[str], pub: dt.date | None) -> tuple | None:
        which = m.group(2).lower()
        delta = {"last": -1, "the past": -1, "next": 1, "the coming": 1}.get(which, 0)
        if pub is None:
            return (None, None, None, delta)
        return (
            _shift_month(pub, delta),
            None,
            "month",
            delta or {"later": 1, "earlier": -1}.get((m.group(1) or "").lower(), 0),
        )

    def _r_rel_year(self, m: re.Match[str], pub: dt.date | None) -> tuple | None:
        which = m.group(2).lower()
        delta = {"last": -1, "the past": -1, "next": 1, "the coming": 1}.get(which, 0)
        if pub is None:
            return (None, None, None, delta)
        return (dt.date(pub.year + delta, 1, 1), None, "year", delta)

    def _r_ago(self, m: re.Match[str], pub: dt.date | None) -> tuple | None:
        if pub is None:
            return (None, None, None, -1)
        words = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
        raw = m.group(1).lower()
        n = int(raw) if raw.isdigit() else words[raw]
        unit = m.group(2).lower()
        if unit == "day":
            return (pub - dt.timedelta(days=n), None, "day", -1)
        if unit == "week":
            return ((pub - dt.timedelta(days=7 * n)).replace(day=1), None, "month", -1)
        if unit == "month":
            return (_shift_month(pub, -n), None, "month", -1)
        return (dt.date(pub.year - n, 1, 1), None, "year", -1)


def _expand_day(d1: int, d2s: str) -> int:
    """'27-8' means 27 to 28: a short second day borrows the first day's tens."""
    d2 = int(d2s)
    if d2 < d1 and len(d2s) == 1 and d1 >= 10:
        d2 = d1 // 10 * 10 + d2
        if d2 < d1:
            d2 += 10
    return d2


def toward_future(expr: DateExpr, pub: dt.date | None) -> DateExpr:
    """For a planned event, a neutral weekday or bare month before ``pub`` means the next one."""
    if pub is None or expr.start is None or expr.direction != 0 or expr.start >= pub:
        return expr
    if expr.precision == "day" and re.search(r"(?i)day\b", expr.text) and not re.search(r"\d", expr.text):
        return _replace(expr, expr.start + dt.timedelta(days=7))
    if expr.precision == "month" and not re.search(r"\d|this|last|week", expr.text) and expr.start.month < pub.month:
        return _replace(expr, expr.start.replace(year=expr.start.year + 1))
    return expr


def toward_past(expr: DateExpr, pub: dt.date | None) -> DateExpr:
    """For a completed event, a bare month after ``pub`` ("attended the summit in November") means the last one."""
    if pub is None or expr.start is None or expr.direction != 0 or expr.start <= pub:
        return expr
    if expr.precision == "month" and not re.search(r"\d|this|next|week", expr.text) and expr.start.month > pub.month:
        return _replace(expr, expr.start.replace(year=expr.start.year - 1))
    return expr


def _replace(expr: DateExpr, start: dt.date) -> DateExpr:
    return DateExpr(expr.pos, expr.end_pos, expr.text, start, None, expr.precision, expr.direction)
