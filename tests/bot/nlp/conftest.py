"""Fixtures for the NLP tests: the model is loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from bot.nlp import Analysis, analyze_texts, get_nlp

SEED = Path(__file__).resolve().parents[3] / "seeds" / "000_e1310f153e144d16.txt"


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The shared pipeline, loaded once for the whole run."""
    return get_nlp()


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The seed article as stored: title, caption, body paragraphs, byline."""
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_analysis(nlp: Language, seed_text: str) -> Analysis:
    """The seed article analysed as plain text."""
    return analyze_texts([seed_text])[0]
