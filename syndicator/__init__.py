"""Syndicator: clean, attributed, ad-free feeds from messy defense-news pages."""

from __future__ import annotations

__version__ = "0.1.0"
