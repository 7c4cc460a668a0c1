"""Command line: `python -m matching.evaluate judged|vire ...`; the last line printed is JSON."""

from __future__ import annotations

import argparse
import ast
import json
import sys
import time
from collections.abc import Sequence
from typing import Any

from matching.evaluate.judged import evaluate_judged
from matching.evaluate.vire import evaluate_vire
from matching.matcher import MATCHER_VERSION, TfidfMatcher


def _parse_params(pairs: Sequence[str]) -> dict[str, Any]:
    """Return matcher parameters from NAME=VALUE strings (values as Python literals)."""
    params: dict[str, Any] = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        try:
            params[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[name] = value
    return params


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m matching.evaluate", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    judged = commands.add_parser("judged", help="seed-data judged matches, glossary on and off")
    judged.add_argument("--seed-dir", default="seed_data")
    vire = commands.add_parser("vire", help="one VIRE subset (CSV with question,context)")
    vire.add_argument("path")
    for command in (judged, vire):
        command.add_argument(
            "--set", action="append", default=[], metavar="NAME=VALUE", help="override a TfidfMatcher parameter"
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one evaluation and print its JSON result as the last line."""
    args = _parser().parse_args(argv)
    params = _parse_params(args.set)
    started = time.perf_counter()
    if args.command == "judged":
        result = evaluate_judged(args.seed_dir, params)
    else:
        result = evaluate_vire(args.path, TfidfMatcher(**params))
    result = {"command": args.command, "matcher": MATCHER_VERSION, "params": params, **result}
    result["seconds"] = round(time.perf_counter() - started, 2)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
