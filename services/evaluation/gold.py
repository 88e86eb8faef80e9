"""Gold files: labelled articles, one JSON object per line, loaded with errors that name the line.

The format is described in ``eval/README.md``; these models are its single definition.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from services.classify.lexicon import TOPICS
from services.common.events.facts import EntityType

#: How many field errors of one line to show; the rest are counted, not listed.
_MAX_ERRORS_SHOWN = 3


class GoldError(ValueError):
    """A gold file that cannot be used; the message says which file and line, and what is wrong."""


class _Gold(BaseModel):
    # extra="forbid": a misspelt key ("entites") must fail loudly, not silently score as empty.
    model_config = ConfigDict(frozen=True, extra="forbid")


class GoldArticle(_Gold):
    """The article as it would be submitted to the pipeline."""

    title: str = Field(min_length=1)
    body: str = Field(min_length=1)
    published_at: str = Field(description="ISO 8601; relative dates ('Tuesday') are read against it.")
    source: str | None = None
    url: str | None = None
    language: str | None = None


class GoldEntity(_Gold):
    """An entity a careful analyst expects, under its canonical name."""

    name: str = Field(min_length=1)
    type: EntityType
    aliases: list[str] = Field(default_factory=list, description="Other acceptable canonical names.")

    def accepted_names(self) -> frozenset[str]:
        """Every name that counts as this entity, case-folded."""
        return frozenset(n.casefold() for n in [self.name, *self.aliases])


class GoldMoney(_Gold):
    """A money amount: the surface span, its value in units of the currency, and the ISO 4217 code."""

    text: str = Field(min_length=1)
    value: float = Field(ge=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")


class GoldPercent(_Gold):
    """A percentage: the surface span and its value in percent ('five percent' -> 5)."""

    text: str = Field(min_length=1)
    value: float = Field(ge=0)


class GoldDate(_Gold):
    """A date mention, as written."""

    text: str = Field(min_length=1)


class GoldItem(_Gold):
    """One labelled article."""

    id: str = Field(min_length=1)
    article: GoldArticle
    topics: list[str] = Field(min_length=1, description="IPTC top-level labels, best first.")
    entities: list[GoldEntity]
    money: list[GoldMoney]
    percentages: list[GoldPercent]
    dates: list[GoldDate]

    @field_validator("topics")
    @classmethod
    def _known_topics(cls, topics: list[str]) -> list[str]:
        unknown = [t for t in topics if t not in _LABELS]
        if unknown:
            raise ValueError(f"unknown IPTC label(s) {unknown}; use one of {sorted(_LABELS)}")
        return topics

    @model_validator(mode="after")
    def _spans_in_article(self) -> Self:
        # A span that is not in the article is a typo in the gold, and would be an unwinnable miss.
        haystack = f"{self.article.title}\n{self.article.body}".casefold()
        for kind, spans in (("money", self.money), ("percentages", self.percentages), ("dates", self.dates)):
            for span in spans:
                if span.text.casefold() not in haystack:
                    raise ValueError(f"{kind}: {span.text!r} does not occur in the title or body")
        return self


_LABELS = frozenset(TOPICS.values())


def load_gold(path: Path) -> list[GoldItem]:
    """Read and check a gold JSONL file; blank lines are skipped. Raises ``GoldError``."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as fault:
        raise GoldError(f"{path}: cannot read: {fault}") from fault
    items: list[GoldItem] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item = parse_line(line, f"{path}:{number}")
        if item.id in seen:
            raise GoldError(f"{path}:{number}: duplicate id {item.id!r} (first on line {seen[item.id]})")
        seen[item.id] = number
        items.append(item)
    if not items:
        raise GoldError(f"{path}: no items")
    return items


def parse_line(line: str, where: str) -> GoldItem:
    """One gold line; ``where`` ('file:line') prefixes any error."""
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as fault:
        raise GoldError(f"{where}: not valid JSON: {fault.msg} at column {fault.colno}") from fault
    if not isinstance(raw, dict):
        raise GoldError(f"{where}: expected a JSON object, got {type(raw).__name__}")
    try:
        return GoldItem.model_validate(raw)
    except ValidationError as fault:
        raise GoldError(f"{where}: {_describe(fault)}") from fault


def _describe(fault: ValidationError) -> str:
    """Pydantic's errors as 'entities.2.type: Input should be ...', a few at most."""
    errors = fault.errors(include_url=False)
    shown = [
        f"{'.'.join(str(p) for p in e['loc']) or 'item'}: {e['msg']}" for e in errors[:_MAX_ERRORS_SHOWN]
    ]
    more = len(errors) - len(shown)
    return "; ".join(shown) + (f" (and {more} more)" if more else "")
