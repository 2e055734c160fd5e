"""The extractor's shortcuts (issue #3 speed work) keep its answers: pre-filter, early stop, lazy counts, names."""

import datetime as dt
import random
import re
import string

import pytest

from newsbeam.events import VisitEventExtractor
from newsbeam.events.dates import DateFinder
from newsbeam.events.extractor import HEAD_BIT, _may_have_future
from newsbeam.events.people import DESCRIPTION_HEADS
from newsbeam.events.text import lower_agrees_with_ignorecase

PUB = dt.datetime(2022, 2, 7, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def ex() -> VisitEventExtractor:
    return VisitEventExtractor()


def _pairs(rows: list[dict]) -> list[tuple[str, str | None, str | None, str]]:
    return [(r["visitor"], r["visitor_title"], r["visitor_country"], r["destination_country"]) for r in rows]


def test_lower_agrees_with_ignorecase_over_the_bmp() -> None:
    """Where the helper says yes, searching lower() finds exactly what (?i) finds, for every ASCII letter."""
    patterns = {x: re.compile("(?i)" + x) for x in string.ascii_lowercase}
    for cp in range(0x80, 0x10000):
        c = chr(cp)
        if 0xD800 <= cp <= 0xDFFF or not lower_agrees_with_ignorecase(c):
            continue
        for x, pat in patterns.items():
            assert bool(pat.fullmatch(c)) == (c.lower() == x), (hex(cp), x)
    assert not lower_agrees_with_ignorecase("VİSİT")


@pytest.mark.parametrize(
    "sent",
    ["He will visit Paris.", "HE WILL VISIT PARIS.", "He wıll vısıt Paris.", "VİSİT", "A ſummit in Paris.", "No trip."],
)
def test_prefilter_fast_path_matches_case_insensitive_pattern(ex: VisitEventExtractor, sent: str) -> None:
    assert ex._has_stem(sent, sent.lower()) == bool(ex.prefilter_i.search(sent))


@pytest.mark.parametrize("text", ["He will go NEXT WEEK.", "He will go next wееk.", "He went two dayſ ago."])
def test_date_gates_do_not_hide_case_insensitive_dates(text: str) -> None:
    finder = DateFinder()
    found = finder.find(text, PUB.date())
    expected = [m for _k, p in finder.patterns for m in p.finditer(text)]
    assert bool(found) == bool(expected)


def test_full_name_after_the_last_trigger_sentence_still_names_the_visitor(ex: VisitEventExtractor) -> None:
    text = (
        "Mr Khan will visit India next week, his office said.\n"
        "The trip was announced on Monday.\n"
        "Imran Khan has led the country since 2018."
    )
    assert _pairs(ex.extract(text, PUB)) == [("Imran Khan", None, None, "IND")]


def test_visitor_country_counts_sentences_without_triggers(ex: VisitEventExtractor) -> None:
    text = "Mr Smith will visit Kenya next month.\nThe British government welcomed it.\nBritain and its allies agree."
    assert _pairs(ex.extract(text, PUB)) == [("Smith", None, "GBR", "KEN")]


def test_no_visit_and_no_trigger_ahead_gives_no_rows(ex: VisitEventExtractor) -> None:
    text = "Officials met in Geneva.\nThe talks went on.\n" + "Mr Blair spoke about Kenya.\n" * 30
    assert ex.extract(text, PUB) == []


def test_title_read_from_lower_case_words_before_the_name(ex: VisitEventExtractor) -> None:
    rows = ex.extract("On Monday the Russian foreign minister Sergey Lavrov will visit Cuba, officials said.", PUB)
    assert _pairs(rows) == [("Sergey Lavrov", "foreign minister", "RUS", "CUB")]


@pytest.mark.parametrize(
    "text",
    ["He met officials e.g.Smith in Paris on Monday.", "Trade talks ended at 10 a.m.Imran Khan will visit China."],
)
def test_words_glued_after_an_abbreviation_do_not_crash(ex: VisitEventExtractor, text: str) -> None:
    rows = ex.extract(text, PUB)  # raised StopIteration before: the run started inside a longer token
    assert all(r["destination_country"] in ("FRA", "CHN") for r in rows)
    if "Imran" in text:
        assert _pairs(rows) == [("Imran Khan", None, None, "CHN")]


@pytest.mark.parametrize(
    "sentences",
    [
        ["They will go", "to Paris later.", "Nothing here."],  # "go ... to" must not span two sentences
        ["He met", "Met officers.", "A summit", "visit"],
        ["NO TRIP HERE", "He will vısıt Paris.", "fine"],  # a dotless i: the per-sentence (?i) path
        ["VİSİT", "A ſummit in Paris.", ""],
        [],
    ],
)
def test_stems_of_joined_sentences_match_each_sentence(ex: VisitEventExtractor, sentences: list[str]) -> None:
    """The pre-filter over the NUL-joined article finds exactly the sentences that the per-sentence one finds."""
    lows = [s.lower() for s in sentences]
    assert ex._stems(sentences, lows) == [ex._has_stem(s, low) for s, low in zip(sentences, lows)]


def test_last_word_before_is_cached_by_chunk(ex: VisitEventExtractor) -> None:
    """The cached last word equals the last word_re token of the text before the run, on first and later sight."""
    people = ex.people
    for sent in ["said the U.S. Secretary Blinken", "met ex-President Obama", "(Reuters) - Biden", "“Mr. Smith"]:
        base = sent.rfind(" ") + 1 if " " in sent else 1
        tokens: list[str | None] = [None] + [m.group() for m in people.word_re.finditer(sent, 0, base)]
        for _ in range(2):
            assert people._last_word_before(sent, 0, base) == tokens[-1]


@pytest.mark.parametrize(
    "sent",
    [
        "Talks in the Democratic Republic of the Congo and Washington DC ended.",
        "The Prime Minister of the United Kingdom flew to New York and then to Côte d'Ivoire.",
        "He met leaders from South Korea, North Korea and the United States of America in Rio de Janeiro.",
        "A 5-Star Hotel In Paris Near the River Seine Of France hosted Kuala Lumpur delegates.",
    ],
)
def test_place_phrases_stop_at_a_lowercase_word(ex: VisitEventExtractor, sent: str) -> None:
    """find() stops a phrase at a lowercase non-connector word; the places equal a brute-force longest match."""
    gaz = ex.gaz
    gaz._cache.clear()
    words = [(m.start(), m.end(), m.group()) for m in gaz.word_re.finditer(sent)]
    found = gaz.find(sent)
    assert found, sent
    for p in found:
        i = next(k for k, w in enumerate(words) if w[0] == p.start)
        phrase_words = [w for _s, e, w in words[i:] if e <= p.end]
        assert all(w[0].isupper() or w.lower() in gaz.connectors for w in phrase_words[1:-1]), p
        assert gaz.lookup(p.text) is not None or gaz.lookup(p.text + ".") is not None, p


# The trigger patterns as they were written before the letter-first rewrite (reference for the fast forms).
REFERENCE_TRIGGERS: dict[str, str] = {
    "visit": r"\b(?:visit|visits|visited|visiting|toured|touring|tours)\b(?!\s+(?:to|of)\b)",
    "nominal": r"\b(?:visit|visits|trip|trips|tour|journey|stopover|mission)\b(?=\s+(?:as\s+[\w-]+\s+)?(?:to|of|in)\b)",
    "travel": (
        r"\b(?:travel(?:s|led|ed|ling|ing)?|fl(?:y|ies|ew|own|ying)|go(?:es|ne)?|went|head(?:s|ed|ing)?|"
        r"return(?:s|ed|ing)?|jet(?:s|ted|ting)?|come|comes|came|coming|sail(?:s|ed)?|drove|driven)"
        r"\s+(?:back\s+|on\s+|straight\s+|directly\s+|[a-z]+ly\s+)?(?:to|for)\b"
    ),
    "arrive": r"\b(?:arriv(?:e|es|ed|ing)|land(?:s|ed|ing)?)\s+(?:back\s+)?(?:in|at)\b",
    "leave": r"\b(?:leav(?:e|es|ing)|left|depart(?:s|ed|ing)?)\s+(?:[\w'’-]+\s+){0,3}?for\b",
    "spend": r"\bspen[dt](?:s|ding)?\s+(?:[\w-]+\s+){1,9}?in\b",
    "place_noun": r"\b(?:visit|trip|tour|stopover)\b",
    "meet": r"\b(?:meet|meets|met|meeting|talks|summit)\b",
    "attend": r"\battend(?:s|ed|ing)?\b",
    "host": r"\b(?:host(?:s|ed|ing)?|receiv(?:e|es|ed|ing)|welcom(?:e|es|ed|ing))\b",
    "visiting_adj": r"\bvisiting\s+(?=(?:[A-Z]|the\s+[A-Z]))",
    "speak": r"\b(?:speaking|spoke|speaks|paid a call|pays a call|talking)\b",
}
FAST_PATH_TEXTS: tuple[str, ...] = (
    "Putin visited Paris; tours of Rome, touring Spain, visit to Kyiv, a visits-of list, revisit, (visit) [toured]",
    "a trip to Oslo, trips as minister to Rome, journey of hope, stopover in Dubai, mission to Mars, tour in Asia",
    "travelled to, travels for, flew back to, flies on to, go to, goes straight to, gone directly to, went home for",
    "heads quickly to, returned to, jetted to, came back to, coming to, sailed for, drove to, driven to, outgo to",
    "arrived in, lands at, landing back in, leaves Paris for, left the city for, departs for, spent three days in",
    "meets, met, meeting, talks, summit, attended, hosting, received, welcomes, visiting President, visiting the Pope",
    "speaking, spoke, speaks, paid a call, pays a call, talking; comet, metal, hostel, goat to, re-visit, un-met",
    "He will go to Paris. She is due to fly. They are to meet. It is expected to rain. He is set to\tgo.  will  ",
    "The Prime Minister's visit; the president-elect; premiers; Ministerial; KING; queenly; emirate; delegations",
    "said during a visit to Kenya, told reporters while on his trip, has said on their tour, began a visit, kicked off",
    "He paid a call on the Pope in Rome.",
    "She is due to fly; they are to meet; it is expected to rain; (is set to go)",
    "cancelled, called off, calls off, called-off, postponed, scrapped, put off, shelved, abandoned, axed, recall off",
    "invited, could, may, might, proposed, plan for, possible, possibility, being discussed, under discussion, is "
    "discussed, are discussing, discussing a, considering, looks forward, finalised, finalized, urged, would like, "
    "offered to, talk about a, talks over a, willing to, ready to, he'll, 'll, shall, is to, are to, was to, were to",
    "due, expected, set to, scheduled, plans to, planned, planning, upcoming, forthcoming, going to, would, intend "
    "to, intends to, hoped to, hoping to, preparing to, to undertake, tomorrow, next, later this; is now in, are "
    "currently on, is in, currently, arrived, arrives, is visiting, day of, has said, has told, told reporters",
    "is touring, are attending, is meeting, are  really meeting, visiting; visited, travelled, traveled, flew, "
    "went, toured, returned, spent, held, attended, met, paid, made, was in, were in, had, recent, recently, last, "
    "ago, earlier, previous, undertook, discussed, yesterday, former, opened up, after; will; is expected",
    "not, never, don't, n't, no plan to, no plans to, refused to, declined to, ruled out, yet to, cannot, nor; "
    "before the summit, said, says, reported, stated, announced, quoted, told  ",
    "She pays  a call\ton Rome; they go\n back to Oslo, paid a\u00a0call.",
)


def _fuzz_texts() -> list[str]:
    words = " ".join(FAST_PATH_TEXTS).replace(",", " ,").split()
    out = list(FAST_PATH_TEXTS)
    for seed in range(300):
        rng = random.Random(seed)
        glue = rng.choice([" ", "  ", "\t", " (", '"', "-", " \u00a0", "\n"])
        out.append(glue.join(rng.choice(words) for _ in range(rng.randint(3, 25))))
    return out + [t.upper() for t in out[:50]] + [t.lower() for t in out[:50]]


def test_letter_first_triggers_match_their_word_boundary_forms(ex: VisitEventExtractor) -> None:
    """Each trigger starts with its letters and a lookbehind instead of a leading \\b: the same matches."""
    for kind, pat in ex.triggers:
        ref = re.compile(REFERENCE_TRIGGERS[kind])
        for text in _fuzz_texts():
            got = [(m.start(), m.group()) for m in pat.finditer(text)]
            assert got == [(m.start(), m.group()) for m in ref.finditer(text)], (kind, text)


def test_future_verb_letter_first_forms(ex: VisitEventExtractor) -> None:
    ref = re.compile(r"\b(?:will|is to|are to|is due to|are due to|is expected to|is set to)\s+(?:also\s+)?\w+")
    ref_lc = re.compile(r"\b(?:will|is to|are to|is due to|are due to|is expected to|is set to)\s+\w")
    for text in _fuzz_texts():
        low = text.lower()
        assert [m.span() for m in ex.future_verb_low.finditer(low)] == [m.span() for m in ref.finditer(low)], text
        assert bool(ex.future_verb_lc.search(low)) == bool(ref_lc.search(low)), text


def test_chunk_bits_equal_the_sentence_tests(ex: VisitEventExtractor) -> None:
    """Per-chunk bits (cached) give each sentence what the whole-sentence tests give: the pre-filter stem, a
    description head, every trigger gate (as a lower-case substring) and the possible future verb."""
    for text in _fuzz_texts():
        low = text.lower()
        bits = ex._sentence_bits(low)
        assert ex._stem_from_bits(bits, low) == bool(ex.prefilter.search(low)), text
        assert bool(bits & HEAD_BIT) == any(h in low for h in DESCRIPTION_HEADS), text
        gates = ex._gates_from_bits(bits, low)
        for k, (kind, _pat) in enumerate(ex.triggers):
            assert bool(gates >> k & 1) == any(w in low for w in ex.gates[kind]), (kind, text)
        if ex.future_verb_lc.search(low):
            assert _may_have_future(bits), text


# The status cues and the negation as written before the letter-first rewrite.
REFERENCE_CUES: dict[str, str] = {
    "cancel": r"\b(?:cancel|call(?:ed|s)? off|postpon|scrap|put off|shelv|abandon|axed|called-off)",
    "proposed": (
        r"\b(?:invit\w*|could|may|might|propos\w*|plan for|possible|possibility|"
        r"(?:being|under|is|are) discuss\w*|discussing a|consider\w*|look(?:s|ed|ing)? forward|"
        r"finalis\w*|finaliz\w*|urg\w+|"
        r"would like|offer(?:ed|s)? to|talks? (?:on|about|over) a|willing to|ready to)\b"
    ),
    "planned": (
        r"\b(?:will|'ll|shall|is to|are to|was to|were to|due|expected|set to|"
        r"scheduled|plans? to|planned|planning|upcoming|forthcoming|going to|would|intends? to|"
        r"hope[sd]? to|hoping to|preparing to|to undertake|tomorrow|next|later this)\b"
    ),
    "ongoing": (
        r"\b(?:is (?:now |currently )?(?:in|on)|are (?:now |currently )?(?:in|on)|"
        r"currently|arrived|arrives|began|begins|opened|opens|started|starts|kicked off|"
        r"is visiting|are visiting|day of|has said|has told|told reporters|"
        r"is touring|are touring|is attending|are attending|(?:is|are)\s+(?:\w+\s+)?meeting|"
        r"visiting)\b"
    ),
    "completed": (
        r"\b(?:visited|travell?ed|flew|went|toured|returned|spent|held|attended|met|paid|"
        r"made|was in|were in|had|recent|recently|last|ago|earlier|previous|undertook|"
        r"discussed|yesterday|former|opened up|after)\b"
    ),
    "committed": r"\b(?:will|shall|is to|are to|due to|set to|scheduled|is expected|are expected)\b",
    "past_date_cue": r"\b(?:last|ago|yesterday|recent|earlier)\b",
    "say_during": (
        r"\b(?:has said|said|says|told|tells|telling|speaking|spoke)\b[^.;]{0,60}?"
        r"\b(?:during|on|while on)\s+(?:a|an|his|her|their)\s+(?:[\w-]+\s+){0,3}?"
        r"(?:visit|trip|tour)\b"
    ),
    "began": r"\b(?:began|begins|opened|opens|started|starts|kicked off)\b",
    "trip_word": r"\b(?:visit|tour|trip)\b",
    "before": r"\bbefore\s+(?:[\w'’.-]+\s+){1,4}$",
    "reporting": r"\b(?:said|says|reported|told|announced|stated|quoted)\s*$",
}
REFERENCE_NEGATION = (
    r"\b(?:not|never|n't|no plans? to|refused to|declined to|ruled out|yet to|cannot|nor)\W+(?:\w+\W+){0,2}$"
)


def _spans(pat: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pat.finditer(text)]


def test_letter_first_cues_match_their_word_boundary_forms(ex: VisitEventExtractor) -> None:
    """Every status cue (plain on the lower-cased text, and its (?i) form) finds what its \\b form finds, at
    every start and end (the nearest cue is ranked by them); also on each text's tails ($-anchored cues)."""
    texts = _fuzz_texts()
    texts += [t[:k] for t in FAST_PATH_TEXTS for k in range(5, len(t), 7)]
    for name, ref_text in REFERENCE_CUES.items():
        ref, ref_i = re.compile(ref_text), re.compile("(?i)" + ref_text)
        for text in texts:
            low = text.lower()
            assert _spans(ex.cue[name], low) == _spans(ref, low), (name, text)
            assert _spans(ex.cue_i[name], text) == _spans(ref_i, text), (name, text)
    neg = re.compile(REFERENCE_NEGATION)
    for text in texts:
        assert _spans(ex.negation, text[-45:]) == _spans(neg, text[-45:]), text


def test_relative_dates_on_the_lower_cased_text_equal_the_re_i_patterns() -> None:
    """Relative dates found by the plain patterns on the lower-cased text equal the re.I patterns' on the text,
    expression as written included."""
    fast, slow = DateFinder(), DateFinder()
    slow.plain = {}  # the re.I patterns on the text as written
    pub = dt.date(2022, 2, 7)
    texts = [
        "He arrived Yesterday and leaves TOMORROW, This Morning he met them; Next Week, LAST MONTH, this year.",
        "At The Weekend, over the weekend, at the end of Last Week, Later This Month, earlier THIS YEAR, Two Days Ago",
        "The Coming Week, the past month, 3 Weeks ago, A YEAR AGO, six months ago, tonight, Today",
    ]
    texts += [t.upper() for t in texts] + [t.lower() for t in texts]
    for text in texts:
        for p in (pub, None):
            assert fast.find(text, p) == slow.find(text, p), text
    assert any(d.text == "Next Week" for d in fast.find(texts[0], pub))


@pytest.mark.parametrize(
    "sent",
    [
        "On Monday the visiting former deputy foreign minister of the Democratic Republic of the Congo Jean Dupont",
        "On Monday the visiting Kenyan former deputy foreign and trade minister of state Jean Dupont said it",
        "Talks with the South Korean acting first deputy prime minister for the economy and finance Choo Kyung-ho",
        "Officials said that the Russian Foreign Minister Sergey Lavrov and Chinese President Xi Jinping met in Moscow",
        "It was reported by state media, citing the new acting chief executive and deputy prime minister Ann Lee, that",
        "x" * 40 + " and the minister of state for trade and industry of the United Kingdom Liz Truss flew to Oslo",
        "He met Khan and Putin, and later the ex-President Obama, with the U.S. Secretary of State Antony Blinken.",
    ],
)
def test_title_window_tokens_give_the_full_window_title(ex: VisitEventExtractor, sent: str) -> None:
    """The title and country read from the last ~30 characters' tokens equal those from the full 90 characters."""
    people, checked = ex.people, 0
    for run in people.run_re.finditer(sent):
        info = people._run_info(run.group())
        base = run.start()
        if info is None or base == 0:
            continue
        words = [(s + base, e + base, w) for s, e, w in info[0]]
        for span in info[1]:
            lo = max(0, base - 90)
            full = [(m.start(), m.end(), m.group()) for m in people.word_re.finditer(sent, lo, base)]
            near = people._window_tokens(sent, lo, base, words, span.i)
            assert full[len(full) - len(near) :] == near
            expected = people._title_before(sent, full + words, span.i + len(full))
            assert people._title_before(sent, near + words, span.i + len(near)) == expected, (sent, span.name)
            checked += 1
    assert checked


REFERENCE_WINDOWS: dict[str, str] = {
    "since": r"(?i)\bsince\s+(?:[\w.'’-]+\s+){0,3}(?:in\s+)?$",
    "determiner": r"(?i)\b(?:the|this|that|his|her)\s+(?:[\w-]+\s+)?$",
    "object": (
        r"(?i)\b(?:with|met|meet|meeting|meets|by|told|tell|invitation of|to|on behalf of|"
        r"called|call|urged|asked|including|than)\s+(?:the\s+)?(?:[\w.-]+\s+){0,4}$"
    ),
    "host": (
        r"(?i)\b(?:invitation of|meet|meets|met|meeting|with|hosted by|received by|guest of)\s+"
        r"(?:the\s+)?(?:[\w.-]+\s+){0,5}$"
    ),
}


def test_window_tests_match_their_reference_forms(ex: VisitEventExtractor) -> None:
    """The subject/object/host window tests (letter-first, plain on the lower-cased text) answer as the (?i)
    word-boundary forms on every prefix of the test texts."""
    texts = [
        *FAST_PATH_TEXTS,
        "He met with the Prime Minister, Mr Smith held talks WITH THE KING and was the Guest Of the Emir; Then",
        "SINCE George Shultz in 1985, since 2010, Since The Start in, He said, she, SHE'd, the he-man, She ",
        "an invitation of President X, Hosted By the mayor, including Biden, on behalf of Her, That trip, this visit ",
    ]
    for name, ref_text in REFERENCE_WINDOWS.items():
        ref = re.compile(ref_text)
        for text in texts:
            for end in range(0, len(text), 3):
                window = text[max(0, end - 45) : end]
                assert bool(ex.window[name].search(window.lower())) == bool(ref.search(window)), (name, window)
                assert bool(ex.window_i[name].search(window)) == bool(ref.search(window)), (name, window)


def test_he_she_on_the_lower_cased_text(ex: VisitEventExtractor) -> None:
    for text in [*_fuzz_texts(), "He said SHE would go; the hero, She's, he-he, ashe, HE"]:
        ref = [m.start() for m in ex.he_she.finditer(text)]
        assert [m.start() for m in ex.he_she_low.finditer(text.lower())] == ref, text
