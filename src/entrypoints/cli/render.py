"""Human output: tables and trees for orgs, batches, files and sync reports."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from cpbatch.application.use_cases import BatchFiles, DownloadResult, VerifyReport
from cpbatch.domain.models import BatchFile, FileKind, Org, OrgListing, SyncReport
from cpbatch.domain.sizes import format_bytes
from cpbatch.entrypoints.cli.safe_text import shown


def show_org(console: Console, org: Org) -> None:
    console.print(f"[bold]{shown(org.name)}[/bold]  code={org.code.value}  id={org.id}")


def show_batches(console: Console, listing: OrgListing) -> None:
    table = Table(title=f"{shown(listing.org.name)}: {len(listing.batches)} batches you can open")
    for column in ("id", "kind", "name", "files", "created"):
        table.add_column(column, justify="right" if column in ("id", "files") else "left")
    for batch in listing.batches:
        table.add_row(
            str(batch.id),
            batch.source.value,
            shown(batch.name),
            "" if batch.file_count is None else str(batch.file_count),
            batch.created.date().isoformat() if batch.created else "",
        )
    console.print(table)


def show_files(console: Console, result: BatchFiles) -> None:
    downloadable = result.downloadable
    tree = Tree(
        f"[bold]{shown(result.batch.name)}[/bold] ({result.batch.key}) — "
        f"{len(downloadable)} downloadable of {len(result.files)} items "
        "(videos and tests are listed, never downloaded)"
    )
    folders: dict[tuple[str, ...], Tree] = {(): tree}
    for file in sorted(result.files, key=lambda f: (f.folder_path, f.name.casefold())):
        node = _folder_node(folders, file.folder_path)
        if file.downloadable:
            size = f" {format_bytes(file.size)}" if file.size is not None else ""
            saved = result.paths[file.id].name
            renamed = f" → saved as {shown(saved)}" if saved != file.name else ""
            node.add(f"{shown(file.name)}  [dim]id {file.id}{size}{renamed}[/dim]")
        else:
            node.add(f"[dim]{shown(file.name)}  id {file.id} ({_why_not(file)})[/dim]")
    console.print(tree)


def _why_not(file: BatchFile) -> str:
    if file.kind in (FileKind.VIDEO, FileKind.TEST):  # a locked video is still a video
        return f"{file.kind.value}{', locked' if file.locked else ''}, not downloadable"
    if file.locked:
        return "locked"
    return "not downloadable"


def _folder_node(folders: dict[tuple[str, ...], Tree], path: tuple[str, ...]) -> Tree:
    for depth in range(1, len(path) + 1):
        key = path[:depth]
        if key not in folders:
            folders[key] = folders[key[:-1]].add(f"📁 {shown(key[-1])}")
    return folders[path]


def show_download(console: Console, result: DownloadResult) -> None:
    where = str(result.path) if result.path else "kept in the store"
    console.print(
        f"[green]✓[/green] {shown(result.file.name)} ({format_bytes(result.stored.size)}, "
        f"from {result.source}) → {shown(where)}\n  sha256 {result.stored.sha256}"
    )


def show_report(console: Console, report: SyncReport) -> None:
    table = Table(title=f"Sync of {shown(report.org.name)} ({report.org.code.value})")
    for column in (
        "found",
        "downloaded",
        "skipped",
        "not downloadable",
        "failed",
        "bytes",
        "duration",
    ):
        table.add_column(column, justify="right")
    table.add_row(
        str(report.found),
        str(report.downloaded) + (f" (+{report.planned} planned)" if report.planned else ""),
        str(report.skipped),
        str(report.not_downloadable)
        + (f" (+{report.excluded} excluded)" if report.excluded else ""),
        f"[red]{report.failed}[/red]" if report.failed else "0",
        format_bytes(report.bytes_downloaded),
        f"{report.duration_s:.2f} s",
    )
    console.print(table)
    if report.retries or report.resumed:
        console.print(
            f"Retried {_count(report.retries, 'request')}; "
            f"resumed {_count(report.resumed, 'interrupted transfer')}."
        )
    for batch_failure in report.batch_failures:
        console.print(
            f"[red]✗[/red] batch {shown(batch_failure.batch_name)} ({batch_failure.batch_id}) "
            f"could not be listed: {shown(batch_failure.reason)}"
        )
    if report.failures:
        failures = Table(title="Failed files", title_style="red")
        for column in ("file id", "batch", "name", "reason"):
            failures.add_column(column)
        for failure in report.failures:
            failures.add_row(
                str(failure.file_id),
                shown(failure.batch_name),
                shown(failure.name),
                shown(failure.reason),
            )
        console.print(failures)


VERIFY_ROWS_SHOWN = 50  # --json lists every one


def show_verify(console: Console, report: VerifyReport) -> None:
    console.print(
        f"Checked the {report.store} store: {_count(report.records_checked, 'record')}, "
        f"{_count(report.blobs_checked, 'blob')} read whole ({format_bytes(report.bytes_hashed)} "
        "hashed)."
    )
    if report.clean:
        console.print(
            "[green]✓[/green] Consistent: every record's file is stored intact, and every stored "
            "file has a record."
        )
        return
    rows = [("missing", key, "", "not in the store") for key in report.missing]
    rows += [("corrupt", c.key, _short(c.sha256), c.reason) for c in report.corrupt]
    rows += [("orphan", "", _short(sha), "no record points at it") for sha in report.orphan_blobs]
    problems = Table(title=f"{_count(report.problems, 'problem')} found", title_style="red")
    for column in ("problem", "record", "blob", "detail"):
        problems.add_column(column)
    for row in rows[:VERIFY_ROWS_SHOWN]:
        problems.add_row(*(shown(cell) for cell in row))
    console.print(problems)
    if len(rows) > VERIFY_ROWS_SHOWN:
        console.print(f"… and {len(rows) - VERIFY_ROWS_SHOWN} more (--json lists them all).")
    repaired = report.repaired
    if repaired is None:
        console.print(
            "Not repaired. [bold]cpbatch verify --repair[/bold] deletes them; the next sync "
            "then downloads the missing and corrupt files again."
        )
        return
    console.print(
        f"Repaired: deleted {_count(repaired.records_deleted, 'record')} (the next sync "
        f"downloads those files again), {_count(repaired.corrupt_blobs_deleted, 'corrupt blob')} "
        f"and {_count(repaired.orphan_blobs_deleted, 'orphan blob')}."
    )
    for failure in repaired.failures:
        console.print(f"[red]✗[/red] {shown(failure)}")


def _short(sha256: str) -> str:
    return f"{sha256[:12]}…"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
