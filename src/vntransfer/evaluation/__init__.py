"""Scoring predictions against gold: metrics, baselines, reports."""
