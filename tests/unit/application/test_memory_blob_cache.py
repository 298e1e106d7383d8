"""MemoryBlobCache: small blobs in process memory, least recently used evicted past a byte cap."""

from cpbatch.application.blob_cache import MemoryBlobCache


def test_a_kept_blob_is_returned_and_counted() -> None:
    cache = MemoryBlobCache(max_bytes=100, max_item_bytes=50)

    cache.put("a", b"12345")

    assert cache.get("a") == b"12345"
    assert cache.get("missing") is None
    assert cache.size == 5


def test_the_least_recently_put_blob_is_evicted_past_the_byte_cap() -> None:
    cache = MemoryBlobCache(max_bytes=10, max_item_bytes=10)
    for key in "abc":
        cache.put(key, b"1234")

    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (None, b"1234", b"1234")
    assert cache.size == 8


def test_reading_a_blob_saves_it_from_the_next_eviction() -> None:
    cache = MemoryBlobCache(max_bytes=10, max_item_bytes=10)
    cache.put("a", b"1234")
    cache.put("b", b"1234")

    cache.get("a")
    cache.put("c", b"1234")

    assert cache.get("a") is not None
    assert cache.get("b") is None


def test_one_large_blob_can_evict_several_small_ones() -> None:
    cache = MemoryBlobCache(max_bytes=10, max_item_bytes=10)
    for key in "abcd":
        cache.put(key, b"12")

    cache.put("big", b"1234567")

    assert [k for k in "abcd" if cache.get(k) is not None] == ["d"]
    assert cache.size == 9


def test_blobs_above_the_item_cap_are_not_kept() -> None:
    cache = MemoryBlobCache(max_bytes=100, max_item_bytes=4)

    cache.put("big", b"12345")

    assert not cache.accepts(5)
    assert cache.accepts(4)
    assert cache.get("big") is None
    assert cache.size == 0


def test_the_item_cap_never_exceeds_the_byte_cap() -> None:
    cache = MemoryBlobCache(max_bytes=4, max_item_bytes=1_000)

    cache.put("big", b"12345")

    assert not cache.accepts(5)
    assert cache.get("big") is None


def test_putting_the_same_blob_twice_counts_it_once() -> None:
    cache = MemoryBlobCache(max_bytes=100, max_item_bytes=50)

    cache.put("a", b"1234")
    cache.put("a", b"1234")

    assert cache.size == 4


def test_discarding_frees_its_bytes_and_tolerates_missing_blobs() -> None:
    cache = MemoryBlobCache(max_bytes=100, max_item_bytes=50)
    cache.put("a", b"1234")

    cache.discard("a")
    cache.discard("never there")

    assert cache.get("a") is None
    assert cache.size == 0
