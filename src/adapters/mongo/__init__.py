"""MongoDB storage: GridFS blobs and metadata (records, listing cache, sync runs, the bot's
credentials and remote file ids). Open the client with `open_mongo` at start, build the
adapters on its database, and close the client at shutdown."""

from adapters.mongo.blob_store import GridFSBlobStore
from adapters.mongo.connection import mongo_database, open_mongo, redact_uri
from adapters.mongo.metadata import MongoMetadataRepository

__all__ = [
    "GridFSBlobStore",
    "MongoMetadataRepository",
    "mongo_database",
    "open_mongo",
    "redact_uri",
]
