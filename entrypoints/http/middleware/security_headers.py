"""Security headers on every response, and `Cache-Control: no-store` on the private ones.

The three security headers always have the contract's values, even where a route set one.

The caching rule: every response under the API prefix (`/api/v1`) may carry tokens or
personal data, so it gets `Cache-Control: no-store` — errors included — unless its route set
a `Cache-Control` of its own (how a deliberately public, cacheable response opts out).
Health, metrics and the docs carry neither and are left to the defaults.
"""

from __future__ import annotations

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)
OWNED = frozenset(name for name, _ in SECURITY_HEADERS)
CACHE_CONTROL = b"cache-control"
NO_STORE = (CACHE_CONTROL, b"no-store")


def secured(headers: list[tuple[bytes, bytes]], *, private: bool) -> list[tuple[bytes, bytes]]:
    """A response's headers with ours: they replace any a route set, so no route can weaken
    them; `private` responses get no-store unless the route chose a Cache-Control."""
    kept = [h for h in headers if h[0].lower() not in OWNED]
    kept.extend(SECURITY_HEADERS)
    if private and not any(h[0].lower() == CACHE_CONTROL for h in kept):
        kept.append(NO_STORE)
    return kept
