"""vntransfer: extraction of officials' transfers from Vietnamese news (SPEC.md)."""
from .annotation.document import Document, Entity, Event, Relation, Slot, Trigger

__version__ = "0.1.0"

# AutoConfig / AutoModel learn model_type "vntransfer" (at once, or when transformers loads them)
from .model import hf_registry as _hf_registry  # noqa: E402

_hf_registry.install()


def load(path=None):
    """Load an extractor (default: `$VNTRANSFER_MODEL`, else the checkout's `models/default`, else the model
    installed with the package)."""
    from .pipeline import load as _load

    return _load(path)


__all__ = ["Document", "Entity", "Event", "Relation", "Slot", "Trigger", "load", "__version__"]
