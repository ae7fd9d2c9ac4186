"""A parser's pass over a large file in a forked child process, its results sent through a pipe.

Reading a file line by line is Python work on one core, and so is what the importer does with
each line (checking it, staging it in the database). For a large file, on a machine with two
cores or more, a forked child reads while the importer writes: the import's wall time, not its
CPU time, goes down. The child touches nothing but the file (never the database connection it
inherits) and stops when the pipe closes. A daemonic process (a pool's worker) may not have
children: it reads the file itself.

``Forked(target, *args)`` starts ``target(*args, conn)`` in a child; ``rows_from_child`` runs a
whole row generator there (the CSV reader's, ``tabular.py``), the FEC reader its own protocol
(``fec_lines.py``).
"""

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator
from pathlib import Path

BATCH_ROWS = 4096


def worth_forking(path: Path, min_bytes: int) -> bool:
    """A file this large, a second core and the fork start method: then a child pays."""
    return (
        (os.cpu_count() or 1) >= 2
        and "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
        and Path(path).stat().st_size >= min_bytes
    )


class Forked:
    """``target(*args, conn)`` in a forked child; ``conn`` here is the other end of the pipe."""

    def __init__(self, target: Callable, *args):
        context = multiprocessing.get_context("fork")
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=_run, args=(target, *args, theirs), daemon=True)
        self.process.start()
        theirs.close()

    def close(self) -> None:
        self.conn.close()  # a child still sending or waiting for a request stops on it
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()


def _run(target: Callable, *args) -> None:
    # The heap inherited from the importer is frozen: the cyclic collector leaves it alone
    # instead of walking it (and copying its pages) at each full collection.
    gc.freeze()
    target(*args)


def rows_from_child(
    rows: Iterator,
    *,
    state: Callable,
    restore: Callable,
    news: Callable | None = None,
    absorb: Callable | None = None,
) -> Iterator:
    """Yield what the generator ``rows`` yields, run in a forked child once the first row is
    asked for. ``state()`` (called in the child when ``rows`` ends or raises) gives what the
    generator's owner learnt on the way (counts, records, errors); ``restore(state)`` puts it
    back on this side before the generator ends, or before the child's exception is raised
    here, as it would have been raised in one process. ``news()``, called in the child with
    each batch of rows, gives what it learnt since the last batch, and ``absorb(news)`` takes it
    in on this side: what would otherwise wait for the end of the file (a reader's customers)
    crosses while both processes work. A child that dies without a word (killed, out of memory)
    gives a RuntimeError, not a wait."""
    child = Forked(_send_rows, rows, state, news)
    try:
        while True:
            try:
                message = child.conn.recv()
            except EOFError:
                raise RuntimeError("the file reader's process stopped unexpectedly") from None
            if message[0] == "rows":
                if message[2] is not None:
                    absorb(message[2])
                yield from message[1]
                continue
            restore(message[1])
            if message[0] == "error":
                raise message[2]
            return
    finally:
        child.close()


def _send_rows(rows: Iterator, state: Callable, news: Callable | None, conn) -> None:
    try:
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH_ROWS:
                conn.send(("rows", batch, news and news()))
                batch = []
        if batch:
            conn.send(("rows", batch, news and news()))
        conn.send(("end", state()))
    except (BrokenPipeError, EOFError):
        return  # the importer stopped early: it wants nothing more
    except Exception as exc:  # raised on the other side, where one process would have raised it
        try:
            conn.send(("error", state(), exc))
        except (BrokenPipeError, EOFError):
            return
    finally:
        conn.close()
