"""Sending many files in one job (download-all, /sync): one failure never stops the others,
an expired login stops them all, and the tally becomes the job's summary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cpbatch.application.bot import delivery_texts as say
from cpbatch.application.bot import texts
from cpbatch.application.bot.delivery import FileSender
from cpbatch.application.bot.progress import ProgressMessage
from cpbatch.application.logs import get_logger
from cpbatch.domain.errors import AuthenticationError, CpbatchError
from cpbatch.domain.identifiers import AccessToken
from cpbatch.domain.models import BatchFile

log = get_logger(__name__)


@dataclass
class BulkResult:
    sent: int = 0
    reused: int = 0  # sent by a remembered id, no upload
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)


async def send_many(
    sender: FileSender,
    chat_id: int,
    token: AccessToken,
    files: Sequence[BatchFile],
    progress: ProgressMessage,
) -> BulkResult:
    """Send each file in turn (all taken from the caller's own listing)."""
    result = BulkResult()
    for number, file in enumerate(files, start=1):
        progress.heading = say.bulk_heading(number, len(files), file.name)
        progress.phase(texts.PREPARING)
        try:
            sent = await sender.send(chat_id, token, file, progress)
        except AuthenticationError:
            raise  # no other file would work either
        except CpbatchError as error:
            result.failures.append((file.name, str(error)))
            continue
        except Exception:  # one bad file must not stop the others
            log.exception("bot_bulk_file_failed", file_id=file.id)
            result.failures.append((file.name, say.UNEXPECTED_REASON))
            continue
        result.sent += 1
        result.reused += not sent.uploaded
    return result
