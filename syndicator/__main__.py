"""`python -m syndicator` runs the command-line interface."""

from .cli import main

main()
