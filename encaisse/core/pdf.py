"""PDF rendering with WeasyPrint (needs Pango on the machine).

``html_to_pdf`` renders one HTML document; ``htmls_to_pdf`` renders several into one PDF,
their pages one after the other (a batch of letters to print)."""

from weasyprint import HTML


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html).write_pdf()


def htmls_to_pdf(htmls: list[str]) -> bytes:
    documents = [HTML(string=html).render() for html in htmls]
    if not documents:
        raise ValueError("no document to render")
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()
