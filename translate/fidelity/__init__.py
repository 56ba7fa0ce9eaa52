"""The fidelity layer: glossaries, the guard (protected spans, checks and retries), the translation memory, and the
learners' word list."""
