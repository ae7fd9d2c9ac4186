"""Column headers of open-item and customer spreadsheets, in French and English.

``FIELD_SYNONYMS`` is the table the tabular parser recognises headers with; add a spelling
there when a real export uses one we miss. Headers are compared after ``normalize_header``:
accents, case, punctuation and filler words (de, du, la...) do not matter, and the usual
ways to write "number" (n°, no, num, numéro, #) all read as ``no``. Within a field the
earlier synonyms are the more specific ones: when a file has both "Date facture" and "Date",
"Date facture" is the issue date.
"""

import unicodedata

# field -> synonyms, most specific first. Written as people write them; normalised on load.
FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer_code": (
        "code client",
        "n° client",
        "numéro client",
        "compte client",
        "compte auxiliaire",
        "compte tiers",
        "code tiers",
        "réf client",
        "référence client",
        "customer code",
        "customer id",
        "customer no",
        "customer number",
        "customer account",
        "client code",
        "client id",
        "account code",
        "account number",
        "account",
        "code",
    ),
    "customer_name": (
        "raison sociale",
        "nom client",
        "nom du client",
        "nom",
        "client",
        "tiers",
        "customer name",
        "client name",
        "company name",
        "customer",
        "company",
        "name",
    ),
    "number": (
        "n° facture",
        "numéro de facture",
        "n° pièce",
        "numéro de pièce",
        "référence facture",
        "facture",
        "pièce",
        "piece",
        "invoice number",
        "invoice no",
        "invoice",
        "document number",
        "document no",
        "document",
        "doc no",
        "numéro",
    ),
    "issue_date": (
        "date facture",
        "date de facture",
        "date pièce",
        "date de pièce",
        "date d'émission",
        "date émission",
        "invoice date",
        "issue date",
        "document date",
        "date",
    ),
    "due_date": (
        "date d'échéance",
        "date échéance",
        "échéance",
        "date limite de paiement",
        "due date",
        "payment due date",
        "due",
    ),
    "amount": (
        "montant ttc",
        "total ttc",
        "montant facture",
        "montant",
        "invoice amount",
        "amount incl tax",
        "total amount",
        "amount",
        "total",
    ),
    "open_amount": (
        "reste dû",
        "reste à payer",
        "reste à régler",
        "montant restant",
        "restant dû",
        "solde",
        "open amount",
        "amount due",
        "balance due",
        "outstanding",
        "outstanding amount",
        "balance",
        "remaining",
    ),
    "currency": ("devise", "monnaie", "currency", "currency code", "ccy"),
    "kind": ("type de pièce", "type de document", "type", "nature", "document type", "kind"),
    "label": ("libellé", "désignation", "description", "label", "objet"),
    "reference": (
        "votre référence",
        "référence",
        "réf",
        "bon de commande",
        "commande",
        "your reference",
        "reference",
        "purchase order",
        "po number",
        "po",
    ),
    # Customer master data: in open-item files and in customer files.
    "email": ("email", "e-mail", "courriel", "adresse email", "mail"),
    "siren": ("siren", "n° siren"),
    "siret": ("siret", "n° siret"),
    "vat_number": (
        "n° tva",
        "numéro de tva",
        "tva intracommunautaire",
        "n° tva intracommunautaire",
        "tva",
        "vat number",
        "vat no",
        "vat id",
        "vat",
    ),
    "segment": ("segment", "catégorie client", "catégorie", "category"),
    "phone": ("téléphone", "tél", "phone", "telephone", "phone number"),
    "address": ("adresse", "address", "rue", "street"),
    "postal_code": ("code postal", "cp", "postal code", "zip code", "zip", "postcode"),
    "city": ("ville", "commune", "city", "town"),
    "terms_days": (
        "délai de paiement",
        "conditions de paiement",
        "délai",
        "payment terms",
        "terms",
        "terms days",
    ),
}

# What messages call each field (English source strings; the UI translates messages whole).
FIELD_LABELS: dict[str, str] = {
    "customer_code": "customer code",
    "customer_name": "customer name",
    "number": "invoice number",
    "issue_date": "invoice date",
    "due_date": "due date",
    "amount": "amount",
    "open_amount": "open amount",
    "currency": "currency",
    "kind": "type",
    "label": "label",
    "reference": "reference",
    "email": "email",
    "siren": "SIREN",
    "siret": "SIRET",
    "vat_number": "VAT number",
    "segment": "segment",
    "phone": "phone",
    "address": "address",
    "postal_code": "postal code",
    "city": "city",
    "terms_days": "payment terms (days)",
}

_FILLER_WORDS = frozenset({"de", "du", "des", "d", "la", "le", "les", "l", "of", "the", "en"})
_NUMBER_WORDS = frozenset({"n", "no", "nr", "num", "numero", "number", "nbr", "nb"})


def normalize_header(text: str) -> str:
    """``"N° de Facture "`` -> ``"no facture"``; ``"Invoice #"`` -> ``"invoice no"``;
    ``"Montant T.T.C."`` -> ``"montant ttc"``."""
    text = text.replace("\ufeff", "").replace("#", " no ").replace("°", " ").replace("º", " ")
    text = text.replace(".", "")  # "T.T.C." is "TTC", "No." is "No"
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = "".join(c if c.isalnum() else " " for c in text)
    words = []
    for word in text.split():
        if word in _FILLER_WORDS:
            continue
        if word in _NUMBER_WORDS:
            word = "no"
        words.append(word)
    return " ".join(words)


def _build_index() -> dict[str, tuple[str, int]]:
    index: dict[str, tuple[str, int]] = {}
    for field, synonyms in FIELD_SYNONYMS.items():
        for rank, synonym in enumerate(synonyms):
            key = normalize_header(synonym)
            if key in index and index[key][0] != field:
                raise AssertionError(f"header {synonym!r} names two fields")
            index.setdefault(key, (field, rank))
    return index


SYNONYM_INDEX = _build_index()


class MappingError(ValueError):
    """An explicit mapping names a field we do not know or a column the file does not have."""


def match_headers(headers: list[str], mapping: dict | None = None) -> dict[str, int]:
    """Which column holds which field: ``{"customer_code": 0, "number": 2, ...}``.

    An explicit ``mapping`` (field -> header as written in the file) wins; the remaining
    fields are recognised from ``FIELD_SYNONYMS``. A column serves one field at most."""
    normalized = [normalize_header(h) if isinstance(h, str) else "" for h in headers]
    columns: dict[str, int] = {}
    taken: set[int] = set()
    for field, header in (mapping or {}).items():
        if field not in FIELD_SYNONYMS:
            raise MappingError(f"unknown field {field!r} in the mapping")
        wanted = normalize_header(str(header))
        exact = [i for i, h in enumerate(headers) if isinstance(h, str) and h.strip() == header]
        loose = [i for i, h in enumerate(normalized) if h and h == wanted]
        found = exact or loose
        if not found:
            raise MappingError(f"the mapping names column {header!r} for {field}")
        columns[field] = found[0]
        taken.add(found[0])
    best: dict[str, tuple[int, int]] = {}
    for i, key in enumerate(normalized):
        if i in taken or key not in SYNONYM_INDEX:
            continue
        field, rank = SYNONYM_INDEX[key]
        if field in columns:
            continue
        if field not in best or rank < best[field][0]:
            best[field] = (rank, i)
    for field, (_rank, i) in best.items():
        columns[field] = i
    return columns
