"""``python -m matcher.cli``: the same commands as ``innomatch``."""

from .app import app

app()
