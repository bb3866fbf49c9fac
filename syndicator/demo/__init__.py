"""The bundled sample site and `syndicator demo`.

`SampleSite` serves four small, realistic news sites on loopback ports (a DoD-style
site with an RSS feed, a WordPress republisher full of ads, an army site with an Atom
feed, a paywalled trade publication with a JSON Feed). The demo, the end-to-end tests
and the worker test all run against it; `EXPECTED` states what it contains.
"""

from __future__ import annotations

from .expected import EXPECTED
from .run import run_demo
from .server import RequestRecord, SampleSite

__all__ = ["EXPECTED", "RequestRecord", "SampleSite", "run_demo"]
