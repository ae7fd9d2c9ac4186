"""The demo company: a realistic French ledger to try Encaisse with (``encaisse demo``).

Plain modules, not a Django app: ``names`` (word lists), ``identifiers`` (SIREN, SIRET, VAT
numbers with valid keys), ``people`` (one user per role), ``customers`` (customers and
contacts), ``ledger`` (invoices, payments, credit notes, allocations) and ``generator`` (the
entry point that ties them together in one transaction)."""
