"""The audit that every journey relies on finds what it should: otherwise "zero violations"
would prove nothing."""

import pytest

from tests.e2e.browser import AuditedPage

pytestmark = pytest.mark.e2e

FLAWED = """<!DOCTYPE html><html><head><title>Fout</title></head><body><main>
<h1>Formulier</h1><input type="text" name="naam">
<p style="color:#aaa;background:#fff">Lichtgrijze tekst</p></main></body></html>"""


def test_axe_reports_a_missing_label_language_and_contrast(page, tmp_path):
    audited = AuditedPage(page, base_url="", folder=tmp_path)
    page.set_content(FLAWED)

    with pytest.raises(AssertionError) as failure:
        audited.audit("fout")

    report = str(failure.value)
    assert "label" in report
    assert "html-has-lang" in report
    assert "color-contrast" in report


def test_a_page_load_without_audit_is_reported(page, tmp_path):
    audited = AuditedPage(page, base_url="", folder=tmp_path)
    page.set_content("<!DOCTYPE html><html lang='nl'><title>Een</title><main>Een</main></html>")
    audited.audit("een")
    page.set_content("<!DOCTYPE html><html lang='nl'><title>Twee</title><main>Twee</main></html>")

    with pytest.raises(AssertionError, match="zonder axe-controle"):
        audited.assert_every_page_audited()
