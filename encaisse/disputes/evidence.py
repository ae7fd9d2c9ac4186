"""Checking an evidence file before it is kept: size, and the type read from its first bytes
(never from its name or the browser's claim). Pure: bytes in, a content type or a refusal out."""

import io
import zipfile

from django.conf import settings

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# First bytes -> content type, for the formats evidence comes in.
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
]
OFFICE = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/tiff": ".tif",
    "image/webp": ".webp",
    "text/plain": ".txt",
    OFFICE["word/"]: ".docx",
    OFFICE["xl/"]: ".xlsx",
}


def max_bytes() -> int:
    return int(getattr(settings, "DISPUTES_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def sniff(content: bytes) -> str | None:
    """The content type of ``content`` when it is one evidence may be, else None."""
    for magic, content_type in SIGNATURES:
        if content.startswith(magic):
            return content_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        except zipfile.BadZipFile:
            return None
        for prefix, content_type in OFFICE.items():
            if "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names):
                return content_type
        return None
    if b"\x00" not in content:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/plain"  # notes, e-mails saved as text, CSV
    return None
