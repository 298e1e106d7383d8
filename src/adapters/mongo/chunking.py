"""Cutting a stream of byte pieces of any size into GridFS chunks. Pure, no I/O."""

from __future__ import annotations


class ChunkSplitter:
    """Yields chunks of exactly `chunk_size` bytes as soon as they are complete; `finish`
    returns the shorter last one. Holds less than one chunk between calls."""

    def __init__(self, chunk_size: int) -> None:
        if chunk_size <= 0:
            raise ValueError("chunk_size must be positive")
        self.chunk_size = chunk_size
        self._pending = bytearray()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def feed(self, data: bytes) -> list[bytes]:
        size = self.chunk_size
        view = memoryview(data)
        chunks: list[bytes] = []
        if self._pending:
            take = min(size - len(self._pending), len(view))
            self._pending += view[:take]
            view = view[take:]
            if len(self._pending) < size:
                return chunks
            chunks.append(bytes(self._pending))
            self._pending.clear()
        whole = len(view) - len(view) % size
        chunks.extend(bytes(view[start : start + size]) for start in range(0, whole, size))
        self._pending += view[whole:]
        return chunks

    def finish(self) -> bytes:
        """The last, shorter chunk (b"" when the stream ended on a chunk boundary)."""
        last = bytes(self._pending)
        self._pending.clear()
        return last
