"""A period of Thai calendar dates as query parameters: `since` and `until`, both included, either open.

(Not `from`/`to`: a parameter named as a Python keyword needs an alias, and Litestar's validation
errors would then name the Python name, not the one the client sent.)
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar.params import QueryParameter

from barter.api.validation import parameter_error
from barter.domain.errors import ValidationFailed

Since = Annotated[date | None, QueryParameter(description="From this date (Thai time), included: YYYY-MM-DD")]
Until = Annotated[
    date | None, QueryParameter(description="Up to this date (Thai time), included: YYYY-MM-DD")
]


def check_period(since: date | None, until: date | None) -> None:
    """422 for a period that ends before it starts."""
    if since is not None and until is not None and since > until:
        raise ValidationFailed([parameter_error("until", "before_start")])
