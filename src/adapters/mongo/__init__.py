"""MongoDB storage: GridFS blobs and metadata (records, listing cache, sync runs, the bot's
credentials and remote file ids). Open the client with `open_mongo` at start, build the
adapters on its database, and close the client at shutdown."""

from cpbatch.adapters.mongo.blob_store import GridFSBlobStore
from cpbatch.adapters.mongo.connection import mongo_database, open_mongo, redact_uri
from cpbatch.adapters.mongo.metadata import MongoMetadata

__all__ = [
    "GridFSBlobStore",
    "MongoMetadata",
    "mongo_database",
    "open_mongo",
    "redact_uri",
]
