"""Evidence: size limit, type sniffed from the content, random storage names under MEDIA_ROOT,
nothing of the content in the database."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.test import override_settings

from encaisse.disputes.choices import EventType
from encaisse.disputes.evidence import sniff
from encaisse.disputes.models import Evidence
from encaisse.disputes.services.evidence import evidence_add, evidence_path

from .factories import open_dispute

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_it_sniffs_the_type_from_the_content():
    assert sniff(PDF) == "application/pdf"
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff("Bonjour, voici le bon de livraison signé.".encode()) == "text/plain"
    assert sniff(_docx()).endswith("wordprocessingml.document")
    assert sniff(b"MZ\x90\x00\x03\x00\x00\x00") is None  # a Windows executable
    assert sniff(b"PK\x03\x04 not really a zip") is None


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_it_keeps_a_file_under_a_random_name(collector, media):
    dispute = open_dispute(collector)
    evidence = evidence_add(actor=collector, dispute=dispute, name="../../bl.pdf", content=PDF)
    assert evidence.content_type == "application/pdf" and evidence.size == len(PDF)
    assert evidence.stored_name.endswith(".pdf") and "bl" not in evidence.stored_name
    assert default_storage.open(evidence_path(evidence)).read() == PDF
    assert (media / "disputes" / "evidence" / evidence.stored_name).is_file()
    assert dispute.events.last().type == EventType.EVIDENCE


@pytest.mark.django_db
def test_it_refuses_a_file_too_large_empty_or_of_another_kind(collector, media):
    dispute = open_dispute(collector)
    with override_settings(DISPUTES_EVIDENCE_MAX_BYTES=10):
        with pytest.raises(ValidationError):
            evidence_add(actor=collector, dispute=dispute, name="a.pdf", content=PDF)
    for content in (b"", b"MZ\x90\x00\x03\x00\x00\x00"):
        with pytest.raises(ValidationError) as caught:
            evidence_add(actor=collector, dispute=dispute, name="a.pdf", content=content)
        assert "file" in caught.value.message_dict
    assert not Evidence.objects.exists()
    assert not (media / "disputes").exists()
