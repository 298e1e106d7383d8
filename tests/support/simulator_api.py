"""A small client for the simulator's own tests: calls it like ClassPlus's web app would."""

from __future__ import annotations

from typing import Any

import aiohttp

from cpbatch.entrypoints.simulator import Simulator


class Api:
    """Calls the simulator like a client would, returning (HTTP status, JSON body)."""

    def __init__(
        self, session: aiohttp.ClientSession, sim: Simulator, org_code: str = "learnwell"
    ) -> None:
        self.session = session
        self.sim = sim
        self.token: str | None = sim.token_for(org_code)

    def headers(self, token: str | None) -> dict[str, str]:
        chosen = self.token if token is None else token
        return {"x-access-token": chosen} if chosen else {}

    async def get(
        self, path: str, token: str | None = None, **params: Any
    ) -> tuple[int, dict[str, Any]]:
        query = {key: str(value) for key, value in params.items()}
        async with self.session.get(
            self.sim.base_url + path, params=query, headers=self.headers(token)
        ) as response:
            return response.status, await response.json(content_type=None)

    async def post(
        self, path: str, body: dict[str, Any], token: str | None = None
    ) -> tuple[int, dict[str, Any]]:
        async with self.session.post(
            self.sim.base_url + path, json=body, headers=self.headers(token)
        ) as response:
            return response.status, await response.json(content_type=None)

    async def content(self, course_id: int, folder_id: int = 0, **params: Any) -> list[Any]:
        status, body = await self.get(
            "/v2/course/content/get", courseId=course_id, folderId=folder_id, **params
        )
        assert status == 200, body
        items: list[Any] = body["data"]["courseContent"]
        return items
