"""Messages with attachments built in the tests: an .eml with a PDF, a DOCX, a CSV and an attached
email, and the bytes of each attachment (nothing here comes from the shared data)."""
from __future__ import annotations

import functools
import io
from email.message import EmailMessage
from datetime import datetime, timezone
from email.utils import format_datetime

from tests.pdf_fixture import minimal_pdf

PDF_PAGES = ["Invoice 4471 cover sheet", "Payment terms net thirty days",
             "Total due 18450 dollars for pipeline maintenance"]
DOCX_TEXT = "Settlement agreement between Northwind and Contoso about the Calgary storage lease."
NESTED_TEXT = "The forwarded memo says the turbine warranty expires in March."


@functools.lru_cache(maxsize=8)
def docx_bytes(text: str = DOCX_TEXT) -> bytes:
    """A .docx (cached: python-docx stamps the save time, and dedup compares bytes)."""
    import docx
    document = docx.Document()
    document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Party", "Northwind"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def nested_email() -> EmailMessage:
    inner = EmailMessage()
    inner["From"] = "Dana Lee <dana.lee@example.com>"
    inner["To"] = "ops@example.com"
    inner["Subject"] = "Turbine warranty memo"
    inner["Date"] = "Mon, 03 Feb 2003 09:00:00 +0000"
    inner["Message-ID"] = "<inner-memo@example.com>"
    inner.set_content(NESTED_TEXT + "\n")
    return inner


def email_with_attachments(message_id: str = "<parent-1@example.com>", sender: str = "alice@example.com",
                           day: int = 5, pdf: bytes | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Alice Ng <{sender}>"
    msg["To"] = "bob@example.com"
    msg["Subject"] = "Documents for the Calgary lease"
    msg["Date"] = format_datetime(datetime(2003, 2, day, 10, 0, tzinfo=timezone.utc))
    msg["Message-ID"] = message_id
    msg.set_content("Please find the invoice, the settlement and the memo attached.\n")
    msg.add_attachment(pdf or minimal_pdf(PDF_PAGES), maintype="application", subtype="pdf",
                       filename="invoice.pdf")
    msg.add_attachment(docx_bytes(), maintype="application",
                       subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                       filename="settlement.docx")
    msg.add_attachment(b"item,amount\ncompressor,1200\n", maintype="text", subtype="csv",
                       filename="costs.csv")
    msg.add_attachment(b"\x89PNG\r\n\x1a\n0000", maintype="image", subtype="png", filename="logo.png")
    msg.add_attachment(nested_email())
    return msg.as_bytes()
