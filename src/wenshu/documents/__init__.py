"""Document kinds, one module each: every module of this package that registers a ``DocumentKind``
(``base.register``) is found and imported here, in name order, into ``REGISTRY``. Adding a kind is
adding a module (and building its template); nothing else names it."""

import importlib
import pkgutil

from wenshu.documents.base import REGISTRY, DocJob, DocumentKind

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    importlib.import_module(f"{__name__}.{_info.name}")

__all__ = ["REGISTRY", "DocJob", "DocumentKind"]
