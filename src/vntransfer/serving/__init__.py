"""Serving predictions: the HTTP service and its page, corpus prediction on Ray Data."""
