"""Article language as ISO 639-1: declared by the page, else detected from the text."""

from __future__ import annotations

import pycountry
from py3langid.langid import MODEL_FILE, LanguageIdentifier

DETECT_CHARS = 3000  # enough text for a confident guess; keeps detection cheap on long pages


class LanguageResolver:
    """Validates a declared language code and detects one from text when none is declared.

    Detection uses py3langid: its model ships inside the wheel (offline), it
    needs only numpy, and it classifies a few thousand characters in well
    under a millisecond.
    """

    def __init__(self) -> None:
        self._codes = frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))
        self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE)

    def resolve(self, declared: str | None, text: str) -> str | None:
        """The declared code when it is a real ISO 639-1 code, else the detected one (None without text)."""
        code = (declared or "").strip().replace("_", "-").split("-")[0].lower()
        if code in self._codes:
            return code
        return self.detect(text)

    def detect(self, text: str) -> str | None:
        """ISO 639-1 code of the text's language, None for text without letters."""
        sample = text[:DETECT_CHARS]
        if not any(ch.isalpha() for ch in sample):
            return None
        code, _score = self._identifier.classify(sample)
        return code if code in self._codes else None
