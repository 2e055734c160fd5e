"""newsbeam: pure domain logic (no Beam): feeds, fetching, extraction, boilerplate, events."""

__version__ = "0.1.0"
