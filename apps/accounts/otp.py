"""Two-factor helpers: secrets, backup codes, the QR code, and the organization's policy."""

from __future__ import annotations

import secrets
from io import BytesIO

from django.utils.crypto import salted_hmac

BACKUP_CODE_COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper without doubt


def new_totp_secret() -> str:
    return secrets.token_hex(20)


def new_backup_codes() -> list[str]:
    return ["".join(secrets.choice(_ALPHABET) for _ in range(10)) for _ in range(BACKUP_CODE_COUNT)]


def normalize_backup_code(code: str) -> str:
    return "".join(ch for ch in str(code).lower() if ch.isalnum())


def hash_backup_code(code: str) -> str:
    # A keyed hash, not a password hash: codes are 50 random bits, and a sign-in compares
    # against ten of them at once, which Argon2 would make needlessly slow.
    return salted_hmac("starline.backup-code", normalize_backup_code(code), algorithm="sha256").hexdigest()


def format_backup_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def qr_svg(data: str) -> str:
    """The otpauth:// URL as an inline SVG, drawn on the server (no script, no third party)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]
