"""Configuration: user files override only what they set; wrong keys are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsbeam.config import ConfigError, defaults, load_config


def test_local_config_overrides_only_its_keys(tmp_path: Path) -> None:
    user = tmp_path / "mine.yaml"
    user.write_text("fetch:\n  max_in_flight: 8\n")
    cfg = load_config(user)
    assert cfg["fetch"]["max_in_flight"] == 8
    assert cfg["fetch"]["attempts"] == defaults()["fetch"]["attempts"]
    assert cfg["boilerplate"] == defaults()["boilerplate"]


@pytest.mark.parametrize(
    ("text", "named"),
    [("fetch:\n  max_inflight: 8\n", "fetch.max_inflight"), ("feeeds: []\n", "feeeds"),
     ("boilerplate:\n  learn:\n    min_article: 2\n", "boilerplate.learn.min_article")],
)
def test_a_wrong_key_is_an_error_naming_it(tmp_path: Path, text: str, named: str) -> None:
    user = tmp_path / "bad.yaml"
    user.write_text(text)
    with pytest.raises(ConfigError, match=f"'{named}'"):
        load_config(user)


def test_free_mappings_take_any_key(tmp_path: Path) -> None:
    user = tmp_path / "r.yaml"
    user.write_text("fetch:\n  resolve:\n    news.example.com: 127.0.0.1:8080\n")
    assert load_config(user)["fetch"]["resolve"] == {"news.example.com": "127.0.0.1:8080"}


def test_not_yaml_and_missing_files_are_config_errors(tmp_path: Path) -> None:
    bad = tmp_path / "x.yaml"
    bad.write_text("fetch: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "absent.yaml")


def test_every_shipped_config_loads() -> None:
    configs = Path(__file__).resolve().parents[1] / "configs"
    for path in sorted(configs.glob("*.yaml")):
        if path.name in ("defaults.yaml", "boilerplate.yaml"):
            continue
        assert load_config(path)["output"], path
