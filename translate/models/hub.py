"""The Hugging Face hub: whether a model is here, loading it with transformers, and failing in seconds, with advice,
when it is not and the hub cannot be reached."""

from __future__ import annotations

import os
from typing import Any

from translate.errors import ModelLoadError
from translate.models.spec import ModelSpec


def availability(spec: ModelSpec) -> str:
    """Say whether a model can be loaded here without the network."""
    if spec.local_path is not None:
        return f"local folder {spec.local_path}"
    if not spec.hub_id:
        return f"missing: folder {spec.path} does not exist"
    from huggingface_hub import try_to_load_from_cache

    cached = try_to_load_from_cache(spec.hub_id, "config.json", revision=spec.revision)
    if isinstance(cached, str):
        return "downloaded (Hugging Face cache)"
    return "not downloaded: fetched on first use (needs the network once)"


def is_available(spec: ModelSpec) -> bool:
    status = availability(spec)
    return status.startswith(("local folder", "downloaded"))


def load_seq2seq(spec: ModelSpec, device: str) -> tuple[Any, Any]:
    """Load tokenizer and model with AutoModelForSeq2SeqLM, turning every failure into ModelLoadError."""
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    if spec.local_path is None and not is_available(spec):
        require_hub_connection(spec)
    kwargs: dict[str, Any] = {}
    if spec.local_path is None and spec.revision:
        kwargs["revision"] = spec.revision
    try:
        tokenizer = AutoTokenizer.from_pretrained(spec.location, **kwargs)
        model = AutoModelForSeq2SeqLM.from_pretrained(spec.location, **kwargs)
    except Exception as error:  # transformers raises OSError, ValueError, HF errors, ...
        raise ModelLoadError(load_failure_message(spec, error)) from error
    model.to(device)
    model.eval()
    return tokenizer, model


def _offline_requested() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")


def require_hub_connection(spec: ModelSpec) -> None:
    """Fail in seconds when a model must be downloaded and the hub cannot be reached.

    Without this, huggingface_hub retries for about 45 seconds and prints each retry.
    """
    if _offline_requested() or any(
        os.environ.get(name) for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")
    ):
        return  # offline: from_pretrained fails at once; behind a proxy we cannot probe directly
    import socket
    from urllib.parse import urlparse

    from huggingface_hub import constants

    host = urlparse(constants.ENDPOINT).hostname or ""
    try:
        socket.create_connection((host, 443), timeout=5).close()
    except OSError as error:
        raise ModelLoadError(load_failure_message(spec, error, no_network=True)) from error


def load_failure_message(spec: ModelSpec, error: Exception, no_network: bool = False) -> str:
    detail = str(error).strip().splitlines()[0].rstrip(".") if str(error).strip() else type(error).__name__
    if no_network:
        detail = f"it is not downloaded yet and the Hugging Face hub cannot be reached ({detail})"
    if spec.local_path is not None or (spec.path is not None and not spec.hub_id):
        return (
            f"Could not load the {spec.kind} model '{spec.name}' from the folder {spec.location}: "
            f"{detail}. The folder must hold a transformers model (config.json, weights, tokenizer files)."
        )
    how = (
        "HF_HUB_OFFLINE is set, so only models already in the Hugging Face cache can be used; "
        "unset it for one run with the network to download the model"
        if _offline_requested()
        else "the first run needs the network to download it (about 300 MB for opus-mt); "
        "after that it is cached and HF_HUB_OFFLINE=1 works"
    )
    if spec.kind == "summarization":
        how += "; or use --summarizer extractive, which needs no model"
    # A name models.yaml knows is spelled right; one it does not may be a typo of a hub id.
    advice = f"Check the name for typos; {how}" if spec.name == spec.hub_id else how[0].upper() + how[1:]
    also = (
        " The summary model is downloaded the same way on its first use (the default, distilbart-cnn, is about "
        "1.2 GB): add --summarizer extractive to work without it."
        if spec.kind == "translation"
        else ""
    )
    return (
        f"Could not load the {spec.kind} model '{spec.name}' (Hugging Face id {spec.hub_id}"
        f"{', revision ' + spec.revision if spec.revision else ''}): {detail}. "
        f"{advice}. To work fully offline, download the model folder "
        "elsewhere and pass it with --model PATH (or --summarizer PATH), or set 'path:' for it in models.yaml."
        f"{also}"
    )
