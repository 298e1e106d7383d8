"""Command-line flags and SIM_* environment variables of the simulator, turned into a world
and a fault configuration."""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping
from typing import Any

from cpbatch.entrypoints.simulator.demo import demo_world
from cpbatch.entrypoints.simulator.faults import FaultConfig
from cpbatch.entrypoints.simulator.generated import generated_world
from cpbatch.entrypoints.simulator.hostile_names import with_hostile_names
from cpbatch.entrypoints.simulator.listing_options import (
    add_listing_flags,
    expire_courses,
    listing_config,
)
from cpbatch.entrypoints.simulator.world import World

_UNITS = {
    "": 1,
    "b": 1,
    "k": 10**3,
    "kb": 10**3,
    "m": 10**6,
    "mb": 10**6,
    "g": 10**9,
    "gb": 10**9,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "ki": 2**10,
    "mi": 2**20,
    "gi": 2**30,
}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")

# flag dest -> (environment variable, type)
_FAULT_ENV = {
    "rate_5xx": ("SIM_FAULT_5XX", float),
    "rate_429": ("SIM_FAULT_429", float),
    "retry_after_s": ("SIM_FAULT_RETRY_AFTER", float),
    "rate_reset": ("SIM_FAULT_RESET", float),
    "rate_truncate": ("SIM_FAULT_TRUNCATE", float),
    "latency_s": ("SIM_FAULT_LATENCY", float),
    "rate_stall": ("SIM_FAULT_STALL", float),
    "stall_s": ("SIM_FAULT_STALL_S", float),
    "rate_trickle": ("SIM_FAULT_TRICKLE", float),
    "trickle_s": ("SIM_FAULT_TRICKLE_S", float),
    "scope": ("SIM_FAULT_SCOPE", str),
    "seed": ("SIM_FAULT_SEED", int),
    "max_requests_per_second": ("SIM_MAX_RPS", float),
}


def parse_size(text: str) -> int:
    """ "3M" -> 3_000_000, "2GiB" -> 2 * 2**30, "512" -> 512."""
    match = _SIZE.match(text)
    unit = match.group(2).lower() if match else None
    if match is None or unit not in _UNITS:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 500K, 3M, 2GiB)")
    return int(float(match.group(1)) * _UNITS[unit])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cpbatch.entrypoints.simulator", description="Serve a simulated ClassPlus."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--world", choices=("demo", "generated"), default="demo")
    parser.add_argument("--seed", type=int, default=None, help="world seed")
    parser.add_argument("--org-code", default="benchorg", help="org code of a generated world")
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--min-size", type=parse_size, default=50_000)
    parser.add_argument("--max-size", type=parse_size, default=2_000_000)
    parser.add_argument("--folder-depth", type=int, default=3)
    parser.add_argument("--per-folder", type=int, default=25)
    parser.add_argument("--courses", type=int, default=1)
    parser.add_argument(
        "--large-file",
        type=parse_size,
        action="append",
        default=[],
        help="add a file of this size (repeatable); demo world: in a folder of learnwell's "
        "physics course",
    )
    parser.add_argument(
        "--hostile-names",
        action="store_true",
        help="give every org, batch, folder and file a name with Rich markup, terminal "
        "escapes and a newline (to test what clients print)",
    )
    parser.add_argument(
        "--control",
        action="store_true",
        help="serve POST /_control/publish and /_control/revise: files appear and change "
        "while it runs (JSON: org, batch, name, size, folder / org, file_id)",
    )
    parser.add_argument("--ready-file", help="write base URL, tokens and pid here (mode 0600)")
    parser.add_argument(
        "--manifest",
        nargs="?",
        const="",
        metavar="ORG",
        help="print the manifest JSON (of ORG, or all orgs) and exit",
    )
    faults = parser.add_argument_group("faults (default from SIM_FAULT_* variables)")
    faults.add_argument("--fault-5xx", dest="rate_5xx", type=float)
    faults.add_argument("--fault-429", dest="rate_429", type=float)
    faults.add_argument("--retry-after", dest="retry_after_s", type=float)
    faults.add_argument("--fault-reset", dest="rate_reset", type=float)
    faults.add_argument("--fault-truncate", dest="rate_truncate", type=float)
    faults.add_argument("--latency", dest="latency_s", type=float)
    faults.add_argument("--fault-stall", dest="rate_stall", type=float)
    faults.add_argument("--stall-seconds", dest="stall_s", type=float)
    faults.add_argument(
        "--fault-trickle", dest="rate_trickle", type=float, help="share of file bodies that "
        "trickle: part of the body, then one byte every --trickle-seconds"
    )  # fmt: skip
    faults.add_argument("--trickle-seconds", dest="trickle_s", type=float)
    faults.add_argument(
        "--trickle-file-id", dest="trickle_file_ids", type=int, action="append",
        help="this file always trickles (repeatable)",
    )  # fmt: skip
    faults.add_argument("--fault-scope", dest="scope", choices=("all", "api", "files"))
    faults.add_argument("--fault-seed", dest="seed_faults", type=int)
    faults.add_argument("--fail-file-id", dest="fail_file_ids", type=int, action="append")
    faults.add_argument("--max-rps", dest="max_requests_per_second", type=float)
    add_listing_flags(parser)
    return parser


def fault_config(args: argparse.Namespace, environ: Mapping[str, str]) -> FaultConfig:
    """Flags win over environment variables, which win over the defaults."""
    values: dict[str, Any] = {}
    for name, (variable, kind) in _FAULT_ENV.items():
        flag = getattr(args, "seed_faults" if name == "seed" else name, None)
        if flag is not None:
            values[name] = flag
        elif environ.get(variable):
            values[name] = kind(environ[variable])
    failing = args.fail_file_ids or _ids(environ.get("SIM_FAULT_FAIL_FILE_IDS", ""))
    trickling = args.trickle_file_ids or _ids(environ.get("SIM_FAULT_TRICKLE_FILE_IDS", ""))
    values |= listing_config(args, environ)
    return FaultConfig(
        fail_always_file_ids=frozenset(failing), trickle_file_ids=frozenset(trickling), **values
    )


def _ids(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def world_from(args: argparse.Namespace) -> World:
    world = expire_courses(_chosen_world(args), args)
    return with_hostile_names(world) if getattr(args, "hostile_names", False) else world


def _chosen_world(args: argparse.Namespace) -> World:
    seed = args.seed
    if args.world == "demo":
        if seed is None:
            return demo_world(large_files=args.large_file)
        return demo_world(seed, args.large_file)
    return generated_world(
        org_code=args.org_code,
        files=args.files,
        min_size=args.min_size,
        max_size=args.max_size,
        folder_depth=args.folder_depth,
        per_folder=args.per_folder,
        courses=args.courses,
        seed=1 if seed is None else seed,
        large_files=args.large_file,
    )
