"""Backend loading from `settings.SEARCH_BACKENDS` (shaped like CACHES)."""

from __future__ import annotations

import threading

from django.conf import settings
from django.utils.module_loading import import_string

from search.backends.base import BaseBackend

_backends: dict[str, BaseBackend] = {}
_lock = threading.Lock()

DEFAULT = {"BACKEND": "search.backends.embedded.EmbeddedBackend", "OPTIONS": {}}


def get_backend(alias: str = "default") -> BaseBackend:
    with _lock:
        backend = _backends.get(alias)
        if backend is None:
            config = getattr(settings, "SEARCH_BACKENDS", {}).get(alias)
            if config is None and alias == "default":
                config = DEFAULT
            if config is None:
                raise LookupError(f"SEARCH_BACKENDS has no {alias!r}")
            backend_class = import_string(config["BACKEND"])
            backend = backend_class(**config.get("OPTIONS", {}))
            _backends[alias] = backend
        return backend


def reset() -> None:
    with _lock:
        for backend in _backends.values():
            close = getattr(backend, "close", None)
            if close:
                close()
        _backends.clear()
