"""Summarize English text: abstractively with any seq2seq model, or extractively with no model."""

from summarize.abstractive import TextGenerator, summarize_abstractive, summarize_many
from summarize.extractive import extractive_summary, rank_sentences

__all__ = ["TextGenerator", "summarize_abstractive", "summarize_many", "extractive_summary", "rank_sentences"]
