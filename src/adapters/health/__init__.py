"""The health endpoint: GET /healthz over aiohttp, for platforms that probe a web service."""

from cpbatch.adapters.health.app import HEALTH_PATH, HealthCheck, health_app
from cpbatch.adapters.health.reasons import short_reason, storage_status
from cpbatch.adapters.health.server import serve_health

__all__ = [
    "HEALTH_PATH",
    "HealthCheck",
    "health_app",
    "serve_health",
    "short_reason",
    "storage_status",
]
