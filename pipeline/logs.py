"""Library loggers silenced where we report the same events ourselves."""
from __future__ import annotations

import logging
from contextlib import contextmanager


@contextmanager
def quiet_logger(name: str, level: int = logging.ERROR):
    """Raise logger ``name`` to ``level`` for the duration of the block."""
    log = logging.getLogger(name)
    old = log.level
    log.setLevel(level)
    try:
        yield
    finally:
        log.setLevel(old)
