"""Receipts for printing: ESC/POS bytes for the office's voucher printer, and PDF."""

from __future__ import annotations

import io

from gridvend.vending.receipt import Receipt, grouped_token, receipt_text

ESC = b"\x1b"
GS = b"\x1d"


def _qr_code(data: str) -> bytes:
    """GS ( k: model 2, module size 6, error correction M, store then print."""
    payload = data.encode("ascii")
    stored = len(payload) + 3
    return (
        GS
        + b"(k\x04\x00\x31\x41\x32\x00"
        + GS
        + b"(k\x03\x00\x31\x43\x06"
        + GS
        + b"(k\x03\x00\x31\x45\x31"
        + GS
        + b"(k"
        + bytes([stored % 256, stored // 256])
        + b"\x31\x50\x30"
        + payload
        + GS
        + b"(k\x03\x00\x31\x51\x30"
    )


def receipt_escpos(receipt: Receipt, width: int = 32) -> bytes:
    text = receipt_text(receipt, width)
    body = bytearray(ESC + b"@")
    for row in text.splitlines():
        is_token = row.replace(" ", "").isdigit() and len(row.replace(" ", "")) == 20
        if is_token:
            body += (
                ESC + b"E\x01" + GS + b"!\x11" + row.encode("ascii", "replace") + b"\n" + GS + b"!\x00" + ESC + b"E\x00"
            )
        else:
            body += row.encode("ascii", "replace") + b"\n"
    if receipt.tokens:
        body += ESC + b"a\x01" + _qr_code(" ".join(receipt.tokens)) + ESC + b"a\x00"
    body += b"\n\n\n" + GS + b"V\x42\x00"
    return bytes(body)


def receipt_pdf(receipt: Receipt) -> bytes:
    from reportlab.lib.pagesizes import A6  # loaded on the first PDF receipt, not at every cold start
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A6)
    page.setTitle(f"Receipt {receipt.bill_number}")
    _, height = A6
    cursor = height - 12 * mm
    for row in receipt_text(receipt, width=44).splitlines():
        digits = row.replace(" ", "")
        if digits.isdigit() and len(digits) == 20:
            page.setFont("Courier-Bold", 11)
            page.drawString(8 * mm, cursor, grouped_token(digits))
        else:
            page.setFont("Courier", 8)
            page.drawString(8 * mm, cursor, row)
        cursor -= 4.2 * mm
        if cursor < 10 * mm:
            page.showPage()
            cursor = height - 12 * mm
    page.save()
    return buffer.getvalue()
