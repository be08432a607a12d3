"""Procurement portfolio of an organisation: its most strategic categories and what to do in each.

``categories`` reads what the organisation bought (awards, notices, invoices mapped by
``accounts``); ``indicators`` computes each category's figures; ``matrix`` places and orders
them; ``measures`` compares the measures; ``solutions`` asks the service's ranking for fitting
suppliers; ``stakeholders`` handles invitations and ratings; ``measurement`` the innovative share;
``analysis`` and ``build`` put it together.
"""

from .build import build_portfolio, portfolio_csv, portfolio_png, resolve_organisation
from .schemas import PortfolioOut

__all__ = ["PortfolioOut", "build_portfolio", "portfolio_csv", "portfolio_png",
           "resolve_organisation"]  # fmt: skip
