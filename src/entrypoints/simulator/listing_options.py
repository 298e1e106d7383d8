"""The simulator's flags (and SIM_* variables) for listing quirks: see `listing_quirks`."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from cpbatch.entrypoints.simulator.faults import DEFAULT_PAGE_CAP
from cpbatch.entrypoints.simulator.world import World

EXPIRED_AT = "2024-07-01T00:00:00.000Z"  # before any run of this code


def add_listing_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("listings (default from SIM_* variables)")
    group.add_argument(
        "--page-cap",
        type=int,
        help=f"most items a page holds whatever `limit` asks; 0: no cap (default "
        f"{DEFAULT_PAGE_CAP}, SIM_PAGE_CAP)",
    )
    group.add_argument(
        "--endless-list",
        dest="endless_lists",
        choices=("courses", "batches"),
        action="append",
        help="this list never ends: full pages of new entries (repeatable; SIM_ENDLESS_LISTS)",
    )
    group.add_argument(
        "--endless-pages",
        dest="endless_page_ids",
        type=int,
        action="append",
        metavar="ID",
        help="every folder page of this course or batch is full of new documents (repeatable; "
        "SIM_ENDLESS_PAGES)",
    )
    group.add_argument(
        "--endless-folders",
        dest="endless_folder_ids",
        type=int,
        action="append",
        metavar="ID",
        help="every folder of this course or batch holds new sub-folders, for ever (repeatable; "
        "SIM_ENDLESS_FOLDERS)",
    )
    group.add_argument(
        "--expire-course",
        dest="expired_course_ids",
        type=int,
        action="append",
        metavar="ID",
        help="this course's purchase has expired: listed with its past expiresAt, no longer "
        "open (repeatable)",
    )
    group.add_argument(
        "--subfolders-per-folder",
        type=int,
        help="how many, with --endless-folders (default 50, SIM_SUBFOLDERS_PER_FOLDER)",
    )


def listing_config(args: argparse.Namespace, environ: Mapping[str, str]) -> dict[str, Any]:
    """FaultConfig fields from the flags, else the environment; unset ones keep defaults."""
    values: dict[str, Any] = {}
    cap = args.page_cap if args.page_cap is not None else _int(environ.get("SIM_PAGE_CAP"))
    if cap is not None:
        values["page_cap"] = cap or None
    lists = args.endless_lists or _words(environ.get("SIM_ENDLESS_LISTS"))
    if lists:
        values["endless_lists"] = frozenset(lists)
    for name, variable in (
        ("endless_page_ids", "SIM_ENDLESS_PAGES"),
        ("endless_folder_ids", "SIM_ENDLESS_FOLDERS"),
    ):
        ids = getattr(args, name) or [int(word) for word in _words(environ.get(variable))]
        if ids:
            values[name] = frozenset(ids)
    per_folder = args.subfolders_per_folder
    if per_folder is None:
        per_folder = _int(environ.get("SIM_SUBFOLDERS_PER_FOLDER"))
    if per_folder is not None:
        values["subfolders_per_folder"] = per_folder
    return values


def _int(text: str | None) -> int | None:
    return int(text) if text and text.strip() else None


def _words(text: str | None) -> list[str]:
    return [word.strip() for word in (text or "").split(",") if word.strip()]


def expire_courses(world: World, args: argparse.Namespace) -> World:
    """The world with the courses of --expire-course expired."""
    ids = set(args.expired_course_ids or ())
    for org in world.orgs:
        for course in org.courses:
            if course.id in ids:
                course.expires_at = EXPIRED_AT
    return world
