"""Sizes of each scenario: `full` (the targets of the issue) and `smoke` (seconds, for CI)."""

from __future__ import annotations

from dataclasses import dataclass

from bench.simulator_process import WorldSpec

GIB = 1024**3
MIB = 1024**2
ALL_SCENARIOS = ("S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8")


@dataclass(frozen=True)
class Profile:
    name: str
    s1_world: WorldSpec  # S1 and S3 share this world (and its simulator)
    s2_world: WorldSpec
    s4_world: WorldSpec
    s5_worlds: tuple[WorldSpec, ...]
    repeat: dict[str, int]  # repetitions per scenario
    warmup: int  # untimed runs of each command before the timed pairs (S1, S2)
    s4_iterations: dict[str, int]  # per cache tier

    def with_repeat(self, repeat: int | None, warmup: int | None) -> Profile:
        return Profile(
            name=self.name,
            s1_world=self.s1_world,
            s2_world=self.s2_world,
            s4_world=self.s4_world,
            s5_worlds=self.s5_worlds,
            repeat=self.repeat if repeat is None else dict.fromkeys(self.repeat, repeat),
            warmup=self.warmup if warmup is None else warmup,
            s4_iterations=self.s4_iterations,
        )


def _s4_world(size: int) -> WorldSpec:
    # Two files of the same size: one warms the listing and the connection, one is measured.
    return WorldSpec(files=2, min_size=size, max_size=size, folder_depth=1)


def _s5_worlds(*counts: int) -> tuple[WorldSpec, ...]:
    return tuple(WorldSpec(files=n, min_size=1024, max_size=1024) for n in counts)


FULL = Profile(
    name="full",
    s1_world=WorldSpec(files=300, min_size=50_000, max_size=2_000_000),
    s2_world=WorldSpec(files=0, large_files=(2 * GIB,)),
    s4_world=_s4_world(1 * MIB),
    s5_worlds=_s5_worlds(1_000, 5_000, 20_000),
    repeat={"S1": 5, "S2": 3, "S3": 5, "S5": 2, "S7": 20, "S8": 3},
    warmup=1,
    s4_iterations={"memory": 500, "filesystem": 200, "upstream": 20},
)

SMOKE = Profile(
    name="smoke",
    s1_world=WorldSpec(files=6, min_size=1_000, max_size=20_000, folder_depth=2, per_folder=2),
    s2_world=WorldSpec(files=0, large_files=(3 * MIB,)),
    s4_world=_s4_world(1 * MIB),
    s5_worlds=_s5_worlds(20, 40, 80),
    repeat={"S1": 1, "S2": 1, "S3": 1, "S5": 1, "S7": 3, "S8": 1},
    warmup=0,
    s4_iterations={"memory": 20, "filesystem": 10, "upstream": 2},
)

PROFILES = {profile.name: profile for profile in (FULL, SMOKE)}
