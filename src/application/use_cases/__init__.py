"""One module per use case: a small class, ports through the constructor, one execute()."""

from cpbatch.application.use_cases.check_access import CheckAccess
from cpbatch.application.use_cases.download_batch import DownloadBatch, DownloadResult
from cpbatch.application.use_cases.get_batch_files import BatchFiles, GetBatchFiles
from cpbatch.application.use_cases.get_batches import GetBatches, LookupOrg
from cpbatch.application.use_cases.get_file_info import GetFileInfo
from cpbatch.application.use_cases.log_in import CheckToken, RequestOtp, VerifyOtp
from cpbatch.application.use_cases.read_file import ReadFile
from cpbatch.application.use_cases.sync_org import SyncOrg, SyncRequest
from cpbatch.application.use_cases.verify_placements import PlacementReport, VerifyPlacements
from cpbatch.application.use_cases.verify_store import VerifyStore
from cpbatch.application.verify_report import CorruptBlob, RepairSummary, VerifyReport

__all__ = [
    "BatchFiles",
    "CheckAccess",
    "CheckToken",
    "CorruptBlob",
    "DownloadBatch",
    "DownloadResult",
    "GetBatchFiles",
    "GetBatches",
    "GetFileInfo",
    "LookupOrg",
    "PlacementReport",
    "ReadFile",
    "RepairSummary",
    "RequestOtp",
    "SyncOrg",
    "SyncRequest",
    "VerifyOtp",
    "VerifyPlacements",
    "VerifyReport",
    "VerifyStore",
]
