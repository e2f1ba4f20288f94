"""Validators for the generated e-invoices, run against the official files in
``../shared/einvoice`` (never copied into the project).

* Finvoice 3.0: the XSD (lxml).
* UBL 2.1 Invoice / CreditNote: the maindoc XSDs (lxml), then the EN 16931 UBL rules (the
  maintainers' compiled XSLT, run by saxonche), then the Peppol BIS Billing 3.0 rules.
* Peppol BIS rules come as Schematron source only, and there is no ISO Schematron skeleton
  for XSLT 2 here (lxml ships only the XSLT 1 one, which cannot carry the rules' XPath 2
  functions). ``schematron_to_xslt`` is a small compiler of the subset the Peppol file uses
  (``ns``, ``let``, ``xsl:function``, ``pattern``/``rule``/``assert``/``report``, no abstract
  rules, no includes, no phases) with the skeleton's semantics: per pattern, every node is
  matched by the first rule whose context matches it. Its results are checked against the
  official examples (valid) and against broken documents (the expected rule fires).
"""

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from django.conf import settings
from lxml import etree

SCH = "http://purl.oclc.org/dsdl/schematron"
XSL = "http://www.w3.org/1999/XSL/Transform"
SVRL = "http://purl.oclc.org/dsdl/svrl"


def einvoice_dir() -> Path:
    """``INVOICING_EINVOICE_DIR``, else ``<repository>/../shared/einvoice``."""
    configured = os.environ.get("INVOICING_EINVOICE_DIR")
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR).parent / "shared" / "einvoice"


@dataclass(frozen=True)
class Failure:
    id: str
    flag: str
    location: str
    text: str

    def __str__(self) -> str:
        return f"{self.id} [{self.flag}] at {self.location}: {self.text}"


def svrl_failures(svrl: str) -> list[Failure]:
    tree = etree.fromstring(svrl.encode())
    return [
        Failure(
            node.get("id", ""),
            node.get("flag", ""),
            node.get("location", ""),
            " ".join("".join(node.itertext()).split()),
        )
        for node in tree.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report")
    ]


def schematron_to_xslt(sch_path: Path) -> str:
    """An XSLT 2.0 stylesheet emitting SVRL for the Schematron at *sch_path* (see above)."""
    schema = etree.parse(str(sch_path)).getroot()
    nsmap = {"xsl": XSL, "svrl": SVRL}
    for ns in schema.findall(f"{{{SCH}}}ns"):
        nsmap[ns.get("prefix")] = ns.get("uri")
    sheet = etree.Element(f"{{{XSL}}}stylesheet", {"version": "2.0"}, nsmap=nsmap)
    seen: set[str] = set()

    def variable(parent, let) -> None:
        etree.SubElement(
            parent, f"{{{XSL}}}variable", {"name": let.get("name"), "select": let.get("value")}
        )

    def global_variable(let) -> None:
        name = let.get("name")
        if name in seen:
            raise ValueError(f"Schematron variable {name} is defined twice")
        seen.add(name)
        variable(sheet, let)

    for child in schema:
        if child.tag == f"{{{SCH}}}let":
            global_variable(child)
        elif child.tag == f"{{{XSL}}}function":
            sheet.append(child.__copy__())
        elif child.tag in (f"{{{SCH}}}include", f"{{{SCH}}}phase"):
            raise ValueError(f"Unsupported Schematron element {child.tag}")

    patterns = schema.findall(f"{{{SCH}}}pattern")
    main = etree.SubElement(sheet, f"{{{XSL}}}template", {"match": "/"})
    output = etree.SubElement(main, f"{{{SVRL}}}schematron-output")
    for index, pattern in enumerate(patterns):
        mode = f"p{index}"
        etree.SubElement(output, f"{{{XSL}}}apply-templates", {"select": "/", "mode": mode})
        for let in pattern.findall(f"{{{SCH}}}let"):
            global_variable(let)
        rules = pattern.findall(f"{{{SCH}}}rule")
        for position, rule in enumerate(rules):
            if rule.get("abstract") == "true" or rule.get("context") is None:
                raise ValueError("Abstract rules are not supported")
            template = etree.SubElement(
                sheet,
                f"{{{XSL}}}template",
                {"match": rule.get("context"), "mode": mode, "priority": str(1000 - position)},
            )
            for node in rule:
                if node.tag == f"{{{SCH}}}let":
                    variable(template, node)
                elif node.tag in (f"{{{SCH}}}assert", f"{{{SCH}}}report"):
                    is_assert = node.tag == f"{{{SCH}}}assert"
                    test = node.get("test")
                    check = etree.SubElement(
                        template,
                        f"{{{XSL}}}if",
                        {"test": f"not({test})" if is_assert else test},
                    )
                    result = etree.SubElement(
                        check,
                        f"{{{SVRL}}}{'failed-assert' if is_assert else 'successful-report'}",
                        {"id": node.get("id", ""), "flag": node.get("flag", "")},
                    )
                    etree.SubElement(result, f"{{{XSL}}}attribute", {"name": "location"}).append(
                        etree.Element(f"{{{XSL}}}value-of", {"select": "path()"})
                    )
                    text = etree.SubElement(result, f"{{{SVRL}}}text")
                    text.text = " ".join("".join(node.itertext()).split())
            etree.SubElement(
                template, f"{{{XSL}}}apply-templates", {"select": "@*|node()", "mode": mode}
            )
        fallback = etree.SubElement(
            sheet, f"{{{XSL}}}template", {"match": "/|@*|node()", "mode": mode, "priority": "-9"}
        )
        etree.SubElement(
            fallback, f"{{{XSL}}}apply-templates", {"select": "@*|node()", "mode": mode}
        )
    return etree.tostring(sheet, encoding="unicode")


class Validators:
    """Compiled once per test session (the XSLTs take about half a second each)."""

    def __init__(self, folder: Path):
        from saxonche import PySaxonProcessor

        self.folder = folder
        self.processor = PySaxonProcessor(license=False)
        self._xslt = self.processor.new_xslt30_processor()

    @cached_property
    def finvoice_schema(self) -> etree.XMLSchema:
        return etree.XMLSchema(etree.parse(str(self.folder / "finvoice-3.0" / "Finvoice3.0.xsd")))

    @cached_property
    def ubl_invoice_schema(self) -> etree.XMLSchema:
        path = self.folder / "ubl-2.1" / "xsd" / "maindoc" / "UBL-Invoice-2.1.xsd"
        return etree.XMLSchema(etree.parse(str(path)))

    @cached_property
    def ubl_credit_note_schema(self) -> etree.XMLSchema:
        path = self.folder / "ubl-2.1" / "xsd" / "maindoc" / "UBL-CreditNote-2.1.xsd"
        return etree.XMLSchema(etree.parse(str(path)))

    @cached_property
    def en16931(self):
        path = self.folder / "en16931-1.3.16" / "xslt" / "EN16931-UBL-validation.xslt"
        return self._xslt.compile_stylesheet(stylesheet_file=str(path))

    @cached_property
    def peppol(self):
        path = self.folder / "peppol-bis-3.0.19" / "sch" / "PEPPOL-EN16931-UBL.sch"
        return self._xslt.compile_stylesheet(stylesheet_text=schematron_to_xslt(path))

    # --- checks (each returns the problems found; empty means valid) ---------------------------

    @staticmethod
    def _xsd_errors(schema: etree.XMLSchema, xml: bytes) -> list[str]:
        document = etree.fromstring(xml)
        if schema.validate(document):
            return []
        return [f"line {e.line}: {e.message}" for e in schema.error_log]

    def finvoice_errors(self, xml: bytes) -> list[str]:
        return self._xsd_errors(self.finvoice_schema, xml)

    def ubl_xsd_errors(self, xml: bytes) -> list[str]:
        root = etree.fromstring(xml)
        schema = (
            self.ubl_credit_note_schema
            if root.tag.endswith("}CreditNote")
            else self.ubl_invoice_schema
        )
        return self._xsd_errors(schema, xml)

    def _run(self, executable, xml: bytes) -> list[Failure]:
        node = self.processor.parse_xml(xml_text=xml.decode("utf-8"))
        executable.set_global_context_item(xdm_item=node)
        return svrl_failures(executable.transform_to_string(xdm_node=node))

    def en16931_failures(self, xml: bytes) -> list[Failure]:
        return self._run(self.en16931, xml)

    def peppol_failures(self, xml: bytes) -> list[Failure]:
        return self._run(self.peppol, xml)

    def ubl_fatal(self, xml: bytes) -> list[str]:
        """Everything that makes a UBL document invalid: XSD errors, then fatal rules."""
        errors = self.ubl_xsd_errors(xml)
        if errors:
            return errors
        failures = self.en16931_failures(xml) + self.peppol_failures(xml)
        return [str(f) for f in failures if f.flag == "fatal"]
