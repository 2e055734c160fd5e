"""URL canonicalisation, article ids and publisher domains."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track the reader; dropped from canonical URLs.
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "fbclid", "gclid", "ocid", "cmpid", "at_medium", "at_campaign")


class UrlError(ValueError):
    """A URL that newsbeam will not fetch or cannot identify."""


def canonical_url(url: str) -> str:
    """The URL that identifies an article: lower-case scheme and host, no
    default port, no fragment, no tracking parameters, sorted query."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UrlError(f"not an http(s) URL: {url!r}")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise UrlError(f"URL has no host: {url!r}")
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        netloc = f"[{host}]" if port is None else f"[{host}]:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(_TRACKING_PREFIXES)]
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


def article_id(canonical: str) -> str:
    """sha1 hex of the canonical URL (the contract's ``article_id``)."""
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()


class PublisherResolver:
    """Registered domain of a URL (``www.business-standard.com`` ->
    ``business-standard.com``), from the public suffix list bundled with
    tldextract; it never goes to the network."""

    def __init__(self) -> None:
        import tldextract

        self._extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    def __call__(self, url: str) -> str:
        host = (urlsplit(url).hostname or "").lower()
        parts = self._extract(host)
        if parts.domain and parts.suffix:
            return f"{parts.domain}.{parts.suffix}"
        return host.removeprefix("www.")
