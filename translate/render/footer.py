"""The line every handout format ends with: source, date, models and settings."""

from __future__ import annotations

from translate.document import Document


def footer_text(document: Document, today: str) -> str:
    """Source, date, models and settings: what every handout format says at the bottom."""
    parts = [f"Source: {document.origin.url if document.origin else document.input}"]
    if document.origin and document.origin.author:
        parts.append(f"by {document.origin.author}")
    if document.origin and document.origin.published:
        parts.append(f"published {document.origin.published}")
    parts += [today, f"translation: {document.translation_model}"]
    if document.settings:
        parts.append(", ".join(f"{key} {value}" for key, value in document.settings.items()))
    if document.summary:
        parts.append(f"summary: {document.summary.method} ({document.summary.model})")
    revised = document.revised_count()
    if revised:
        parts.append(f"{revised} sentence{'s' if revised != 1 else ''} of the translation revised by hand")
    return " · ".join(parts)
