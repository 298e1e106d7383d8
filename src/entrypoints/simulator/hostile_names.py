"""A world option: names a hostile (or careless) upstream could send, to test what clients print.

Every org, course, batch, folder and item gets a name holding Rich markup (`[/x]`, which
crashes an unescaped Rich print, and `[link=…]`), terminal escapes (an OSC window title, a
clear-screen CSI, a bell), a newline and a bidirectional override. Ids, sizes and bytes stay the
same, so a manifest still matches what a sync stores."""

from __future__ import annotations

from cpbatch.entrypoints.simulator.world import Folder, World, walk_folders

ORG_MARK = " [/x] [link=https://evil.example]Academy[/link] \x1b]0;pwned\x07"
BATCH_MARK = " \x1b[2J\x1b[H[bold red]cleared[/]"
FOLDER_MARK = " \x1b[31mred\x1b[0m"
ITEM_MARK = " line one\nline two \u202eevil"


def with_hostile_names(world: World) -> World:
    """The same world, renamed in place (and returned)."""
    renamed: set[int] = set()  # shared folders and items are reached more than once
    for org in world.orgs:
        org.name += ORG_MARK
        for course in org.courses:
            course.name += BATCH_MARK
            _rename_below(course.root, renamed)
        for batch in org.batches:
            batch.name += BATCH_MARK
            _rename_below(batch.root, renamed)
    return world


def _rename_below(root: Folder, renamed: set[int]) -> None:
    for folder, _ in walk_folders(root, follow_shared=True):
        for item in folder.items:
            if id(item) in renamed:
                continue
            renamed.add(id(item))
            if isinstance(item, Folder):
                item.name += FOLDER_MARK
            else:
                item.name = _before_extension(item.name, ITEM_MARK)


def _before_extension(name: str, mark: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return f"{stem}{mark}{dot}{ext}" if dot and stem else name + mark
