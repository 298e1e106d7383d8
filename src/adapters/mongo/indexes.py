"""The indexes each collection needs, as data. `ensure` creates them; creating an index that
already exists with the same keys and options is a no-op on the server, so it is idempotent.

Names are fixed so a changed option surfaces as a clear conflict instead of a duplicate index.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pymongo import ASCENDING, DESCENDING, IndexModel

from cpbatch.adapters.mongo.handles import Database
from cpbatch.adapters.mongo.queries import BLOB_DIGEST

FILE_RECORDS = "file_records"
PLACEMENTS = "placements"
ORG_LISTINGS = "org_listings"
BATCH_LISTINGS = "batch_listings"
SYNC_RUNS = "sync_runs"
CREDENTIALS = "credentials"
REMOTE_FILE_IDS = "remote_file_ids"
WATCH_SUBSCRIPTIONS = "watch_subscriptions"
WATCH_SCHEDULES = "watch_schedules"
WATCH_DELIVERIES = "watch_deliveries"
WATCH_PREFERENCES = "watch_preferences"
EXPIRES_AT = "expires_at"


def _expiry() -> IndexModel:
    # TTL monitors run about once a minute: the max_age check on read stays authoritative;
    # this index only collects listings nobody will ask for again.
    return IndexModel([(EXPIRES_AT, ASCENDING)], name="expires_at_ttl", expireAfterSeconds=0)


def metadata_indexes() -> Mapping[str, Sequence[IndexModel]]:
    """Collection name -> its secondary indexes (every `_id` is indexed and unique already)."""
    return {
        FILE_RECORDS: [IndexModel([("sha256", ASCENDING)], name="sha256")],
        ORG_LISTINGS: [_expiry()],
        BATCH_LISTINGS: [_expiry()],
        SYNC_RUNS: [
            IndexModel([("org_code", ASCENDING), ("finished_at", DESCENDING)], name="org_finished"),
            IndexModel([("finished_at", DESCENDING)], name="finished"),
        ],
        CREDENTIALS: [IndexModel([("user_id", ASCENDING), ("org_code", ASCENDING)], name="user")],
        WATCH_SUBSCRIPTIONS: [
            IndexModel([("org_code", ASCENDING), ("batch_key", ASCENDING)], name="batch"),
            IndexModel([("user_id", ASCENDING), ("created_at", ASCENDING)], name="user"),
        ],
        WATCH_SCHEDULES: [IndexModel([("next_check_at", ASCENDING)], name="due")],
        WATCH_DELIVERIES: [
            IndexModel([("user_id", ASCENDING), ("file_id", ASCENDING)], name="user_file")
        ],
    }


def gridfs_indexes(bucket: str) -> Mapping[str, Sequence[IndexModel]]:
    """The GridFS spec's two indexes (same keys and options as the drivers create), plus a
    unique index on the content digest: at most one visible file per sha256, whoever wins a
    race of concurrent writers. Partial, so it only constrains documents that carry one."""
    return {
        f"{bucket}.files": [
            IndexModel([("filename", ASCENDING), ("uploadDate", ASCENDING)]),
            IndexModel(
                [(BLOB_DIGEST, ASCENDING)],
                name="metadata_sha256_unique",
                unique=True,
                partialFilterExpression={BLOB_DIGEST: {"$type": "string"}},
            ),
        ],
        f"{bucket}.chunks": [
            IndexModel([("files_id", ASCENDING), ("n", ASCENDING)], unique=True),
        ],
    }


async def ensure(db: Database, specs: Mapping[str, Sequence[IndexModel]]) -> None:
    for collection, indexes in specs.items():
        await db[collection].create_indexes(list(indexes))
