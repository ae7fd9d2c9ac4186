"""Reading a text export safely: binary files, encodings and separators.

Accounting exports come as UTF-8 (with or without a byte-order mark), Windows-1252 or
ISO-8859-15. ``detect_encoding`` decides among them by reading the whole file once in
binary (C speed): strict UTF-8 first; failing that, Windows-1252 unless the bytes say
ISO-8859-15. Bytes 0x80-0x9F are control characters in ISO-8859-15, so they only ever mean
Windows-1252 (where the euro sign is 0x80); without them, any of the eight bytes where
ISO-8859-15 puts € Š š Ž ž Œ œ Ÿ (0xA4 for the euro) means ISO-8859-15, since Windows-1252
has only rare symbols there (¤ ¦ ¨ ´ ¸ ¼ ½ ¾). A Windows-1252 file without any byte
0x80-0x9F (most French exports: é, è, à, ç are above) is Latin-1 byte for byte, and is read
as such: Python decodes Latin-1 in a copy, Windows-1252 through a table (a 1M-invoice FEC
reads in 5 s instead of 8).
"""

import codecs
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from encaisse.imports.records import ImportFileError, RowError

HEAD_BYTES = 64 * 1024
CHUNK_BYTES = 1 << 20

# Signatures of files people upload by mistake, and what to call them.
MAGIC_NUMBERS = (
    (b"\x89PNG\r\n\x1a\n", N_("a PNG image")),
    (b"\xff\xd8\xff", N_("a JPEG image")),
    (b"GIF87a", N_("a GIF image")),
    (b"GIF89a", N_("a GIF image")),
    (b"%PDF", N_("a PDF document")),
    (b"PK\x03\x04", N_("a ZIP archive")),
    (b"PK\x05\x06", N_("an empty ZIP archive")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", N_("an old Excel .xls (Office 97-2003) file")),
    (b"\x1f\x8b", N_("a gzip archive")),
    (b"Rar!", N_("a RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", N_("a 7-Zip archive")),
    (b"\xff\xfe\x00\x00", N_("UTF-32 text")),
    (b"\x00\x00\xfe\xff", N_("UTF-32 text")),
    (b"\xff\xfe", N_("UTF-16 text")),
    (b"\xfe\xff", N_("UTF-16 text")),
)

# Bytes that are no character at all in Windows-1252.
_CP1252_UNDEFINED = bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D])
_C1_RANGE = bytes(range(0x80, 0xA0))
# The eight bytes where ISO-8859-15 differs from Latin-1/Windows-1252: € Š š Ž ž Œ œ Ÿ there,
# currency sign, broken bar, diaeresis, acute, cedilla, ¼ ½ ¾ in Windows-1252.
_ISO_8859_15_LETTERS = bytes([0xA4, 0xA6, 0xA8, 0xB4, 0xB8, 0xBC, 0xBD, 0xBE])
_NOT_ISO_8859_15_LETTERS = bytes(b for b in range(256) if b not in _ISO_8859_15_LETTERS)
_NOT_C1 = bytes(b for b in range(256) if b not in _C1_RANGE)
_NOT_CP1252_UNDEFINED = bytes(b for b in range(256) if b not in _CP1252_UNDEFINED)
# The bytes that tell the encodings apart: C1 and ISO-8859-15's letters.
_NOT_TELLING = bytes(b for b in _NOT_C1 if b not in _ISO_8859_15_LETTERS)
# Control characters that never occur in a text export (tab, LF, FF, CR and Ctrl-Z do).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 26))


def text_expected() -> str:
    return _("a text file (CSV or FEC) in UTF-8, Windows-1252 or ISO-8859-15")


def file_error(file_name: str, expected: str, found: str, *, line: int = 0, column: str = ""):
    """A whole-file problem, worded like a row error: where, expected, found. Without a line
    (a binary file, a wrong encoding) the message names the file alone."""
    error = ImportFileError(
        RowError(file=file_name, line=line, column=column, expected=expected, found=found)
    )
    if not line:
        error.message = f"{file_name}: expected {expected}, found {found!r}"
        error.args = (error.message,)
    return error


def read_head(path: Path, file_name: str) -> bytes:
    """The first bytes of the file; an empty file is an error here already."""
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as exc:
        raise file_error(file_name, _("a readable file"), str(exc)) from exc
    if not head.strip(b" \t\r\n\x1a\xef\xbb\xbf"):
        raise file_error(file_name, _("a file with a header line and data"), _("an empty file"))
    return head


def binary_kind(head: bytes) -> str | None:
    """What a non-text file looks like (``"a PNG image"``), or None for text."""
    for magic, kind in MAGIC_NUMBERS:
        if head.startswith(magic):
            return kind
    if b"\x00" in head:
        # UTF-16 without a byte-order mark: ASCII letters alternate with NUL bytes.
        if head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4:
            return N_("UTF-16 text")
        return N_("a binary file")
    sample = head[:4096]
    if sum(sample.count(c) for c in _CONTROL) > max(2, len(sample) // 100):
        return N_("a binary file")
    return None


def ensure_text(head: bytes, file_name: str) -> None:
    kind = binary_kind(head)
    if kind is not None:
        raise file_error(file_name, text_expected(), _(kind))


def detect_encoding(path: Path, file_name: str) -> str:
    """``utf-8-sig``, ``cp1252`` (``latin-1`` when no byte is C1), or ``iso-8859-15`` (see the
    module docstring). A UTF-8 file is read once; another is read once more, with each test
    dropped as soon as it is decided."""
    if _is_utf8(path):
        return "utf-8-sig"
    has_c1 = iso_letters = False
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            telling = chunk.translate(None, _NOT_TELLING)  # one pass over the block; few left
            if not telling:
                continue
            c1 = telling.translate(None, _NOT_C1)
            if c1:
                if c1.translate(None, _NOT_CP1252_UNDEFINED):
                    raise file_error(
                        file_name,
                        text_expected(),
                        _("bytes that are no character in these encodings"),
                    )
                has_c1 = True
            elif not has_c1:  # ISO-8859-15's letters only count in a file without C1
                iso_letters = True
    if has_c1:
        return "cp1252"
    return "iso-8859-15" if iso_letters else "latin-1"  # Windows-1252 without C1: Latin-1


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK_BYTES):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def first_lines(path: Path, encoding: str, count: int) -> list[str]:
    """The first ``count`` non-blank lines, without their line ends."""
    lines = []
    with path.open("r", encoding=encoding, newline=None) as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.strip():
                lines.append(line)
                if len(lines) == count:
                    break
    return lines


def describe_separator(separator: str) -> str:
    return {"\t": "tab", "|": "'|'", ";": "';'", ",": "','"}.get(separator, repr(separator))
