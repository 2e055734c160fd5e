"""FetchConfig: the ``fetch:`` section of the config, typed and checked."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

DEFAULT_USER_AGENT = "newsbeam/0.1 (+https://github.com/newsbeam/newsbeam; news research crawler)"


@dataclass(frozen=True)
class FetchConfig:
    """Every knob of the fetcher; keys match ``configs/defaults.yaml`` ``fetch:``."""

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    deadline: float = 30.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    attempts: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    max_in_flight: int = 32
    per_host: int = 4
    per_host_delay: float = 0.0
    robots: bool = True
    robots_exempt: tuple[str, ...] = ()
    allow_private_hosts: bool = False
    resolve: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        positive = ("connect_timeout", "read_timeout", "deadline", "max_bytes", "attempts", "max_in_flight", "per_host")
        for name in positive:
            if getattr(self, name) <= 0:
                raise ValueError(f"fetch.{name} must be > 0, got {getattr(self, name)!r}")
        for name in ("max_redirects", "backoff_base", "backoff_max", "per_host_delay"):
            if getattr(self, name) < 0:
                raise ValueError(f"fetch.{name} must be >= 0, got {getattr(self, name)!r}")
        if not self.user_agent.strip():
            raise ValueError("fetch.user_agent must not be empty")
        for host, target in self.resolve.items():
            _check_resolve_entry(host, target)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> FetchConfig:
        """Build from a ``fetch:`` mapping; an unknown key raises ValueError naming it."""
        data = dict(data or {})
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown fetch config key(s): {', '.join(unknown)}")
        kwargs: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name in data and data[f.name] is not None:
                kwargs[f.name] = _coerce(f.name, data[f.name])
        return cls(**kwargs)


def _coerce(name: str, value: Any) -> Any:
    ints = {"max_bytes", "max_redirects", "attempts", "max_in_flight", "per_host"}
    floats = {"connect_timeout", "read_timeout", "deadline", "backoff_base", "backoff_max", "per_host_delay"}
    bools = {"robots", "allow_private_hosts"}
    try:
        if name in ints:
            if isinstance(value, bool) or int(value) != value:
                raise ValueError
            return int(value)
        if name in floats:
            if isinstance(value, bool):
                raise ValueError
            return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"fetch.{name} must be a number, got {value!r}") from None
    if name in bools:
        if not isinstance(value, bool):
            raise ValueError(f"fetch.{name} must be true or false, got {value!r}")
        return value
    if name == "robots_exempt":
        if isinstance(value, str) or not all(isinstance(h, str) for h in value):
            raise ValueError("fetch.robots_exempt must be a list of host names")
        return tuple(h.lower().strip() for h in value)
    if name == "resolve":
        if not isinstance(value, dict):
            raise ValueError("fetch.resolve must be a mapping host -> 'ip:port'")
        return {str(k).lower(): str(v) for k, v in value.items()}
    if name == "user_agent":
        return str(value)
    return value


def _check_resolve_entry(host: str, target: str) -> None:
    ip, sep, port = target.rpartition(":")
    if not sep or not ip or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"fetch.resolve[{host!r}] must be 'ip:port', got {target!r}")
