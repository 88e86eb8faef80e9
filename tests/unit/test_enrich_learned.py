"""The learned name layer: a linear model over the runs the rules leave, and the spans it is given."""

from __future__ import annotations

import json
from pathlib import Path

from services.common.events.facts import CleanArticle
from services.common.linear import LinearModel, train
from services.enrich import names
from services.enrich.entities import find_entities
from services.enrich.logic import ENTITIES_METHOD, enrich
from services.evaluation.nametraining import DEV_SETS

# Prose around the sentence under test, so that no line looks like a title-case headline.
_TAIL = " The statement was published on the agency's website late in the evening."


def found(text: str) -> set[tuple[str, str]]:
    return {(e.name, e.type) for e in find_entities("", text + _TAIL)}


def test_a_linear_model_learns_and_reads_back_as_it_was_saved(tmp_path: Path) -> None:
    """Trained on separable samples it predicts them; saved and loaded, it gives the same probabilities."""
    samples = [({"w=red": 1.0}, "warm"), ({"w=blue": 1.0}, "cold")] * 20
    model = train(samples, ("warm", "cold"), epochs=10)
    assert model.best({"w=red": 1.0})[0] == "warm" and model.best({"w=blue": 1.0})[0] == "cold"
    model.save(tmp_path / "m.json")
    again = LinearModel.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert again.probabilities({"w=red": 1.0}) == again.probabilities({"w=red": 1.0, "unseen": 1.0})
    assert (
        abs(again.probabilities({"w=red": 1.0})["warm"] - model.probabilities({"w=red": 1.0})["warm"]) < 1e-3
    )


def test_titles_roles_and_descriptors_are_not_part_of_a_name() -> None:
    """'Attorney-General', 'Leg-spinner', a sentence-initial 'Glaciologist': the role, not the name."""
    text = (
        "Attorney-General Marcus Feeney spoke. Leg-spinner Shane Warne bowled."
        " Glaciologist David Vaughan said so."
    )
    spans = {(c.surface, c.role) for c in names.candidates(text, bytearray(len(text)))}
    assert {("Marcus Feeney", "Attorney-General"), ("Shane Warne", "Leg-spinner")} <= spans
    assert ("David Vaughan", "Glaciologist") in spans
    people = {name for name, kind in found(text) if kind == "person"}
    assert {"Marcus Feeney", "Shane Warne", "David Vaughan"} <= people


def test_names_no_gazetteer_knows_are_typed_by_the_model() -> None:
    """A union and a person the rules have never seen are still found, each with its type."""
    text = (
        "Attorney-General Marcus Feeney told reporters that the Harbourside Tenants Union had been consulted."
    )
    assert {("Marcus Feeney", "person"), ("Harbourside Tenants Union", "organization")} <= found(text)


def test_one_surface_gets_one_type_per_article() -> None:
    """However its mentions' contexts differ, a name is typed once: one entity, not one per type."""
    text = (
        "Officials of the Harbourside Tenants Union met on Monday. Later, the Harbourside Tenants Union"
        " said it would appeal, and members of the Harbourside Tenants Union voted."
    )
    entities = [e for e in find_entities("", text + _TAIL) if e.name == "Harbourside Tenants Union"]
    assert len(entities) == 1 and entities[0].mentions == 3


def test_the_shipped_model_was_trained_on_development_sets_only() -> None:
    """No test or hold-out set may teach the model: its metadata names only the dev sets."""
    about = json.loads((Path(names.__file__).parent / "data" / names.MODEL_FILE).read_text())["about"]
    assert about["trained_on"] and set(about["trained_on"]) <= set(DEV_SETS)
    assert not any("test" in name or "holdout" in name or "blind" in name for name in DEV_SETS)


def test_text_in_another_language_gets_no_entities_and_says_why() -> None:
    """German text is not read with English rules and model: no entities, and the fact says why."""

    def article(language: str, text: str) -> CleanArticle:
        return CleanArticle(
            article_id="a", title="T", text=text, language=language, language_confidence=0.99,
            word_count=len(text.split()), url=None, source=None, published_at=None, extractor="plain",
        )  # fmt: skip

    german = enrich(
        article("de", "Die Regierung in Berlin und Bundeskanzler Olaf Scholz sagten am Montag ab.")
    )
    assert (
        german.entities == []
        and german.entities_method == "not extracted: English rules and name model, text is 'de'"
    )
    english = enrich(article("en", "Chancellor Olaf Scholz said in Berlin on Monday that talks had failed."))
    assert english.entities and english.entities_method == ENTITIES_METHOD
