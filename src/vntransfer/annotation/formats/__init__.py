"""Conversions of SPEC.md documents to and from the formats that annotators and trainers use."""
