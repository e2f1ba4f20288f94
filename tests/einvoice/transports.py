"""Test transports, plugged in with ``INVOICING_EINVOICE_TRANSPORT`` (a dotted path)."""

from invoices.delivery import EInvoiceTransport, FileDropTransport


class OperatorDown(ConnectionError):
    pass


class FlakyTransport(EInvoiceTransport):
    """Fails ``failures`` times, then drops the file like the default transport."""

    failures = 2
    calls: list[tuple[str, bytes]] = []

    def send(self, *, delivery, filename, content):
        type(self).calls.append((filename, content))
        if len(type(self).calls) <= type(self).failures:
            raise OperatorDown(f"operator SFTP unreachable (call {len(type(self).calls)})")
        return FileDropTransport().send(delivery=delivery, filename=filename, content=content)


class BrokenTransport(EInvoiceTransport):
    calls: list[str] = []

    def send(self, *, delivery, filename, content):
        type(self).calls.append(filename)
        raise OperatorDown("operator SFTP unreachable")


class RecordingTransport(EInvoiceTransport):
    """Keeps what it was given (for the idempotency test)."""

    sent: list[tuple[str, bytes]] = []

    def send(self, *, delivery, filename, content):
        type(self).sent.append((filename, content))
        return f"memory:{filename}"
