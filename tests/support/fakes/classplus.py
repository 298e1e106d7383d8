"""A fake ClassPlus: orgs, batches, files, grants and OTP accounts arranged in attributes,
and the CoursePlatform and OtpLogin ports over them."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, replace

from cpbatch.domain.errors import (
    AuthenticationError,
    NotDownloadableError,
    OrgCodeNotFoundError,
    ValidationError,
)
from cpbatch.domain.identifiers import AccessToken, OrgCode
from cpbatch.domain.models import (
    Batch,
    BatchFile,
    BatchSource,
    FileKind,
    Org,
)


@dataclass
class FakeFileStream:
    size: int | None
    data: bytes
    chunk_size: int
    fail_after: tuple[int, BaseException] | None
    gateway: FakeClassPlus
    resumes: int = 0

    async def chunks(self) -> AsyncIterator[bytes]:
        limit = len(self.data) if self.fail_after is None else self.fail_after[0]
        for start in range(0, limit, self.chunk_size):
            if self.gateway.yield_per_chunk:
                await asyncio.sleep(0)
            piece = self.data[start : min(start + self.chunk_size, limit)]
            self.gateway.bytes_served += len(piece)
            yield piece
        if self.fail_after is not None:
            raise self.fail_after[1]


class FakeClassPlus:
    """CoursePlatform and OtpLogin over in-memory orgs, batches and file bytes, with grants
    per token."""

    def __init__(
        self, *, chunk_size: int = 4, yield_per_chunk: bool = True, listed_sizes: bool = True
    ) -> None:
        self.chunk_size = chunk_size
        # False fakes ClassPlus as it is: listings carry no sizes, known only once downloaded.
        self.listed_sizes = listed_sizes
        self.yield_per_chunk = yield_per_chunk
        self.orgs: dict[str, Org] = {}
        self.batches: list[Batch] = []
        self.files: dict[int, BatchFile] = {}  # by id, in listing order
        self.content: dict[int, bytes] = {}
        self.grants: dict[str, set[Batch]] = {}  # token principal -> batches it can open
        self.fail_on_open: dict[int, BaseException] = {}
        self.fail_listing: dict[int, BaseException] = {}  # batch id -> error of list_files
        self.fail_after_bytes: dict[int, tuple[int, BaseException]] = {}
        self.announced_size: dict[int, int | None] = {}
        self.calls: Counter[str] = Counter()
        self.opens: Counter[int] = Counter()
        self.bytes_served = 0
        self.open_now = 0
        self.open_max = 0
        # OTP login: accounts by (org code, mobile); the code ClassPlus "texts" is otp_code.
        self.accounts: dict[tuple[str, str], AccessToken] = {}
        self.otp_code = "123456"
        self.otp_sessions: dict[str, tuple[str, str]] = {}  # session id -> (org code, mobile)
        self.otp_error: BaseException | None = None  # raised by request_otp when set

    # -- arranging the world ------------------------------------------------------------
    def add_org(self, code: str = "demo", org_id: int = 7, name: str = "Demo Academy") -> Org:
        org = Org(OrgCode.parse(code), org_id, name)
        self.orgs[org.code.value] = org
        return org

    def add_batch(
        self, org: Org, batch_id: int, name: str = "", source: BatchSource = BatchSource.COURSE
    ) -> Batch:
        batch = Batch(batch_id, name or f"Batch {batch_id}", org, source)
        self.batches.append(batch)
        return batch

    def add_file(
        self,
        batch: Batch,
        file_id: int,
        name: str = "",
        content: bytes | None = None,
        *,
        folders: tuple[str, ...] = (),
        kind: FileKind = FileKind.DOCUMENT,
        version: str = "v1",
    ) -> BatchFile:
        data = content if content is not None else f"content of file {file_id}".encode()
        file = BatchFile(
            id=file_id,
            batch=batch,
            folder_path=folders,
            name=name or f"file-{file_id}.pdf",
            kind=kind,
            version=version,
            url=f"https://cdn.example.invalid/{file_id}" if kind.downloadable else None,
            size=len(data) if kind.downloadable and self.listed_sizes else None,
        )
        self.files[file_id] = file
        self.content[file_id] = data
        return file

    def change_file(self, file_id: int, content: bytes, version: str) -> BatchFile:
        """Upstream publishes a new version of the file under the same id."""
        size = len(content) if self.listed_sizes else None
        self.files[file_id] = replace(self.files[file_id], version=version, size=size)
        self.content[file_id] = content
        return self.files[file_id]

    def grant(self, token: AccessToken, *batches: Batch) -> None:
        self.grants.setdefault(token.principal, set()).update(batches)

    # -- the port -------------------------------------------------------------------------
    async def lookup_org(self, code: OrgCode) -> Org:
        self.calls["lookup_org"] += 1
        if code.value not in self.orgs:
            raise OrgCodeNotFoundError(f"No organization has the code {code.value!r}.")
        return self.orgs[code.value]

    async def list_batches(self, org: Org, token: AccessToken) -> list[Batch]:
        self.calls["list_batches"] += 1
        granted = self._granted(token)
        return [b for b in self.batches if b.org == org and b in granted]

    async def list_files(self, batch: Batch, token: AccessToken) -> list[BatchFile]:
        self.calls["list_files"] += 1
        if batch.id in self.fail_listing:
            raise self.fail_listing[batch.id]
        if batch not in self._granted(token):
            raise AuthenticationError("Your account cannot open this batch.")
        return [f for f in self.files.values() if f.batch == batch]

    def open_file(
        self, file: BatchFile, *, start: int = 0
    ) -> AbstractAsyncContextManager[FakeFileStream]:
        return self._open(file, start)

    @asynccontextmanager
    async def _open(self, file: BatchFile, start: int) -> AsyncIterator[FakeFileStream]:
        self.opens[file.id] += 1
        if not file.downloadable:
            raise NotDownloadableError(f"{file.name} is not downloadable.")
        if file.id in self.fail_on_open:
            raise self.fail_on_open[file.id]
        data = self.content[file.id][start:]
        self.open_now += 1
        self.open_max = max(self.open_max, self.open_now)
        try:
            await asyncio.sleep(0)
            yield FakeFileStream(
                size=self.announced_size.get(file.id, len(self.content[file.id])),
                data=data,
                chunk_size=self.chunk_size,
                fail_after=self.fail_after_bytes.get(file.id),
                gateway=self,
            )
        finally:
            self.open_now -= 1

    # -- OTP login and token checks -------------------------------------------------------
    def add_account(self, org: Org, mobile: str, token: AccessToken) -> None:
        """A user registered in `org` with this mobile number, whose login yields `token`."""
        self.accounts[(org.code.value, mobile)] = token

    async def request_otp(self, org: Org, mobile: str) -> str:
        self.calls["request_otp"] += 1
        if self.otp_error is not None:
            raise self.otp_error
        if not mobile.lstrip("+").isdigit():
            raise ValidationError("ClassPlus did not accept that mobile number.")
        session_id = f"otp-session-{len(self.otp_sessions) + 1}"
        self.otp_sessions[session_id] = (org.code.value, mobile)
        return session_id

    async def verify_otp(self, org: Org, mobile: str, session_id: str, otp: str) -> AccessToken:
        self.calls["verify_otp"] += 1
        if self.otp_sessions.get(session_id) != (org.code.value, mobile) or otp != self.otp_code:
            raise AuthenticationError("That one-time code is wrong or has expired.")
        token = self.accounts.get((org.code.value, mobile))
        if token is None:
            raise AuthenticationError(f"This mobile number is not registered with {org.name}.")
        return token

    async def check_token(self, org: Org, token: AccessToken) -> None:
        self.calls["check_token"] += 1
        self._granted(token)

    def _granted(self, token: AccessToken) -> set[Batch]:
        if token.principal not in self.grants:
            raise AuthenticationError("Your ClassPlus token is not valid.")
        return self.grants[token.principal]

    @property
    def total_opens(self) -> int:
        return sum(self.opens.values())
