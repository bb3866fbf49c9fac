"""Syndicator: clean, attributed, ad-free feeds from messy defense-news pages."""

from __future__ import annotations

from .extract import extract_article

__version__ = "0.1.0"

__all__ = ["extract_article"]
