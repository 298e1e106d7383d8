"""Hand-written in-memory fakes of every port, and builders for tokens and small worlds.

Each fake keeps its state in plain attributes so tests can arrange and inspect it directly.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections import Counter
from collections.abc import AsyncIterable, AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from cpbatch.application.blob_cache import MemoryBlobCache, TieredBlobStore
from cpbatch.application.fetching import FileFetcher
from cpbatch.application.listings import ListingService
from cpbatch.domain.errors import (
    AuthenticationError,
    CredentialError,
    NotDownloadableError,
    OrgCodeNotFoundError,
    StorageError,
    ValidationError,
)
from cpbatch.domain.identifiers import AccessToken, OrgCode
from cpbatch.domain.models import (
    Batch,
    BatchFile,
    BatchSource,
    FileKind,
    FileOutcome,
    FileRecord,
    Org,
    OrgListing,
    StoredFile,
    SyncReport,
)


def make_token(label: str = "a") -> AccessToken:
    """A token-shaped string built at runtime; `label` tells users apart (letters only)."""
    return AccessToken.parse("eyJ" + label * 10 + ".b.c")


class FakeClock:
    """A monotonic clock that only moves when told to."""

    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


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
    """ClassPlusGateway over in-memory orgs, batches and file bytes, with per-token grants."""

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
        self.closed = False
        # OTP login: accounts by (org code, mobile); the code ClassPlus "texts" is otp_code.
        self.accounts: dict[tuple[str, str], AccessToken] = {}
        self.otp_code = "123456"
        self.otp_sessions: dict[str, tuple[str, str]] = {}  # session id -> (org code, mobile)
        self.otp_error: BaseException | None = None  # raised by request_otp when set
        self.retry_count = 0  # what `retries` reports; tests raise it to simulate retries

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

    async def close(self) -> None:
        self.closed = True

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
    def retries(self) -> int:
        return self.retry_count

    @property
    def total_opens(self) -> int:
        return sum(self.opens.values())


class InMemoryBlobStore:
    """BlobStore in a dict; `name` lets it pose as "filesystem" or "gridfs"."""

    def __init__(self, name: str = "filesystem") -> None:
        self.name = name
        self.blobs: dict[str, bytes] = {}

    async def put(self, chunks: AsyncIterable[bytes]) -> StoredFile:
        data = b"".join([chunk async for chunk in chunks])  # nothing is kept if this raises
        digest = hashlib.sha256(data).hexdigest()
        self.blobs.setdefault(digest, data)
        return StoredFile(digest, len(data), f"{self.name}:{digest}")

    async def read(self, sha256: str) -> AsyncIterator[bytes]:
        data = self._get(sha256)
        for start in range(0, len(data), 8):
            yield data[start : start + 8]

    async def stat(self, sha256: str) -> int | None:
        data = self.blobs.get(sha256)
        return None if data is None else len(data)

    async def delete(self, sha256: str) -> None:
        self.blobs.pop(sha256, None)

    async def export(
        self, sha256: str, destination: Path, *, replace: bool = True, within: Path | None = None
    ) -> None:
        data = self._get(sha256)
        if not replace and destination.exists():
            return
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)

    async def digests(self) -> AsyncIterator[str]:
        for digest in list(self.blobs):
            yield digest

    def _get(self, sha256: str) -> bytes:
        if sha256 not in self.blobs:
            raise StorageError(f"Stored file {sha256[:12]} is missing.")
        return self.blobs[sha256]


class InMemoryMetadataRepository:
    """MetadataRepository in dicts; listing ages are measured with the injected clock."""

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self.clock = clock or FakeClock()
        self.file_records: dict[str, FileRecord] = {}
        self.org_listings: dict[tuple[str, str], tuple[float, OrgListing]] = {}
        self.batch_listings: dict[tuple[str, int, str], tuple[float, tuple[BatchFile, ...]]] = {}
        self.syncs: list[SyncReport] = []
        self.closed = False

    async def get_records(self, keys: Sequence[str]) -> dict[str, FileRecord]:
        return {k: self.file_records[k] for k in keys if k in self.file_records}

    async def save_record(self, record: FileRecord) -> None:
        self.file_records[record.key] = record

    async def delete_record(self, key: str) -> None:
        self.file_records.pop(key, None)

    async def records(self) -> AsyncIterator[FileRecord]:
        for record in list(self.file_records.values()):
            yield record

    async def load_org_listing(
        self, principal: str, org_code: str, max_age_s: float
    ) -> OrgListing | None:
        entry = self.org_listings.get((principal, org_code))
        return entry[1] if entry and self.clock() - entry[0] < max_age_s else None

    async def save_org_listing(self, principal: str, listing: OrgListing) -> None:
        self.org_listings[(principal, listing.org.code.value)] = (self.clock(), listing)

    async def load_batch_files(
        self, principal: str, batch: Batch, max_age_s: float
    ) -> list[BatchFile] | None:
        entry = self.batch_listings.get((principal, batch.org.id, batch.key))
        return list(entry[1]) if entry and self.clock() - entry[0] < max_age_s else None

    async def save_batch_files(
        self, principal: str, batch: Batch, files: Sequence[BatchFile]
    ) -> None:
        self.batch_listings[(principal, batch.org.id, batch.key)] = (self.clock(), tuple(files))

    async def record_sync(self, report: SyncReport) -> None:
        self.syncs.append(report)

    async def close(self) -> None:
        self.closed = True


class FakeCipher:
    """SecretCipher that scrambles (never stores plaintext) and knows which key it used."""

    def __init__(self, key: int = 0x5A) -> None:
        self.key = key

    def encrypt(self, plaintext: str) -> bytes:
        scrambled = bytes(b ^ self.key for b in plaintext.encode())
        return f"fake{self.key}:".encode() + base64.b64encode(scrambled)

    def decrypt(self, ciphertext: bytes) -> str:
        prefix = f"fake{self.key}:".encode()
        if not ciphertext.startswith(prefix):
            raise CredentialError("Stored credentials were encrypted with another key.")
        scrambled = base64.b64decode(ciphertext[len(prefix) :])
        return bytes(b ^ self.key for b in scrambled).decode()


class InMemoryCredentialRepository:
    """CredentialRepository in a dict keyed by (user id, org code)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[int, str], bytes] = {}

    async def save_credential(self, user_id: int, org_code: str, ciphertext: bytes) -> None:
        self.rows[(user_id, org_code)] = ciphertext

    async def load_credential(self, user_id: int, org_code: str) -> bytes | None:
        return self.rows.get((user_id, org_code))

    async def delete_credentials(self, user_id: int, org_code: str | None = None) -> int:
        doomed = [k for k in self.rows if k[0] == user_id and org_code in (None, k[1])]
        for key in doomed:
            del self.rows[key]
        return len(doomed)

    async def credential_orgs(self, user_id: int) -> list[str]:
        return sorted(org for user, org in self.rows if user == user_id)


class InMemoryRemoteFileIds:
    """RemoteFileIdRepository in a dict keyed by (sha256, part)."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, int], str] = {}

    async def load_remote_file_id(self, sha256: str, part: int = 0) -> str | None:
        return self.ids.get((sha256, part))

    async def save_remote_file_id(self, sha256: str, remote_id: str, part: int = 0) -> None:
        self.ids[(sha256, part)] = remote_id


@dataclass
class RecordingProgress:
    """SyncProgress that keeps what it was told; `events` keeps (event, file id) in order."""

    events: list[tuple[str, int]] = field(default_factory=list)
    listed: dict[int, int] = field(default_factory=dict)  # batch id -> items
    planned: list[tuple[int, int]] = field(default_factory=list)  # (files, known bytes)
    started: dict[int, int | None] = field(default_factory=dict)  # file id -> announced size
    received: Counter[int] = field(default_factory=Counter)  # file id -> bytes
    finished: dict[int, tuple[FileOutcome, str | None]] = field(default_factory=dict)

    def batch_listed(self, batch: Batch, files: int) -> None:
        self.listed[batch.id] = files

    def sync_planned(self, org: Org, files: int, known_bytes: int) -> None:
        self.planned.append((files, known_bytes))

    def file_started(self, file: BatchFile, size: int | None) -> None:
        self.events.append(("file_started", file.id))
        self.started[file.id] = size

    def bytes_received(self, file: BatchFile, count: int) -> None:
        self.events.append(("bytes_received", file.id))
        self.received[file.id] += count

    def file_finished(self, file: BatchFile, outcome: FileOutcome, detail: str | None) -> None:
        self.events.append(("file_finished", file.id))
        self.finished[file.id] = (outcome, detail)


@dataclass
class Services:
    """The application wired over fakes, the way the container wires it over real adapters."""

    gateway: FakeClassPlus
    store: InMemoryBlobStore
    blobs: TieredBlobStore
    repository: InMemoryMetadataRepository
    clock: FakeClock
    listings: ListingService
    fetcher: FileFetcher


def build_services(
    gateway: FakeClassPlus,
    *,
    tiers: Sequence[InMemoryBlobStore] | None = None,
    memory: MemoryBlobCache | None = None,
    ttl_s: float = 300.0,
) -> Services:
    """`tiers` fastest first (the last is the store of record); default: one "filesystem"."""
    stores = list(tiers) if tiers else [InMemoryBlobStore("filesystem")]
    clock = FakeClock()
    repository = InMemoryMetadataRepository(clock)
    blobs = TieredBlobStore(memory, stores)
    return Services(
        gateway=gateway,
        store=stores[-1],
        blobs=blobs,
        repository=repository,
        clock=clock,
        listings=ListingService(gateway, repository, ttl_s, clock=clock),
        fetcher=FileFetcher(gateway, blobs, repository),
    )
