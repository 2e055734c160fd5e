"""Visit-event extraction (issue #3): who travels where, when, with what status."""

from newsbeam.events.extractor import EXTRACTOR_VERSION, VisitEventExtractor

__all__ = ["EXTRACTOR_VERSION", "VisitEventExtractor"]
