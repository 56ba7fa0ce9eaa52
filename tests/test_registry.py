from pathlib import Path

import pytest

from translate import ConfigError, load_registry
from translate.models.hub import availability, is_available


def test_shipped_models_yaml() -> None:
    registry = load_registry()
    assert registry.path.name == "models.yaml"
    spec = registry.resolve(None, "translation")
    assert spec.hub_id == "Helsinki-NLP/opus-mt-sv-en"
    assert registry.resolve("sv-en", "translation") is spec  # alias
    summarizer = registry.resolve(None, "summarization")
    assert summarizer.hub_id == "sshleifer/distilbart-cnn-12-6"


def test_folder_and_hub_id(tmp_path: Path) -> None:
    registry = load_registry()
    folder = registry.resolve(str(tmp_path), "translation")
    assert folder.local_path == tmp_path.resolve()
    hub = registry.resolve("someone/opus-mt-xx-en", "translation")
    assert hub.hub_id == "someone/opus-mt-xx-en" and hub.local_path is None


def test_unknown_name_lists_known_ones() -> None:
    with pytest.raises(ConfigError, match="opus-mt-sv-en") as error:
        load_registry().resolve("opus-mt-sv-eng", "translation")
    assert "Unknown translation model 'opus-mt-sv-eng'" in str(error.value)


def test_custom_config_with_local_path(tmp_path: Path, tiny_marian: Path) -> None:
    config = tmp_path / "models.yaml"
    config.write_text(
        f"""
translation:
  default: tiny
  models:
    tiny:
      path: {tiny_marian}
      generation: {{num_beams: 1}}
summarization:
  default: none
"""
    )
    registry = load_registry(config)
    spec = registry.resolve(None, "translation")
    assert spec.location == str(tiny_marian)
    assert spec.generation == {"num_beams": 1}
    assert is_available(spec)
    assert registry.defaults["summarization"] == "none"


def test_hub_model_not_in_cache_is_not_available() -> None:
    spec = load_registry().resolve("opus-mt-sv-en", "translation")
    assert not is_available(spec)
    assert "not downloaded" in availability(spec)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("translation: [1, 2]", "must be a mapping"),
        (
            "translation:\n  default: x\n  models:\n    x: {description: no source}",
            "needs a 'hub_id' or a 'path'",
        ),
        ("translation: {models: {}}", "needs a 'default'"),
        ("translation: {default: x, models: {x: {hub_id: a/b}}\n  bad", "could not be read"),
    ],
)
def test_malformed_config(tmp_path: Path, content: str, message: str) -> None:
    config = tmp_path / "models.yaml"
    config.write_text(content)
    with pytest.raises(ConfigError, match=message):
        load_registry(config)


def test_missing_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_registry(tmp_path / "nope.yaml")


def test_unreachable_hub_fails_fast_with_advice(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from translate import ModelLoadError
    from translate.models.hub import load_seq2seq

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("Name or service not known")

    monkeypatch.delenv("HF_HUB_OFFLINE")
    for proxy in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(proxy, raising=False)
    monkeypatch.setattr(socket, "create_connection", refuse)
    spec = load_registry().resolve("distilbart-cnn", "summarization")
    with pytest.raises(ModelLoadError) as error:
        load_seq2seq(spec, "cpu")
    message = str(error.value)
    assert "sshleifer/distilbart-cnn-12-6" in message and "cannot be reached" in message
    assert "--summarizer extractive" in message


def test_quality_model_is_pinned() -> None:
    spec = load_registry().resolve("quality", "translation")
    assert spec.hub_id == "Helsinki-NLP/opus-mt-tc-big-gmq-en"
    assert spec.revision == "b243b46fc9e1eaf068ae0d8ae896ac1acd7d2380"


def test_the_offline_message_fits_the_model_it_is_about() -> None:
    from translate.models.hub import load_failure_message
    from translate.models.spec import ModelSpec

    known = load_registry(None).resolve(None, "translation")
    assert known.name == "opus-mt-sv-en"
    message = load_failure_message(known, OSError("no route to host"), no_network=True)
    assert "typos" not in message  # the default model's name is spelled right
    assert "distilbart-cnn" in message and "1.2 GB" in message and "--summarizer extractive" in message
    typed = ModelSpec(name="Helsinki-NLP/opus-mt-sv-enn", kind="translation", hub_id="Helsinki-NLP/opus-mt-sv-enn")
    assert "Check the name for typos" in load_failure_message(typed, OSError("404"))
    summarizer = ModelSpec(name="distilbart-cnn", kind="summarization", hub_id="sshleifer/distilbart-cnn-12-6")
    assert "1.2 GB" not in load_failure_message(summarizer, OSError("x")) and "extractive" in load_failure_message(
        summarizer, OSError("x")
    )
