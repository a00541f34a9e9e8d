"""The official e-invoice business rules, run on a document in the tests.

EN 16931 (CEN/TC 434, UBL binding 1.3.16) and SI-UBL 2.0.3.12 (NLCIUS, the Dutch profile), as
the Schematron compiled to XSLT 2.0 that their owners publish; see schematron/README.md. SaxonC-HE
runs them (lxml only knows XSLT 1.0). Compiling both takes a few seconds, so each is compiled
once per test session.
"""

import functools
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

HERE = Path(__file__).parent / "schematron"
VALIDATORS = {
    "EN 16931 1.3.16": HERE / "EN16931-UBL-validation.xslt",
    "SI-UBL 2.0.3.12": HERE / "si-ubl-2.0.xsl",
}
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
BREAKING = {"fatal", "error"}


@dataclass(frozen=True, order=True)
class Finding:
    validator: str
    flag: str
    rule: str
    text: str

    @property
    def breaks(self) -> bool:
        return self.flag in BREAKING

    def __str__(self) -> str:
        return f"[{self.flag}] {self.rule} ({self.validator}): {self.text[:200]}"


@functools.cache
def _processor():
    # One SaxonC processor per process: it holds a native (GraalVM) runtime.
    from saxonche import PySaxonProcessor

    return PySaxonProcessor(license=False)


@functools.cache
def compile_validators() -> dict:
    xslt = _processor().new_xslt30_processor()
    return {
        name: xslt.compile_stylesheet(stylesheet_file=str(path))
        for name, path in VALIDATORS.items()
    }


def _svrl_findings(validator: str, svrl: str) -> list[Finding]:
    root = etree.fromstring(svrl.encode("utf-8"))
    found = []
    for node in root.iter(f"{SVRL}failed-assert", f"{SVRL}successful-report"):
        text = " ".join("".join(node.find(f"{SVRL}text").itertext()).split())
        found.append(Finding(validator, node.get("flag") or "fatal", node.get("id") or "?", text))
    return found


def findings(xml: bytes) -> list[Finding]:
    """Every failed rule of both validators for one UBL Invoice or CreditNote, sorted."""
    compiled = compile_validators()
    document = _processor().parse_xml(xml_text=xml.decode("utf-8"))
    found: set[Finding] = set()
    for name, executable in compiled.items():
        found.update(_svrl_findings(name, executable.transform_to_string(xdm_node=document)))
    return sorted(found)


def broken_rules(xml: bytes) -> list[Finding]:
    """The fatal and error findings: the rules a receiving system rejects the document for."""
    return [finding for finding in findings(xml) if finding.breaks]
