"""What the sample site contains, stated once, for tests and demo checks to assert against.

Every fact here is checked against the served files by tests/test_demo_site.py, so it
cannot drift from the site. Paths are URL paths on the named site (see SampleSite.url).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

_DOD_STORIES = "/News/News-Stories/Article/Article/"

EXPECTED: Mapping[str, Any] = MappingProxyType(
    {
        "source_ids": ("dod-news", "republisher", "army-news", "tradepress"),
        "feeds": MappingProxyType(
            {
                "dod": "/DesktopModules/ArticleCS/RSS.ashx?ContentType=1&Site=945&max=10",
                "army": "/rss/static/news.xml",
                "tradepress": "/feed.json",
            }
        ),
        # (a) The story that is published twice: on the DoD site and, rewritten, by the
        # republisher. It must come out once, credited to the DoD, with the copy listed.
        "original_site": "dod",
        "original_source_id": "dod-news",
        "original_path": _DOD_STORIES
        + "4331807/us-south-korea-reaffirm-alliance-deterrence-at-security-consultative-meeting/",
        "original_title": (
            "U.S., South Korea Reaffirm Alliance, Deterrence at Security Consultative Meeting"
        ),
        "original_publisher": "U.S. Department of Defense",
        "original_author": "Marisa Okafor",
        "original_published": datetime(2025, 11, 4, 22, 45, tzinfo=UTC),
        # The lazy-loaded figure's real image (its `src` is a 1-pixel placeholder).
        "original_image_path": "/Portals/1/Images/2025/11/251104-D-SC123-1001.svg",
        # Text of the original (not of the rewritten copy) that its clean text must keep.
        "original_sentences": (
            "It is a posture our forces hold every single day",
            "nearly finished linking their missile-warning networks",
            "A shipyard or an ammunition plant is part of our deterrent",
        ),
        "original_subheadings": (
            "A Commitment Backed by Planning",
            "Supply Chains Are Part of Deterrence",
        ),
        "copy_site": "republisher",
        "copy_source_id": "republisher",
        "copy_source_name": "Defense Tech Chronicle",
        "copy_path": "/2025/11/05/"
        + "stronger-together-us-and-south-korea-renew-their-deterrence-pledge/",
        "copy_title": "Stronger Together: U.S. and South Korea Renew Their Deterrence Pledge",
        # Only the copy says this; the published story should carry the original's text.
        "copy_only_sentence": "with one goal in mind",
        # (b) Same people, same vocabulary, the next day: a different story, never merged.
        "separate_site": "dod",
        "separate_path": _DOD_STORIES
        + "4332950/us-south-korean-diplomats-defense-leaders-align-strategy-at-22-talks/",
        "separate_title": (
            "U.S., South Korean Diplomats, Defense Leaders Align Strategy at 2+2 Talks"
        ),
        # The republisher's own story (no original elsewhere): published under its name.
        "own_post_path": "/2025/11/03/"
        + "counter-drone-lasers-steal-the-show-at-fall-defense-tech-expo/",
        "own_post_title": "Counter-Drone Lasers Steal the Show at Fall Defense Tech Expo",
        "own_post_sentence": "a laser shot costs a few dollars of diesel",
        # A feed item whose page robots.txt disallows: never fetched, reported.
        "robots_disallowed_site": "tradepress",
        "robots_disallowed_source_id": "tradepress",
        "robots_disallowed_path": "/premium/2025/11/"
        + "inside-the-race-for-a-low-cost-drone-interceptor/",
        "robots_disallowed_title": "Inside the Race for a Low-Cost Drone Interceptor",
        # `publish: summary` source: its items link out with an excerpt only.
        "summary_source_id": "tradepress",
        # Every story the published "all" feed should list once (the copy is folded in).
        "published_titles": (
            "U.S., South Korean Diplomats, Defense Leaders Align Strategy at 2+2 Talks",
            "U.S., South Korea Reaffirm Alliance, Deterrence at Security Consultative Meeting",
            "Department Expands Child Care Fee Assistance for Military Families",
            "Counter-Drone Lasers Steal the Show at Fall Defense Tech Expo",
            "Eighth Army, ROK Engineers Bridge the Imjin in Combined Wet-Gap Crossing",
            "Soldiers Put a Backpack Counter-Drone Kit Through Its Paces at Yuma",
            "Navy Weighs Second Shipyard to Speed Up Frigate Deliveries",
            "Inside the Race for a Low-Cost Drone Interceptor",
        ),
        # Ads, trackers, share bars, newsletter and paywall prompts, banners and credit
        # lines found on the pages: none of these may appear in any published output.
        "junk": (
            "- Advertisement -",
            "adsbygoogle",
            "trackhub.example",
            "socialads.example",
            "adnetwork.example",
            "More from Author",
            "Trending on Defense Tech Chronicle",
            "READ ALSO",
            "Share on Facebook",
            "Tweet on Twitter",
            "Subscribe to our newsletter",
            "We use cookies",
            "Leave a Reply",
            "Save my name, email, and website",
            "Stay Connected",
            "To read original article please visit",
            "Related Links",
            "Download Photo Details",
            "Subscribe to Defense.gov Products",
            "VIEW ORIGINAL",
            "SAMPLE SITE",
            "Skip to main content",
            "Continue reading with a",
            "Already a subscriber?",
            "Sign up for the Insider Daily",
        ),
    }
)
