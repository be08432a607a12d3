"""The ``innomatch`` command line: one module per command group, all on one Typer ``app``."""

from .app import app

__all__ = ["app"]
