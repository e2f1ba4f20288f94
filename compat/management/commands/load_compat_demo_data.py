"""``manage.py load_compat_demo_data``: what the compat APIs need on top of ``load_demo_data``.

Idempotent (everything is looked up by its natural key first):

* Accounteer: GL accounts (7000000 Sales with the seed's request id, services, receivable,
  VAT payable), tax rates (``VAT 21%`` with the seed's tax id, Finnish and Dutch rates), the
  default invoice template with 121 days due (the seed's 2017-04-24 -> 2017-08-23) under the
  seed's template id, and the seed's ``client_id`` mapped to a Helsinki party.
* Okappy: customer ids 1001 (Helsinki) and 2001 (Tampere) mapped to demo parties.
* Merchant: supplier 501 of Helsinki (a party of its own); stores are the office identifiers
  (store 1 is Helsinki 01, store 2 Tampere 02).
* Refrens: urlKey ``helsinki`` (GST state 29, Karnataka, as the seed's parties) and
  ``tampere`` (27, Maharashtra).

It needs the offices, parties and the ``admin`` superuser of ``load_demo_data``.
"""

import hashlib
from collections import Counter
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from compat.choices import GlAccountKind, IdKind, System
from compat.models import ExternalId, GlAccount, InvoiceTemplate, OfficeUrlKey, TaxRate
from offices.models import AgencyOffice, Agent
from parties.choices import PartyType
from parties.models import Party
from parties.services import party_create

SEED_TAX_ID = "fd62ee6c1d65e4729da41f85cdd328dfc816d161"
SEED_GL_ACCOUNT_ID = "c94409c9c4ac843cc16a265b6c2423237b5a8f76"
SEED_TEMPLATE_ID = "6510e39e71217f262c39b3525831f2a5405fc5e8"
SEED_CLIENT_ID = "1615c6926a25a72b31ee320d0889e82f6395511c"


def demo_id(name: str) -> str:
    """A stable 40-hex id in the seed's style for demo rows the seed does not name."""
    return hashlib.sha1(f"compat-demo:{name}".encode(), usedforsecurity=False).hexdigest()


GL_ACCOUNTS = (
    (SEED_GL_ACCOUNT_ID, "7000000", "Sales", GlAccountKind.REVENUE),
    (demo_id("gl:7010000"), "7010000", "Services", GlAccountKind.REVENUE),
    (demo_id("gl:1300000"), "1300000", "Accounts receivable", GlAccountKind.RECEIVABLE),
    (demo_id("gl:1700000"), "1700000", "VAT payable", GlAccountKind.VAT_PAYABLE),
)
TAX_RATES = (
    (SEED_TAX_ID, "VAT 21%", Decimal(21)),
    (demo_id("tax:9"), "VAT 9%", Decimal(9)),
    (demo_id("tax:0"), "VAT 0%", Decimal(0)),
    (demo_id("tax:25.5"), "ALV 25,5 %", Decimal("25.5")),
    (demo_id("tax:14"), "ALV 14 %", Decimal(14)),
)
TEMPLATES = (
    (SEED_TEMPLATE_ID, "Standard (121 days)", 121, True),
    (demo_id("template:14"), "14 days net", 14, False),
)
# (system, office identifier, foreign id, party name)
CUSTOMERS = (
    (System.ACCOUNTEER, "01", SEED_CLIENT_ID, "Kiinteistö Oy Helsingin Aurinkorinne"),
    (System.OKAPPY, "01", "1001", "Emily Carter"),
    (System.OKAPPY, "02", "2001", "David Miller"),
)
SUPPLIERS = (("01", "501", "Nordic Office Supplies Oy"),)
URL_KEYS = (("helsinki", "01", "29"), ("tampere", "02", "27"))


class Command(BaseCommand):
    help = "Load the compat APIs' demo configuration (run load_demo_data first). Safe to run again."

    def handle(self, *args, **options):
        offices = {o.office_identifier: o for o in AgencyOffice.objects.all()}
        missing = {"01", "02"} - set(offices)
        if missing:
            raise CommandError(
                f"Offices {', '.join(sorted(missing))} are missing: run load_demo_data first."
            )
        admin = Agent.objects.filter(is_superuser=True).order_by("date_joined").first()
        if admin is None:
            raise CommandError("No superuser to create the demo supplier: run load_demo_data.")
        counts: Counter = Counter()
        with transaction.atomic():
            self._configuration(counts)
            self._mappings(counts, offices, admin)
        for kind in sorted({key[0] for key in counts}):
            self.stdout.write(
                f"{kind}: {counts[kind, True]} created, {counts[kind, False]} already present"
            )
        self.stdout.write(self.style.SUCCESS("Compat demo data is loaded."))

    def _configuration(self, counts: Counter) -> None:
        for account_id, code, title, kind in GL_ACCOUNTS:
            _, created = GlAccount.objects.get_or_create(
                code=code, defaults={"account_id": account_id, "title": title, "kind": kind}
            )
            counts["GL accounts", created] += 1
        for tax_id, name, percentage in TAX_RATES:
            _, created = TaxRate.objects.get_or_create(
                tax_id=tax_id, defaults={"name": name, "percentage": percentage}
            )
            counts["tax rates", created] += 1
        for template_id, name, days, is_default in TEMPLATES:
            exists = InvoiceTemplate.objects.filter(template_id=template_id).exists()
            if not exists:
                if is_default:
                    InvoiceTemplate.objects.filter(is_default=True).update(is_default=False)
                InvoiceTemplate.objects.create(
                    template_id=template_id, name=name, days_due=days, is_default=is_default
                )
            counts["invoice templates", not exists] += 1

    def _mappings(self, counts: Counter, offices: dict, admin: Agent) -> None:
        for url_key, identifier, gst_state in URL_KEYS:
            _, created = OfficeUrlKey.objects.get_or_create(
                system=System.REFRENS,
                url_key=url_key,
                defaults={"office": offices[identifier], "gst_state": gst_state},
            )
            counts["Refrens url keys", created] += 1
        for system, identifier, foreign_id, name in CUSTOMERS:
            office = offices[identifier]
            party = Party.objects.filter(office=office, name=name).first()
            if party is None:
                self.stderr.write(f"No party {name!r} in office {identifier}; {foreign_id} skipped")
                continue
            _, created = ExternalId.objects.get_or_create(
                system=system,
                kind=IdKind.CUSTOMER,
                office=office,
                external_id=foreign_id,
                defaults={"object_id": party.pk},
            )
            counts["customer ids", created] += 1
        for identifier, foreign_id, name in SUPPLIERS:
            office = offices[identifier]
            mapping = ExternalId.objects.filter(
                system=System.MERCHANT, kind=IdKind.SUPPLIER, office=office, external_id=foreign_id
            ).first()
            if mapping is None:
                party = Party.objects.filter(office=office, name=name).first() or party_create(
                    actor=admin,
                    office_id=office.pk,
                    fields={
                        "party_type": PartyType.ORGANISATION,
                        "name": name,
                        "business_id": "1000002-0",
                        "email": "laskut@nordicofficesupplies.example.fi",
                        "street_address": "Tarvikekuja 3",
                        "postcode": "01510",
                        "postal_area": "Vantaa",
                        "country_code": "FI",
                    },
                )
                ExternalId.objects.create(
                    system=System.MERCHANT,
                    kind=IdKind.SUPPLIER,
                    office=office,
                    external_id=foreign_id,
                    object_id=party.pk,
                )
            counts["supplier ids", mapping is None] += 1
