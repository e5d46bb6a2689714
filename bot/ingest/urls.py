"""Canonical URLs: one spelling per article, so the same story from two links is stored once."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

# Query parameters that only track the reader, never change the page.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "ref",
        "ref_src",
        "cmpid",
        "ito",
        "ocid",
        "spm",
        "_ga",
        "yclid",
        "twclid",
        "s_cid",
        "at_medium",
        "at_campaign",
    }
)


# Controls and spaces have no place in a URL: percent-encoded, as browsers do, the address
# stays the same address and can no longer drive a terminal or trip a database.
_UNSAFE = re.compile("[\x00-\x20\x7f-\x9f]")


def quote_controls(url: str) -> str:
    """The URL with control characters and spaces percent-encoded (UTF-8)."""
    return _UNSAFE.sub(lambda m: quote(m[0], safe=""), url)


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments and tracking parameters."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal: hostname drops the brackets the URL needs
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS
    ]
    path = parts.path or "/"
    return quote_controls(urlunsplit((scheme, host, path, urlencode(sorted(query)), "")))
