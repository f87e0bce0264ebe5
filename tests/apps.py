"""One registered app per test process, started afresh for every test.

Registering the service's routes takes Litestar most of a second (about 250 handlers): done for
each of the suite's 2,000-odd app tests, it was a third of the suite's time. The app's lifespan
reads its settings and clock from `app.state` (barter.api.app.registered_app), so a test gets the
app registered once with the same secret and flags, its state emptied of whatever the previous
test's lifespan and requests left there, and this test's settings (its own database and data
folder) and clock. Its lifespan then opens this test's pools, runner and relay, as a new app would.
"""

from __future__ import annotations

from litestar import Litestar

from barter.api.app import registered_app
from barter.domain.clock import Clock, SystemClock
from barter.settings import Settings, ensure_secret

_REGISTERED: dict[tuple[str, bool, bool], Litestar] = {}


def app_for(
    settings: Settings, *, clock: Clock | None = None, run_in_process: bool = True, relay: bool = True
) -> Litestar:
    """What create_app(settings, clock=…, …) gives, without registering the routes again. Not for
    two apps at once: the second empties the first's state."""
    settings = ensure_secret(settings)
    assert settings.secret is not None
    key = (settings.secret, run_in_process, relay)
    app = _REGISTERED.get(key)
    if app is None:
        app = _REGISTERED[key] = registered_app(settings.secret, run_in_process=run_in_process, relay=relay)
    for name in list(app.state.keys()):
        del app.state[name]
    app.state.settings = settings
    app.state.clock = clock or SystemClock()
    return app
