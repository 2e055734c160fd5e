"""A synthetic news site: N article pages and feeds, written to disk.

Used by the end-to-end tests and the benchmarks (``benchmarks/*.py``). The
texts are generated (no real article is copied). Each page carries what
real news pages carry around the article, a site stylesheet and scripts, a
menu, a cookie notice, a most-read list, reader comments and a footer of
links, about 100 KB in all (the extraction benchmark's real pages have a
median of 111 KB), around a body of about 350 words that reports one visit;
its last line repeats across the publisher's pages (learned boilerplate).
"""

from __future__ import annotations

import datetime as dt
import html
import random
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

LEADERS = (
    ("President", "Emmanuel Macron", "French", "Paris"),
    ("Chancellor", "Olaf Scholz", "German", "Berlin"),
    ("Prime Minister", "Fumio Kishida", "Japanese", "Tokyo"),
    ("President", "Cyril Ramaphosa", "South African", "Pretoria"),
    ("Prime Minister", "Justin Trudeau", "Canadian", "Ottawa"),
    ("President", "Joko Widodo", "Indonesian", "Jakarta"),
)
DESTINATIONS = (("Kenya", "Nairobi"), ("Brazil", "Brasilia"), ("India", "New Delhi"), ("Egypt", "Cairo"),
                ("Vietnam", "Hanoi"), ("Mexico", "Mexico City"), ("Norway", "Oslo"), ("Chile", "Santiago"))
# Filler paragraphs are sentences of made-up words: real stories share few
# 4-word shingles, and template sentences would make every story look like
# a copy of every other one to near-duplicate detection.
SYLLABLES = tuple(c + v for c in "bdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ai", "ou"))


def _vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    return sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(1, 4))) for _ in range(size)})


def _filler(rng: random.Random, vocab: list[str]) -> str:
    return " ".join(rng.choices(vocab, k=rng.randint(25, 40))).capitalize() + "."


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


@dataclass
class Corpus:
    root: Path  # the site directory: root/<host>/...
    feeds: list[Path]
    hosts: list[str]
    n_pages: int


def _body(rng: random.Random, published: dt.date, vocab: list[str]) -> list[str]:
    title, name, demonym, _capital = rng.choice(LEADERS)
    country, city = rng.choice(DESTINATIONS)
    start = published + dt.timedelta(days=rng.randint(5, 40))
    when = f"from {MONTHS[start.month - 1]} {start.day} to {start.day + 2}" if start.day < 27 else \
        f"in {MONTHS[start.month - 1]}"
    paras = [
        f"{demonym} {title} {name} will visit {country} {when}, the foreign ministry said on Monday.",
        f"{name} is expected to hold talks in {city} with senior leaders during the trip.",
    ]
    fill = [_filler(rng, vocab) for _ in range(8)]
    paras += fill[:6]
    paras.append(f"It will be the first visit to {country} by a {demonym} leader in several years, officials said.")
    paras += fill[6:]
    return paras


@dataclass
class Chrome:
    """What every page of one site repeats: stylesheet, scripts, menus, footer
    (real news pages weigh ~110 KB, median of the extraction benchmark)."""

    head: str
    nav: str
    footer: str


def _chrome(rng: random.Random, vocab: list[str], host: str) -> Chrome:
    def words(k: int) -> str:
        return " ".join(rng.choices(vocab, k=k))

    css = "".join(f".c{i} {{ margin: {i % 17}px; color: #{rng.randrange(16**6):06x}; font-size: {10 + i % 9}px }}\n"
                  for i in range(700))
    js = "".join(f"window.nb{i} = function(e) {{ return e && e.dataset && e.dataset['k{i}'] || {i}; }};\n"
                 for i in range(450))
    sections = "".join(f"<li class='c{i}'><a href='/section/{i}'>{words(2).title()}</a></li>" for i in range(160))
    legal = "".join(f"<p class='legal'>{words(40)}</p>" for i in range(4))
    links = "".join(f"<li><a href='/about/{i}'>{words(2).title()}</a></li>" for i in range(120))
    return Chrome(
        head=f"<style>{css}</style><script>{js}</script>",
        nav=f"<header><div class='brand'>{host}</div><nav><ul class='menu'>{sections}</ul></nav>"
            f"<div class='cookie'>We use cookies to improve your experience. {words(20)}</div></header>",
        footer=f"<footer><ul class='links'>{links}</ul>{legal}<p>Copyright {host}. All rights reserved.</p></footer>",
    )


def _page(title: str, paras: list[str], published: dt.datetime, chrome: Chrome, extras: tuple[str, str]) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paras)
    most_read, comments = extras
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<meta property='og:title' content='{html.escape(title)}'>"
        f"<meta property='article:published_time' content='{published.isoformat()}'>"
        f"<meta name='author' content='Staff Reporter'>{chrome.head}</head><body>{chrome.nav}"
        f"<main><article><h1>{html.escape(title)}</h1><div class='byline'>By Staff Reporter</div>{body}</article>"
        f"<aside><h3>Most read</h3><ol>{most_read}</ol></aside>"
        f"<section class='comments'><h3>Comments</h3>{comments}</section></main>{chrome.footer}</body></html>"
    )


def _extras(rng: random.Random, vocab: list[str]) -> tuple[str, str]:
    """Per page: a most-read list and reader comments (not article text)."""
    most_read = "".join(f"<li><a href='/news/{rng.randrange(10**6)}.html'>{' '.join(rng.choices(vocab, k=9))}</a></li>"
                        for _ in range(15))
    comments = "".join(f"<div class='comment'><b>reader{rng.randrange(999)}</b><p>{' '.join(rng.choices(vocab, k=30))}"
                       f"</p></div>" for _ in range(12))
    return most_read, comments


def _rss(items: list[tuple[str, str, dt.datetime]], host: str) -> str:
    entries = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link><guid>{escape(link)}</guid>"
        f"<pubDate>{format_datetime(when)}</pubDate><description>{escape(t)}</description></item>"
        for t, link, when in items
    )
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{host}</title>"
            f"<link>http://{host}/</link><description>news</description>{entries}</channel></rss>")


def build_corpus(root: Path, n_pages: int, hosts: int = 4, seed: int = 7, per_feed: int = 500) -> Corpus:
    """Writes ``n_pages`` article pages over ``hosts`` hosts under
    ``root/site`` and RSS feeds (at most ``per_feed`` items each) under
    ``root/feeds``. Links are plain http (the test server has no TLS)."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    chromes: dict[str, Chrome] = {}
    site, feeds_dir = root / "site", root / "feeds"
    names = [f"www.news{i}.example" for i in range(hosts)]
    items: dict[str, list[tuple[str, str, dt.datetime]]] = {h: [] for h in names}
    base = dt.datetime(2022, 2, 1, 8, 0, tzinfo=dt.timezone.utc)
    for i in range(n_pages):
        host = names[i % hosts]
        published = base + dt.timedelta(minutes=17 * i)
        paras = [*_body(rng, published.date(), vocab), f"Follow {host} on social media for the latest world news."]
        title = f"Story {i}: {paras[0][:60]}"
        path = site / host / "news" / f"story-{i}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        if host not in chromes:
            chromes[host] = _chrome(rng, vocab, host)
        page = _page(title, paras, published, chromes[host], _extras(rng, vocab))
        path.write_text(page, encoding="utf-8")
        items[host].append((title, f"http://{host}/news/story-{i}.html", published))
    feeds_dir.mkdir(parents=True, exist_ok=True)
    feeds = []
    for host in names:
        (site / host / "robots.txt").write_text("User-agent: *\nAllow: /\n")
        for k in range(0, len(items[host]), per_feed):
            feed = feeds_dir / f"{host}-{k // per_feed}.xml"
            feed.write_text(_rss(items[host][k:k + per_feed], host), encoding="utf-8")
            feeds.append(feed)
    return Corpus(root=site, feeds=feeds, hosts=names, n_pages=n_pages)


def archive_corpus(corpus: Corpus, per_file: int = 500, gzip: bool = False) -> list[Path]:
    """The corpus's pages stored as WARC files (``root/../warc``), as a
    crawler would have archived them, ``per_file`` responses a file
    (``.warc``, or ``.warc.gz`` with ``gzip``)."""
    from newsbeam.archive import StoredPage, write_warc

    out = corpus.root.parent / "warc"
    out.mkdir(exist_ok=True)
    pages = sorted(corpus.root.rglob("story-*.html"), key=lambda p: int(p.stem.split("-")[1]))
    files = []
    for k in range(0, len(pages), per_file):
        path = out / f"pages-{k // per_file:05d}.warc{'.gz' if gzip else ''}"
        stored = (StoredPage(f"http://{p.relative_to(corpus.root).as_posix()}", p.read_bytes())
                  for p in pages[k:k + per_file])
        with path.open("wb") as fh:
            write_warc(fh, stored, gzip=gzip)
        files.append(path)
    return files
