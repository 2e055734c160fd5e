"""The language identifier's unpacked-model cache gives the same answers as py3langid's own loader."""

from __future__ import annotations

from pathlib import Path

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from newsbeam.extract.language import load_identifier

TEXTS = ["Der Bundeskanzler reist am Montag nach Paris.", "Le président se rend à Berlin lundi.",
         "The prime minister visited Tokyo.", "Премьер-министр посетил Токио.", "首相は東京を訪問した。",
         "El presidente viajó a Lima el martes."]


def test_the_cached_model_classifies_as_the_shipped_one(tmp_path: Path) -> None:
    shipped = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    first = load_identifier(tmp_path)  # unpacks into the cache
    [unpacked] = list(tmp_path.glob("py3langid-*.npz"))
    again = load_identifier(tmp_path)  # reads the unpacked file
    want = [shipped.classify(t) for t in TEXTS]
    assert [first.classify(t) for t in TEXTS] == want == [again.classify(t) for t in TEXTS]
    assert [code for code, _ in want] == ["de", "fr", "en", "ru", "ja", "es"]
    assert unpacked.stat().st_size > 0


def test_an_unwritable_cache_falls_back_to_the_shipped_model(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory would be")
    identifier = load_identifier(blocker / "newsbeam")
    assert identifier.classify(TEXTS[0])[0] == "de"
    assert not list(tmp_path.glob("**/*.npz"))
