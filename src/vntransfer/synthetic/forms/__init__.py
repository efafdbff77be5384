"""The forms real transfer news takes, grouped; each form writes into a `Builder` with its spans.
The generator (`corpus.Generator`) is these groups together."""
