"""The TLS settings of every HTTPS call barter makes: webhooks, LINE and SMS.

One context for the process, made on first use. Making one loads the system's certificate
authorities, which takes tens of milliseconds; the app made three at every start (the webhook
sender, LINE and SMS), which was a third of what starting it took. A context may serve any
number of connections at once.
"""

from __future__ import annotations

import functools
import ssl


@functools.cache
def client_context() -> ssl.SSLContext:
    """Verifies the server's certificate and host name against the system's authorities."""
    return ssl.create_default_context()
