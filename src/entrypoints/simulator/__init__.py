"""A ClassPlus simulator: the upstream JSON API and its CDN on a loopback aiohttp server.

Every test and demo runs against it; nothing here talks to the real service.
"""

from cpbatch.entrypoints.simulator.builders import (
    IdSequence,
    ItemFactory,
    folder_chain,
    folder_cycle,
    root,
    single_course_world,
)
from cpbatch.entrypoints.simulator.content import ContentSource
from cpbatch.entrypoints.simulator.demo import demo_world
from cpbatch.entrypoints.simulator.faults import FaultConfig
from cpbatch.entrypoints.simulator.generated import generated_world
from cpbatch.entrypoints.simulator.harness import Simulator, run_simulator
from cpbatch.entrypoints.simulator.stats import SimulatorStats
from cpbatch.entrypoints.simulator.world import (
    Batch,
    Course,
    Document,
    Folder,
    Org,
    Test,
    UnknownItem,
    User,
    Video,
    World,
)

__all__ = [
    "Batch",
    "ContentSource",
    "Course",
    "Document",
    "FaultConfig",
    "Folder",
    "IdSequence",
    "ItemFactory",
    "Org",
    "Simulator",
    "SimulatorStats",
    "Test",
    "UnknownItem",
    "User",
    "Video",
    "World",
    "demo_world",
    "folder_chain",
    "folder_cycle",
    "generated_world",
    "root",
    "run_simulator",
    "single_course_world",
]
