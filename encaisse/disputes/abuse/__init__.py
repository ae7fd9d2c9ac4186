"""False disputes: a per-customer abuse score computed from the dispute history.

``scoring`` is the pure rule (plain features in, a score and its reasons out), ``features``
reads the features of every customer in a few aggregate queries, ``reasons`` renders the stored
reasons in the reader's language. The refresh service is ``services/abuse.py``."""
