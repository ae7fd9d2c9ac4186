# A real SMTP server on loopback, as the correspondence tests use it.
from encaisse.correspondence.tests.conftest import smtp_server  # noqa: F401
