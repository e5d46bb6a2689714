"""Entities: the seed article's canonical entities, aliases and name variants."""

from __future__ import annotations

from collections import Counter

from bot.models.text import normalise_name, strip_possessive
from bot.nlp import analyze_texts

EXPECTED = {
    "Herzi Halevi": "PERSON",
    "Ismail Haniyeh": "PERSON",
    "Yossi Cohen": "PERSON",
    "Binyamin Netanyahu": "PERSON",
    "Benny Gantz": "PERSON",
    "Hamas": "ORG",
    "IDF": "ORG",
    "Shin Bet": "ORG",
    "Mossad": "ORG",
    "National Security Council": "ORG",
    "Asharq al-Awsat": "ORG",
    "Qatar": "GPE",
    "Doha": "GPE",
    "Egypt": "GPE",
    "Gaza": "GPE",
    "Sderot": "GPE",
}


def test_seed_yields_each_expected_entity_once(seed_analysis):
    canon = Counter(e.canonical for e in seed_analysis.entities)
    labels = {e.canonical: e.label for e in seed_analysis.entities}
    for name, label in EXPECTED.items():
        assert canon[name] == 1, name
        assert labels[name] == label, name


def test_seed_has_no_person_named_shin_bet(seed_analysis):
    people = {m.text for m in seed_analysis.mentions if m.label == "PERSON"}
    assert "Shin Bet" not in people
    assert not any("Shin Bet" in e.canonical for e in seed_analysis.entities if e.label == "PERSON")


def test_acronym_defined_in_text_is_an_alias(seed_analysis):
    nsc = next(e for e in seed_analysis.entities if e.canonical == "National Security Council")
    assert "NSC" in nsc.aliases
    assert {m.canonical for m in seed_analysis.mentions if m.text == "NSC"} == {
        "National Security Council"
    }


def test_surname_resolves_to_full_name(seed_analysis):
    halevi = [m for m in seed_analysis.mentions if m.text == "Halevi"]
    assert len(halevi) == 2
    assert {(m.canonical, m.label) for m in halevi} == {("Herzi Halevi", "PERSON")}


def test_typographic_possessive_is_not_part_of_the_name(seed_text, seed_analysis):
    hamas = [m for m in seed_analysis.mentions if m.canonical == "Hamas"]
    assert all(seed_text[m.start : m.end] == "Hamas" for m in hamas)
    # "Hamas’s" occurs three times in the body.
    assert sum(seed_text[m.end : m.end + 2] == "’s" for m in hamas) == 3


def test_mention_offsets_and_sentences(seed_text, seed_analysis):
    for m in seed_analysis.mentions:
        assert seed_text[m.start : m.end] == m.text
        sentence = seed_analysis.sentences[m.sentence]
        assert sentence.start <= m.start < sentence.end


def test_variants_merge_within_an_article(nlp):
    text = (
        "Prime Minister Benjamin Netanyahu spoke on Sunday. Netanyahu's office said the "
        "World Health Organization (WHO) had been told. NETANYAHU later left."
    )
    analysis = analyze_texts([text])[0]
    by_text = {m.text: m.canonical for m in analysis.mentions}
    assert by_text["Netanyahu"] == "Benjamin Netanyahu"
    assert by_text["WHO"] == "World Health Organization"


def test_name_normalisation():
    assert strip_possessive("Hamas’s") == "Hamas"
    assert strip_possessive("Jones'") == "Jones"
    assert normalise_name("Erdoğan's") == normalise_name("ERDOGAN")
    assert normalise_name("the Gaza Strip") == "gaza strip"
