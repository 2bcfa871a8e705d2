"""fpxint-sim entry point: subcommands, and the one place errors become exit codes.

Exit 0 on success, 1 on a failed check, 2 on bad input (one line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import sys

from fpxint_sim import __version__
from fpxint_sim.cli import (
    accuracy_cmd,
    compare_cmd,
    demo_cmd,
    expand_cmd,
    generate_cmd,
    lower_cmd,
    run_cmd,
    sweep_cmd,
    verify_cmd,
)
from fpxint_sim.errors import InputError

COMMANDS = (demo_cmd, run_cmd, verify_cmd, lower_cmd, expand_cmd, accuracy_cmd, sweep_cmd,
            compare_cmd, generate_cmd)


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one stderr line (the contract for bad input), exit 2; the usage text
    stays one `--help` away instead of preceding the error."""

    def error(self, message: str):
        message = " ".join(message.split())
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="fpxint-sim",
        description="FP=xINT series-expanded networks on emulated integer accelerators.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for cmd in COMMANDS:
        cmd.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except InputError as exc:
        message = " ".join(str(exc).split())  # one line, whatever the input held
        print(f"fpxint-sim {args.command}: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("fpxint-sim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
