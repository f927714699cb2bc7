"""``python -m aws_vision_async.emulator``: serve the emulator until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from dataclasses import fields

from ._faults import FAULT_NAMES, Faults
from ._sample import SampleData
from ._server import Emulator
from ._timings import Timings

#: What each fault's value means, for --help: a fault added to Faults and not here fails at import.
_FAULT_UNITS = {
    "throttle": "probability",
    "server_error": "probability",
    "drop": "probability",
    "commit_then_fail": "probability",
    "latency": "seconds added to every reply",
    "tps": "the operation's quota, requests a second",
}
_FAULTS_HELP = ", ".join(f"{name} ({_FAULT_UNITS[name]})" for name in FAULT_NAMES)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m aws_vision_async.emulator",
        description="A local Rekognition and Lookout for Vision endpoint. Point clients at the printed URL.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=4566, help="port (default: 4566; 0 picks a free one)")
    parser.add_argument("--region", default="us-east-1", help="Region used in ARNs (default: us-east-1)")
    parser.add_argument("--sample", action="store_true", help="start with sample projects, datasets, collections")
    parser.add_argument("--sample-projects", type=int, default=SampleData.projects, metavar="N")
    parser.add_argument("--sample-entries", type=int, default=SampleData.entries, metavar="N")
    parser.add_argument("--sample-collections", type=int, default=SampleData.collections, metavar="N")
    parser.add_argument(
        "--faults",
        action="append",
        default=[],
        metavar="OP:NAME=VALUE,...",
        help="inject faults into an operation's requests, e.g. 'CreateProject:throttle=0.2,commit_then_fail=0.3', "
        "'lookoutvision:CreateProject:drop=1' (one service) or '*:latency=0.05' (every operation); "
        f"faults: {_FAULTS_HELP}. Repeatable.",
    )
    parser.add_argument("--seed", type=int, default=None, help="seed of the fault draws, for reproducible runs")
    parser.add_argument(
        "--timings",
        action="append",
        default=[],
        metavar="NAME=SECONDS,...",
        help="how long slow operations take, e.g. 'training=2,starting=1'; names: "
        f"{', '.join(f.name for f in fields(Timings))} (defaults: fractions of a second). Repeatable.",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line.

    Returns:
        The exit status.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    sample = (
        SampleData(projects=args.sample_projects, entries=args.sample_entries, collections=args.sample_collections)
        if args.sample
        else False
    )
    try:
        faults = dict(Faults.parse(text) for text in args.faults)
        timings = Timings()
        for text in args.timings:
            timings = Timings.parse(text, timings)
        # The emulator checks the operations the faults name against its services'.
        emulator = Emulator(
            host=args.host,
            port=args.port,
            sample=sample,
            faults=faults,
            seed=args.seed,
            region=args.region,
            timings=timings,
        )
    except ValueError as exc:
        parser.error(str(exc))
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(emulator.serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
