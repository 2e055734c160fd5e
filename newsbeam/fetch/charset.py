"""Body bytes to text: BOM, then the HTTP charset, then <meta>/<?xml?>, then detection.

Labels are mapped the way browsers map them (WHATWG Encoding Standard): a page
that says ISO-8859-1 or ASCII is decoded as windows-1252, Shift_JIS as
windows-31j (cp932), and so on. A declared charset that does not decode the
bytes strictly is skipped in favour of the next source, so a page labelled
UTF-8 but written in windows-1252 still comes out right.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import CharsetMatch, from_bytes

from newsbeam.fetch.result import FetchError

# WHATWG label -> Python codec, for the labels where the two differ.
_BROWSER_CODECS = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "latin5": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "euc-kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "utf-16": "utf-8",  # a <meta> saying UTF-16 in an ASCII-readable page means UTF-8
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_PRESCAN_BYTES = 4096
_DETECT_BYTES = 200_000
_MAX_REPLACEMENT_SHARE = 0.05
_TIE_BREAK = "cp1252"  # WHATWG's fallback for most locales; the commonest legacy encoding of news pages


def codec_for(label: str | None) -> str | None:
    """The Python codec for a charset label, browser-mapped; None if unknown."""
    if not label:
        return None
    label = label.strip().strip("'\"").lower()
    label = _BROWSER_CODECS.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _BROWSER_CODECS.get(name, name)


class TextDecoder:
    """Decodes fetched bodies; holds its compiled patterns (build once per Fetcher)."""

    def __init__(self) -> None:
        self._header_charset = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
        self._meta = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
        self._xml_decl = re.compile(rb"^\s*<\?xml[^>]+encoding\s*=\s*[\"']([\w.:-]+)[\"']", re.I)

    def header_charset(self, content_type: str | None) -> str | None:
        match = self._header_charset.search(content_type or "")
        return match.group(1) if match else None

    def declared_in_body(self, body: bytes) -> str | None:
        head = body[:_PRESCAN_BYTES]
        match = self._xml_decl.search(head) or self._meta.search(head)
        return match.group(1).decode("ascii", "replace") if match else None

    def decode(self, body: bytes, content_type: str | None) -> tuple[str, str]:
        """(text, codec used). Raises FetchError("decode_error") for bytes that are not text."""
        for bom, bom_codec in _BOMS:
            if body.startswith(bom):
                return body.decode(bom_codec, errors="replace"), bom_codec
        tried: list[str] = []
        for label in (self.header_charset(content_type), self.declared_in_body(body)):
            codec = codec_for(label)
            if codec and codec not in tried:
                tried.append(codec)
                try:
                    return body.decode(codec), codec
                except UnicodeDecodeError:
                    continue
        return self._detect(body, tried)

    def _detect(self, body: bytes, tried: list[str]) -> tuple[str, str]:
        try:
            return body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        matches = from_bytes(body[:_DETECT_BYTES])
        best = matches.best()
        detected = codec_for(best.encoding) if best is not None else None
        if best is not None and any(_as_good(m, best) for m in matches):
            detected = _TIE_BREAK  # few high bytes fit several code pages: take the web's usual one
        codec = detected or (tried[0] if tried else "cp1252")
        text = body.decode(codec, errors="replace")
        if best is None and _looks_binary(text):
            raise FetchError("decode_error", f"body does not decode as text (tried {', '.join([*tried, codec])})")
        return text, codec


def _looks_binary(text: str) -> bool:
    """Many replacement characters or control characters: not a text document."""
    if not text:
        return False
    sample = text[:_DETECT_BYTES]
    bad = sum(1 for ch in sample if ch == "\ufffd" or (ch < " " and ch not in "\t\n\r\f"))
    return bad / len(sample) > _MAX_REPLACEMENT_SHARE


def _as_good(match: CharsetMatch, best: CharsetMatch) -> bool:
    """``match`` is windows-1252 and detection cannot tell it apart from ``best``."""
    return (
        _TIE_BREAK in match.could_be_from_charset
        and match.chaos <= best.chaos + 0.01
        and match.coherence >= best.coherence - 0.05
    )
