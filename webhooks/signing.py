"""The signature on every webhook: `Commonshare-Signature: t=<unix time>,v1=<hex HMAC-SHA256>`,
the HMAC keyed with the endpoint's secret over `<t>.<body>`, so a receiver can tell the body came
from us, unchanged, and recently (docs/webhooks.md shows a receiver checking it)."""

import hashlib
import hmac

HEADER = "Commonshare-Signature"
TOLERANCE_SECONDS = 5 * 60  # what receivers should accept; older is a replay or a stale retry


def _mac(secret: str, body: bytes, timestamp: int) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature(secret: str, body: bytes, *, timestamp: int) -> str:
    """The header value for `body` sent at `timestamp` (Unix seconds)."""
    return f"t={timestamp},v1={_mac(secret, body, timestamp)}"


def verify(
    secret: str, body: bytes, header: str, *, now: float, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """Did we sign `body` with `secret` no more than `tolerance` seconds before `now`?"""
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _sep, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = _mac(secret, body, timestamp)
    return any(hmac.compare_digest(expected, given) for given in parts.get("v1", []))
