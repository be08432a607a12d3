"""The store: SQLAlchemy tables (open data in ``models``, the broker workflow in
``broker_models``), engine, sessions and migrations. Importing the package registers every table."""

from . import broker_models, company_models, models, portfolio_models

__all__ = ["broker_models", "company_models", "models", "portfolio_models"]
