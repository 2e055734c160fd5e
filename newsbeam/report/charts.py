"""Charts as inline SVG text, drawn with matplotlib's object API on the Agg canvas.

No pyplot and no global backend switch: each chart is its own ``Figure``.
Text is drawn as paths (``svg.fonttype: path``) so the page needs no font,
and labels from the data have ``$`` escaped so mathtext never parses them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import matplotlib
import matplotlib.dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from newsbeam.report.html_util import safe_href, truncate

STATUS_COLOURS = (
    ("planned", "#1f77b4"),
    ("ongoing", "#ff7f0e"),
    ("completed", "#2ca02c"),
    ("cancelled", "#d62728"),
    ("proposed", "#9467bd"),
)
OTHER_COLOUR = "#7f7f7f"
MAX_ANNOTATED_CELLS = 225
RUN_SERIES = (
    ("items_seen", "items seen", "#4c72b0"),
    ("duplicates_skipped", "duplicates", "#8c8c8c"),
    ("articles_written", "articles", "#55a868"),
    ("events_written", "events", "#dd8452"),
    ("errors_written", "errors", "#c44e52"),
)
_SVG_RC: dict[Any, Any] = {"svg.fonttype": "path", "svg.hashsalt": "newsbeam-report", "font.size": 9}


def status_colour(status: Any) -> str:
    """The colour of a visit status (grey for anything unknown)."""
    return dict(STATUS_COLOURS).get(str(status or "").lower(), OTHER_COLOUR)


def plain(text: Any, limit: int = 48) -> str:
    """A label from the data, truncated, with ``$`` escaped against mathtext."""
    flat = " ".join(truncate(text, limit).split())
    return flat.replace("$", r"\$")


def new_figure(width: float, height: float) -> Figure:
    """A figure on the Agg canvas."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def to_svg(fig: Figure) -> str:
    """The figure as an inline ``<svg>`` element (no XML prolog or doctype)."""
    buf = io.StringIO()
    with matplotlib.rc_context(_SVG_RC):
        fig.savefig(buf, format="svg")
    text = buf.getvalue()
    return text[text.find("<svg") :]


def runs_chart(runs: Sequence[dict[str, Any]]) -> str:
    """The latest run as a funnel, then counts and durations of the last runs."""
    with matplotlib.rc_context(_SVG_RC):
        fig = new_figure(12.5, 3.6)
        funnel, counts, durations = fig.subplots(1, 3, width_ratios=[1.1, 1.6, 1])
        _draw_funnel(funnel, runs[-1])
        _draw_run_counts(counts, runs)
        _draw_durations(durations, runs)
        return to_svg(fig)


def _count(run: dict[str, Any], key: str) -> float:
    value = (run.get("counts") or {}).get(key)
    return float(value) if isinstance(value, (int, float)) else 0.0


def _run_label(run: dict[str, Any]) -> str:
    """The run's start as "MM-DD HH:MM" when the manifest has it, else the end of its id."""
    try:
        return dt.datetime.fromisoformat(str(run.get("started_at"))).strftime("%m-%d %H:%M")
    except ValueError:
        return plain(str(run.get("run_id") or "?")[-12:], 12)


def _draw_funnel(ax: Any, run: dict[str, Any]) -> None:
    labels = [label for _, label, _ in RUN_SERIES]
    values = [_count(run, key) for key, _, _ in RUN_SERIES]
    ax.barh(labels, values, color=[colour for _, _, colour in RUN_SERIES])
    ax.invert_yaxis()
    for y, value in enumerate(values):
        ax.text(value, y, f" {value:g}", va="center", fontsize=8)
    ax.set_title(f"latest run {_run_label(run)}")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.margins(x=0.25)


def _draw_run_counts(ax: Any, runs: Sequence[dict[str, Any]]) -> None:
    width = 0.8 / len(RUN_SERIES)
    xs = range(len(runs))
    for i, (key, label, colour) in enumerate(RUN_SERIES):
        ax.bar([x + i * width for x in xs], [_count(r, key) for r in runs], width, label=label, color=colour)
    ax.set_xticks([x + 0.4 - width / 2 for x in xs], [_run_label(r) for r in runs], rotation=30, ha="right")
    ax.set_title(f"last {len(runs)} run(s)")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=7, ncols=len(RUN_SERIES), loc="upper left")
    ax.margins(y=0.25)


def _draw_durations(ax: Any, runs: Sequence[dict[str, Any]]) -> None:
    values = [float(r["duration_s"]) if isinstance(r.get("duration_s"), (int, float)) else 0.0 for r in runs]
    ax.bar(range(len(runs)), values, color="#937860")
    ax.set_xticks(range(len(runs)), [_run_label(r) for r in runs], rotation=30, ha="right")
    ax.set_ylabel("seconds")
    ax.set_title("duration")


def period_end(start: dt.date, end: dt.date | None, precision: Any) -> dt.date:
    """The last day a visit covers: its end date, else the end of its month or year."""
    if end is not None and end >= start:
        return end
    if precision == "month":
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    if precision == "year":
        return start.replace(month=12, day=31)
    return start


def timeline_chart(events: Sequence[dict[str, Any]]) -> str:
    """Dated visits, one row each in start-date order, coloured by status; dots link to the article."""
    with matplotlib.rc_context(_SVG_RC):
        fig = new_figure(12.5, 1.2 + 0.24 * len(events))
        ax = fig.subplots()
        for y, event in enumerate(events):
            _draw_visit(ax, y, event)
        ax.set_yticks(range(len(events)), [_visit_label(e) for e in events])
        ax.set_ylim(len(events) - 0.5, -0.5)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
        ax.grid(axis="x", alpha=0.3)
        ax.tick_params(axis="x", labeltop=len(events) > 20)
        handles = [ax.scatter([], [], color=c, label=s) for s, c in STATUS_COLOURS]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, title="status")
        return to_svg(fig)


def months_chart(events: Sequence[dict[str, Any]]) -> str:
    """Dated visit events per start month, stacked by status."""
    months = sorted({e["start_date"].replace(day=1) for e in events})
    with matplotlib.rc_context(_SVG_RC):
        fig = new_figure(12.5, 2.8)
        ax = fig.subplots()
        base = [0] * len(months)
        index = {m: i for i, m in enumerate(months)}
        for status, colour in (*STATUS_COLOURS, ("other", OTHER_COLOUR)):
            heights = [0] * len(months)
            for e in events:
                if _status_key(e.get("status")) == status:
                    heights[index[e["start_date"].replace(day=1)]] += 1
            ax.bar(months, heights, width=25, bottom=base, color=colour, label=status, align="edge")
            base = [b + h for b, h in zip(base, heights, strict=True)]
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.margins(y=0.1)
        ax.set_title("visit events per start month")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, title="status")
        return to_svg(fig)


def _status_key(status: Any) -> str:
    key = str(status or "").lower()
    return key if key in dict(STATUS_COLOURS) else "other"


def _visit_label(event: dict[str, Any]) -> str:
    place = event.get("destination_country") or "?"
    if event.get("destination_city"):
        place = f"{event['destination_city']}, {place}"
    return f"{plain(event.get('visitor') or '?', 30)} → {plain(place, 30)}"


def _draw_visit(ax: Any, y: int, event: dict[str, Any]) -> None:
    start = event["start_date"]
    end = period_end(start, event.get("end_date"), event.get("date_precision"))
    colour = status_colour(event.get("status"))
    if end > start:
        ax.plot([start, end], [y, y], color=colour, linewidth=5, alpha=0.35, solid_capstyle="butt")
    dot = ax.scatter([start], [y], color=colour, s=28, zorder=3)
    href = safe_href(event.get("url"))
    if href is not None:
        dot.set_urls([event["url"]])


def matrix_chart(rows: Sequence[str], cols: Sequence[str], counts: dict[tuple[str, str], int]) -> str:
    """A heatmap of visit counts, visitor country down, destination country across."""
    with matplotlib.rc_context(_SVG_RC):
        fig = new_figure(max(4.0, 1.5 + 0.38 * len(cols)), max(3.0, 1.3 + 0.32 * len(rows)))
        ax = fig.subplots()
        grid = [[counts.get((r, c), 0) for c in cols] for r in rows]
        image = ax.imshow(grid, cmap="Blues", aspect="auto")
        top = max(max(line) for line in grid) or 1
        annotate = len(rows) * len(cols) <= MAX_ANNOTATED_CELLS  # beyond that the table has the numbers
        for i, line in enumerate(grid if annotate else []):
            for j, value in enumerate(line):
                if value:
                    ax.text(j, i, str(value), ha="center", va="center", fontsize=7,
                            color="white" if value > top / 2 else "black")  # fmt: skip
        ax.set_xticks(range(len(cols)), [plain(c, 12) for c in cols], rotation=90)
        ax.set_yticks(range(len(rows)), [plain(r, 12) for r in rows])
        ax.set_xlabel("destination country")
        ax.set_ylabel("visitor country")
        fig.colorbar(image, ax=ax, shrink=0.6, label="visit events")
        return to_svg(fig)


def bars_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float], str]], title: str) -> str:
    """Horizontal bars, one panel per series, sharing the labels."""
    with matplotlib.rc_context(_SVG_RC):
        fig = new_figure(12.5, 1.0 + 0.26 * len(labels))
        axes = fig.subplots(1, len(series), sharey=True, squeeze=False)[0]
        names = [plain(label, 40) for label in labels]
        for ax, (name, values, colour) in zip(axes, series, strict=True):
            ax.barh(names, values, color=colour)
            for y, value in enumerate(values):
                ax.text(value, y, f" {value:g}", va="center", fontsize=7)
            ax.set_title(name)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.margins(x=0.2)
        axes[0].invert_yaxis()
        fig.suptitle(title)
        return to_svg(fig)
