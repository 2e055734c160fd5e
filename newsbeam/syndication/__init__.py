"""Syndication: one story in many copies, one real-world visit in many reports.

Pure functions, no Beam: :mod:`.minhash` (shingles and MinHash signatures of
cleaned text), :mod:`.clusters` (near-duplicate clusters with an LSH index,
against earlier runs too) and :mod:`.visits` (the consolidated ``visits/``
snapshot from all ``visit_events/`` rows). See ``docs/syndication.md``.
"""

from newsbeam.syndication.clusters import Assignment, Member, assign_clusters, same_story
from newsbeam.syndication.minhash import Signature, Signer
from newsbeam.syndication.visits import consolidate_visits

__all__ = [
    "Assignment",
    "Member",
    "Signature",
    "Signer",
    "assign_clusters",
    "consolidate_visits",
    "same_story",
]
