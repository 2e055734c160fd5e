"""Feeds of every format, written by the tests (real feedparser input)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from email.utils import format_datetime
from xml.sax.saxutils import escape

Item = tuple[str, str, str]  # (guid, link, title)
_WHEN = dt.datetime(2022, 2, 7, 9, 30, tzinfo=dt.timezone.utc)


def rss20(items: Sequence[Item], title: str = "Test feed") -> bytes:
    body = "".join(
        f"<item><guid isPermaLink='false'>{escape(g)}</guid><link>{escape(link)}</link>"
        f"<title>{escape(t)}</title><description>About {escape(t)}</description>"
        f"<pubDate>{format_datetime(_WHEN)}</pubDate></item>"
        for g, link, t in items
    )
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{title}</title>"
            f"<link>http://example.com/</link><description>d</description>{body}</channel></rss>").encode()


def atom10(items: Sequence[Item], title: str = "Test feed") -> bytes:
    body = "".join(
        f"<entry><id>{escape(g)}</id><link rel='alternate' href='{escape(link)}'/><title>{escape(t)}</title>"
        f"<updated>{_WHEN.isoformat()}</updated><summary>About {escape(t)}</summary>"
        f"<content type='html'>&lt;p&gt;Full text of {escape(t)}&lt;/p&gt;</content></entry>"
        for g, link, t in items
    )
    return (f"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
            f"<title>{title}</title><id>urn:test</id><updated>{_WHEN.isoformat()}</updated>{body}</feed>").encode()


def rss10(items: Sequence[Item], title: str = "Test feed") -> bytes:
    seq = "".join(f"<rdf:li rdf:resource='{escape(link)}'/>" for _, link, _ in items)
    body = "".join(
        f"<item rdf:about='{escape(link)}'><title>{escape(t)}</title><link>{escape(link)}</link>"
        f"<dc:date>{_WHEN.isoformat()}</dc:date><description>About {escape(t)}</description></item>"
        for _, link, t in items
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?>"
        "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' xmlns='http://purl.org/rss/1.0/' "
        "xmlns:dc='http://purl.org/dc/elements/1.1/'>"
        f"<channel rdf:about='http://example.com/'><title>{title}</title><link>http://example.com/</link>"
        f"<description>d</description><items><rdf:Seq>{seq}</rdf:Seq></items></channel>{body}</rdf:RDF>"
    ).encode()


def rss091(items: Sequence[Item], title: str = "Test feed") -> bytes:
    body = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link><description>d</description></item>"
        for _, link, t in items
    )
    return (f"<?xml version='1.0'?><rss version='0.91'><channel><title>{title}</title>"
            f"<link>http://example.com/</link><description>d</description><language>en</language>"
            f"{body}</channel></rss>").encode()


def atom03(items: Sequence[Item], title: str = "Test feed") -> bytes:
    body = "".join(
        f"<entry><id>{escape(g)}</id><link rel='alternate' type='text/html' href='{escape(link)}'/>"
        f"<title>{escape(t)}</title><issued>{_WHEN.strftime('%Y-%m-%dT%H:%M:%SZ')}</issued>"
        f"<modified>{_WHEN.strftime('%Y-%m-%dT%H:%M:%SZ')}</modified></entry>"
        for g, link, t in items
    )
    return (f"<?xml version='1.0' encoding='utf-8'?><feed version='0.3' xmlns='http://purl.org/atom/ns#'>"
            f"<title>{title}</title><modified>{_WHEN.strftime('%Y-%m-%dT%H:%M:%SZ')}</modified>{body}</feed>").encode()


FORMATS = {"rss20": rss20, "atom10": atom10, "rss10": rss10, "rss091u": rss091, "atom03": atom03}
