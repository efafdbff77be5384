"""The seeded generator of annotated training documents (training only; never on the runtime path)."""
