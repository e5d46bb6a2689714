"""Discord-free NLP core: sentences, extractive summaries and canonical entities for news."""

from bot.models.analysis import Analysis, ArticleInput, Entity, Mention, Sentence
from bot.nlp.analysis import analyze_texts, summarize, summarize_many
from bot.nlp.errors import NlpError, NlpUnavailable
from bot.nlp.pipeline import MODEL_PACKAGE, get_nlp
from bot.nlp.service import NlpService, analyze, close_default, default_service

__all__ = [
    "MODEL_PACKAGE",
    "Analysis",
    "ArticleInput",
    "Entity",
    "Mention",
    "NlpError",
    "NlpService",
    "NlpUnavailable",
    "Sentence",
    "analyze",
    "analyze_texts",
    "close_default",
    "default_service",
    "get_nlp",
    "summarize",
    "summarize_many",
]
