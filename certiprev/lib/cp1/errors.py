class CP1Error(Exception):
    """Base class of the CP1 errors."""


class CP1FormatError(CP1Error, ValueError):
    """The input is not a well-formed CP1 content, digit string or record (truncated, garbage, out of range)."""


class KeyListError(CP1Error, ValueError):
    """A signed key list (or revocation list) document is malformed or its root signature does not verify."""
