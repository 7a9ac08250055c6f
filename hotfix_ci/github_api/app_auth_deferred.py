"""Defer PyGithub's GitHub App stack (PyJWT, and through it cryptography) until it is used.

``import github`` imports ``github.Auth``, which runs ``import jwt`` at module level although
only ``AppAuth`` (JWT signing for GitHub Apps) ever calls it, and PyJWT imports
cryptography's x509 and serialization modules: about a third of ``import github``.
hotfix-ci authenticates with a token, so this module puts a stand-in for PyJWT in
``sys.modules``: ``import jwt`` binds it, and its first attribute read (``jwt.encode`` when
an App token is signed) imports the real PyJWT and takes on its contents. Nothing is lost
for App users; token users never load it. Imported first by ``hotfix_ci.github_api``.

(``importlib.util.LazyLoader`` does not help on Python 3.11: the import statement itself
reads the module's ``__spec__``, which makes a lazy module load.)
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

DEFERRED = ("jwt",)


class DeferredModule(types.ModuleType):
    """Holds a module's spec; imports the real module on the first attribute it lacks."""

    def __getattr__(self, attr: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        real = importlib.import_module(self.__name__)
        self.__dict__.update(real.__dict__)
        return getattr(real, attr)


def defer(name: str) -> None:
    """Put a stand-in for ``name`` in ``sys.modules``, unless it is loaded or not installed."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None:
        return
    stand_in = DeferredModule(name)
    stand_in.__spec__ = spec
    sys.modules[name] = stand_in


def loaded(name: str) -> bool:
    """Whether the real module ``name`` has run (a stand-in has not)."""
    module = sys.modules.get(name)
    return module is not None and not (
        isinstance(module, DeferredModule) and "__file__" not in module.__dict__
    )


for _name in DEFERRED:
    defer(_name)
