"""Configuration: YAML defaults, overridden key by key by a user's file.

``configs/defaults.yaml`` declares every key with its default. A user file
overrides only the keys it sets; a key that the defaults do not declare is a
:class:`ConfigError` naming it (the CLI turns it into exit status 2).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"
DEFAULTS_FILE = "defaults.yaml"

# Keys whose value is a free-form mapping (user keys are not checked).
_FREE_MAPPINGS = {"fetch.resolve", "beam"}


class ConfigError(ValueError):
    """A bad config file or key; the message names it."""


def _load_yaml(path: Path) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"config file {path} is not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping at the top")
    return data


def merge(base: dict[str, Any], override: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``base`` with ``override``'s keys set; unknown keys raise ConfigError."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        dotted = f"{prefix}{key}"
        if key not in base:
            raise ConfigError(f"unknown config key '{dotted}'")
        current = base[key]
        if isinstance(current, dict) and dotted not in _FREE_MAPPINGS:
            if not isinstance(value, dict):
                raise ConfigError(f"config key '{dotted}' must be a mapping")
            out[key] = merge(current, value, prefix=f"{dotted}.")
        else:
            out[key] = copy.deepcopy(value)
    return out


def defaults() -> dict[str, Any]:
    """Every known key with its default value."""
    return _load_yaml(CONFIG_DIR / DEFAULTS_FILE)


def load_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The defaults, overridden by the file at ``path`` and then ``overrides``.

    ``path=None`` reads ``configs/local.yaml``. Relative paths inside the
    config (the boilerplate rules, the sample site) are resolved against the
    directory of the file that set them, or the configs directory.
    """
    cfg = defaults()
    file = Path(path) if path is not None else CONFIG_DIR / "local.yaml"
    user = _load_yaml(file)
    cfg = merge(cfg, user)
    cfg["_config_dir"] = str(file.resolve().parent)
    if overrides:
        cfg = merge(cfg, overrides)
    return cfg


def resolve_path(cfg: dict[str, Any], value: str) -> Path:
    """A path from the config: absolute, or relative to cwd, the file's dir, the repo."""
    candidate = Path(value)
    if candidate.is_absolute():
        return candidate
    for base in (Path.cwd(), Path(cfg.get("_config_dir", CONFIG_DIR)), CONFIG_DIR, CONFIG_DIR.parent):
        if (base / candidate).exists():
            return base / candidate
    return candidate
