"""Cleaning author strings (meta tags, JSON-LD, bylines) into a list of person names."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

# fmt: off
# Words that are a role, a desk or a label, stripped from either end of a name.
NOISE_WORDS = frozenset(
    (
        "admin", "administrator", "agencies", "agency", "all", "anonymous", "articles", "associate", "author",
        "authors", "bureau", "by", "chief", "columnist", "contact", "contributor", "contributors", "correspondent",
        "desk", "digital", "editor", "editorial", "editors", "email", "follow", "guest", "more", "news", "newsdesk",
        "newsroom", "none", "null", "online", "photo", "photographer", "photos", "posted", "producer", "published",
        "read", "report", "reporter", "reporters", "reports", "senior", "share", "staff", "team", "the", "unknown",
        "updated", "video", "view", "web", "wire", "writer", "writers",
    )
)
# Month words end a name only before a number ("Nov 18"): April, June and Jan are names too.
MONTH_WORDS = frozenset(
    (
        "apr", "april", "aug", "august", "dec", "december", "feb", "february", "jan", "january", "jul", "july",
        "jun", "june", "mar", "march", "may", "nov", "november", "oct", "october", "sep", "sept", "september",
    )
)
WEEKDAYS = frozenset(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
# Lowercase words that belong inside names (Ludwig van Beethoven, Maria da Silva).
PARTICLES = frozenset(
    (
        "al", "bin", "da", "das", "de", "del", "della", "den", "der", "di", "do", "dos", "du", "e", "el", "ibn",
        "la", "le", "st.", "ten", "ter", "van", "von", "y",
    )
)
GLUE_PREFIXES = ("Mc", "Mac", "De", "Di", "La", "Le", "Van", "Von", "O")  # McDonald is one name, not two
HOST_STOP_LABELS = frozenset(
    (
        "au", "blog", "blogs", "ca", "co", "com", "de", "edu", "es", "fr", "gov", "in", "info", "it", "m", "net",
        "news", "org", "uk", "www",
    )
)
# fmt: on
MAX_RAW_CHARS = 160  # longer strings are author bios or disclaimers, not bylines
MAX_NAME_WORDS = 5


class AuthorCleaner:
    """Turns raw author strings into clean, unique person names.

    Drops "By ", e-mail addresses, URLs, @handles, dates, roles ("Staff
    Writer"), credentials ("MS, RDN"), wire desks ("AP Sports") and the
    publication's own name; splits lists ("A and B", "A, B") and bylines
    glued together ("John SmithJane Doe").
    """

    def __init__(self) -> None:
        self._by = re.compile(r"^.*?\bby\b[\s:]*", re.IGNORECASE)
        self._split = re.compile(r"\s*(?:[,;|/&\n•·]|(?<=[a-z]{4})\.\s+|\s(?:and|und|et|y|e|with|AND)\s)\s*")
        self._drop = re.compile(r"\S+@\S+|(?:https?://|www\.)\S*|@\w+|\([^)]*\)|\[[^\]]*\]", re.IGNORECASE)
        self._glue = re.compile(r"(?<=[a-z\u00df-\u00ff])(?=[A-Z\u00c0-\u00de])")
        self._word = re.compile(r"[^\s,;:]+")

    def clean(self, raws: Iterable[str], url: str = "", site_name: str | None = None) -> list[str]:
        """Names from all raw strings, in order, without duplicates (case-insensitive)."""
        publisher = self._publisher_keys(url, site_name)
        seen: set[str] = set()
        names: list[str] = []
        for raw in raws:
            for name in self._names(raw):
                key = name.casefold()
                if key in seen or self._is_publisher(key, publisher):
                    continue
                seen.add(key)
                names.append(name)
        # a lone first name next to the full name is the same person ("Zac" beside "Zac Hall")
        words = {w.casefold() for n in names if " " in n for w in n.split()}
        return [n for n in names if " " in n or n.casefold() not in words]

    def _names(self, raw: str) -> list[str]:
        if not raw or len(raw) > MAX_RAW_CHARS:
            return []
        names: list[str] = []
        for part in self._split.split(self._drop.sub(",", raw)):
            for piece in self._unglue(self._by.sub("", part).strip()):
                name = self._as_name(piece)
                if name:
                    names.append(name)
        return names

    def _unglue(self, text: str) -> list[str]:
        """Splits bylines glued together ("John SmithJane Doe", "Jeff FoustMonday") at a lower-upper seam."""
        for match in self._glue.finditer(text):
            left, right = text[: match.start()].strip(), text[match.start() :].strip()
            last = left.split()[-1] if left.split() else ""
            if last in GLUE_PREFIXES or " " not in left:
                continue
            if right.split()[0].casefold() in WEEKDAYS or len(right.split()) >= 2:
                return [*self._unglue(left), *self._unglue(right)]
        return [text]

    def _as_name(self, text: str) -> str | None:
        """The leading run of name-like words, without roles at either end; None when nothing is left."""
        words = self._word.findall(text.strip(" \t-–—:.'\""))
        if len(words) > MAX_NAME_WORDS + 2:  # a sentence, not a byline
            return None
        all_caps = bool(words) and all(w.isupper() for w in words)
        run: list[str] = []
        for i, word in enumerate(words):
            after = words[i + 1] if i + 1 < len(words) else ""
            if not self._name_like(word, all_caps) or self._starts_date(word, after):
                break
            run.append(word)
        while run and self._is_noise(run[0]):
            run.pop(0)
        while run and self._is_noise(run[-1]):
            run.pop()
        if not run or len(run) > MAX_NAME_WORDS or (len(run) == 1 and (all_caps or self._is_handle(run[0]))):
            return None
        name = " ".join(run).strip(" .")
        return name.title() if all_caps else name

    @staticmethod
    def _name_like(word: str, all_caps: bool) -> bool:
        first = word[0]
        if any(ch.isdigit() for ch in word) or not first.isalpha() or "." in word.strip(".")[1:]:
            return False
        if first.islower():
            return word in PARTICLES
        letters = word.replace(".", "").replace("-", "").replace("'", "")
        return all_caps or len(letters) < 2 or not letters.isupper()  # "AP" inside a mixed-case name: a desk

    @staticmethod
    def _starts_date(word: str, after: str) -> bool:
        low = word.casefold().strip(".")
        return low in WEEKDAYS or (low in MONTH_WORDS and any(ch.isdigit() for ch in after))

    @staticmethod
    def _is_noise(word: str) -> bool:
        return word.casefold().strip(".") in NOISE_WORDS

    @staticmethod
    def _is_handle(word: str) -> bool:
        """One CamelCase word without spaces is a handle (CWoodJournalist), not a name."""
        return any(a.islower() and b.isupper() for a, b in itertools.pairwise(word))

    @staticmethod
    def _publisher_keys(url: str, site_name: str | None) -> set[str]:
        host = urlsplit(url).hostname or ""
        labels = (re.sub(r"[\W_]+", "", label) for label in host.split(".") if label not in HOST_STOP_LABELS)
        keys = {label for label in labels if len(label) >= 4}
        if site_name:
            keys.add(re.sub(r"\W+", "", site_name).casefold())
        return {k for k in keys if k}

    @staticmethod
    def _is_publisher(name_key: str, publisher: set[str]) -> bool:
        squashed = re.sub(r"\W+", "", name_key)
        return any(p in squashed or squashed in p for p in publisher)
