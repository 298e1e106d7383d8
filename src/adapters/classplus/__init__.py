"""The ClassPlus HTTP adapter: org lookup, listings and file bytes over aiohttp."""

from adapters.classplus.gateway import ClassPlusHttpGateway
from adapters.classplus.settings import ClassPlusSettings
from adapters.classplus.stats import GatewayStats

__all__ = ["ClassPlusHttpGateway", "ClassPlusSettings", "GatewayStats"]
