"""The second core for the site build: one function runs in a forked process while another runs in this one."""
from __future__ import annotations

import multiprocessing
import os
import threading
import traceback


#: Fewer pages to make than this are made in this process alone (forking costs more).
SPLIT_THRESHOLD = 200


class ForkFailure(Exception):
    """The forked process stopped, or raised something that cannot be sent back (the message says what)."""


def can_fork(jobs: int) -> bool:
    """Forking is worth it and safe: two cores or more, and no other thread (build.py serve's watcher) whose locks
    a fork would copy held."""
    return jobs >= 2 and threading.active_count() == 1


def split(items: list) -> tuple[list, list]:
    """(theirs, mine): 3 in 5 of the items for the forked process, the rest for this one, which also does what
    follows the shared part."""
    return ([one for index, one in enumerate(items) if index % 5 in (0, 2, 4)],
            [one for index, one in enumerate(items) if index % 5 not in (0, 2, 4)])


def both(here, there):
    """(here(), there()), there() run in a forked process meanwhile (its result is pickled back; what it wrote to
    disk stays).  An exception raised there is raised here; if here() fails, the forked process is stopped."""
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_there, args=(there, writer))
    child.start()
    writer.close()
    try:
        mine = here()
    except BaseException:
        child.kill()
        child.join()
        reader.close()
        raise
    try:
        ok, value = reader.recv()
    except EOFError:
        ok, value = False, "別のプロセスが途中で止まりました"
    finally:
        reader.close()
        child.join()
    if not ok:
        raise value if isinstance(value, Exception) else ForkFailure(value)
    return mine, value


def _there(there, writer) -> None:
    """In the forked process: send (True, result) or (False, what failed), then leave without running exit handlers."""
    try:
        writer.send((True, there()))
    except BaseException as err:  # noqa: BLE001 - sent to the parent, which raises it
        try:
            writer.send((False, err))
        except Exception:  # noqa: BLE001 - an exception that cannot be pickled
            writer.send((False, "".join(traceback.format_exception_only(type(err), err)).strip()))
    finally:
        writer.close()
        os._exit(0)
