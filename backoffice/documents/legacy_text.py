"""Vietnamese text in legacy encodings → Unicode NFC (DOMAIN.md, TCVN 6909:2001).

The detection and conversion moved down to `backoffice.core.legacy_text`, so that
citizen-typed text (`backoffice.core.text`) uses the very same code as document
imports; these names stay importable from here.
"""

from backoffice.core.legacy_text import (
    _TCVN3_TABLE,
    _VISCII_TABLE,
    CP1258,
    LEGACY_ENCODINGS,
    TCVN3,
    UNICODE,
    VISCII,
    VNI,
    legacy_decode,
    legacy_detect,
    legacy_to_unicode,
)

__all__ = [
    "CP1258",
    "LEGACY_ENCODINGS",
    "TCVN3",
    "UNICODE",
    "VISCII",
    "VNI",
    "_TCVN3_TABLE",
    "_VISCII_TABLE",
    "legacy_decode",
    "legacy_detect",
    "legacy_to_unicode",
]
