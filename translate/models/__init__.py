"""Everything that touches weights: the registry of named models (registry, spec), the Hugging Face hub (hub),
engines that run them (engines: torch, CTranslate2, or a registered backend), conversion and its shortlist, and
batched, never-truncating generation (seq2seq)."""
