"""Boilerplate rules and learning, as pure functions."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsbeam.boilerplate import BoilerplateRules, BoilerplateStripper, learn_repeated_lines

RULES = Path(__file__).resolve().parents[1] / "configs" / "boilerplate.yaml"
BS_DISCLAIMER = (
    "(Only the headline and picture of this report may have been reworked by the Business Standard staff; "
    "the rest of the content is auto-generated from a syndicated feed.)"
)


@pytest.fixture(scope="module")
def stripper() -> BoilerplateStripper:
    return BoilerplateStripper(BoilerplateRules.from_file(RULES))


def test_seed_boilerplate_lines_are_removed(stripper: BoilerplateStripper, seed_text: str) -> None:
    text, removed = stripper.strip(seed_text, "business-standard.com")
    assert removed == ["More From This Section", BS_DISCLAIMER]
    assert "More From This Section" not in text and "syndicated feed" not in text
    assert len(text.splitlines()) == len([x for x in seed_text.splitlines() if x.strip()]) - 2


@pytest.mark.parametrize(
    "line",
    [
        "Also Read: Imran Khan to visit Moscow",
        "(With inputs from PTI)",
        "This story has not been edited by Business Standard staff and is auto-generated from a syndicated feed.",
        "(This story has not been edited by NDTV staff and is auto-generated from a syndicated feed.)",
        "More from this section:",
        "Reporting by Jane Doe; Editing by John Smith",
    ],
)
def test_common_syndication_lines_are_boilerplate(stripper: BoilerplateStripper, line: str) -> None:
    assert stripper.is_boilerplate(line, "example.com")


@pytest.mark.parametrize(
    "line",
    [
        "Khan said he also discussed with President Putin ways to move forward on trade.",
        "The minister read more than forty reports before the visit.",
        "Also, the delegation will read a statement in Moscow.",
    ],
)
def test_article_sentences_are_kept(stripper: BoilerplateStripper, line: str) -> None:
    assert not stripper.is_boilerplate(line, "business-standard.com")


def test_publisher_rules_apply_to_their_publisher_only(tmp_path: Path) -> None:
    rules = BoilerplateRules.from_dict({"publishers": {"a.com": {"exact": ["Sign up for alerts"]}}})
    s = BoilerplateStripper(rules)
    assert s.is_boilerplate("Sign up for alerts.", "a.com")
    assert not s.is_boilerplate("Sign up for alerts.", "b.com")


def test_unknown_rule_keys_are_named() -> None:
    with pytest.raises(ValueError, match="'exactly'"):
        BoilerplateRules.from_dict({"global": {"exactly": ["x"]}})


def test_learning_counts_stories_within_one_publisher() -> None:
    footer = "Follow the Harbour Times on every platform"
    stories = {f"s{i}": f"Story {i} line one about topic {i}.\n{footer}\nClosing {i}." for i in range(4)}
    learned = learn_repeated_lines(stories, min_articles=3, min_share=0.3)
    assert set(learned) == {footer.lower()}
    assert learned[footer.lower()] == 4


def test_learning_needs_enough_stories_and_share() -> None:
    stories = {f"s{i}": f"Unique {i}" + ("\nShared footer" if i < 2 else "") for i in range(10)}
    assert learn_repeated_lines(stories, min_articles=3, min_share=0.3) == {}
