"""Rule-based visit-event extractor (see docs/visit-events.md).

Confidence
----------
Each row's confidence is computed from its best mention and its support::

    base   = 0.80 explicit trigger (visit/trip/tour/travel to/arrive in/...) with a named destination
             0.60 inferred trigger (meet ... in X, attend ... in X, hosted, tour stop, visiting official)
    + 0.05 per further sentence that mentions the same visit (at most +0.10)
    + 0.05 when the visitor is a resolved full name (not a pronoun-only or unnamed office)
    + 0.03 when a date was attached
    - 0.15 when the visitor is an unnamed office-holder
    - 0.10 when the status is ``proposed`` (weaker commitment in the text)

clipped to [0.05, 0.99] and rounded to two decimals.  Explicit, well-formed
mentions therefore score 0.85-0.99 and inferred ones 0.45-0.75.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import itemgetter, or_

from newsbeam.events.dates import DateExpr, DateFinder, toward_future, toward_past
from newsbeam.events.gazetteer import Gazetteer, Place
from newsbeam.events.people import DESCRIPTION_HEADS, PeopleFinder, Person, PersonMention
from newsbeam.events.text import SentenceSplitter, lower_agrees_with_ignorecase

EXTRACTOR_VERSION = "rules-0.1"

STRONG_KINDS: frozenset[str] = frozenset({"visit", "nominal", "travel", "arrive", "leave", "spend", "place_noun"})
BLOCK_WORDS: frozenset[str] = frozenset(
    {
        "about",
        "over",
        "regarding",
        "concerning",
        "discuss",
        "discussed",
        "against",
        "war",
        "conflict",
        "crisis",
        "relations",
        "ties",
        "between",
        "with",
        "towards",
        "toward",
        "policy",
        "policies",
        "issue",
        "issues",
        "said",
        "says",
        "told",
        "because",
        "while",
        "although",
        "but",
        "where",
        "which",
        "who",
    }
)
# Words one of which a sentence must contain for a trigger's (case-sensitive) regex to match at all:
# a cheap substring test that saves running the regex over sentences that cannot match.
TRIGGER_GATES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("visit", ("visit", "tour")),
    ("nominal", ("visit", "trip", "tour", "journey", "stopover", "mission")),
    ("travel", ("travel", "fl", "go", "went", "head", "return", "jet", "com", "came", "sail", "drove", "driven")),
    ("arrive", ("arriv", "land")),
    ("leave", ("leav", "left", "depart")),
    ("spend", ("spen",)),
    ("place_noun", ("visit", "trip", "tour", "stopover")),
    ("meet", ("meet", "met", "talks", "summit")),
    ("attend", ("attend",)),
    ("host", ("host", "receiv", "welcom")),
    ("visiting_adj", ("visiting",)),
    ("speak", ("speak", "spoke", "paid a call", "pays a call", "talking")),
)
# Bits of a lower-cased chunk (VisitEventExtractor._chunk_bits); trigger k's gate is bit GATE_SHIFT + k.
STEM_BIT, SPACED_BIT, HEAD_BIT, WILL_BIT, IS_ARE_BIT, GATE_SHIFT = 1, 2, 4, 8, 16, 5
# First words of the pre-filter stems that go on after a space ("go ... to", "come ... to", "paid a call").
SPACED_STEM_ENDS: tuple[str, ...] = ("go", "goes", "going", "gone", "come", "came", "coming", "paid")
STATUS_ORDER: tuple[str, ...] = ("cancelled", "proposed", "planned", "ongoing", "completed")


@dataclass
class Mention:
    """One sentence's statement of a visit."""

    sent_index: int
    person: Person
    country: str
    city: str | None
    status: str | None
    strong: bool
    date: DateExpr | None
    host: Person | None
    evidence: str
    explicit_status: bool = True


@dataclass
class Visit:
    """A merged visit: all mentions with the same visitor and destination country."""

    person: Person
    country: str
    mentions: list[Mention] = field(default_factory=list)


class VisitEventExtractor:
    """Extracts visit events from one article; build once per worker, call :meth:`extract` per article."""

    def __init__(self) -> None:
        self.gaz = Gazetteer()
        self.dates = DateFinder()
        self.people = PeopleFinder(self.gaz)
        self.splitter = SentenceSplitter()
        self._compile()

    def _compile(self) -> None:
        f = re.compile
        # Trigger stems grouped by first letter (fewer alternatives tried per word): visit, tour, trip, travel,
        # flew/fly/flies/flown, went, welcom, go/come ... to, head, host, arriv, attend, land, leav, left, depart,
        # spend/spent, summit, speaking, stopover, meet, met, mission, receiv, return, journey, jet, paid a call.
        stems = (
            r"(?:v(?:isit)|t(?:our|rip|ravel|alks)|f(?:lew|ly|lies|lown)|w(?:ent|elcom)"
            r"|g(?:o|oes|oing|one)\s+(?:back\s+)?to|c(?:ome|ame|oming)\s+(?:back\s+)?to"
            r"|h(?:ead|ost)|a(?:rriv|ttend)|l(?:and|eav|eft)|d(?:epart)|s(?:pen[dt]|ummit|peaking|topover)"
            r"|m(?:eet|et\b|ission)|r(?:eceiv|eturn)|j(?:ourney|et)|p(?:aid a call))"
        )
        # The fast form runs on the lower-cased sentence (where lower() and (?i) agree).
        self.prefilter = f(r"\b" + stems)
        self.prefilter_i = f(r"(?i)\b" + stems)
        # The stems per whitespace-free chunk (_chunk_bits): those within one word, and the chunk-final words that
        # begin a stem with a space ("go ... to", "come ... to", "paid a call"; their sentence gets the full test).
        self.stem_in_chunk = f(
            r"\b(?:v(?:isit)|t(?:our|rip|ravel|alks)|f(?:lew|ly|lies|lown)|w(?:ent|elcom)"
            r"|h(?:ead|ost)|a(?:rriv|ttend)|l(?:and|eav|eft)|d(?:epart)|s(?:pen[dt]|ummit|peaking|topover)"
            r"|m(?:eet|et\b|ission)|r(?:eceiv|eturn)|j(?:ourney|et))"
        )
        self.stem_spaced_end = f(r"\b(?:" + "|".join(SPACED_STEM_ENDS) + ")$")
        # the future verb's words followed by a space: "will", or the "is"/"are" of "is (due|expected|set) to" ...
        self.will_end = f(r"\bwill$")
        self.is_are_end = f(r"\b(?:is|are)$")
        self.triggers = self._compile_triggers(f)
        self.gates: dict[str, tuple[str, ...]] = dict(TRIGGER_GATES)
        # gate words with a space ("paid a call") cannot lie in one chunk: tested on the whole sentence
        self._spaced_gates: list[tuple[int, tuple[str, ...]]] = [
            (bit, tuple(w for w in self.gates[kind] if " " in w))
            for bit, (kind, _pat) in enumerate(self.triggers)
            if any(" " in w for w in self.gates[kind])
        ]
        self._bits_cache = _Cache(self._chunk_bits)  # a lower-cased whitespace-free chunk -> its _chunk_bits
        self._word_bits, self._word_bits_re = self._head_and_gate_words()
        # not|never|n't|no plans? to|refused to|declined to|ruled out|yet to|cannot|nor, letter-first (see cues)
        self.negation = f(
            r"(?:n(?<!\w.)(?:ot|ever|'t|o plans? to|or)|r(?<!\w.)(?:efused to|uled out)|d(?<!\w.)eclined to|"
            r"y(?<!\w.)et to|c(?<!\w.)annot)\W+(?:\w+\W+){0,2}$"
        )
        # Case-insensitive cues, compiled twice: plain, for the lower-cased sentence (same offsets), and with
        # (?i) for the rare sentence where lower() and (?i) disagree (see text.lower_agrees_with_ignorecase).
        # Words are grouped by first letter, each letter followed by (?<!\w.) (a word start: \b before it), so
        # that the engine skips ahead to those letters; within a letter the words keep their order.
        nb = r"(?<!\w.)"
        cues = {
            "hypothetical": r"(?:^|\W)(?:if|unless|whether|were he|were she|should he|should she)\W",
            "cancel": (
                rf"(?:c{nb}(?:ancel|all(?:ed|s)? off|alled-off)|p{nb}(?:ostpon|ut off)|s{nb}(?:crap|helv)|"
                rf"a{nb}(?:bandon|xed))"
            ),
            "proposed": (
                rf"(?:i{nb}(?:nvit\w*|s discuss\w*)|c{nb}(?:ould|onsider\w*)|m{nb}(?:ay|ight)|"
                rf"p{nb}(?:ropos\w*|lan for|ossible|ossibility)|b{nb}eing discuss\w*|u{nb}(?:nder discuss\w*|rg\w+)|"
                rf"a{nb}re discuss\w*|d{nb}iscussing a|l{nb}ook(?:s|ed|ing)? forward|f{nb}(?:inalis\w*|inaliz\w*)|"
                rf"w{nb}(?:ould like|illing to)|o{nb}ffer(?:ed|s)? to|t{nb}alks? (?:on|about|over) a|r{nb}eady to)\b"
            ),
            "planned": (
                rf"(?:w{nb}(?:ill|as to|ere to|ould)|'(?<=\w.)ll|s{nb}(?:hall|et to|cheduled)|i{nb}(?:s to|ntends? to)|"
                rf"a{nb}re to|d{nb}ue|e{nb}xpected|p{nb}(?:lans? to|lanned|lanning|reparing to)|u{nb}pcoming|"
                rf"f{nb}orthcoming|g{nb}oing to|h{nb}(?:ope[sd]? to|oping to)|t{nb}(?:o undertake|omorrow)|n{nb}ext|"
                rf"l{nb}ater this)\b"
            ),
            "ongoing": (
                rf"(?:i{nb}(?:s (?:now |currently )?(?:in|on)|s visiting|s touring|s attending|s\s+(?:\w+\s+)?meeting)|"
                rf"a{nb}(?:re (?:now |currently )?(?:in|on)|rrived|rrives|re visiting|re touring|re attending|"
                rf"re\s+(?:\w+\s+)?meeting)|c{nb}urrently|b{nb}eg(?:an|ins)|o{nb}pen(?:ed|s)|s{nb}tart(?:ed|s)|"
                rf"k{nb}icked off|d{nb}ay of|h{nb}as (?:said|told)|t{nb}old reporters|v{nb}isiting)\b"
            ),
            "completed": (
                rf"(?:v{nb}isited|t{nb}(?:ravell?ed|oured)|f{nb}(?:lew|ormer)|w{nb}(?:ent|as in|ere in)|"
                rf"r{nb}(?:eturned|ecent|ecently)|s{nb}pent|h{nb}(?:eld|ad)|a{nb}(?:ttended|go|fter)|m{nb}(?:et|ade)|"
                rf"p{nb}(?:aid|revious)|l{nb}ast|e{nb}arlier|u{nb}ndertook|d{nb}iscussed|y{nb}esterday|o{nb}pened up)\b"
            ),
            "committed": (
                rf"(?:w{nb}ill|s{nb}(?:hall|et to|cheduled)|i{nb}s (?:to|expected)|a{nb}re (?:to|expected)|"
                rf"d{nb}ue to)\b"
            ),
            "past_date_cue": rf"(?:l{nb}ast|a{nb}go|y{nb}esterday|r{nb}ecent|e{nb}arlier)\b",
            "say_during": (
                rf"(?:h{nb}as said|s{nb}(?:aid|ays|peaking|poke)|t{nb}(?:old|ells|elling))\b[^.;]{{0,60}}?"
                r"\b(?:during|on|while on)\s+(?:a|an|his|her|their)\s+(?:[\w-]+\s+){0,3}?"
                r"(?:visit|trip|tour)\b"
            ),
            "began": rf"(?:b{nb}eg(?:an|ins)|o{nb}pen(?:ed|s)|s{nb}tart(?:ed|s)|k{nb}icked off)\b",
            "trip_word": rf"(?:v{nb}isit|t{nb}(?:our|rip))\b",
            "before": rf"b{nb}efore\s+(?:[\w'’.-]+\s+){{1,4}}$",
            "reporting": rf"(?:s{nb}(?:aid|ays|tated)|r{nb}eported|t{nb}old|a{nb}nnounced|q{nb}uoted)\s*$",
        }
        self.cue: dict[str, re.Pattern[str]] = {k: f(v) for k, v in cues.items()}
        self.cue_i: dict[str, re.Pattern[str]] = {k: f("(?i)" + v) for k, v in cues.items()}
        self.join = f(r"\bjoin(?:s|ed|ing)?\s*$")
        self.apposition = f(r"\s*,\s*")
        self.dateline = f(r"[A-Z][A-Z .'-]+,[^-–—()]{0,30}(?:\([^)]{1,40}\))?\s*[-–—]\s")
        # "Blinken arrived on Thursday": the day of arrival for the visit the subject is on
        self.bare_arrival = f(r"\barriv(?:ed|es)\s+(?=(?:on|late on|early on|late|early)\s+[A-Z]|yesterday|today)")
        self.with_partner = f(r"\s+with\s+(?:(?:the\s+)?[A-Z][\w.-]*\s+){0,4}?(?=[A-Z])")
        self.next_clause = f(r"\band\s+(?:will|would|then|is|was|later|also)\b")
        # "received by X", "was hosted to a banquet by X": the person after "by" is the host
        self.passive_by = f(r"\s+(?:(?:at|to|in|on)\s+[^.,;]{0,40}?\s+)?by\b")
        # a cancel word as an infinitive is asked for, not done ("calls to postpone the trip")
        self.cancel_wanted = f(r"\bto\s+$")
        self.cancel_done = f(r"\b(?:forced|decided|had|chose|opted|agreed|obliged|compelled)\s+to\s+$")
        self.relative = f(r",\s+(?:who|which|whose)\b[^,;]*(?:,|$)")
        self.home_return = f(r"(?i)\b(?:return|back|home)")
        # will|is to|are to|is due to|are due to|is expected to|is set to, each letter-first (see _compile_triggers)
        future = r"(?:w(?<!\w.)ill|i(?<!\w.)s (?:to|due to|expected to|set to)|a(?<!\w.)re (?:to|due to))"
        self.future_verb_lc = f(future + r"\s+\w")
        future_verb = future + r"\s+(?:also\s+)?\w+"
        self.future_verb = f("(?i)" + future_verb)
        self.future_verb_low = f(future_verb)  # on the lower-cased sentence: the same match where the two agree
        self.officials = f(
            r"^\s*(?:and\s+\w+\s+)?(?:government\s+)?(?:officials|government|leaders|"
            r"counterparts|authorities|ministers|president|prime minister|leadership)\b"
        )
        self.word = f(r"[\w'’.-]+")
        self.adjectival_re = f(
            r"(?:['’]s)?\s+(?:[A-Z][a-z]+\s+){0,2}(?:President|Prime|Minister|Foreign|Secretary|"
            r"Chancellor|Ambassador|Embassy|embassy|ambassador|envoy|officials?|leader|"
            r"government|[A-Z][a-z]+\s+[A-Z][a-z]+\b)"
        )
        self.met_demonym = f(r"\s*(?:with\s+)?(?:the\s+)?")
        self.list_gap = f(r"\s*(?:,|and|or|,\s*and|then)?\s*(?:the\s+)?")
        self.prep_gap = f(
            r"\b(?:in|to|at|into|for|of|near|outside)\s+(?:the\s+|north\s+|south\s+|east\s+|west\s+|"
            r"central\s+|northern\s+|southern\s+|eastern\s+|western\s+|[\w-]+\s+west\s+|"
            r"[\w-]+\s+east\s+)?$|,\s*(?:north|south|east|west|central)[\w\s-]{0,15}$|"
            r"\b(?:in|to|at)\s+(?:the\s+)?[A-Z][\w-]+\s+(?:capital|city|town|port|village|resort)\s+"
            r"(?:of\s+)?$"
        )

        self._compile_slots(f)

    @staticmethod
    def _compile_triggers(f: Callable[[str], re.Pattern[str]]) -> list[tuple[str, re.Pattern[str]]]:
        """The trigger patterns, in the order they are tried.  Each word starts with its first letter and then
        ``(?<!\\w.)`` (no word character before that letter: ``\\b`` before it), instead of a leading ``\\b``:
        a pattern that starts with letters lets the engine skip ahead to them (1.5-4x faster, same matches)."""
        nb = r"(?<!\w.)"
        return [
            ("visit", f(rf"(?:v{nb}(?:isit|isits|isited|isiting)|t{nb}(?:oured|ouring|ours))\b(?!\s+(?:to|of)\b)")),
            (
                "nominal",
                f(
                    rf"(?:v{nb}(?:isit|isits)|t{nb}(?:rip|rips|our)|j{nb}ourney|s{nb}topover|m{nb}ission)\b"
                    r"(?=\s+(?:as\s+[\w-]+\s+)?(?:to|of|in)\b)"
                ),
            ),
            (
                "travel",
                f(
                    rf"(?:t{nb}ravel(?:s|led|ed|ling|ing)?|f{nb}l(?:y|ies|ew|own|ying)|g{nb}o(?:es|ne)?|w{nb}ent|"
                    rf"h{nb}ead(?:s|ed|ing)?|r{nb}eturn(?:s|ed|ing)?|j{nb}et(?:s|ted|ting)?|"
                    rf"c{nb}(?:ome|omes|ame|oming)|s{nb}ail(?:s|ed)?|d{nb}(?:rove|riven))"
                    r"\s+(?:back\s+|on\s+|straight\s+|directly\s+|[a-z]+ly\s+)?(?:to|for)\b"
                ),
            ),
            ("arrive", f(rf"(?:a{nb}rriv(?:e|es|ed|ing)|l{nb}and(?:s|ed|ing)?)\s+(?:back\s+)?(?:in|at)\b")),
            ("leave", f(rf"(?:l{nb}(?:eav(?:e|es|ing)|eft)|d{nb}epart(?:s|ed|ing)?)\s+(?:[\w'’-]+\s+){{0,3}}?for\b")),
            ("spend", f(rf"s{nb}pen[dt](?:s|ding)?\s+(?:[\w-]+\s+){{1,9}}?in\b")),
            ("place_noun", f(rf"(?:v{nb}isit|t{nb}(?:rip|our)|s{nb}topover)\b")),
            ("meet", f(rf"(?:m{nb}(?:eet|eets|et|eeting)|t{nb}alks|s{nb}ummit)\b")),
            ("attend", f(rf"a{nb}ttend(?:s|ed|ing)?\b")),
            ("host", f(rf"(?:h{nb}ost(?:s|ed|ing)?|r{nb}eceiv(?:e|es|ed|ing)|w{nb}elcom(?:e|es|ed|ing))\b")),
            ("visiting_adj", f(rf"v{nb}isiting\s+(?=(?:[A-Z]|the\s+[A-Z]))")),
            ("speak", f(rf"(?:s{nb}(?:peaking|poke|peaks)|p{nb}(?:aid a call|ays a call)|t{nb}alking)\b")),
        ]

    def _compile_slots(self, f: Callable[[str], re.Pattern[str]]) -> None:
        """Patterns of the slot, subject and status helpers (compiled here, not looked up in re's cache per call)."""
        self.quote_or_war = f(r"[\"“”:]|\bwar\b")
        self.he_she_start = f(r"\s*(?:He|She)\b")
        self.in_to_end = f(r"\b(?:in|to)\s+(?:the\s+)?$")
        self.from_end = f(r"\bfrom\s+(?:the\s+)?$")
        self.capital_words = f(r"\s+(?:[A-Z][\w-]+\s+){0,4}(?:[A-Z][\w-]+)")
        self.meet_verb = f(r"\s*(?:meet|talk to|talk with|hold talks with|see|consult)\s+(?:the\s+)?")
        self.of_the = f(r"\s+of\s+(?:the\s+)?")
        self.of_word = f(r"\s+of\s+")
        self.possessive_end = f(r"\b(his|her|their)\s+(?:[\w-]+\s+){0,3}$")
        self.join_words_end = f(r"\bjoin(?:s|ed|ing)?\s+(?:[\w.-]+\s+){0,4}$")
        self.other_subject = f(r"\b(?:they|we|I|you)\b")
        self.and_comma = f(r"\s*(?:and|,)\s*")
        self.join_word = f(r"\bjoin(?:s|ed|ing)?\b")
        self.join_end = f(r"\bjoin(?:s|ed|ing)?\s*$")
        self.and_comma_end = f(r"\b(?:and|,)\s*$")
        self.he_she = re.compile(r"\b(he|she)\b", re.I)  # the he/she words of PeopleFinder.pronoun_re
        self.he_she_low = f(r"(?:h(?<!\w.)e|s(?<!\w.)he)\b")  # the same on the lower-cased sentence
        self.in_to_word_end = f(r"\b(?:in|to)\s+(?:the\s+)?\S*$")
        # Case-insensitive window tests: letter-first plain forms for the lower-cased sentence, (?i) forms of the
        # original words for sentences where lower() and (?i) disagree.
        nb = r"(?<!\w.)"
        windows = {
            # since ... (in) before a date
            "since": (rf"s{nb}ince", r"\s+(?:[\w.'’-]+\s+){0,3}(?:in\s+)?$"),
            # the|this|that|his|her
            "determiner": (rf"(?:t{nb}(?:he|his|hat)|h{nb}(?:is|er))", r"\s+(?:[\w-]+\s+)?$"),
            # with|met|meet|meeting|meets|by|told|tell|invitation of|to|on behalf of|called|call|urged|asked|
            # including|than
            "object": (
                rf"(?:w{nb}ith|m{nb}(?:et|eet|eeting|eets)|b{nb}y|t{nb}(?:old|ell|o|han)|"
                rf"i{nb}(?:nvitation of|ncluding)|o{nb}n behalf of|c{nb}(?:alled|all)|u{nb}rged|a{nb}sked)",
                r"\s+(?:the\s+)?(?:[\w.-]+\s+){0,4}$",
            ),
            # invitation of|meet|meets|met|meeting|with|hosted by|received by|guest of
            "host": (
                rf"(?:i{nb}nvitation of|m{nb}(?:eet|eets|et|eeting)|w{nb}ith|h{nb}osted by|r{nb}eceived by|"
                rf"g{nb}uest of)",
                r"\s+(?:the\s+)?(?:[\w.-]+\s+){0,5}$",
            ),
        }
        self.window: dict[str, re.Pattern[str]] = {k: f(w + rest) for k, (w, rest) in windows.items()}
        self.window_i: dict[str, re.Pattern[str]] = {k: f("(?i)" + w + rest) for k, (w, rest) in windows.items()}
        self.past_verb = f(
            r"(?:visited|toured|travell?ed|flew|went|returned|arrived|landed|left|departed|spent|met|"
            r"held|attended|came|jetted|headed|sailed|hosted|received|welcomed)"
        )

    # ----- public API -----------------------------------------------------------
    def extract(self, text: str, published_at: dt.datetime | None, title: str | None = None) -> list[dict]:
        """Visit-event rows of one article, in order of first mention."""
        pub = published_at.date() if published_at is not None else None
        sentences = ([title.strip()] if title and title.strip() else []) + self.splitter.split(text or "")
        offset = 1 if title and title.strip() else 0
        state = _ArticleState()
        lows = [s.lower() for s in sentences]
        # one test for the whole article: its sentences are pieces of the text and the title
        folds = lower_agrees_with_ignorecase(text or "") and lower_agrees_with_ignorecase(title or "")
        if folds:
            bits = [self._sentence_bits(low) for low in lows]
            stems = [self._stem_from_bits(b, low) for b, low in zip(bits, lows)]
        else:
            stems = [self._has_stem(s, low) for s, low in zip(sentences, lows)]
        last = max((i for i, hit in enumerate(stems) if hit), default=-1)
        for i, sent in enumerate(sentences):
            if i > last and not state.mentions:
                break  # no trigger word ahead and no visit yet: nothing later can make a row
            if folds:
                self._sentence(i - offset, sent, lows[i], True, bits[i], stems[i], pub, state)
            else:
                fold = lower_agrees_with_ignorecase(sent)
                self._sentence(i - offset, sent, lows[i], fold, None, stems[i], pub, state)
        return [self._row(v, pub, state) for v in self._finalise(state)]

    # ----- per sentence ---------------------------------------------------------
    def _sentence(
        self,
        idx: int,
        sent: str,
        low: str,
        fold: bool,
        bits: int | None,
        stem: bool,
        pub: dt.date | None,
        st: _ArticleState,
    ) -> None:
        """One sentence: ``low`` is its lower-cased text, ``fold`` whether plain patterns on ``low`` find what (?i)
        finds on it, ``bits`` its chunk bits (None where lower() and (?i) disagree somewhere in the article)."""
        mentions = self.people.names(sent, st.registry, idx)
        heads = None if bits is None else bool(bits & HEAD_BIT)
        described = self.people.descriptions(sent, st.registry, idx, low, heads) if heads is not False else []
        if described:
            mentions += described
            mentions.sort(key=_START)
            mentions = self._named_holders(mentions, sent, st)
        if not (stem or (st.mentions and self._has_future_verb(sent, low, fold, bits))):
            st.counted.append(sent)  # its countries are counted only if a row needs them (_country_counts)
            if mentions:
                self._remember_subject(mentions, st)
            return
        names = [pm for pm in mentions if pm.kind == "name"]
        places = self.gaz.find(sent)
        if places and names:  # a place inside a name ("Kuala" in a person's name) is not a place
            places = [p for p in places if not _inside(p.start, names)]
        st.counted.append([p.country for p in places if p.kind in ("country", "demonym")])
        ctx = _SentCtx(idx, sent, mentions, places, None, pub, self.dates, low, fold, bits)
        before = len(st.mentions)
        gated = self._gated_kinds(sent) if bits is None else self._gates_from_bits(bits, low)
        triggers = self.triggers
        while gated:  # the set bits, lowest (first trigger) first
            bit = (gated & -gated).bit_length() - 1
            gated &= gated - 1
            kind, pat = triggers[bit]
            for m in pat.finditer(sent):
                self._trigger(kind, m, ctx, st)
        if len(st.mentions) == before:
            self._tour_stops(ctx, st)
        if len(st.mentions) == before and "arriv" in sent:
            self._arrival_day(ctx, st)
        self._remember_subject(mentions, st)

    def _sentence_bits(self, low: str) -> int:
        """What the whitespace-free chunks of a lower-cased sentence contain (see :meth:`_chunk_bits`), OR-ed;
        each chunk's bits are cached.  Stems, description heads and gate words without a space lie inside one
        chunk (gate words with a space: :meth:`_gates_from_bits`)."""
        found = 0
        for bits in set(map(self._bits_cache.__getitem__, low.split())):  # a few distinct values: OR those
            found |= bits
        return found

    def _gates_from_bits(self, bits: int, low: str) -> int:
        """The trigger gates of a sentence from its chunk bits, with the gate words that hold a space."""
        gated = bits >> GATE_SHIFT
        for bit, words in self._spaced_gates:
            if not gated >> bit & 1 and any(map(low.__contains__, words)):
                gated |= 1 << bit
        return gated

    def _chunk_bits(self, chunk: str) -> int:
        """STEM_BIT: a pre-filter stem inside the chunk; SPACED_BIT: the chunk ends with a word that begins a stem
        with a space; HEAD_BIT: a DESCRIPTION_HEADS word; bit GATE_SHIFT + k: a gate word of ``self.triggers[k]``
        (gate words are lower case: on the lower-cased sentence the gate holds wherever it holds on the
        sentence, so no trigger is skipped; the trigger regex itself runs on the sentence)."""
        found = 0
        if self.stem_in_chunk.search(chunk):
            found |= STEM_BIT
        if chunk.endswith(SPACED_STEM_ENDS) and self.stem_spaced_end.search(chunk):
            found |= SPACED_BIT
        if chunk.endswith("will") and self.will_end.search(chunk):
            found |= WILL_BIT
        if chunk.endswith(("is", "are")) and self.is_are_end.search(chunk):
            found |= IS_ARE_BIT
        pos = 0  # every start of a head or gate word (the longest there, which carries the bits of its prefixes)
        while (m := self._word_bits_re.search(chunk, pos)) is not None:
            found |= self._word_bits[m.group()]
            pos = m.start() + 1
        return found

    def _head_and_gate_words(self) -> tuple[dict[str, int], re.Pattern[str]]:
        """The description heads and gate words (without a space) with their bits, each word also carrying the
        bits of the words that begin it ("visiting" those of "visit"), and a pattern trying the longest first."""
        own: dict[str, int] = {h: HEAD_BIT for h in DESCRIPTION_HEADS}
        for bit, (kind, _pat) in enumerate(self.triggers):
            for w in self.gates[kind]:
                if " " not in w:
                    own[w] = own.get(w, 0) | 1 << (GATE_SHIFT + bit)
        words = sorted(own, key=lambda w: (-len(w), w))
        bits = {w: reduce(or_, (b for v, b in own.items() if w.startswith(v)), 0) for w in words}
        return bits, re.compile("|".join(map(re.escape, words)))

    def _stem_from_bits(self, bits: int, low: str) -> bool:
        """``_has_stem`` from a folding sentence's bits: a stem inside a chunk, or the full test where a chunk
        ends with the first word of a stem with a space."""
        if bits & STEM_BIT:
            return True
        return bool(bits & SPACED_BIT) and self.prefilter.search(low) is not None

    def _gated_kinds(self, sent: str) -> int:
        """Bit k set: a gate word of ``self.triggers[k]`` occurs in ``sent`` (for sentences where lower() and
        (?i) disagree; the others read the gates from their bits)."""
        gated = 0
        for bit, (kind, _pat) in enumerate(self.triggers):
            if any(map(sent.__contains__, self.gates[kind])):
                gated |= 1 << bit
        return gated

    def _named_holders(self, mentions: list[PersonMention], sent: str, st: _ArticleState) -> list[PersonMention]:
        """Unnamed office-holders that the article names: "The foreign secretary, Liz Truss, ..." (apposition),
        or "Jair Bolsonaro will ... The Brazilian president is ..." (the previous subject, untitled so far)."""
        out: list[PersonMention] = []
        for k, pm in enumerate(mentions):
            if pm.kind != "description" or pm.person.named:
                out.append(pm)
                continue
            nxt = mentions[k + 1] if k + 1 < len(mentions) else None
            if nxt is not None and nxt.kind == "name" and self.apposition.fullmatch(sent, pm.end, nxt.start):
                _give_office(nxt.person, pm.person)
                continue  # the name itself follows
            subj = st.last_subject
            if (
                subj is not None
                and subj.named
                and subj.title is None
                and pm.person.country is not None
                and subj.country in (None, pm.person.country)
                and not sent[: pm.start].strip()  # the sentence's subject, not "talks with the Ukrainian president"
                and not (pm.person.title or "").startswith("former")
            ):
                _give_office(subj, pm.person)
                out.append(PersonMention(pm.start, pm.end, subj, "description", pm.possessive))
                continue
            out.append(pm)
        return out

    def _stems(self, sentences: list[str], lows: list[str]) -> list[bool]:
        """``_has_stem`` of every sentence, as :meth:`extract` computes it (from chunk bits where the article's
        lower() and (?i) agree)."""
        if lower_agrees_with_ignorecase("\x00".join(sentences)):
            return [self._stem_from_bits(self._sentence_bits(low), low) for low in lows]
        return [self._has_stem(s, low) for s, low in zip(sentences, lows)]

    def _has_stem(self, sent: str, low: str) -> bool:
        """Could a trigger be in this sentence?  (The pre-filter: sentences without skip trigger parsing.)"""
        if lower_agrees_with_ignorecase(sent):
            return bool(self.prefilter.search(low))
        return bool(self.prefilter_i.search(sent))

    def _has_future_verb(self, sent: str, low: str, fold: bool, bits: int | None) -> bool:
        """Could a tour stop be in this sentence ("He will see ..."), once a visit is known?"""
        if fold:
            return _may_have_future(bits) and bool(self.future_verb_lc.search(low))
        return bool(self.future_verb.search(sent))

    def _tour_stops(self, ctx: _SentCtx, st: _ArticleState) -> None:
        """'He will see an orphanage in Tanzania ...' while on a tour: a planned stop of the tour."""
        if ctx.folds and not _may_have_future(ctx.bits):
            return
        fut = (self.future_verb_low if ctx.folds else self.future_verb).search(ctx.low if ctx.folds else ctx.sent)
        if fut is None or self.quote_or_war.search(ctx.sent):
            return
        subj = [pm for pm in ctx.mentions if pm.end <= fut.start()]
        person = subj[0].person if subj else None
        if person is None and self.he_she_start.match(ctx.sent):
            person = st.last_subject
        if person is None or not any(mn.person is person and mn.strong for mn in st.mentions):
            return
        stops = [
            p
            for p in ctx.places
            if p.start > fut.end()
            and p.kind in ("country", "city")
            and self.in_to_end.search(ctx.sent[max(0, p.start - 8) : p.start])
        ]
        for country, city in self._group(stops):
            if country != person.country:
                date = self._date_for(fut, ctx, "planned")
                st.mentions.append(Mention(ctx.idx, person, country, city, "planned", False, date, None, ctx.sent))

    def _arrival_day(self, ctx: _SentCtx, st: _ArticleState) -> None:
        """'Blinken arrived on Thursday and held talks ...': dates the visit its subject is on (latest one)."""
        m = self.bare_arrival.search(ctx.sent)
        if m is None:
            return
        people = self._visitors("arrive", m, ctx, st)
        visit = next((mn for mn in reversed(st.mentions) if people and mn.person is people[0]), None)
        if visit is None or visit.status not in (None, "ongoing", "completed"):
            return
        date = self._date_for(m, ctx, "ongoing")
        if date is not None:
            st.mentions.append(
                Mention(ctx.idx, visit.person, visit.country, None, "ongoing", False, date, None, ctx.sent)
            )

    def _remember_subject(self, mentions: list[PersonMention], st: _ArticleState) -> None:
        for m in mentions:  # the first named or described person
            if m.kind == "name" or m.kind == "description":
                st.last_subject = m.person
                return

    def _trigger(self, kind: str, m: re.Match[str], ctx: _SentCtx, st: _ArticleState) -> None:
        if kind in ("visiting_adj", "host"):
            self._special(kind, m, ctx, st)
            return
        dests = self._destinations(kind, m, ctx)
        if not dests and kind == "travel":
            dests = self._demonym_destinations(m.end(), ctx)
        if not dests and kind in ("meet", "speak"):
            dests = self._met_demonym(m.end(), ctx)
        if not dests:
            self._note_traveller(kind, m, ctx, st)
            return
        visitors = self._visitors(kind, m, ctx, st)
        if not visitors:
            return
        status = self._status(kind, m, ctx)
        if status == "drop":
            return
        for person in visitors:
            for country, city in dests:
                self._add(kind, m, ctx, st, person, country, city, status)

    def _note_traveller(self, kind: str, m: re.Match[str], ctx: _SentCtx, st: _ArticleState) -> None:
        if kind in ("meet", "attend", "speak", "nominal", "place_noun"):
            self._attach_anaphor(m, ctx, st)

    # ----- destinations ---------------------------------------------------------
    def _destinations(self, kind: str, m: re.Match[str], ctx: _SentCtx) -> list[tuple[str, str | None]]:
        if kind == "place_noun":
            return self._place_before_noun(m, ctx)
        window = {
            "visit": 9,
            "nominal": 8,
            "travel": 4,
            "arrive": 4,
            "leave": 3,
            "spend": 2,
            "meet": 12,
            "attend": 9,
            "speak": 6,
        }[kind]
        start = self._after_partner(m.end(), ctx) if kind == "meet" else m.end()
        chosen = self._places_after(start, window, ctx, multi=kind in ("visit", "nominal", "travel"))
        if not chosen and kind in ("visit", "nominal"):
            chosen = self._place_before(m.start(), ctx)
        return self._group(chosen)

    def _after_partner(self, pos: int, ctx: _SentCtx) -> int:
        """'held talks with Vladimir Putin in Moscow': the place is looked for after the partner's name."""
        w = self.with_partner.match(ctx.sent, pos)
        if w is None:
            return pos
        pm = next((pm for pm in ctx.mentions if pm.start == w.end() and pm.kind == "name"), None)
        return pm.end if pm is not None else pos

    def _places_after(self, pos: int, window: int, ctx: _SentCtx, multi: bool) -> list[Place]:
        chosen: list[Place] = []
        last = pos
        for p in ctx.places:
            if p.start < pos or p.kind == "demonym":
                continue
            gap = ctx.sent[last : p.start]
            words = self.word.findall(gap)
            if len(words) > (window if not chosen else 12) or any(w.lower() in BLOCK_WORDS for w in words):
                break
            if self.from_end.search(gap):
                last = p.end
                continue
            after_region = last != pos and ctx.sent[last - 1 : last] != "" and self._region_end(ctx, last)
            ok = self.prep_gap.search(gap) or (self.list_gap.fullmatch(gap) and not after_region)
            if not ok and p.kind != "region":
                break
            if self._adjectival(ctx.sent, p):
                last = p.end
                continue
            if p.kind == "region":
                last = p.end
                continue
            chosen.append(p)
            last = p.end
            if not multi:
                break
        return chosen

    @staticmethod
    def _region_end(ctx: _SentCtx, end: int) -> bool:
        return any(p.end == end and p.kind == "region" for p in ctx.places)

    def _adjectival(self, sent: str, p: Place) -> bool:
        """'US President Donald Trump': a country used as an adjective is not a destination."""
        return p.kind == "country" and bool(self.adjectival_re.match(sent, p.end))

    def _place_before(self, pos: int, ctx: _SentCtx) -> list[Place]:
        for p in reversed(ctx.places):
            if p.end > pos or p.kind in ("demonym", "region"):
                continue
            gap = ctx.sent[p.end : pos]
            near = ctx.sent[max(0, p.start - 12) : p.start]
            if len(self.word.findall(gap)) <= 6 and self.in_to_word_end.search(near):
                return [p]
            break
        return []

    def _place_before_noun(self, m: re.Match[str], ctx: _SentCtx) -> list[tuple[str, str | None]]:
        for p in ctx.places:
            if p.kind in ("city", "country") and 0 <= m.start() - p.end <= 2:
                return self._group([p])
        return []

    def _group(self, places: list[Place]) -> list[tuple[str, str | None]]:
        order: list[str] = []
        cities: dict[str, str | None] = {}
        for p in places:
            if p.country not in cities:
                order.append(p.country)
                cities[p.country] = None
            if p.kind == "city" and cities[p.country] is None:
                cities[p.country] = self.gaz.city_name(p.text) if p.text.lower() in self.gaz.cities else p.text
        return [(c, cities[c]) for c in order if c]

    def _met_demonym(self, pos: int, ctx: _SentCtx) -> list[tuple[str, str | None]]:
        """'meeting British Chancellor ...', 'talks with the Indian government': the host country."""
        m = self.met_demonym.match(ctx.sent, pos)
        if not m:
            return []
        for p in ctx.places:
            if p.start == m.end() and p.kind in ("demonym", "country"):
                rest = ctx.sent[p.end : p.end + 40]
                if self.officials.match(rest) or self.capital_words.match(rest):
                    return [(p.country, None)]
        return []

    def _demonym_destinations(self, pos: int, ctx: _SentCtx) -> list[tuple[str, str | None]]:
        m = self.meet_verb.match(ctx.sent[pos:])
        if not m:
            return []
        out: list[tuple[str, str | None]] = []
        cursor = pos + m.end()
        for p in ctx.places:
            if p.start < cursor:
                continue
            if p.kind != "demonym" or ctx.sent[cursor : p.start].strip() not in ("", "and", ","):
                break
            out.append((p.country, None))
            cursor = p.end
        if out and self.officials.match(ctx.sent[cursor:]):
            return out
        return []

    # ----- visitors -------------------------------------------------------------
    def _visitors(self, kind: str, m: re.Match[str], ctx: _SentCtx, st: _ArticleState) -> list[Person]:
        pos = m.start()
        of = self.of_the.match(ctx.sent[m.end() :]) if kind == "nominal" else None
        if kind in ("nominal", "place_noun") and of is None:
            of = self.of_word.match(ctx.sent[m.end() :])
        if of:
            after = [pm for pm in ctx.mentions if 0 <= pm.start - m.end() <= of.end() + 2]
            if after:
                return [after[0].person]
        owner = [
            pm
            for pm in ctx.mentions
            if pm.possessive and 0 <= pos - pm.end <= 30 and len(self.word.findall(ctx.sent[pm.end : pos])) <= 3
        ]
        if owner:
            return [owner[-1].person]
        sent = ctx.sent
        poss = self.possessive_end.search(sent, 0, pos) if _has_any(sent, pos, ("his", "her", "their")) else None
        candidates = [pm for pm in ctx.mentions if pm.end <= pos and not self._is_object(ctx, pm)]
        if poss and (not candidates or candidates[-1].end < poss.start()):
            person = self._resolve_pronoun(poss.start(), ctx, st)
            return [person] if person else []
        pron = -1  # the last "he" or "she" before the trigger
        he_she, text = (self.he_she_low, ctx.low) if ctx.folds else (self.he_she, sent)
        for p in he_she.finditer(text, 0, pos):
            pron = p.start()
        if pron >= 0 and (not candidates or candidates[-1].end < pron):
            person = self._resolve_pronoun(pron, ctx, st)
            return [person] if person else []
        if not candidates:
            return []
        chosen = candidates[-1]
        joined = [
            pm.person
            for pm in ctx.mentions
            if chosen.end <= pm.start
            and pm.end <= pos
            and self.join_words_end.search(ctx.sent[chosen.end : pm.start])
        ]
        if joined:
            return [chosen.person, *joined]
        if self.other_subject.search(ctx.sent[chosen.end : pos]):
            return []
        people = [chosen.person]
        people += self._companions(chosen, candidates, ctx)
        return people

    def _companions(self, chosen: PersonMention, candidates: list[PersonMention], ctx: _SentCtx) -> list[Person]:
        out: list[Person] = []
        idx = candidates.index(chosen)
        if (
            (idx > 0 and self.and_comma.fullmatch(ctx.sent[candidates[idx - 1].end : chosen.start]))
            or (idx > 0 and self.join_word.search(ctx.sent[candidates[idx - 1].end : chosen.start]))
            or (idx > 0 and self.join_end.search(ctx.sent[: chosen.start]))
        ):
            out.append(candidates[idx - 1].person)
        return [p for p in out if p is not chosen.person]

    def _is_object(self, ctx: _SentCtx, pm: PersonMention) -> bool:
        """Is the mention the object of a verb or preposition ("met X", "with X")?"""
        lo = max(0, pm.start - 40)
        if not self._window_test("object", ctx, lo, pm.start):
            return False
        return not self.and_comma_end.search(ctx.sent[lo : pm.start])

    def _window_test(self, name: str, ctx: _SentCtx, lo: int, hi: int) -> bool:
        """``self.window[name]`` on the lower-cased ``sent[lo:hi]`` (its (?i) form on the sentence where they
        disagree)."""
        if ctx.folds:
            return self.window[name].search(ctx.low[lo:hi]) is not None
        return self.window_i[name].search(ctx.sent[lo:hi]) is not None

    def _resolve_pronoun(self, pos: int, ctx: _SentCtx, st: _ArticleState) -> Person | None:
        earlier = [pm for pm in ctx.mentions if pm.end <= pos and not self._is_object(ctx, pm)]
        if earlier:
            return earlier[0].person
        return st.last_subject

    # ----- special triggers -----------------------------------------------------
    def _special(self, kind: str, m: re.Match[str], ctx: _SentCtx, st: _ArticleState) -> None:
        after = [pm for pm in ctx.mentions if 0 <= pm.start - m.end() <= 80 and pm.kind == "name"]
        if not after:
            return
        visitor = after[0].person
        if kind == "visiting_adj":
            others = [p for p in ctx.places if p.kind in ("country", "city") and p.country != visitor.country]
            if not others or visitor.country is None:
                return
            dest = self._group([others[0]])[0]
            self._add(kind, m, ctx, st, visitor, dest[0], None, "ongoing")
            return
        if self.passive_by.match(ctx.sent, m.end()):
            self._hosted_by(kind, m, ctx, st, visitor)  # "X was received by Y": Y is the host
            return
        before = [pm for pm in ctx.mentions if pm.end <= m.start()]
        if not before:
            return
        host = before[-1].person
        country = self._host_country(host, visitor, ctx)
        status = self._status(kind, m, ctx)
        if status == "drop" or country is None:
            return
        city = self._group([p for p in ctx.places if p.kind == "city" and p.country == country][:1])
        self._add(kind, m, ctx, st, visitor, country, city[0][1] if city else None, status, host)

    def _hosted_by(self, kind: str, m: re.Match[str], ctx: _SentCtx, st: _ArticleState, host: Person) -> None:
        """'In Bridgetown, Fernandez was received by Prime Minister Mia Mottley': the subject is the visitor."""
        status = self._status(kind, m, ctx)
        if status == "drop":
            return
        for visitor in self._visitors(kind, m, ctx, st):
            if visitor is host:
                continue
            country = self._host_country(host, visitor, ctx)
            if country is None and st.last_visit is not None and st.last_visit[0] is visitor:
                country = st.last_visit[1]  # "Phuc will be hosted to a banquet by Halimah" during his visit
            if country is None:
                continue
            city = self._group([p for p in ctx.places if p.kind == "city" and p.country == country][:1])
            self._add(kind, m, ctx, st, visitor, country, city[0][1] if city else None, status, host)

    def _host_country(self, host: Person, visitor: Person, ctx: _SentCtx) -> str | None:
        """The host's country, else a place named in the sentence ("In Bridgetown, ..."), if not the visitor's."""
        if host.country is not None:
            return host.country if host.country != visitor.country else None
        if visitor.country is None:
            return None
        places = [p.country for p in ctx.places if p.kind in ("city", "country") and p.country != visitor.country]
        return places[0] if places and not self._adjectival_any(ctx) else None

    def _adjectival_any(self, ctx: _SentCtx) -> bool:
        return any(self._adjectival(ctx.sent, p) for p in ctx.places if p.kind == "country")

    # ----- status ---------------------------------------------------------------
    def _status(self, kind: str, m: re.Match[str], ctx: _SentCtx) -> str | None:
        sent = ctx.sent
        rx, text = (self.cue, ctx.low) if ctx.folds else (self.cue_i, sent)  # text: same offsets as sent
        clause_start = max(sent.rfind(";", 0, m.start()), sent.rfind(" but ", 0, m.start()), 0)
        pre = sent[clause_start : m.start()]
        near = text[clause_start : m.start()][-70:]
        if self.negation.search(pre[-45:]) or rx["hypothetical"].search(near):
            return "drop"
        if self._cancelled(rx, text, clause_start, m.end()):
            return "cancelled"
        verb = m.group(0).lower()
        if rx["say_during"].search(text) and not rx["past_date_cue"].search(text):
            return "ongoing"
        if rx["began"].search(text) and rx["trip_word"].search(text):
            return "ongoing"
        if rx["before"].search(near) and not rx["planned"].search(near[-30:]):
            return None
        prop = None
        for pm in rx["proposed"].finditer(near[-60:]):
            prop = pm
        if prop is not None and not rx["committed"].search(near[-60:][prop.end() :]):
            return "proposed"
        cue = self._nearest_cue(rx, near[-50:] + text[m.start() : m.end()])
        if cue:
            return cue
        if verb.startswith(("visits", "tours", "is visiting", "arrives", "heads", "flies", "leaves")):
            return "ongoing"
        if self.past_verb.match(verb):
            return "completed"
        cue = self._nearest_cue(rx, text[m.end() : m.end() + 60], after=True)
        return cue

    def _cancelled(self, rx: dict[str, re.Pattern[str]], text: str, start: int, pos: int) -> bool:
        """A cancel word in the trigger's clause that reports a decision (not "calls to postpone the trip")."""
        ends = [i for i in (text.find(";", pos), text.find(" but ", pos)) if i >= 0]
        for c in rx["cancel"].finditer(text, start, min(ends) if ends else len(text)):
            before = text[max(0, c.start() - 30) : c.start()]
            if not self.cancel_wanted.search(before) or self.cancel_done.search(before):
                return True
        return False

    @staticmethod
    def _nearest_cue(rx: dict[str, re.Pattern[str]], text: str, after: bool = False) -> str | None:
        best: tuple[int, str] | None = None
        for status in ("proposed", "planned", "ongoing", "completed"):
            for m in rx[status].finditer(text):
                rank = m.start() if after else len(text) - m.end()
                if best is None or rank < best[0]:
                    best = (rank, status)
        return best[1] if best else None

    # ----- adding and merging ---------------------------------------------------
    def _add(
        self,
        kind: str,
        m: re.Match[str],
        ctx: _SentCtx,
        st: _ArticleState,
        person: Person,
        country: str,
        city: str | None,
        status: str | None,
        host: Person | None = None,
    ) -> None:
        strong = kind in STRONG_KINDS
        if person.country == country and (city is None or not strong or self.home_return.search(m.group(0))):
            return  # the visitor's own country: only an explicit domestic trip, never a return home
        weak = kind in ("meet", "attend", "speak") and not self._existing(st, person, country)
        if weak and (kind == "speak" or person.country is None):
            return
        date = self._date_for(m, ctx, status)
        host = host or self._host(m, ctx, person, country)
        mention = Mention(ctx.idx, person, country, city, status, strong, date, host, ctx.sent)
        st.mentions.append(mention)
        st.last_visit = (person, country)

    def _existing(self, st: _ArticleState, person: Person, country: str) -> bool:
        return any(mn.person is person and mn.country == country for mn in st.mentions)

    def _attach_anaphor(self, m: re.Match[str], ctx: _SentCtx, st: _ArticleState) -> None:
        if st.last_visit is None or m.group(0).lower() not in ("visit", "trip", "tour"):
            return
        if not self._window_test("determiner", ctx, 0, m.start()):
            return
        person, country = st.last_visit
        if any(mn.sent_index == ctx.idx and mn.person is person for mn in st.mentions):
            return
        st.mentions.append(Mention(ctx.idx, person, country, None, None, False, None, None, ctx.sent, False))

    def _date_for(self, m: re.Match[str], ctx: _SentCtx, status: str | None) -> DateExpr | None:
        best: tuple[int, DateExpr] | None = None
        reporting, text = (self.cue["reporting"], ctx.low) if ctx.folds else (self.cue_i["reporting"], ctx.sent)
        for d in ctx.get_dates():
            if self._reported(reporting, text, d.pos) or self._background_date(d, m, ctx):
                continue
            dist = d.pos - m.end() if d.pos >= m.end() else m.start() - d.end_pos
            if d.pos < m.start() and self.next_clause.search(ctx.sent, d.end_pos, m.start()):
                continue  # "meet Putin on 16 February and will then fly to Budapest": another clause's date
            if dist > 120:
                continue
            if best is None or dist < best[0]:
                best = (dist, d)
        if best is None:
            return None
        d = best[1]
        if status == "planned":
            d = toward_future(d, ctx.pub)
        elif status == "completed":
            d = toward_past(d, ctx.pub)
        return d

    @staticmethod
    def _reported(reporting: re.Pattern[str], text: str, pos: int) -> bool:
        """Does ``text[:pos]`` end with a reporting verb ("said on Monday")?  Searched from a dozen characters
        before the trailing space (the longest verb has 9), as a search of the whole prefix would find it."""
        end = pos
        while end > 0 and text[end - 1].isspace():
            end -= 1
        return reporting.search(text, max(0, end - 12), pos) is not None

    def _background_date(self, d: DateExpr, m: re.Match[str], ctx: _SentCtx) -> bool:
        """A date that belongs to something else: "since X in 1985", or a relative clause the trigger is not in
        ("Kishida, who took office in October, has ... a trip to Glasgow")."""
        if self._window_test("since", ctx, max(0, d.pos - 40), d.pos):
            return True
        line = self.dateline.match(ctx.sent) if ctx.idx == 0 else None
        if line is not None and d.pos < line.end():
            return True  # "NUR-SULTAN, Feb 6 (GlobalWire) - ...": the date of the report
        for r in self.relative.finditer(ctx.sent):
            if (r.start() <= d.pos < r.end()) != (r.start() <= m.start() < r.end()):
                return True  # one of the date and the trigger is inside the relative clause, the other not
        return False

    def _host(self, m: re.Match[str], ctx: _SentCtx, visitor: Person, country: str) -> Person | None:
        fallback: Person | None = None
        for pm in ctx.mentions:
            if pm.person is visitor or pm.kind != "name":
                continue
            if self._window_test("host", ctx, max(0, pm.start - 45), pm.start) and (
                pm.person.country is None or pm.person.country == country != visitor.country
            ):
                if pm.person.country == country:
                    return pm.person  # a host of the destination country beats one of unknown country
                fallback = fallback or pm.person
        return fallback

    def _finalise(self, st: _ArticleState) -> list[Visit]:
        visits: list[Visit] = []
        for mn in st.mentions:
            target = next(
                (v for v in visits if v.person is mn.person and v.country == mn.country and not _contradicts(v, mn)),
                None,
            )
            if target is None:
                if not mn.strong and not any(
                    o.strong for o in st.mentions if o.person is mn.person and o.country == mn.country
                ):
                    touring = mn.status == "planned" and any(o.person is mn.person and o.strong for o in st.mentions)
                    if mn.host is None and mn.person.country is None and not touring:
                        continue
                target = Visit(mn.person, mn.country)
                visits.append(target)
            target.mentions.append(mn)
        return visits

    # ----- row building -----------------------------------------------------------
    def _visitor_country(self, v: Visit, st: _ArticleState) -> str | None:
        if v.person.country:
            return v.person.country
        own = {mn.country for mn in st.mentions if mn.person is v.person}
        country_counts = self._country_counts(st)
        counts = [(n, c) for c, n in country_counts.items() if c not in own]
        if not counts:
            return None
        order = list(country_counts)
        return max(counts, key=lambda nc: (nc[0], -order.index(nc[1])))[1]

    def _country_counts(self, st: _ArticleState) -> dict[str, int]:
        """Countries and demonyms named in the article, in order of first mention (places inside a name
        are left out in sentences with a trigger).  Consecutive trigger-less sentences are read in one pass."""
        if st.country_counts is None:
            counts: dict[str, int] = {}
            pending: list[str] = []
            for item in [*st.counted, []]:
                if isinstance(item, str):
                    pending.append(item)
                    continue
                if pending:
                    item = self.gaz.countries_of("\x00".join(pending)) + item
                    pending = []
                for country in item:
                    counts[country] = counts.get(country, 0) + 1
            st.country_counts = counts
        return st.country_counts

    def _row(self, v: Visit, pub: dt.date | None, st: _ArticleState) -> dict:
        ms = v.mentions
        city = next((mn.city for mn in ms if mn.city), None)
        dated = [mn for mn in ms if mn.date is not None and mn.date.start is not None]
        prec_rank = {"day": 0, "month": 1, "year": 2}
        date = (
            min(dated, key=lambda mn: (prec_rank[_prec(mn)], mn.sent_index)).date if dated else None
        )
        text_date = date or next((mn.date for mn in ms if mn.date is not None), None)
        host = next(
            (
                mn.host
                for mn in ms
                if mn.host is not None and mn.host.country in (None, v.country) and mn.host is not v.person
            ),
            None,
        )
        status = _merge_status(ms, date, pub)
        sents = {mn.sent_index for mn in ms}
        best = max(ms, key=lambda mn: (mn.strong, mn.date is not None, -mn.sent_index))
        person = v.person
        return {
            "visitor": person.name,
            "visitor_title": person.title,
            "visitor_country": self._visitor_country(v, st),
            "host": host.name if host else None,
            "host_title": host.title if host else None,
            "destination_country": v.country,
            "destination_city": city,
            "start_date": date.start if date else None,
            "end_date": date.end if date else None,
            "date_precision": date.precision if date else None,
            "date_text": text_date.text if text_date else None,
            "status": status,
            "evidence": best.evidence,
            "mentions": len(sents),
            "confidence": _confidence(v, date is not None, status),
        }


class _Cache(dict[str, int]):
    """A bounded memo of ``compute`` (cleared at 100,000 entries): ``cache[key]`` computes a missing key, so a
    ``map(cache.__getitem__, keys)`` stays in C for the keys already seen."""

    def __init__(self, compute: Callable[[str], int]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: str) -> int:
        value = self.compute(key)
        if len(self) >= 100000:
            self.clear()
        self[key] = value
        return value


@dataclass
class _SentCtx:
    idx: int
    sent: str
    mentions: list[PersonMention]
    places: list[Place]
    dates: list[DateExpr] | None
    pub: dt.date | None
    finder: DateFinder
    low: str  # sent.lower()
    folds: bool  # lower_agrees_with_ignorecase(sent): plain patterns on ``low`` find what (?i) finds on ``sent``
    bits: int | None = None  # the sentence's chunk bits, if read

    def get_dates(self) -> list[DateExpr]:
        if self.dates is None:
            self.dates = self.finder.find(self.sent, self.pub, self.low if self.folds else None)
        return self.dates


@dataclass
class _ArticleState:
    registry: dict[str, Person] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    last_subject: Person | None = None
    last_visit: tuple[Person, str] | None = None
    counted: list[str | list[str]] = field(default_factory=list)  # per sentence: its text, or its countries
    country_counts: dict[str, int] | None = None  # from counted, when first needed


def _give_office(person: Person, office: Person) -> None:
    """The named ``person`` holds the unnamed ``office``: copy its title and country where unknown."""
    if person.title is None and office.title:
        person.title = office.title if not office.title.islower() else office.title.title()
    if person.country is None:
        person.country = office.country or (PeopleFinder.title_country(person.title) if person.title else None)


def _may_have_future(bits: int | None) -> bool:
    """Can the future verb ("will", "is to", "are due to" ... and a word) be in the sentence?  Not without a
    chunk that ends with the word "will", "is" or "are" (when the chunk bits are known)."""
    return bits is None or bool(bits & (WILL_BIT | IS_ARE_BIT))


def _has_any(text: str, end: int, words: tuple[str, ...]) -> bool:
    """Does ``text[:end]`` contain one of ``words``?"""
    for w in words:  # noqa: SIM110 (a loop: cheaper than any() over a generator)
        if text.find(w, 0, end) >= 0:
            return True
    return False


def _inside(pos: int, mentions: list[PersonMention]) -> bool:
    """Is ``pos`` inside one of the mentions?  (A loop: cheaper than any() over a generator, per place.)"""
    for pm in mentions:  # noqa: SIM110
        if pm.start <= pos < pm.end:
            return True
    return False


_START = itemgetter(0)  # a PersonMention's start (a named tuple's first field), as a C-level sort key


def _contradicts(v: Visit, mn: Mention) -> bool:
    if mn.date is None or mn.date.start is None or mn.date.precision != "day":
        return False
    for o in v.mentions:
        if o.date is None or o.date.start is None or o.date.precision != "day":
            continue
        a0, a1 = o.date.start, o.date.end or o.date.start
        b0, b1 = mn.date.start, mn.date.end or mn.date.start
        if b0 > a1 + dt.timedelta(days=14) or a0 > b1 + dt.timedelta(days=14):
            return True
    return False


def _merge_status(ms: list[Mention], date: DateExpr | None, pub: dt.date | None) -> str:
    statuses = [mn.status for mn in ms if mn.status]
    if not statuses:
        return _status_from_date(date, pub) or "completed"
    if "cancelled" in statuses:
        return "cancelled"
    kinds = set(statuses)
    if "planned" in kinds and ("completed" in kinds or "ongoing" in kinds):
        return "ongoing"
    if "ongoing" in kinds and "proposed" not in kinds:
        return "ongoing"
    weights: dict[str, float] = {}
    for mn in ms:
        if mn.status:
            weights[mn.status] = weights.get(mn.status, 0.0) + (1.0 if mn.strong else 0.6)
    return max(weights, key=lambda s: (weights[s], -STATUS_ORDER.index(s)))


def _status_from_date(date: DateExpr | None, pub: dt.date | None) -> str | None:
    if date is None or date.start is None or pub is None:
        return None
    if date.start > pub:
        return "planned"
    if (date.end or date.start) < pub:
        return "completed"
    return "ongoing"


def _confidence(v: Visit, dated: bool, status: str) -> float:
    strong = any(mn.strong for mn in v.mentions)
    score = 0.80 if strong else 0.60
    extra = len({mn.sent_index for mn in v.mentions}) - 1
    score += min(0.10, 0.05 * extra)
    if v.person.named and len(v.person.name.split()) >= 2:
        score += 0.05
    if not v.person.named:
        score -= 0.15
    if dated:
        score += 0.03
    if status == "proposed":
        score -= 0.10
    return round(min(0.99, max(0.05, score)), 2)


def _prec(mn: Mention) -> str:
    return (mn.date.precision if mn.date else None) or "year"
