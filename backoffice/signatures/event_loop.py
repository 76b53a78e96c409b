"""pyHanko calls from a thread whose event loop is running but suspended.

pyHanko signs and validates through asyncio.run(); Playwright's sync API (browser
tests) and any sync code called from async code leave a loop marked running in the
thread. Every caller of pyHanko that may run there goes through this one helper.
"""

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def outside_event_loop(call: Callable[[], T]) -> T:
    """Run `call`, a synchronous pyHanko call that does not touch the database,
    even from a thread whose event loop is running but suspended (a browser test
    driving Playwright's sync API).

    pyHanko signs and validates through asyncio.run(), which refuses to start while
    a loop is marked running in the thread. That loop cannot advance while this
    synchronous code runs, so it is hidden for the call and put back after. No
    database access inside: with the loop hidden, Django would open another
    connection, which does not see this transaction.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return call()
    asyncio.events._set_running_loop(None)
    try:
        return call()
    finally:
        asyncio.set_event_loop(loop)  # asyncio.run() leaves no current loop
        asyncio.events._set_running_loop(loop)
