"""QR codes of check-in codes (segno, pure Python): what a barcode scanner types at the desk."""

from __future__ import annotations

import io

import segno


def _qr(code: str) -> segno.QRCode:
    return segno.make_qr(code, error="m")


def png(code: str) -> bytes:
    buffer = io.BytesIO()
    _qr(code).save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


def svg(code: str) -> bytes:
    buffer = io.BytesIO()
    _qr(code).save(buffer, kind="svg", scale=8, border=4, xmldecl=False)
    return buffer.getvalue()
