"""``GET /invoices/{id}/einvoice`` and the official reference files: the examples parse and
pass their rules, and the validators catch what they must (so a pass means something)."""

import pytest
from lxml import etree

from invoices.einvoice import build_ubl
from invoices.einvoice.common import ovt_checksum_ok, ovt_from_business_id
from tests.conftest import Api

from .conftest import cost, credit, draft, seed_like
from .validation import einvoice_dir

NS = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}


# --- the endpoint -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["finvoice", "ubl"])
def test_einvoice_endpoint_returns_valid_xml(validators, make_approved, party, clerk, fmt):
    invoice = make_approved(party, **seed_like())
    response = Api(clerk).get(f"/api/v1/invoices/{invoice.id}/einvoice", {"format": fmt})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert (
        f'filename="{fmt}-invoice-{invoice.invoice_number}.xml"' in response["Content-Disposition"]
    )
    if fmt == "finvoice":
        assert validators.finvoice_errors(response.content) == []
    else:
        assert validators.ubl_fatal(response.content) == []


def test_einvoice_endpoint_defaults_to_finvoice_and_serves_credit_notes(
    make_approved, party, clerk, approver
):
    invoice = make_approved(party, **seed_like())
    note = credit(clerk, approver, invoice)
    response = Api(clerk).get(f"/api/v1/invoices/{note.id}/einvoice", {"download": "1"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert etree.fromstring(response.content).tag == "Finvoice"
    # The credited invoice (now CREDITED) still has its e-invoice.
    ubl = Api(clerk).get(f"/api/v1/invoices/{invoice.id}/einvoice", {"format": "ubl"})
    assert ubl.status_code == 200


def test_einvoice_endpoint_errors(clerk, office, party, other_office, other_party, api_for):
    from ..factories import member

    mine = draft(clerk, office, party, [cost(1000)])
    api = Api(clerk)
    wrong = api.get(f"/api/v1/invoices/{mine.id}/einvoice", {"format": "pdf"})
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["target"] == "format"
    not_yet = api.get(f"/api/v1/invoices/{mine.id}/einvoice", {"format": "ubl"})
    assert not_yet.status_code == 409
    assert not_yet.json()["errorCode"] == "INVALID_STATE"
    stranger = member(other_office, "CLERK", username="stranger")
    theirs = draft(stranger, other_office, other_party, [cost(1000)])
    assert api.get(f"/api/v1/invoices/{theirs.id}/einvoice").status_code == 404


def test_xml_accepts_an_xml_accept_header(make_approved, party, clerk):
    invoice = make_approved(party, **seed_like())
    response = Api(clerk).get(
        f"/api/v1/invoices/{invoice.id}/einvoice", HTTP_ACCEPT="application/xml"
    )
    assert response.status_code == 200


# --- OVT helpers --------------------------------------------------------------------------------


def test_ovt_codes():
    assert ovt_from_business_id("2331972-7") == "003723319727"
    assert ovt_checksum_ok("003723319727")
    assert not ovt_checksum_ok("003712345678")  # used anyway: real data has such codes
    assert not ovt_checksum_ok("003702472382")


# --- the official files -------------------------------------------------------------------------


def _or_skip(paths: list) -> list:
    if paths:
        return paths
    reason = f"The official e-invoice examples are not at {einvoice_dir()}"
    return [pytest.param(None, marks=pytest.mark.skip(reason=reason))]


def official_examples():
    folder = einvoice_dir()
    return _or_skip(
        sorted(folder.glob("peppol-bis-3.0.19/examples/*.xml"))
        + sorted(folder.glob("en16931-1.3.16/examples/*.xml"))
    )


def finvoice_examples():
    return _or_skip(sorted(einvoice_dir().glob("finvoice-3.0/*.xml")))


@pytest.mark.parametrize("path", finvoice_examples(), ids=lambda p: p.name if p else "absent")
def test_official_finvoice_examples_parse_and_validate(validators, path):
    assert etree.parse(str(path)).getroot().tag == "Finvoice"
    assert validators.finvoice_errors(path.read_bytes()) == []


@pytest.mark.parametrize("path", official_examples(), ids=lambda p: p.name if p else "absent")
def test_official_ubl_examples_parse_and_pass_xsd_and_en16931(validators, path):
    xml = path.read_bytes()
    assert etree.fromstring(xml).tag.endswith(("}Invoice", "}CreditNote"))
    assert validators.ubl_xsd_errors(xml) == []
    fatal = [str(f) for f in validators.en16931_failures(xml) if f.flag == "fatal"]
    assert fatal == []
    if "peppol" in str(path):
        assert [str(f) for f in validators.peppol_failures(xml) if f.flag == "fatal"] == []


def test_the_peppol_rules_reject_a_non_peppol_document(validators):
    # The EN 16931 example is not a Peppol BIS document: the compiled Peppol rules must say so.
    xml = (einvoice_dir() / "en16931-1.3.16/examples/ubl-tc434-example1.xml").read_bytes()
    fired = {f.id for f in validators.peppol_failures(xml) if f.flag == "fatal"}
    assert {"PEPPOL-EN16931-R001", "PEPPOL-EN16931-R003"} <= fired


def _mutated(xml: bytes, path: str, value: str) -> bytes:
    root = etree.fromstring(xml)
    root.find(path, NS).text = value
    return etree.tostring(root)


def test_the_validators_catch_a_wrong_total_a_wrong_customization_and_a_bad_endpoint(
    validators, make_approved, party
):
    good = build_ubl(make_approved(party, **seed_like()))
    assert validators.ubl_fatal(good) == []
    wrong_total = _mutated(
        good,
        "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}"
        "LegalMonetaryTotal/cbc:TaxInclusiveAmount",
        "10250.01",
    )
    assert any("BR-CO-15" in e for e in validators.ubl_fatal(wrong_total))
    wrong_id = _mutated(good, "cbc:CustomizationID", "urn:cen.eu:en16931:2017")
    assert any("PEPPOL-EN16931-R004" in e for e in validators.ubl_fatal(wrong_id))
    root = etree.fromstring(good)
    endpoint = root.find(".//cbc:EndpointID", NS)
    endpoint.set("schemeID", "9999")
    assert any("PEPPOL-EN16931-CL008" in e for e in validators.ubl_fatal(etree.tostring(root)))


def test_the_finvoice_schema_rejects_a_7_character_intermediator_address(validators):
    xml = (einvoice_dir() / "finvoice-3.0/recommended-finvoice-3.0.xml").read_bytes()
    root = etree.fromstring(xml)
    info = root.find("SellerInformationDetails")
    recipient = etree.SubElement(info, "InvoiceRecipientDetails")
    etree.SubElement(recipient, "InvoiceRecipientAddress").text = "003702472382"
    etree.SubElement(recipient, "InvoiceRecipientIntermediatorAddress").text = "E204503"
    assert validators.finvoice_errors(etree.tostring(root)) != []
