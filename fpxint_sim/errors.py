"""Errors that mean "the user's input is wrong": the CLI prints them as one line and exits 2."""


class InputError(ValueError):
    """Bad input named precisely (file, key, layer, tensor): one line, no traceback, exit 2."""


class MissingExtraError(InputError):
    """An optional extra is needed for this request; the message names the pip extra."""

    def __init__(self, what: str, extra: str):
        super().__init__(f"{what} needs the optional extra: pip install 'fpxint_sim[{extra}]'")
        self.extra = extra
