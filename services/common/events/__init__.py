"""Event models: one envelope, one data model per event type and version.

``REGISTRY`` maps ``(type, version)`` to the data model; it is the single source
of truth from which ``schemas/*.json`` are generated (see ``schemas/README.md``).
Every version from 1 to ``CURRENT[type]`` keeps its model, and ``upcasters.UPCASTERS``
carries each older one up a step, so an old log is read in the current shape.
"""

from __future__ import annotations

from pydantic import BaseModel

from services.common.events.amendments import ArticleCorrectedV1, ArticleRetractedV1
from services.common.events.control import ArticleDiscardedV1, ArticleReprocessRequestedV1
from services.common.events.facts import (
    ArticleClassifiedV1,
    ArticleClassifiedV2,
    ArticleCleanedV1,
    ArticleEnrichedV1,
    ArticleEnrichedV2,
    ArticleEnrichedV3,
    ArticleIndexedV1,
    ArticleIndexedV2,
)
from services.common.events.intake import (
    ArticleDuplicateV1,
    ArticleIngestedV1,
    ArticleRejectedV1,
    ArticleSubmittedV1,
)

#: (event type, schema version) -> data model. Published versions are never edited.
REGISTRY: dict[tuple[str, int], type[BaseModel]] = {
    ("article.submitted", 1): ArticleSubmittedV1,
    ("article.ingested", 1): ArticleIngestedV1,
    ("article.duplicate", 1): ArticleDuplicateV1,
    ("article.rejected", 1): ArticleRejectedV1,
    ("article.cleaned", 1): ArticleCleanedV1,
    ("article.classified", 1): ArticleClassifiedV1,
    ("article.classified", 2): ArticleClassifiedV2,
    ("article.enriched", 1): ArticleEnrichedV1,
    ("article.enriched", 2): ArticleEnrichedV2,
    ("article.enriched", 3): ArticleEnrichedV3,
    ("article.indexed", 1): ArticleIndexedV1,
    ("article.indexed", 2): ArticleIndexedV2,
    ("article.reprocess_requested", 1): ArticleReprocessRequestedV1,
    ("article.retracted", 1): ArticleRetractedV1,
    ("article.corrected", 1): ArticleCorrectedV1,
    ("article.discarded", 1): ArticleDiscardedV1,
}

#: event type -> the version this code writes.
CURRENT: dict[str, int] = {}
for _type, _version in REGISTRY:
    CURRENT[_type] = max(_version, CURRENT.get(_type, 0))
