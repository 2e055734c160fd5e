"""Scoring of visit-event rows against a gold set, exactly as spec/visit-events.md says.

A row matches a gold row of the same article when the destination country is
equal and the visitor matches: the gold visitor's last name appears in the
extracted ``visitor`` (case-insensitive) or, for an unnamed office-holder,
title and country are equal.  Rows matching optional gold rows are set aside.
Field accuracy is counted over matched pairs of required rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

FIELDS: tuple[str, ...] = ("status", "start_date", "end_date", "host", "destination_city", "visitor_country")
METADATA_PREFIXES: tuple[str, ...] = ("DATE:", "LINK:", "PUBDATE:")
TRAILER_LINES: frozenset[str] = frozenset({"reuter", "&#3;", "reuter &#3;"})


@dataclass
class GoldArticle:
    """One annotated article: body text, headline, publication time and gold rows."""

    file: str
    text: str
    title: str | None
    published_at: dt.datetime | None
    events: list[dict]


@dataclass
class Score:
    """Counts and accuracies of one scoring run."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    field_hits: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def accuracy(self, name: str) -> float:
        return self.field_hits[name] / self.tp if self.tp else 1.0


def load_gold(gold_dir: Path) -> list[GoldArticle]:
    """Read annotations.jsonl and the article files it names."""
    out: list[GoldArticle] = []
    for line in (gold_dir / "annotations.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        raw = (gold_dir / rec["file"]).read_text(encoding="utf-8")
        title, body = _split_article(raw, rec.get("kind") == "seed")
        pub = _parse_pub(rec.get("published_at"))
        out.append(GoldArticle(rec["file"], body, title, pub, rec.get("events", [])))
    return out


def _split_article(raw: str, is_seed: bool) -> tuple[str | None, str]:
    lines = raw.split("\n")
    title: str | None = None
    if not is_seed:
        title, lines = lines[0].strip(), lines[1:]
    kept = [
        ln for ln in lines if not ln.strip().startswith(METADATA_PREFIXES) and ln.strip().lower() not in TRAILER_LINES
    ]
    return title, "\n".join(kept).strip("\n")


def _parse_pub(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _last_name(name: str) -> str:
    return name.split()[-1].lower() if name.split() else ""


def _unnamed(gold: dict) -> bool:
    title = (gold.get("visitor_title") or "").lower()
    return bool(title) and gold["visitor"].lower().endswith(title)


def matches(row: dict, gold: dict) -> bool:
    """The spec's match rule between one extracted row and one gold row."""
    if row.get("destination_country") != gold.get("destination_country"):
        return False
    if _last_name(gold["visitor"]) in (row.get("visitor") or "").lower():
        return True
    if _unnamed(gold):
        return (row.get("visitor_title") or "").lower() == (gold.get("visitor_title") or "").lower() and row.get(
            "visitor_country"
        ) == gold.get("visitor_country")
    return False


def _date(value: object) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else (str(value) if value else None)


def field_equal(name: str, row: dict, gold: dict) -> bool:
    if name == "start_date":
        return _date(row.get("start_date")) == gold.get("start_date") and row.get("date_precision") == gold.get(
            "date_precision"
        )
    if name == "end_date":
        return _date(row.get("end_date")) == gold.get("end_date")
    return row.get(name) == gold.get(name)


def score_article(rows: list[dict], gold: list[dict], score: Score, label: str = "") -> None:
    """Add one article's counts to ``score``."""
    free = list(range(len(rows)))
    ordered = [g for g in gold if not g.get("optional")] + [g for g in gold if g.get("optional")]
    for g in ordered:
        hit = next((i for i in free if matches(rows[i], g)), None)
        if g.get("optional"):
            if hit is not None:
                free.remove(hit)
            continue
        if hit is None:
            score.fn += 1
            score.errors.append(f"{label}: MISSED {g['visitor']} -> {g['destination_country']}")
            continue
        free.remove(hit)
        score.tp += 1
        for name in FIELDS:
            if field_equal(name, rows[hit], g):
                score.field_hits[name] += 1
            elif name in ("status", "start_date"):
                score.errors.append(
                    f"{label}: {g['visitor']} -> {g['destination_country']} {name}: got "
                    f"{rows[hit].get(name)!s}/{rows[hit].get('date_precision')} want "
                    f"{g.get(name)}/{g.get('date_precision')}"
                )
    for i in free:
        score.fp += 1
        score.errors.append(f"{label}: SPURIOUS {rows[i]['visitor']} -> {rows[i]['destination_country']}")


def score_gold(
    extract: Callable[[str, dt.datetime | None, str | None], list[dict]], articles: Iterable[GoldArticle]
) -> Score:
    """Run ``extract`` over the gold articles and score it."""
    score = Score()
    for art in articles:
        score_article(extract(art.text, art.published_at, art.title), art.events, score, art.file)
    return score
