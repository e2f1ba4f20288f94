"""Signed, expiring share links of Refrens invoices (``share.link`` and ``share.pdf``).

The token is Django's signing of the invoice id with a timestamp (``TimestampSigner`` under a
salt of its own, keyed by ``SECRET_KEY``): whoever has the link may open that one invoice until
it expires (``INVOICING_COMPAT_SHARE_LINK_TTL_SECONDS``, default 30 days); a changed character
or an old link opens nothing. No Bearer token is needed, so the links work in an e-mail.
"""

from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "compat.refrens.share"
DEFAULT_TTL = timedelta(days=30)


class ShareLinkInvalid(Exception):
    pass


class ShareLinkExpired(ShareLinkInvalid):
    pass


def ttl() -> timedelta:
    seconds = getattr(settings, "INVOICING_COMPAT_SHARE_LINK_TTL_SECONDS", None)
    return DEFAULT_TTL if seconds is None else timedelta(seconds=int(seconds))


def share_token(invoice_id: UUID) -> str:
    return signing.dumps(str(invoice_id), salt=SALT)


def share_urls(invoice_id: UUID, base_url: str) -> dict[str, str]:
    """``{link, pdf}``: absolute when *base_url* (``https://host``) is given."""
    token = share_token(invoice_id)
    base = base_url.rstrip("/")
    return {
        "link": base + reverse("compat-refrens-share", kwargs={"token": token}),
        "pdf": base + reverse("compat-refrens-share-pdf", kwargs={"token": token}),
    }


def invoice_id_from(token: str) -> UUID:
    """The invoice id a token names; ``ShareLinkExpired`` / ``ShareLinkInvalid`` otherwise."""
    try:
        value = signing.loads(token, salt=SALT, max_age=ttl())
    except signing.SignatureExpired as exc:
        raise ShareLinkExpired("This share link has expired.") from exc
    except signing.BadSignature as exc:
        raise ShareLinkInvalid("This share link is not valid.") from exc
    try:
        return UUID(str(value))
    except ValueError as exc:  # pragma: no cover - only we sign tokens
        raise ShareLinkInvalid("This share link is not valid.") from exc
