"""Waiting for state that another task or process produces: poll, with a bound, never a bare sleep."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def poll(read: Callable[[], Awaitable[T]], done: Callable[[T], bool], *, timeout: float = 60.0) -> T:
    """Call `read` until `done(value)`; fail after `timeout` seconds with the last value seen."""
    deadline = time.monotonic() + timeout
    delay = 0.01
    while True:
        value = await read()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still not done after {timeout} s: {value!r}")
        await asyncio.sleep(delay)
        delay = min(0.2, delay * 2)
