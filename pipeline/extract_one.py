"""``newsbeam extract``: one article through the same functions as the pipeline."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from newsbeam.boilerplate import BoilerplateRules, BoilerplateStripper
from newsbeam.config import ConfigError, load_config, resolve_path
from newsbeam.urls import PublisherResolver


def _published(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ConfigError(f"--published is not ISO 8601: {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<body" in head or "<p" in head or "<!doctype" in head


def _load(source: str, cfg: dict[str, Any]) -> tuple[str, str | None]:
    """(content, the URL it came from)."""
    if source.lower().startswith(("http://", "https://")):
        from newsbeam.fetch import FetchConfig, Fetcher

        fetcher = Fetcher(FetchConfig.from_dict(cfg["fetch"]))
        try:
            result = fetcher.fetch(source, kind="page")
        finally:
            fetcher.close()
        if not result.ok or result.text is None:
            raise ConfigError(f"cannot fetch {source}: {result.error_type}: {result.error_message}")
        return result.text, result.final_url
    path = Path(source)
    if not path.is_file():
        raise ConfigError(f"no such file: {source}")
    return path.read_text(encoding="utf-8", errors="replace"), None


def extract_one(args: argparse.Namespace) -> dict[str, Any]:
    overrides = {"fetch": {"allow_private_hosts": True}} if args.allow_private_hosts else None
    cfg = load_config(args.config, overrides)
    content, fetched_url = _load(args.source, cfg)
    url = args.url or fetched_url or ""
    publisher = PublisherResolver()(url) if url else None
    article: dict[str, Any] = {"url": url or None, "publisher": publisher, "title": None, "authors": [],
                               "published_at": None, "language": None}
    if _looks_like_html(content):
        from newsbeam.extract import ArticleExtractor

        page = ArticleExtractor(backend=cfg["extract"]["backend"]).extract(content, url or "http://localhost/")
        article.update(title=page.title, authors=page.authors, published_at=page.published_at,
                       language=page.language, extractor=page.backend)
        text = page.text
    else:
        text = content
    article["published_at"] = _published(args.published) or article["published_at"]
    rules = BoilerplateRules.from_file(resolve_path(cfg, cfg["boilerplate"]["rules"]))
    text, removed = BoilerplateStripper(rules).strip(text, publisher)
    article.update(text=text, removed_boilerplate=removed, word_count=len(text.split()))
    from newsbeam.events import EXTRACTOR_VERSION, VisitEventExtractor

    events = VisitEventExtractor().extract(text, article["published_at"], article["title"])
    return {"article": article, "events": events, "extractor_version": EXTRACTOR_VERSION}
