"""The whole page: head, summary, navigation and the sections, as one HTML string."""

from __future__ import annotations

import datetime as dt

from newsbeam.report import sections
from newsbeam.report.html_util import esc
from newsbeam.report.load import ReportData

# No script, no remote anything: the policy blocks every load except inline
# styles and data: images, so even a mistake in escaping cannot run code.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em auto;max-width:1300px;color:#222;
padding:0 1em}
h1{margin-bottom:.2em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
nav a{margin-right:1em}
table{border-collapse:collapse;font-size:13px;margin:.6em 0}
th,td{border:1px solid #ddd;padding:3px 6px;vertical-align:top;text-align:left}
thead th{background:#f3f3f3;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.total{font-weight:600;background:#fafafa}
table.matrix td,table.matrix th{text-align:center;min-width:2.2em}
.chart svg{max-width:100%;height:auto}
.chip{display:inline-block;width:.8em;height:.8em;border-radius:50%;margin-right:.3em}
.empty{background:#fff8e1;border-left:4px solid #f0ad4e;padding:.5em .8em}
.sub{color:#777;font-size:90%}.bad{color:#c00}
ul{margin:0;padding-left:1.2em}
#runs td:nth-child(-n+2){white-space:nowrap}
.summary span{display:inline-block;margin-right:1.5em}
"""


def _summary(data: ReportData) -> str:
    parts = [
        ("runs", len(data.runs)),
        ("articles", len(data.articles.rows)),
        ("visit events", len(data.events.rows)),
        ("errors", len(data.errors.rows)),
    ]
    if data.visits.present:
        parts.append(("visits", len(data.visits.rows)))
    return '<p class="summary">' + "".join(f"<span><b>{n}</b> {esc(label)}</span>" for label, n in parts) + "</p>"


def _nav(has_visits: bool) -> str:
    links = [("run-history", "Runs"), ("timeline", "Timeline"), ("matrix", "Who visits whom"),
             ("publishers", "Publishers"), ("errors", "Errors")]  # fmt: skip
    if has_visits:
        links.append(("visits", "Visits"))
    return "<nav>" + "".join(f'<a href="#{i}">{esc(t)}</a>' for i, t in links) + "</nav>"


def render(data: ReportData) -> str:
    """The report page for ``data``."""
    generated = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body = "\n".join(
        [
            sections.runs_section(data),
            sections.timeline_section(data),
            sections.matrix_section(data),
            sections.publishers_section(data),
            sections.errors_section(data),
            sections.visits_section(data),
        ]
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>newsbeam report</title>
<style>{CSS}</style></head>
<body>
<h1>newsbeam report</h1>
<p class="sub">Output directory <code>{esc(data.out_dir)}</code>, generated {esc(generated)}.</p>
{_summary(data)}
{_nav(data.visits.present)}
{body}
</body></html>
"""
