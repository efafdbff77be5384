"""Scores -> spans: tag probabilities become typed syllable spans, then SPEC.md's boundary repairs."""
