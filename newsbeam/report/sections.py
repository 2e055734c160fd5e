"""The page's sections, each from a :class:`ReportData`; every one copes with no data."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from newsbeam.report import charts
from newsbeam.report.html_util import esc, link, message, section, table, truncate, when
from newsbeam.report.load import Loaded, ReportData
from schemas import ERROR_STAGES

MAX_RUN_ROWS = 20
MAX_RUN_BARS = 10
MAX_TIMELINE_CHART = 80
MAX_TABLE_ROWS = 500
MAX_MATRIX = 30
MAX_PUBLISHER_BARS = 15
FIRST_SOURCES = 3
RUN_COLUMNS = (
    ("feeds_read", "feeds read"),
    ("feed_errors", "feed errors"),
    ("items_seen", "items seen"),
    ("duplicates_skipped", "duplicates skipped"),
    ("already_processed", "already processed"),
    ("articles_written", "articles"),
    ("events_written", "events"),
    ("errors_written", "errors"),
    ("item_errors", "item errors"),
)


def _more(shown: int, total: int, what: str) -> str:
    return message(f"Showing {shown} of {total} {what}.") if total > shown else ""


def runs_section(data: ReportData) -> str:
    """Run counts as a chart and as the table ``#runs``."""
    note = message(data.runs_message) if data.runs_message else ""
    if not data.runs:
        return section("run-history", "Runs", note)
    chart = f'<div class="chart">{charts.runs_chart(data.runs[-MAX_RUN_BARS:])}</div>'
    newest = list(reversed(data.runs))[:MAX_RUN_ROWS]
    headers = ["run", "started", "mode / runner", *[label for _, label in RUN_COLUMNS], "duration (s)", "balanced"]
    rows = [_run_row(run) for run in newest]
    body = table(headers, rows, 'id="runs"', numeric=range(3, 3 + len(RUN_COLUMNS) + 1))
    intro = "Counts from _runs/*.json; every item read is seen = written + skipped + errors."
    return section("run-history", "Runs", note + chart + body + _more(len(newest), len(data.runs), "runs"), intro)


def _run_row(run: dict[str, Any]) -> list[str]:
    counts = run.get("counts")
    if not isinstance(counts, dict):
        counts = {}
    balanced = run.get("balanced")
    return [
        esc(run.get("run_id")),
        when(run.get("started_at")),
        esc(" / ".join(str(run[k]) for k in ("mode", "runner") if run.get(k))),
        *[esc(counts.get(key)) for key, _ in RUN_COLUMNS],
        esc(run.get("duration_s")),
        "" if balanced is None else ("yes" if balanced else '<strong class="bad">no</strong>'),
    ]


def _titles(articles: Loaded) -> dict[Any, Any]:
    return {a["article_id"]: a.get("title") for a in articles.rows if a.get("article_id")}


def _status_chip(status: Any) -> str:
    colour = charts.status_colour(status)
    return f'<span class="chip" style="background:{colour}"></span>{esc(status)}'


def _visit_row(event: dict[str, Any], titles: dict[Any, Any]) -> str:
    who = esc(event.get("visitor"))
    if event.get("visitor_title") or event.get("visitor_country"):
        extra = ", ".join(esc(v) for v in (event.get("visitor_title"), event.get("visitor_country")) if v)
        who += f' <span class="sub">({extra})</span>'
    where = esc(event.get("destination_country"))
    if event.get("destination_city"):
        where = f"{esc(event['destination_city'])}, {where}"
    cells = [
        esc(event.get("start_date")), esc(event.get("end_date")), esc(event.get("date_precision")),
        _status_chip(event.get("status")), who, where, esc(event.get("host")), esc(event.get("publisher")),
        link(event.get("url"), titles.get(event.get("article_id")) or event.get("url")),
    ]  # fmt: skip
    status = esc(str(event.get("status") or "").lower())
    return f'<tr class="visit" data-status="{status}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


VISIT_HEADERS = ("start", "end", "precision", "status", "visitor", "destination", "host", "publisher", "article")


def _visit_table(events: Sequence[dict[str, Any]], titles: dict[Any, Any], element_id: str) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in VISIT_HEADERS)
    body = "\n".join(_visit_row(e, titles) for e in events[:MAX_TABLE_ROWS])
    more = _more(min(len(events), MAX_TABLE_ROWS), len(events), "visit events")
    return f'<table id="{element_id}"><thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>{more}'


def timeline_section(data: ReportData) -> str:
    """Dated visit events on a timeline and as rows with links; undated ones listed apart."""
    if not data.events.rows:
        return section("timeline", "Visits by start date", message(data.events.message or "No visit events."))
    titles = _titles(data.articles)
    dated = sorted((e for e in data.events.rows if isinstance(e.get("start_date"), dt.date)), key=_visit_key)
    undated = [e for e in data.events.rows if not isinstance(e.get("start_date"), dt.date)]
    parts = []
    if dated:
        shown = dated[-MAX_TIMELINE_CHART:]
        parts.append(f'<div class="chart">{charts.months_chart(dated)}</div>')
        parts.append(f'<div class="chart">{charts.timeline_chart(shown)}</div>')
        parts.append(_more(len(shown), len(dated), "dated visit events on the chart (the latest by start date)"))
        parts.append(_visit_table(dated, titles, "timeline-rows"))
    else:
        parts.append(message("No visit event has a start date."))
    parts.append(f'<h3 id="undated-title">Undated ({len(undated)})</h3>')
    parts.append(_visit_table(undated, titles, "undated") if undated else message("Every visit event is dated."))
    intro = "One row per visit per article (visit_events/), coloured by status; dots and rows link to the article."
    return section("timeline", "Visits by start date", "\n".join(parts), intro)


def _visit_key(event: dict[str, Any]) -> tuple[dt.date, str, str]:
    return (event["start_date"], str(event.get("visitor") or ""), str(event.get("destination_country") or ""))


def matrix_section(data: ReportData) -> str:
    """Visitor country x destination country counts as a table and a heatmap."""
    title = "Who visits whom"
    if not data.events.rows:
        return section("matrix", title, message(data.events.message or "No visit events."))
    counts: Counter[tuple[str, str]] = Counter(
        (e.get("visitor_country") or "(unknown)", e.get("destination_country") or "(unknown)") for e in data.events.rows
    )
    rows = _top_keys(counts, 0)
    cols = _top_keys(counts, 1)
    chart = f'<div class="chart">{charts.matrix_chart(rows, cols, counts)}</div>'
    note = _more(len(rows), len({k[0] for k in counts}), "visitor countries") + _more(
        len(cols), len({k[1] for k in counts}), "destination countries"
    )
    intro = "Visit events by visitor country (rows) and destination country (columns), ISO 3166-1 alpha-3."
    return section("matrix", title, _matrix_table(rows, cols, counts) + note + chart, intro)


def _top_keys(counts: Counter[tuple[str, str]], axis: int) -> list[str]:
    totals: Counter[str] = Counter()
    for key, n in counts.items():
        totals[key[axis]] += n
    return [k for k, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_MATRIX]]


def country_name(code: str) -> str:
    """The English short name of an ISO 3166-1 alpha-3 code, or the code itself."""
    try:
        import pycountry

        found = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    except (ImportError, KeyError, LookupError):
        found = None
    return str(getattr(found, "name", code))


def _country_th(code: str, scope: str = "") -> str:
    scope_attr = f' scope="{scope}"' if scope else ""
    return f'<th{scope_attr} title="{esc(country_name(code))}">{esc(code)}</th>'


def _matrix_table(rows: list[str], cols: list[str], counts: Counter[tuple[str, str]]) -> str:
    head = '<th class="corner">visitor \\ destination</th>' + "".join(_country_th(c) for c in cols)
    lines = []
    for r in rows:
        cells = "".join(f'<td class="num">{counts.get((r, c), 0) or ""}</td>' for c in cols)
        total = sum(n for (vr, _), n in counts.items() if vr == r)
        lines.append(f'<tr>{_country_th(r, "row")}{cells}<td class="num total">{total}</td></tr>')
    foot = "".join(f'<td class="num total">{sum(n for (_, d), n in counts.items() if d == c)}</td>' for c in cols)
    head += "<th>total</th>"
    body = "\n".join(lines) + f'\n<tr><th scope="row">total</th>{foot}<td class="num total">{counts.total()}</td></tr>'
    return f'<table id="matrix-table" class="matrix"><thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>'


def publishers_section(data: ReportData) -> str:
    """Articles, events and boilerplate removed per publisher."""
    title = "Publishers"
    if not data.articles.rows and not data.events.rows:
        return section("publishers", title, message(data.articles.message or "No articles."))
    stats = _publisher_stats(data.articles.rows, data.events.rows)
    order = sorted(stats, key=lambda p: (-stats[p]["articles"], -stats[p]["events"], p))
    top = order[:MAX_PUBLISHER_BARS]
    chart = charts.bars_chart(
        top,
        [
            ("articles", [stats[p]["articles"] for p in top], "#4c72b0"),
            ("visit events", [stats[p]["events"] for p in top], "#dd8452"),
            ("boilerplate lines removed", [stats[p]["removed"] for p in top], "#8c8c8c"),
        ],
        f"busiest {len(top)} publisher(s)",
    )
    headers = ["publisher", "articles", "words", "visit events", "boilerplate lines removed",
               "articles with boilerplate", "most removed lines"]  # fmt: skip
    rows = [_publisher_row(p, stats[p]) for p in order[:MAX_TABLE_ROWS]]
    note = message(data.articles.message) if data.articles.message else ""
    body = note + f'<div class="chart">{chart}</div>' + table(headers, rows, 'id="publishers-table"', range(1, 6))
    return section("publishers", title, body + _more(len(rows), len(order), "publishers") + _learned(data.runs))


def _learned(runs: list[dict[str, Any]]) -> str:
    """Boilerplate lines learned per publisher, from the latest manifest that lists any."""
    run = next((r for r in reversed(runs) if isinstance(r.get("learned_boilerplate"), list)), None)
    if run is None:
        return ""
    learned = [x for x in run["learned_boilerplate"] if isinstance(x, dict)]
    rows = [[esc(x.get("publisher")), esc(truncate(x.get("line"), 120)), esc(x.get("articles")), esc(x.get("stories"))]
            for x in learned[:MAX_TABLE_ROWS]]  # fmt: skip
    heading = f"<h3>Boilerplate learned in run {esc(run.get('run_id'))} ({len(learned)} lines)</h3>"
    if not rows:
        return heading + message("No boilerplate lines were learned in that run.")
    return heading + table(["publisher", "line", "articles", "stories"], rows, 'id="learned-boilerplate"', (2, 3))


def _publisher_stats(articles: list[dict[str, Any]], events: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    stats: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"articles": 0, "words": 0, "events": 0, "removed": 0, "with_bp": 0, "lines": Counter()}
    )
    for a in articles:
        s = stats[a.get("publisher") or "(unknown)"]
        removed = [line for line in a.get("removed_boilerplate") or [] if line]
        s["articles"] += 1
        s["words"] += a.get("word_count") or 0
        s["removed"] += len(removed)
        s["with_bp"] += 1 if removed else 0
        s["lines"].update(removed)
    for e in events:
        stats[e.get("publisher") or "(unknown)"]["events"] += 1
    return stats


def _publisher_row(publisher: str, s: dict[str, Any]) -> list[str]:
    lines = "".join(
        f'<li>{esc(truncate(line, 90))} <span class="sub">×{n}</span></li>' for line, n in s["lines"].most_common(3)
    )
    return [esc(publisher), esc(s["articles"]), esc(s["words"]), esc(s["events"]), esc(s["removed"]),
            esc(s["with_bp"]), f"<ul>{lines}</ul>" if lines else ""]  # fmt: skip


def errors_section(data: ReportData) -> str:
    """Errors grouped by stage and type, with the first sources of each."""
    title = "Errors"
    if not data.errors.rows:
        text = data.errors.message or "No errors."
        return section("errors", title, message(text if data.errors.present else f"No errors recorded. ({text})"))
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in data.errors.rows:
        groups[(row.get("stage") or "?", row.get("error_type") or "?")].append(row)
    keys = sorted(groups, key=lambda k: (_stage_rank(k[0]), -len(groups[k]), k[1]))
    labels = [f"{stage} / {kind}" for stage, kind in keys[:MAX_PUBLISHER_BARS]]
    counts = [float(len(groups[k])) for k in keys[:MAX_PUBLISHER_BARS]]
    chart = charts.bars_chart(labels, [("errors", counts, "#c44e52")], "errors by stage / type")
    headers = ["stage", "error type", "count", "retryable", "runs", f"first {FIRST_SOURCES} sources", "first message"]
    rows = [_error_row(k, groups[k]) for k in keys]
    body = f'<div class="chart">{chart}</div>' + table(headers, rows, 'id="errors-table"', (2, 3, 4))
    return section("errors", title, body)


def _stage_rank(stage: str) -> int:
    return ERROR_STAGES.index(stage) if stage in ERROR_STAGES else len(ERROR_STAGES)


def _error_row(key: tuple[str, str], rows: list[dict[str, Any]]) -> list[str]:
    ordered = sorted(rows, key=lambda r: (r.get("occurred_at") is None, r.get("occurred_at") or dt.datetime.min))
    sources: list[Any] = []
    for r in ordered:
        if r.get("source") not in sources:
            sources.append(r.get("source"))
    first = "".join(f"<li>{link(s, truncate(s, 100))}</li>" for s in sources[:FIRST_SOURCES])
    retryable = sum(1 for r in rows if r.get("retryable"))
    runs = len({r.get("run_id") for r in rows})
    return [esc(key[0]), esc(key[1]), esc(len(rows)), esc(retryable), esc(runs), f"<ul>{first}</ul>",
            esc(truncate(ordered[0].get("message"), 200))]  # fmt: skip


def visits_section(data: ReportData) -> str:
    """The consolidated visits dataset; nothing at all when it does not exist."""
    if not data.visits.present:
        return ""
    title = "Consolidated visits"
    if not data.visits.rows:
        return section("visits", title, message(data.visits.message or "No visits."))
    ordered = sorted(data.visits.rows, key=lambda v: (-(v.get("article_count") or 0), -(v.get("publisher_count") or 0)))
    headers = ["visitor", "from", "destination", "city", "start", "end", "status", "articles", "publishers",
               "first seen", "last seen", "confidence"]  # fmt: skip
    rows = [_consolidated_row(v) for v in ordered[:MAX_TABLE_ROWS]]
    intro = "One row per real-world visit (visits/), merged across articles and publishers."
    body = table(headers, rows, 'id="visits-table"', (7, 8, 11)) + _more(len(rows), len(ordered), "visits")
    return section("visits", title, body, intro)


def _consolidated_row(v: dict[str, Any]) -> list[str]:
    return [esc(v.get("visitor")), esc(v.get("visitor_country")), esc(v.get("destination_country")),
            esc(v.get("destination_city")), esc(v.get("start_date")), esc(v.get("end_date")),
            _status_chip(v.get("status")), esc(v.get("article_count")), esc(v.get("publisher_count")),
            esc(v.get("first_seen")), esc(v.get("last_seen")), esc(v.get("confidence"))]  # fmt: skip
