"""The one error the pipeline raises for bad input; its message is shown to staff."""


class ScanInputError(Exception):
    """A scan that cannot be processed; the message is Vietnamese, for the counter."""
