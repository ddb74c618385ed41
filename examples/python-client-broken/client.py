#!/usr/bin/env python3
"""The example Python client with ONE bug: no idempotency key.

Everything is ../python-client, except how an op goes on the wire: every send mints a fresh
op id (and so a fresh Idempotency-Key) instead of the one stored with the op. When the
server applied an op and only its answer was lost (a timeout, a reset, a kill), the retry is
a new write to the server: a like counts twice. The gate must catch it as no-duplicates:

    syncstorm gate --client "process:python3 examples/python-client-broken/client.py"
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python-client"))

import sync  # noqa: E402
from client import Client  # noqa: E402
from syncstorm_process import Runtime  # noqa: E402

_stored_body = sync._frozen


def _fresh_key_every_send(rt, store, op):
    # BUG: a new op id on every send, so the server cannot recognise a retry as the same op.
    return dict(_stored_body(rt, store, op), opId=rt.uuid())


sync._frozen = _fresh_key_every_send


class BrokenClient(Client):
    NAME = "python-client-broken"


if __name__ == "__main__":
    Runtime(BrokenClient).run()
