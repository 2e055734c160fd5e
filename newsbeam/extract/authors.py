"""Cleaning author strings into a list of person names."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Words that are a role, a desk or a label, not a person's name.
NOISE_WORDS = frozenset(
    {
        "staff", "writer", "writers", "reporter", "reporters", "editor", "editors", "editorial",
        "correspondent", "contributor", "contributors", "columnist", "team", "desk", "newsroom",
        "admin", "administrator", "published", "updated", "posted", "by", "and", "news", "senior",
        "chief", "associate", "guest", "author", "authors", "bureau", "agencies", "agency", "wire",
        "online", "web", "digital", "producer", "photographer", "photo", "photos", "video", "more",
        "view", "all", "articles", "follow", "on", "twitter", "read", "email", "share", "contact",
        "anonymous", "unknown", "none", "null", "the", "am", "pm", "et", "gmt", "utc", "ist", "est",
        "edt", "pst", "pdt", "bst", "cet", "cest", "ago", "min", "mins", "hours", "updated:",
    }
)
MONTHS = frozenset(
    {
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "january", "february", "march", "april", "june", "july", "august", "september", "october",
        "november", "december",
    }
)
# Name prefixes whose capital inside a word does not start a new name (McDonald, MacLeod, DeSantis).
GLUE_PREFIXES = ("Mc", "Mac", "De", "Di", "La", "Le", "Van", "Von", "O")
MAX_NAME_WORDS = 5


class AuthorCleaner:
    """Turns raw author strings (meta tags, JSON-LD, bylines) into clean, unique person names."""

    def __init__(self) -> None:
        self._by = re.compile(r"^\s*(?:written\s+|posted\s+|reported\s+)?by[\s:]+", re.IGNORECASE)
        self._split = re.compile(r"\s*(?:[,;|/&\n•·]|\band\b|\bund\b|\bet\b|\by\b|\bwith\b)\s*", re.IGNORECASE)
        self._email = re.compile(r"\S+@\S+")
        self._url = re.compile(r"(?:https?://|www\.)\S*", re.IGNORECASE)
        self._digit = re.compile(r"\d")
        self._glue = re.compile(r"(?<=[a-z\u00df-\u00ff])(?=[A-Z\u00c0-\u00de])")
        self._word = re.compile(r"[^\W\d_][\w'’.\-]*")
        self._brackets = re.compile(r"\([^)]*\)|\[[^\]]*\]")

    def clean(self, raws: Iterable[str]) -> list[str]:
        """Names from all raw strings, in order, without duplicates (case-insensitive)."""
        seen: set[str] = set()
        names: list[str] = []
        for raw in raws:
            for name in self._names(raw):
                key = name.casefold()
                if key not in seen:
                    seen.add(key)
                    names.append(name)
        return names

    def _names(self, raw: str) -> list[str]:
        text = self._brackets.sub(" ", self._url.sub(" ", self._email.sub(" ", raw or "")))
        names: list[str] = []
        for part in self._split.split(text):
            part = self._by.sub("", part).strip(" \t-–—:.'\"")
            for piece in self._unglue(part):
                name = self._as_name(piece)
                if name:
                    names.append(name)
        return names

    @staticmethod
    def _is_noise(word: str) -> bool:
        low = word.casefold().strip(".")
        return low in NOISE_WORDS or low in MONTHS

    def _unglue(self, text: str) -> list[str]:
        """Splits bylines glued together ("John SmithJane Doe") when both sides are full names."""
        for match in self._glue.finditer(text):
            left, right = text[: match.start()].strip(), text[match.start() :].strip()
            if left.split()[-1:] and left.split()[-1] in GLUE_PREFIXES:
                continue
            if len(left.split()) >= 2 and len(right.split()) >= 2:
                return [*self._unglue(left), *self._unglue(right)]
        return [text]

    def _as_name(self, text: str) -> str | None:
        """The text as a name, or None when it is noise (a date, a role, a label)."""
        if not text or self._digit.search(text):
            return None
        words = self._word.findall(text)
        if not words or len(words) > MAX_NAME_WORDS:
            return None
        while words and self._is_noise(words[0]):
            words.pop(0)
        while words and self._is_noise(words[-1]):
            words.pop()
        if not words or not any(w[0].isupper() for w in words):
            return None
        name = " ".join(words)
        return name.title() if name.isupper() else name
