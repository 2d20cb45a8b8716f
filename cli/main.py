"""``docbatch <command>``: each command lives in its own module with ``register(subparsers)``."""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = ("cli.run", "cli.migrate", "cli.backup", "cli.extract", "cli.submit")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="docbatch", description="Batch document extraction.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    sys.exit(args.func(args))


if __name__ == "__main__":
    main()
