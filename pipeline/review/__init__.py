"""``nianbao review``: the local page where a person confirms and corrects a run's cells
and relabels its lines (``app``), with what it shows computed in ``model`` and page images
drawn in ``pages``."""
from .app import DEFAULT_PORT, create_app, serve

__all__ = ["DEFAULT_PORT", "create_app", "serve"]
