"""vntransfer: extraction of officials' transfers from Vietnamese news (SPEC.md)."""
from .document import Document, Entity, Event, Relation, Slot, Trigger

__version__ = "0.1.0"

__all__ = ["Document", "Entity", "Event", "Relation", "Slot", "Trigger", "__version__"]
