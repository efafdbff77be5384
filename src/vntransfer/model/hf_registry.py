"""Registers `VntransferConfig` with `AutoConfig` and `VntransferModel` with `AutoModel`.

`import vntransfer` stays light (no torch): if transformers' auto classes are already imported they are
registered at once; otherwise a post-import hook registers them the moment transformers loads
`configuration_auto` / `modeling_auto`. Either way, after `import vntransfer`,
`AutoConfig.from_pretrained(dir)` and `AutoModel.from_pretrained(dir)` read a model saved by
`Extractor.save` or `VntransferModel.save_pretrained`.
"""
from __future__ import annotations

import importlib.abc
import sys

CONFIG_MODULE = "transformers.models.auto.configuration_auto"
MODEL_MODULE = "transformers.models.auto.modeling_auto"


def register_config() -> None:
    from .configuration_vntransfer import VntransferConfig

    sys.modules[CONFIG_MODULE].AutoConfig.register("vntransfer", VntransferConfig, exist_ok=True)


def register_model() -> None:
    from .configuration_vntransfer import VntransferConfig
    from .modeling_vntransfer import VntransferModel

    sys.modules[MODEL_MODULE].AutoModel.register(VntransferConfig, VntransferModel, exist_ok=True)


_AFTER = {CONFIG_MODULE: register_config, MODEL_MODULE: register_model}


class _RegisterAfterImport(importlib.abc.MetaPathFinder):
    """Finds nothing itself: wraps the loader of the two auto modules so that registration follows their import."""

    def find_spec(self, name, path, target=None):
        if name not in _AFTER:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        run = loader.exec_module

        def exec_module(module, _run=run, _register=_AFTER[name]):
            _run(module)
            _register()

        loader.exec_module = exec_module  # a loader made for this one find
        return spec


def install() -> None:
    for name, register in _AFTER.items():
        if name in sys.modules:
            register()
    if not any(isinstance(f, _RegisterAfterImport) for f in sys.meta_path) and not all(n in sys.modules for n in _AFTER):
        sys.meta_path.insert(0, _RegisterAfterImport())
