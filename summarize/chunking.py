"""Chunking: consecutive pieces of text packed into chunks that fit a model's input, nothing dropped."""

from __future__ import annotations

from collections.abc import Callable


def pack_greedy(segments: list[str], count_tokens: Callable[[str], int], limit: int) -> list[str]:
    """Join consecutive segments with spaces into pieces of at most ``limit`` tokens.

    A segment that is over the limit on its own stays a piece of its own (the caller cuts it further).
    """
    pieces: list[str] = []
    current = ""
    for segment in segments:
        candidate = f"{current} {segment}" if current else segment
        if current and count_tokens(candidate) > limit:
            pieces.append(current)
            current = segment
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces
