"""The receiver's snippet in docs/webhooks.md checks our signatures as the docs say."""

import re
from pathlib import Path

from webhooks.signing import signature

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def _verify():
    snippet = re.search(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert snippet is not None
    scope: dict = {}
    exec(snippet.group(1), scope)  # our own documentation, not input
    return scope["verify"]


def test_the_documented_receiver_accepts_our_signature_and_refuses_a_replay():
    verify = _verify()
    body = b'{"id":"3f0c6a4e","kind":"booking.created"}'
    header = signature("whsec_doc", body, timestamp=1_800_000_000)
    assert verify("whsec_doc", body, header, now=1_800_000_030)
    assert not verify("whsec_doc", body + b"\n", header, now=1_800_000_030)
    assert not verify("whsec_wrong", body, header, now=1_800_000_030)
    assert not verify("whsec_doc", body, header, now=1_800_000_000 + 301)
    assert not verify("whsec_doc", body, "", now=1_800_000_000)
