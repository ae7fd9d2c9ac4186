"""SIREN, SIRET and VAT numbers with valid check digits for the demo customers.

The numbers are random but pass the same checks (python-stdnum) as the customer forms, so the
demo data can be edited and saved without tripping the validators."""

import random

from stdnum import luhn
from stdnum.fr import siren as siren_module


def siren_make(rng: random.Random, *, public: bool = False) -> str:
    """A 9-digit SIREN with a valid Luhn key. Public bodies' SIREN start with 2, companies'
    with 3 to 9 as the registry assigns them."""
    first = "2" if public else str(rng.randint(3, 9))
    body = first + "".join(str(rng.randint(0, 9)) for _ in range(7))
    return body + luhn.calc_check_digit(body)


def siret_make(rng: random.Random, siren: str) -> str:
    """A SIRET for an establishment of ``siren``: the 5-digit NIC ends with a Luhn key over all
    14 digits. Head offices usually have NIC 0001x-0009x; others are larger."""
    nic = f"{rng.randint(1, 99):04d}" if rng.random() < 0.8 else f"{rng.randint(100, 9999):04d}"
    body = siren + nic
    return body + luhn.calc_check_digit(body)


def vat_number_make(siren: str) -> str:
    """The French intra-community VAT number of a SIREN: FR + 2-digit key + SIREN."""
    # python-stdnum returns the number without its country prefix.
    return "FR" + siren_module.to_tva(siren)


class UniqueSirens:
    """Hands out SIREN that were not handed out before in this run."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.seen: set[str] = set()

    def next(self, *, public: bool = False) -> str:
        while True:
            value = siren_make(self.rng, public=public)
            if value not in self.seen:
                self.seen.add(value)
                return value
