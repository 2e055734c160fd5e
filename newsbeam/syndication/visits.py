"""Consolidated visits: one row per real-world visit, from all its reports.

``visit_events/`` has one row per visit per article; the same visit is
reported by many articles (syndicated copies, follow-ups, the planned visit
and then the completed one). :func:`consolidate_visits` merges them.

The merge rule (``docs/syndication.md``):

1. Reports merge only with the same visitor and the same destination
   country. Visitor names are compared folded (case, punctuation); a name
   that is the tail of exactly one longer name for that destination ("Khan"
   and "Imran Khan") is that person.
2. ...and compatible dates. Each report has a date window: its dates (a day
   or range with one day of slack, a whole month, a whole year), or, when
   undated, a window implied by its status and publication time (planned,
   proposed or cancelled: the 180 days after; completed: the 180 days
   before; ongoing: a week either side). Reports are taken most precise
   first; each joins the visit whose window overlaps its own (a copy of the
   same story first, then the nearest), or starts a new visit.
3. The visit's dates are the most precise reported (the most reported of
   those, then the latest); its status is that of the latest report, except
   that a visit that took place (``ongoing``, ``completed``) does not move
   back to ``planned``/``proposed``/``cancelled`` on a stale copy, nor from
   ``completed`` back to ``ongoing``.
4. Confidence: ``1 - prod(1 - c)`` over independent stories, ``c`` the best
   confidence among one story's copies (a near-duplicate cluster counts
   once, so syndication does not inflate it).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Row = dict[str, Any]

PRECISION_RANK = {"day": 0, "month": 1, "year": 2}
DAY_SLACK = dt.timedelta(days=1)
UNDATED_SPAN = dt.timedelta(days=180)
ONGOING_SPAN = dt.timedelta(days=7)
HAPPENED = frozenset({"ongoing", "completed"})
NOT_YET = frozenset({"planned", "proposed", "cancelled"})

Window = tuple[dt.date, dt.date]


@dataclass
class _Report:
    row: Row
    seen: dt.datetime | None
    cluster: str
    window: Window | None
    rank: int  # date precision rank; 3 when undated


@dataclass
class _Visit:
    anchor: Window | None
    # Filled only through add(), which keeps ``clusters`` (the reports' stories) in step.
    reports: list[_Report] = field(default_factory=list, init=False)
    clusters: set[str] = field(default_factory=set, init=False)

    def add(self, report: _Report) -> None:
        self.reports.append(report)
        self.clusters.add(report.cluster)


def _tokens(name: str | None) -> tuple[str, ...]:
    cleaned = "".join(c if c.isalnum() else " " for c in (name or "").lower())
    return tuple(cleaned.split())


def canonical_visitors(names: Iterable[tuple[str, ...]]) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Each folded name to the name it stands for: itself, or the one longer
    name whose tail it is ("khan" -> "imran khan") when exactly one exists."""
    distinct = set(names)
    out = {}
    for name in distinct:
        longer = [m for m in distinct if len(m) > len(name) and m[-len(name):] == name] if name else []
        out[name] = longer[0] if len(longer) == 1 else name
    return out


def date_window(row: Row) -> Window | None:
    """The days a dated report covers, or None when it has no date."""
    start = row.get("start_date")
    if start is None:
        return None
    precision = row.get("date_precision") or "day"
    if precision == "year":
        lo, hi = dt.date(start.year, 1, 1), dt.date(start.year, 12, 31)
    elif precision == "month":
        lo = dt.date(start.year, start.month, 1)
        hi = dt.date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    else:
        lo, hi = start - DAY_SLACK, start + DAY_SLACK
    end = row.get("end_date")
    if end is not None and end + DAY_SLACK > hi:
        hi = end + DAY_SLACK
    return lo, hi


def implied_window(status: str | None, seen: dt.datetime | None) -> Window | None:
    """The window an undated report points at, from its status and time."""
    if seen is None:
        return None
    day = seen.date()
    if status == "completed":
        return day - UNDATED_SPAN, day
    if status == "ongoing":
        return day - ONGOING_SPAN, day + ONGOING_SPAN
    return day, day + UNDATED_SPAN


def _overlap(a: Window, b: Window) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _middle(w: Window) -> dt.date:
    return w[0] + (w[1] - w[0]) / 2


def _report(row: Row, articles: Mapping[str, Row]) -> _Report:
    article = articles.get(row.get("article_id") or "", {})
    seen = row.get("published_at") or article.get("published_at") or article.get("fetched_at")
    explicit = date_window(row)
    window = explicit or implied_window(row.get("status"), seen)
    rank = PRECISION_RANK.get(row.get("date_precision") or "day", 0) if explicit else 3
    cluster = article.get("cluster_id") or row.get("article_id") or row["event_id"]
    return _Report(row, seen, cluster, window, rank)


def _sort_key(r: _Report) -> tuple[int, float, str]:
    return (r.rank, r.seen.timestamp() if r.seen else float("inf"), r.row["event_id"])


def _pick(visits: list[_Visit], report: _Report) -> _Visit | None:
    """The visit a report joins: same story first, then the nearest window."""
    if report.window is None:
        return max(visits, key=lambda v: len(v.reports), default=None)
    fits = [v for v in visits if v.anchor is None or _overlap(v.anchor, report.window)]
    if not fits:
        return None
    middle = _middle(report.window)
    return min(fits, key=lambda v: (report.cluster not in v.clusters,
                                    abs((_middle(v.anchor) - middle).days) if v.anchor else 0))


def merge_reports(reports: list[_Report]) -> list[list[_Report]]:
    """Reports of one visitor and destination, grouped into visits."""
    visits: list[_Visit] = []
    for report in sorted(reports, key=_sort_key):
        visit = _pick(visits, report)
        if visit is None:
            visit = _Visit(report.window)
            visits.append(visit)
        visit.add(report)
    return [v.reports for v in visits]


def _most_common(values: Iterable[Any]) -> Any:
    counts = Counter(v for v in values if v not in (None, ""))
    if not counts:
        return None
    return min(counts, key=lambda v: (-counts[v], str(v)))


def _status(reports: list[_Report]) -> tuple[str | None, dt.datetime | None]:
    """The latest status (never back from a visit that took place), and
    when it was last reported."""
    status: str | None = None
    for r in sorted(reports, key=lambda r: (r.seen or dt.datetime.min.replace(tzinfo=dt.timezone.utc))):
        new = r.row.get("status")
        if not new or (status == "completed" and new != "completed") or (status in HAPPENED and new in NOT_YET):
            continue
        status = new
    seen = [r.seen for r in reports if r.row.get("status") == status and r.seen is not None]
    return status, max(seen, default=None)


def _dates(reports: list[_Report]) -> tuple[dt.date | None, dt.date | None, str | None]:
    dated = [r for r in reports if r.rank < 3]
    if not dated:
        return None, None, None
    best = min(r.rank for r in dated)
    tops = [r for r in dated if r.rank == best]
    counts = Counter((r.row["start_date"], r.row.get("end_date")) for r in tops)
    latest = {k: max((r.seen.timestamp() if r.seen else 0.0) for r in tops
                     if (r.row["start_date"], r.row.get("end_date")) == k) for k in counts}
    start, end = max(counts, key=lambda k: (counts[k], k[1] is not None, latest[k]))
    return start, end, tops[0].row.get("date_precision") or "day"


def _confidence(reports: list[_Report]) -> float:
    best: dict[str, float] = {}
    for r in reports:
        c = r.row.get("confidence")
        c = 0.5 if c is None else min(1.0, max(0.0, float(c)))
        best[r.cluster] = max(best.get(r.cluster, 0.0), c)
    miss = 1.0
    for c in best.values():
        miss *= 1.0 - c
    return round(1.0 - miss, 4)


def _visitor(reports: list[_Report]) -> str | None:
    names = [r.row.get("visitor") for r in reports if r.row.get("visitor")]
    if not names:
        return None
    counts = Counter(names)
    return min(counts, key=lambda n: (-len(_tokens(n)), -counts[n], n))


def visit_row(reports: list[_Report], articles: Mapping[str, Row]) -> Row:
    """One ``visits/`` row from the reports of one visit."""
    rows = [r.row for r in reports]
    seen = [r.seen for r in reports if r.seen is not None]
    first = min(reports, key=lambda r: (r.seen is None, r.seen.timestamp() if r.seen else 0.0, r.row["event_id"]))
    start, end, precision = _dates(reports)
    status, status_seen = _status(reports)
    publishers = {r.get("publisher") or articles.get(r["article_id"], {}).get("publisher") for r in rows}
    return {
        "visit_id": hashlib.sha1(f"visit|{first.row['event_id']}".encode()).hexdigest(),
        "visitor": _visitor(reports),
        **{k: _most_common(r.get(k) for r in rows)
           for k in ("visitor_title", "visitor_country", "host", "host_title", "destination_city")},
        "destination_country": rows[0]["destination_country"],
        "start_date": start,
        "end_date": end,
        "date_precision": precision,
        "status": status,
        "status_seen_at": status_seen,
        "first_seen": min(seen, default=None),
        "last_seen": max(seen, default=None),
        "article_count": len({r["article_id"] for r in rows}),
        "publisher_count": len(publishers - {None}),
        "story_count": len({r.cluster for r in reports}),
        "event_ids": sorted(r["event_id"] for r in rows),
        "confidence": _confidence(reports),
    }


def _by_visitor_and_destination(reports: list[_Report]) -> dict[tuple[Any, ...], list[_Report]]:
    groups: dict[tuple[Any, ...], list[_Report]] = {}
    by_dest: dict[str, list[_Report]] = {}
    for r in reports:
        by_dest.setdefault(r.row["destination_country"], []).append(r)
    folded: dict[str | None, tuple[str, ...]] = {}  # each name folded once, however often it is reported
    for dest, rs in by_dest.items():
        names = [r.row.get("visitor") for r in rs]
        for name in set(names) - folded.keys():
            folded[name] = _tokens(name)
        canon = canonical_visitors(folded[name] for name in names)
        for r, name in zip(rs, names):
            groups.setdefault((dest, canon[folded[name]]), []).append(r)
    return groups


def consolidate_visits(events: Iterable[Row], articles: Mapping[str, Row] | None = None) -> list[Row]:
    """``visits/`` rows from ``visit_events/`` rows. ``articles`` maps
    ``article_id`` to its ``cluster_id``, ``published_at``, ``fetched_at``
    and ``publisher`` (any may be missing)."""
    articles = articles or {}
    reports = [_report(e, articles) for e in events if e.get("destination_country") and e.get("event_id")]
    rows: list[Row] = []
    for group in _by_visitor_and_destination(reports).values():
        rows.extend(visit_row(visit, articles) for visit in merge_reports(group))
    return sorted(rows, key=visit_order)


def visit_order(row: Row) -> tuple[bool, dt.datetime, str]:
    """The order of ``visits/`` rows: first seen first, then by id."""
    return (row["first_seen"] is None, row["first_seen"] or dt.datetime.min, row["visit_id"])
