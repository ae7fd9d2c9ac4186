"""The FEC reader's pass over the file: which lines it must look at, and, for a large file,
that pass in a second process while the reader works on the lines already found.

Fewer than two lines in five of a FEC are on a customer account; the others (sales, VAT, bank)
only tell which journals are sales journals. A line with the header's number of fields
(counted in C) is split only up to its ``CompteNum`` and handed over only when that is a
receivable account; the journals of its 7xx lines are noted on the way. Any other line (short,
long, blank) is handed over as it is, for the reader to repair or report.

On a machine with two cores or more, a file of ``CHILD_MIN_BYTES`` or more is scanned by a
forked child process that sends the lines it keeps through a pipe, in batches: reading and
sorting four million lines then runs beside the reader's work on the customer lines (the
import's wall time, not its CPU time, goes down). The child touches nothing but the file. Once
done, it also checks that the file has no carriage return outside a CRLF (``plain_newlines``):
then the reader's second pass (the labels) may count lines in bytes, without decoding the text.
"""

import multiprocessing
import os
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

CHILD_MIN_BYTES = 32 << 20  # below (some 200,000 lines), a process costs more than it saves
BATCH_LINES = 4096
BLOCK_BYTES = 1 << 20


@dataclass
class Layout:
    path: Path
    encoding: str
    sep: str
    ncols: int
    header_line_no: int
    i_compte: int
    i_journal: int
    prefixes: tuple[str, ...]
    rows: int = 0  # non-blank lines after the header, once the scan is over
    sales_journals: set[str] = field(default_factory=set)
    # True when the child found every line ending in LF or CRLF (never known without a child).
    plain_newlines: bool = False


def plain_newlines(path: Path) -> bool:
    """Whether every carriage return of the file is followed by a line feed: then the file's
    lines split on LF alone are the lines that reading it as text (universal newlines) gives."""
    carry = b""
    with path.open("rb") as fh:
        while block := fh.read(BLOCK_BYTES):
            block = carry + block
            carry = b"\r" if block[-1:] == b"\r" else b""
            if carry:
                block = block[:-1]
            if block.count(b"\r") != block.count(b"\r\n"):
                return False
    return not carry


def scan(layout: Layout):
    """``(line number, line without its end)`` of the lines the reader must look at."""
    sep, nseps, prefixes = layout.sep, layout.ncols - 1, layout.prefixes
    k, j = layout.i_compte, layout.i_journal
    tab = sep == "\t"  # only then can a line with all its separators be blank
    sales_journals = layout.sales_journals
    rows = 0
    with layout.path.open("r", encoding=layout.encoding, newline=None) as fh:
        lines = enumerate(fh, 1)
        for _header in islice(lines, layout.header_line_no):
            pass
        for line_no, line in lines:
            if line.count(sep) == nseps:
                parts = line.split(sep, k + 1)
                compte = parts[k]
                if compte.startswith(prefixes):
                    rows += 1
                    yield line_no, line[:-1] if line[-1:] == "\n" else line
                    continue
                if compte[:1] == "7":
                    if j > k:
                        parts = (line[:-1] if line[-1:] == "\n" else line).split(sep)
                    sales_journals.add(parts[j])
                elif tab and not compte.strip() and line.isspace():
                    continue
                rows += 1
                continue
            if line[-1:] == "\n":
                line = line[:-1]
            if not line or line.isspace():
                continue
            rows += 1
            yield line_no, line
    layout.rows = rows


def lines(layout: Layout):
    """``scan(layout)``, from a child process when the file is large and there is a core."""
    if (
        (os.cpu_count() or 1) < 2
        or layout.path.stat().st_size < CHILD_MIN_BYTES
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        yield from scan(layout)
        return
    yield from _from_child(layout)


def _from_child(layout: Layout):
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(layout, sender), daemon=True)
    child.start()
    sender.close()
    try:
        while True:
            message = receiver.recv()
            if message[0] == "lines":
                yield from zip(message[1], message[2], strict=True)
            elif message[0] == "end":
                layout.rows, layout.sales_journals, layout.plain_newlines = message[1:]
                return
            else:
                raise message[1]
    finally:
        receiver.close()
        if child.is_alive():
            child.terminate()  # the reader stopped early: no one reads the pipe any more
        child.join()


def _child(layout: Layout, sender) -> None:
    try:
        numbers: list[int] = []
        texts: list[str] = []
        for line_no, text in scan(layout):
            numbers.append(line_no)
            texts.append(text)
            if len(numbers) == BATCH_LINES:
                sender.send(("lines", numbers, texts))
                numbers, texts = [], []
        if numbers:
            sender.send(("lines", numbers, texts))
        plain = plain_newlines(layout.path)
        sender.send(("end", layout.rows, layout.sales_journals, plain))
    except Exception as exc:  # the parent raises it where the single process would have
        sender.send(("error", exc))
    finally:
        sender.close()
