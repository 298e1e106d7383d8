"""The ClassPlus HTTP adapter: org lookup, listings and file bytes over aiohttp."""

from cpbatch.adapters.classplus.gateway import ClassPlusHttpGateway
from cpbatch.adapters.classplus.settings import ClassPlusSettings
from cpbatch.adapters.classplus.stats import GatewayStats

__all__ = ["ClassPlusHttpGateway", "ClassPlusSettings", "GatewayStats"]
