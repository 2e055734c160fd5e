"""Article language as ISO 639-1: declared by the page, else detected from the text."""

from __future__ import annotations

import pycountry
from py3langid.langid import MODEL_FILE, LanguageIdentifier

DETECT_CHARS = 1200  # enough text for a confident guess; keeps detection cheap
OVERRIDE_MIN_CHARS = 400  # a declared language is overruled only on this much text ...
OVERRIDE_MIN_PROB = 0.999  # ... when the detector is this sure of another language


class LanguageResolver:
    """The page's declared language when it is a real ISO 639-1 code, else the one detected from the text.

    A declaration is overruled only when the text is long and the detector
    is all but certain of another language: site templates that say
    ``lang="en"`` on German articles (4 of the 181 benchmark pages) are
    common enough to matter. Detection uses py3langid: its model ships in
    the wheel (offline), it needs only numpy, and it classifies 1,200
    characters in about a third of a millisecond.
    """

    def __init__(self) -> None:
        self._codes = frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))
        self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    def resolve(self, declared: str | None, text: str) -> str | None:
        """ISO 639-1 code of the article, None when nothing is declared and there is no text."""
        code = (declared or "").strip().replace("_", "-").split("-")[0].lower()
        if code not in self._codes:
            return self.detect(text)
        if len(text) >= OVERRIDE_MIN_CHARS:
            detected, prob = self._classify(text)
            if detected and detected != code and prob >= OVERRIDE_MIN_PROB:
                return detected
        return code

    def detect(self, text: str) -> str | None:
        """ISO 639-1 code of the text's language, None for text without letters."""
        return self._classify(text)[0]

    def _classify(self, text: str) -> tuple[str | None, float]:
        sample = text[:DETECT_CHARS]
        if not any(ch.isalpha() for ch in sample):
            return None, 0.0
        code, prob = self._identifier.classify(sample)
        return (code if code in self._codes else None), float(prob)
