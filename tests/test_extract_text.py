"""Text normalisation: one paragraph per line, blanks collapsed."""

from __future__ import annotations

import pytest

from newsbeam.extract.text import TextNormalizer


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  one  paragraph  ", "one paragraph"),
        ("tab\tand\u00a0no-break\u200bzero-width  space", "tab and no-break zero-width space"),
        ("first\n\n\n   \nsecond", "first\nsecond"),
        ("carriage\rreturn\r\nand\fform\vfeed\u2028separator", "carriage\nreturn\nand\nform\nfeed\nseparator"),
        (" \u00a0 \t ", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_normalizer(raw: str | None, expected: str) -> None:
    assert TextNormalizer()(raw) == expected
