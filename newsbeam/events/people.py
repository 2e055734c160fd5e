"""People and offices: titled names, surnames and descriptions resolved within one article."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from newsbeam.events.dates import MONTHS, WEEKDAYS
from newsbeam.events.gazetteer import Gazetteer
from newsbeam.events.text import lower_agrees_with_ignorecase

TITLE_HEADS: frozenset[str] = frozenset(
    {
        "minister",
        "secretary",
        "president",
        "chancellor",
        "premier",
        "leader",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "governor",
        "mayor",
        "ambassador",
        "envoy",
        "chairman",
        "chairwoman",
        "chief",
        "director",
        "adviser",
        "advisor",
        "commissioner",
        "senator",
        "congressman",
        "congresswoman",
        "emperor",
        "sheikh",
        "emir",
        "sultan",
        "monarch",
        "commander",
        "negotiator",
        "under-secretary",
        "secretary-general",
        "vice-president",
        "pm",
        "taoiseach",
        "dictator",
        "ruler",
        "chief executive",
        "head",
        "co-chairman",
        "spokesman",
        "spokeswoman",
        "mp",
        "mep",
        "deputy",
        "general",
        "representative",
        "delegate",
        "governor-general",
    }
)
TITLE_MODIFIERS: frozenset[str] = frozenset(
    {
        "former",
        "ex",
        "deputy",
        "vice",
        "acting",
        "foreign",
        "finance",
        "oil",
        "economic",
        "trade",
        "defence",
        "defense",
        "home",
        "interior",
        "central",
        "bank",
        "state",
        "junior",
        "senior",
        "agriculture",
        "health",
        "education",
        "culture",
        "energy",
        "prime",
        "chief",
        "crown",
        "first",
        "executive",
        "managing",
        "general",
        "environment",
        "transport",
        "industry",
        "justice",
        "labour",
        "labor",
        "treasury",
        "commerce",
        "security",
        "development",
        "international",
        "national",
        "party",
        "opposition",
        "lib",
        "dem",
        "liberal",
        "democrat",
        "conservative",
        "tory",
        "unionist",
        "nationalist",
        "republican",
        "democratic",
        "supreme",
        "military",
        "army",
        "grand",
        "top",
        "new",
        "outgoing",
        "incoming",
        "elect",
        "president-elect",
        "shadow",
        "cabinet",
        "economy",
        "fisheries",
        "communications",
        "information",
        "tourism",
        "sports",
        "women",
        "europe",
        "european",
        "affairs",
        "northern",
        "ireland",
        "scottish",
        "welsh",
        "and",
        "business",
        "industrial",
        "petroleum",
        "mines",
        "legal",
        "of",
        "for",
        "the",
        "exchequer",
    }
)
HONORIFICS: frozenset[str] = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "sir",
        "lord",
        "lady",
        "gen",
        "dame",
        "prof",
        "professor",
        "rev",
        "col",
        "lt",
        "maj",
        "capt",
        "sen",
        "rep",
        "gov",
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "gen.",
        "sen.",
        "rep.",
        "gov.",
    }
)
NON_NAMES: frozenset[str] = frozenset(
    {
        "the",
        "a",
        "an",
        "he",
        "she",
        "it",
        "in",
        "on",
        "at",
        "but",
        "and",
        "his",
        "her",
        "this",
        "that",
        "last",
        "next",
        "during",
        "after",
        "before",
        "since",
        "when",
        "while",
        "as",
        "if",
        "for",
        "from",
        "with",
        "by",
        "both",
        "some",
        "many",
        "more",
        "most",
        "speaking",
        "asked",
        "they",
        "we",
        "i",
        "you",
        "our",
        "their",
        "there",
        "these",
        "those",
        "what",
        "which",
        "who",
        "however",
        "also",
        "meanwhile",
        "earlier",
        "later",
        "yes",
        "no",
        "not",
        "all",
        "any",
        "each",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "it's",
        "its",
        "new",
        "mps",
        "under",
        "among",
        "according",
        "despite",
        "following",
        "former",
        "foreign",
        "prime",
        "minister",
        "president",
        "secretary",
        "chancellor",
        "premier",
        "leader",
        "diplomatic",
        "state-run",
        "state",
        "officials",
        "analysts",
        "reuter",
        "reuters",
        "bbc",
        "home",
        "labour",
        "tory",
        "tories",
        "conservative",
        "conservatives",
        "liberal",
        "democrats",
        "lib",
        "dem",
        "dems",
        "party",
        "government",
        "cabinet",
        "parliament",
        "congress",
        "senate",
        "commons",
        "lords",
        "olympic",
        "olympics",
        "games",
        "cold",
        "war",
        "world",
        "covid-19",
        "covid",
        "islam",
        "muslim",
        "christian",
        "hindu",
        "sikh",
        "aids",
        "hiv",
        "god",
        "prophet",
        "budget",
        "commission",
        "university",
        "school",
        "said",
        "says",
        "chief",
        "deputy",
        "general",
        "vice",
        "to",
        "of",
        "so",
        "then",
        "now",
        "only",
        "even",
        "just",
        "here",
        "why",
        "how",
        "where",
        "do",
        "does",
        "did",
        "is",
        "was",
        "are",
        "were",
        "has",
        "have",
        "had",
        "will",
        "would",
        "my",
        "your",
        "me",
        "us",
        "him",
        "them",
        "because",
        "although",
        "though",
        "until",
        "unless",
        "whether",
        "over",
        "about",
        "into",
        "through",
        "between",
        "against",
        "without",
        "within",
        "upon",
        "than",
        "out",
        "up",
        "down",
        "off",
        "again",
        "further",
        "once",
        "let",
        "must",
        "can",
        "could",
        "should",
        "might",
        "shall",
        "like",
        "rather",
        "perhaps",
        "indeed",
        "instead",
        "mr",
        "mrs",
        "ms",
        "dr",
        "sir",
        "lord",
    }
) | frozenset(WEEKDAYS) | frozenset(MONTHS)
ORG_WORDS: frozenset[str] = frozenset(
    {
        "tribune",
        "times",
        "post",
        "news",
        "express",
        "herald",
        "journal",
        "radio",
        "television",
        "tv",
        "agency",
        "office",
        "ministry",
        "department",
        "party",
        "bank",
        "fund",
        "council",
        "committee",
        "commission",
        "association",
        "union",
        "group",
        "corp",
        "corporation",
        "company",
        "exchange",
        "stock",
        "market",
        "court",
        "house",
        "street",
        "airlines",
        "airways",
        "air",
        "school",
        "temple",
        "university",
        "institute",
        "forum",
        "organisation",
        "organization",
        "federation",
        "club",
        "church",
        "mosque",
        "hospital",
        "army",
        "navy",
        "police",
        "service",
        "services",
        "centre",
        "center",
        "foundation",
        "trust",
        "inc",
        "ltd",
        "plc",
        "co",
        "standard",
        "guardian",
        "mirror",
        "independent",
        "telegraph",
        "daily",
        "weekly",
        "press",
        "online",
        "network",
        "channel",
        "broadcasting",
        "programme",
        "program",
        "newsnight",
        "today",
        "olympics",
        "games",
        "cup",
        "league",
        "summit",
        "conference",
        "treaty",
        "accord",
        "act",
        "bill",
        "plan",
        "road",
        "square",
        "palace",
        "hall",
        "station",
        "airport",
        "port",
        "bay",
        "island",
        "islands",
        "river",
        "valley",
        "province",
        "state",
        "region",
        "city",
        "county",
        "district",
        "village",
        "town",
        "capital",
        "limited",
        "holdings",
        "petroleum",
        "oil",
        "gas",
        "energy",
        "motors",
        "international",
        "global",
        "national",
        "federal",
        "republic",
        "kingdom",
        "empire",
        "dynasty",
        "front",
        "movement",
        "alliance",
        "coalition",
        "assembly",
        "parliament",
        "congress",
        "senate",
        "cabinet",
        "government",
        "administration",
        "authority",
        "board",
        "commonwealth",
        "nations",
        "united",
        "eu",
        "un",
        "nato",
        "imf",
        "opec",
        "wto",
        "g8",
        "g7",
        "g20",
        "aids",
        "hiv",
        "manifesto",
        "pledge",
        "olympic",
        "primary",
        "secondary",
        "watch",
        "rights",
        "prize",
        "award",
        "festival",
        "week",
        "day",
        "year",
        "gmt",
        "am",
        "pm",
        "bst",
        "fc",
        "mandir",
        "line",
        "control",
        "pact",
        "war",
        "tribunal",
        "inquiry",
        "report",
        "show",
        "hour",
        "hours",
        "questions",
    }
)
# Offices and parties that identify the country when no demonym is given.
TITLE_COUNTRY: tuple[tuple[str, str], ...] = (
    ("home secretary", "GBR"),
    ("foreign secretary", "GBR"),
    ("chancellor of the exchequer", "GBR"),
    ("lib dem", "GBR"),
    ("liberal democrat", "GBR"),
    ("tory", "GBR"),
    ("conservative leader", "GBR"),
    ("labour", "GBR"),
    ("shadow", "GBR"),
    ("taoiseach", "IRL"),
    ("secretary of state for", "GBR"),
    ("culture secretary", "GBR"),
    ("trade secretary", "GBR"),
    ("education secretary", "GBR"),
    ("health secretary", "GBR"),
    ("defence secretary", "GBR"),
    ("work and pensions", "GBR"),
)
# Substrings of every office word desc_re accepts (its head group, matched case-insensitively).
DESCRIPTION_HEADS: tuple[str, ...] = (
    "minister",
    "premier",
    "president",
    "chancellor",
    "secretary",
    "leader",
    "king",
    "queen",
    "pope",
    "prince",
    "emir",
    "monarch",
    "emperor",
    "sultan",
    "delegation",
)
LEADER_TITLES: tuple[str, ...] = (
    "leader", "president", "prime minister", "premier", "chancellor", "king", "queen", "emir", "sultan",
)
PRONOUNS: frozenset[str] = frozenset({"he", "she", "his", "her", "him", "they", "their", "them"})
TITLE_SYNONYMS: tuple[tuple[str, str], ...] = (("premier", "Prime Minister"), ("pm", "Prime Minister"))


# A capitalised run: its words (start, end, text) relative to the run, and its spans of name-like words.
class _Span(NamedTuple):
    """A span of name-like words in a capitalised run, with what the run's own words decide about it."""

    i: int  # first word (index into the run's words)
    j: int  # one past the last word
    rejected: bool  # next to an organisation word, too long, or a too-short single word
    name: str
    surname: str
    possessive: bool
    single: bool
    place: bool  # a single word that is also a place name
    untitled: bool  # no title word before it inside the run (the title walk finds no head)
    leaves_run: bool  # the title walk reaches the start of the run (the words before it may matter)
    honor: bool  # an honorific right before it inside the run
    start: int  # offsets within the run
    end: int
    stop: int  # where the title walk inside the run stops (-1: it leaves the run)


_RunInfo = tuple[tuple[tuple[int, int, str], ...], tuple[_Span, ...]]
_MISSING = object()


def _is_org(word: str) -> bool:
    """A capitalised organisation word ("Bank", "Times") next to a name: the run names no person."""
    return word.lower() in ORG_WORDS and word[0].isupper()


def _strip_s(word: str) -> str:
    """'Khan's' -> 'Khan'."""
    return word[:-2] if word.endswith(("'s", "’s")) else word


def _may_qualify(word: str) -> bool:
    """Could this word before a name make it a title, an honorific or an organisation (see _make_person)?"""
    low = word.lower()
    return (
        low in HONORIFICS
        or low.rstrip(".") in TITLE_HEADS
        or low.rstrip(".") in TITLE_MODIFIERS
        or word == "-"
        or low.startswith("ex-")
        or _is_org(word)
    )


@dataclass
class Person:
    """One person (or unnamed office-holder) of an article."""

    name: str
    title: str | None = None
    country: str | None = None
    mentions: int = 0
    first_pos: int = 0
    named: bool = True
    aliases: set[str] = field(default_factory=set)


class PersonMention(NamedTuple):
    """A person reference in one sentence: [start, end) in the sentence (a named tuple: cheap to build)."""

    start: int
    end: int
    person: Person
    kind: str  # "name", "description", "pronoun"
    possessive: bool = False


def normalise_title(title: str) -> str:
    words = title.split()
    out: list[str] = []
    for w in words:
        low = w.lower()
        repl = w
        for short, full in TITLE_SYNONYMS:  # two pairs: a loop, no dict built per word
            if short == low:
                repl = full
                break
        out.append(repl)
    text = " ".join(out)
    if text.lower() == "president":
        return "President"
    return text


class PeopleFinder:
    """Finds person mentions in a sentence and keeps the article's registry of people."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        self.word_re = re.compile(r"[A-Za-zÀ-ÿ][\w’'.\-]*[\w]|[A-Za-z]\.?|\S")
        # "the|his|her|their" at a word start; each alternative begins with its letter (the lookbehind after
        # it) so the engine jumps to t/h instead of trying every position.
        nb = r"(?<!\w.)"
        self.desc_re = re.compile(
            rf"(T{nb}he|t{nb}he|H{nb}is|h{nb}is|H{nb}er|h{nb}er|T{nb}heir|t{nb}heir)\s+"
            r"((?:former|ex-|then|current|new|visiting|outgoing)\s+)?"
            r"((?:[A-Z][\w.\-]*\s+){0,3})"
            r"((?i:prime minister|premier|president|chancellor|foreign minister|foreign secretary|home secretary|"
            r"leader|king|queen|minister|secretary|pope|secretary-general|prince|emir|monarch|emperor|sultan|"
            r"finance minister|defence minister|defense minister|delegation))\b(?!\s+[A-Z][a-z])"
        )
        self._nl_cache: dict[str, bool] = {}
        self._lw_cache: dict[str, str | None] = {}  # a space-free chunk -> its last word_re token
        self._q_cache: dict[str, bool] = {}  # a space-free chunk -> does its last token qualify a name
        self._tc_cache: dict[str, str | None] = {}  # a title -> its one country (_title_country)
        self._run_cache: dict[str, _RunInfo | None] = {}
        # Capitalised runs not glued to a preceding word; the capital comes first (the lookbehind after it) so
        # that the regex engine can skip ahead to capitals instead of trying every position.
        self.run_re = re.compile(r"[A-ZÀ-Ý](?<![\w'’-].)[\w'’.\-]*(?:\s+[A-ZÀ-Ý][\w'’.\-]*)*")
        self.pronoun_re = re.compile(r"\b(he|she|his|her|they|their)\b", re.I)
        self.of_re = re.compile(r"\s+of\s+((?:the\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)")

    def new_registry(self) -> dict[str, Person]:
        return {}

    # ----- named mentions -------------------------------------------------
    def names(self, sent: str, registry: dict[str, Person], offset: int) -> list[PersonMention]:
        """Named people in ``sent``: each capitalised run is analysed once (cached by its text); the words
        before a run (titles, honorifics, demonyms) are read only when the run's own words do not decide."""
        out: list[PersonMention] = []
        cache = self._run_cache
        for run in self.run_re.finditer(sent):
            key = run.group()
            info = cache[key] if key in cache else self._run_info(key)  # a hit without the call
            if info is None:
                continue
            base = run.start()
            qualifier: bool | None = None  # is the word before the run a title/honorific/organisation word?
            for span in info[1]:
                if span.rejected:
                    continue
                if span.leaves_run and qualifier is None:
                    qualifier = self._qualifier_before(sent, base)
                # a single unknown word needs a title or honorific before it
                unknown = span.single and span.surname not in registry
                if unknown and not (_may_qualify(info[0][span.i - 1][2]) if span.i > 0 else qualifier):
                    continue
                mention = self._person_in_run(sent, base, info[0], span, registry, offset, bool(qualifier))
                if mention is not None:
                    out.append(mention)
        return out

    def _qualifier_before(self, sent: str, base: int) -> bool:
        """Is the word before the run at ``base`` a title, modifier, honorific or organisation word?  (Cached by
        the space-free chunk before the run.)"""
        if base == 0:
            return False
        chunk = self._chunk_before(sent, max(0, base - 90), base)
        if chunk is None:
            return False
        hit = self._q_cache.get(chunk)
        if hit is None:
            last = self._last_word_in(chunk)
            hit = last is not None and _may_qualify(last)
            if len(self._q_cache) > 100000:
                self._q_cache.clear()
            self._q_cache[chunk] = hit
        return hit

    def _run_info(self, run: str) -> _RunInfo | None:
        """The run's words (offsets within the run) and its spans of name-like words; None: no name-like word."""
        hit = self._run_cache.get(run, _MISSING)
        if hit is not _MISSING:
            return hit  # type: ignore[return-value]
        info: _RunInfo | None = None
        if any(self._namelike_cached(w) for w in run.split()):
            tokens = tuple((m.start(), m.end(), m.group()) for m in self.word_re.finditer(run))
            spans: list[_Span] = []
            i = 0
            while i < len(tokens):
                j = i
                while j < len(tokens) and self._namelike_cached(tokens[j][2]):
                    j += 1
                if j > i and self._trailing_honorific(tokens, j):
                    j += 1  # "Hun Sen": an honorific-like word ending a name is part of it
                if j > i:
                    spans.append(self._span(tokens, i, j))
                i = max(j, i + 1)
            kept = tuple(sp for sp in spans if not sp.rejected)  # names() skips rejected spans before anything
            info = (tokens, kept) if kept else None
        if len(self._run_cache) > 100000:
            self._run_cache.clear()
        self._run_cache[run] = info
        return info

    def _trailing_honorific(self, tokens: tuple[tuple[int, int, str], ...], j: int) -> bool:
        """Is token ``j`` an honorific spelled without a period that ends the run's name words?"""
        if j >= len(tokens):
            return False
        w = _strip_s(tokens[j][2])
        if w.endswith(".") or w.lower() not in HONORIFICS or not w[:1].isupper():
            return False
        return j + 1 == len(tokens) or not self._namelike_cached(tokens[j + 1][2])

    def _span(self, words: tuple[tuple[int, int, str], ...], i: int, j: int) -> _Span:
        """What :meth:`_make_person` decides from the run's own words: (i, j, rejected, name, surname,
        possessive, single word, single word is a place)."""
        tokens = [w for _s, _e, w in words[i:j]]
        possessive = tokens[-1].endswith(("'s", "’s"))
        tokens[-1] = _strip_s(tokens[-1])
        tokens = [t.rstrip(".") if len(t) > 2 else t for t in tokens]
        surname = tokens[-1].lower()
        single = len(tokens) == 1
        rejected = (
            (j < len(words) and _is_org(words[j][2].rstrip(".")))
            or (i > 0 and _is_org(words[i - 1][2]) and words[i - 1][2].lower() not in TITLE_MODIFIERS)
            or len(tokens) > 4
            or (single and len(surname) < 3)
        )
        place = single and self.gaz.lookup(surname) is not None
        k, has_head = self._title_walk(list(words), i)
        honor = i > 0 and words[i - 1][2].lower() in HONORIFICS
        name = " ".join(tokens)
        start, end = words[i][0], words[j - 1][1]
        return _Span(
            i, j, rejected, name, surname, possessive, single, place, not has_head, k < 0, honor, start, end, k
        )

    def _person_in_run(
        self,
        sent: str,
        base: int,
        run_words: tuple[tuple[int, int, str], ...],
        span: _Span,
        registry: dict[str, Person],
        offset: int,
        qualifier: bool,
    ) -> PersonMention | None:
        """A person from one span of name-like words.  The words before the run (from 90 characters back, as
        a title can reach that far) are tokenised only when they can change the outcome."""
        if span.rejected:
            return None
        if span.untitled and not (span.leaves_run and qualifier):
            # no title, and no honorific or organisation word before the run: the run alone decides
            return self._untitled_person(sent, base, span, registry, offset)
        i, j, single, surname = span.i, span.j, span.single, span.surname
        words = [(s + base, e + base, w) for s, e, w in run_words]
        if base > 0 and self._needs_context(sent, base, span, qualifier):
            before = self._window_tokens(sent, max(0, base - 90), base, words, i)
            words = before + words
            i, j = i + len(before), j + len(before)
            if i > 0 and _is_org(words[i - 1][2]) and words[i - 1][2].lower() not in TITLE_MODIFIERS:
                return None
            title, country = self._title_before(sent, words, i)
        else:  # the run alone: without a title head inside it (the same walk) there is no title
            title, country = self._title_before(sent, words, i) if not span.untitled else (None, None)
        honor = i > 0 and words[i - 1][2].lower() in HONORIFICS
        if single and not (title or honor or surname in registry):
            return None
        if single and not (title or honor) and span.place:
            return None
        after_country = self._of_country(sent, words[j - 1][1])
        person = self._register(span.name, surname, title, country or after_country, registry, offset)
        return PersonMention(words[i][0], words[j - 1][1], person, "name", span.possessive)

    def _window_tokens(
        self, sent: str, lo: int, base: int, run_words: list[tuple[int, int, str]], i: int
    ) -> list[tuple[int, int, str]]:
        """The ``word_re`` tokens of ``sent[lo:base]`` that the title walk reads: first those after the last space
        at least 30 characters back (a space ends a chunk, so they are the full pass's last tokens); the full
        window only if the walk, with the 3-word country phrase before where it stops, reaches their start."""
        cut = sent.rfind(" ", lo, max(lo, base - 30))
        if cut >= 0:
            near = [(m.start(), m.end(), m.group()) for m in self.word_re.finditer(sent, cut + 1, base)]
            if self._title_walk(near + run_words, i + len(near))[0] >= 2:
                return near
        return [(m.start(), m.end(), m.group()) for m in self.word_re.finditer(sent, lo, base)]

    def _untitled_person(
        self, sent: str, base: int, span: _Span, registry: dict[str, Person], offset: int
    ) -> PersonMention | None:
        if span.single and not (span.honor or span.surname in registry):
            return None
        if span.single and not span.honor and span.place:
            return None
        start, end = base + span.start, base + span.end
        person = self._register(span.name, span.surname, None, self._of_country(sent, end), registry, offset)
        return PersonMention(start, end, person, "name", span.possessive)

    def _needs_context(self, sent: str, base: int, span: _Span, qualifier: bool) -> bool:
        """Can the words before the run change the span's title, country or rejection?  ``qualifier``: the
        word before the run qualifies (see :meth:`_qualifier_before`; computed for spans that leave the run)."""
        if not span.leaves_run:  # stopped inside the run; a title's country is read from up to 3 words ending there
            return not span.untitled and span.stop < 2
        if qualifier:
            return True
        return not span.untitled and self._chunk_before(sent, max(0, base - 90), base) is not None

    def _title_walk(self, words: list[tuple[int, int, str]], i: int) -> tuple[int, bool]:
        """The walk of :meth:`_title_before` back from word ``i``: (first word not part of a title, saw a head)."""
        k = i - 1
        if k >= 0 and words[k][2].lower() in HONORIFICS:
            k -= 1
        has_head = False
        while k >= 0:
            w = words[k][2]
            low = w.lower().rstrip(".")
            if low in TITLE_HEADS:
                has_head = True
            elif not (low in TITLE_MODIFIERS or w == "-" or low.startswith("ex-")):
                break
            k -= 1
        return k, has_head

    def _last_word_before(self, sent: str, lo: int, end: int) -> str | None:
        """The last of the words ``word_re`` finds in ``sent[lo:end]``, tokenising only the last chunk."""
        chunk = self._chunk_before(sent, lo, end)
        return None if chunk is None else self._last_word_in(chunk)

    @staticmethod
    def _chunk_before(sent: str, lo: int, end: int) -> str | None:
        """The last whitespace-free chunk of ``sent[lo:end]`` (None: only whitespace); ``rsplit`` splits on what
        ``str.isspace`` calls whitespace."""
        parts = sent[lo:end].rsplit(None, 1)
        return parts[-1] if parts else None

    def _last_word_in(self, chunk: str) -> str | None:
        """The last ``word_re`` token of a whitespace-free chunk (cached by the chunk)."""
        hit = self._lw_cache.get(chunk, _MISSING)
        if hit is not _MISSING:
            return hit  # type: ignore[return-value]
        last = None
        for m in self.word_re.finditer(chunk):  # word_re has no lookaround: the slice tokenises alike
            last = m.group()
        if len(self._lw_cache) > 100000:
            self._lw_cache.clear()
        self._lw_cache[chunk] = last
        return last

    def _namelike_cached(self, w: str) -> bool:
        hit = self._nl_cache.get(w)
        if hit is None:
            hit = self._namelike(w.rstrip(',;:!?"”)'))
            if len(self._nl_cache) > 100000:
                self._nl_cache.clear()
            self._nl_cache[w] = hit
        return hit

    def _namelike(self, w: str) -> bool:
        if not w[0].isupper() or (w.isupper() and len(w) > 2 and "." not in w):
            return False
        base = w.rstrip(".").lower()
        for suf in ("'s", "’s"):
            if base.endswith(suf):
                base = base[: -len(suf)]
        if base in NON_NAMES or base in TITLE_HEADS or base in HONORIFICS or base in ORG_WORDS:
            return False
        found = self.gaz.lookup(base)
        return found is None or found[0] == "city"

    def _register(
        self,
        name: str,
        surname: str,
        title: str | None,
        country: str | None,
        registry: dict[str, Person],
        offset: int,
    ) -> Person:
        person = registry.get(surname)
        if person is None:
            person = Person(name=name, first_pos=offset)
            registry[surname] = person
        elif name.count(" ") > person.name.count(" ") and person.name.rsplit(" ", 1)[-1] == name.rsplit(" ", 1)[-1]:
            person.name = name  # names are tokens joined by single spaces: count and rsplit as split() would
        person.mentions += 1
        if title and (person.title is None or (len(title) > len(person.title) and "former" not in person.title)):
            person.title = title
        if country and person.country is None:
            person.country = country
        if person.country is None and person.title:
            tc = self._tc_cache.get(person.title, _MISSING)
            if tc is _MISSING:
                tc = self._title_country(person.title)
                if len(self._tc_cache) > 100000:
                    self._tc_cache.clear()
                self._tc_cache[person.title] = tc
            person.country = tc  # type: ignore[assignment]
        return person

    def _title_before(self, sent: str, words: list[tuple[int, int, str]], i: int) -> tuple[str | None, str | None]:
        k = i - 1
        if k >= 0 and words[k][2].lower() in HONORIFICS:
            k -= 1
        end = k
        has_head = False
        country: str | None = None
        while k >= 0:
            w = words[k][2]
            low = w.lower().rstrip(".")
            if low in TITLE_HEADS:
                has_head = True
            elif low in TITLE_MODIFIERS or w in ("-",) or low.startswith("ex-"):
                pass
            else:
                break
            k -= 1
        if not has_head:
            return None, None
        start = k + 1
        while start <= end and words[start][2].lower() in ("of", "for", "the", "and"):
            start += 1
        if k >= 0:
            country = self._country_word(sent, words, k)
        title = sent[words[start][0] : words[end][1]] if start <= end else None
        if title and country and re.search(r"(?i)\b(?:former|ex-)\s+\S+\s*$", sent[: words[k][1]]):
            title = "former " + title
        if title and title.lower().startswith(("former ", "ex-")):
            title = "former " + title.split(" ", 1)[1] if " " in title else title
        if title and title.lower().startswith("chief") and title.count(" ") == 0:
            return None, country
        return (normalise_title(title) if title else None), country

    def _country_word(self, sent: str, words: list[tuple[int, int, str]], k: int) -> str | None:
        for n in (3, 2, 1):
            if k - n + 1 < 0:
                continue
            phrase = sent[words[k - n + 1][0] : words[k][1]]
            phrase = _strip_s(phrase)
            found = self.gaz.lookup(phrase)
            if found and found[0] in ("country", "demonym"):
                return found[1]
        return None

    def _of_country(self, sent: str, pos: int) -> str | None:
        two = sent[pos : pos + 2]  # of_re needs whitespace, then more whitespace or the "o" of "of"
        if len(two) < 2 or not two[0].isspace() or not (two[1] == "o" or two[1].isspace()):
            return None
        m = self.of_re.match(sent, pos)
        if not m:
            return None
        found = self.gaz.lookup(m.group(1))
        return found[1] if found and found[0] == "country" else None

    @staticmethod
    def title_country(title: str) -> str | None:
        """The country of a one-country office ("Home Secretary" -> GBR), else None."""
        return PeopleFinder._title_country(title)

    @staticmethod
    def _title_country(title: str) -> str | None:
        low = title.lower()
        for key, a3 in TITLE_COUNTRY:
            if key in low:
                return a3
        return None

    # ----- descriptions ("the Russian president") ---------------------------
    def descriptions(
        self,
        sent: str,
        registry: dict[str, Person],
        offset: int,
        low: str | None = None,
        heads: bool | None = None,
    ) -> list[PersonMention]:
        """Office-holders described without a name.  ``heads``: whether the lower-cased sentence has a
        DESCRIPTION_HEADS word, when the caller knows (only where lower() and (?i) agree)."""
        out: list[PersonMention] = []
        if heads is False:
            return out
        low = sent.lower() if low is None else low
        # desc_re needs one of these words (its head group is case-insensitive)
        if heads is None and lower_agrees_with_ignorecase(sent) and not any(map(low.__contains__, DESCRIPTION_HEADS)):
            return out
        for m in self.desc_re.finditer(sent):
            det = m.group(1).lower()
            if det in ("his", "her", "their") and m.group(4).lower() != "delegation":
                continue
            mod = (m.group(3) or "").strip()
            country = None
            if mod:
                found = self.gaz.lookup(re.sub(r"['’]s$", "", mod))
                country = found[1] if found and found[0] in ("country", "demonym") else None
            former = "former " if m.group(2) and m.group(2).strip().lower() in ("former", "ex-") else ""
            head = normalise_title(m.group(4))
            if head.islower():
                head = head.title() if head in ("president",) else head
            title = former + (head if country else normalise_title((mod + " " + m.group(4)).strip()))
            person = self.resolve_description(title, head, country, registry, offset, m.group(0))
            if person is not None:
                out.append(PersonMention(m.start(), m.end(), person, "description"))
        return out

    def resolve_description(
        self,
        title: str,
        head: str,
        country: str | None,
        registry: dict[str, Person],
        offset: int,
        text: str,
    ) -> Person | None:
        head_low = head.lower()
        cands = [
            p
            for p in registry.values()
            if p.named
            and p.title
            and _title_matches(p.title.lower(), head_low)
            and (country is None or p.country in (None, country))
        ]
        if not cands:
            cands = [
                p
                for p in registry.values()
                if p.named
                and p.title is None
                and (country is None or p.country in (None, country))
                and head_low in ("leader", "liberal democrat leader")
            ]
            if cands:
                best = max(cands, key=lambda p: (p.mentions, -p.first_pos))
                best.title = title
                best.country = best.country or country or self._title_country(title)
                return best
        if cands:
            return max(cands, key=lambda p: (p.mentions, -p.first_pos))
        key = "#" + title.lower() + "#" + (country or "")
        if key not in registry:
            label = (self.gaz_demonym_label(country) + " " + head).strip() if country else title
            registry[key] = Person(
                name=label, title=head if country else title, country=country, first_pos=offset, named=False
            )
        registry[key].mentions += 1
        return registry[key]

    def gaz_demonym_label(self, country: str | None) -> str:
        if country is None:
            return ""
        for dem, a3 in self.gaz.demonyms.items():
            if a3 == country and " " not in dem and "." not in dem and len(dem) > 3:
                return dem.title()
        return self.gaz.country_name(country)

    def pronouns(self, sent: str) -> list[tuple[int, int, str]]:
        return [(m.start(), m.end(), m.group(1).lower()) for m in self.pronoun_re.finditer(sent)]


def _title_matches(title: str, head: str) -> bool:
    if head in ("premier", "prime minister"):
        return "prime minister" in title or "premier" in title
    if head == "leader":  # "the Chinese leader": a head of state or government
        return any(t in title for t in LEADER_TITLES)
    return head in title
