"""The aiohttp application: routes and middlewares over one simulator state."""

from __future__ import annotations

from collections.abc import Sequence

from aiohttp import web
from aiohttp.typedefs import Middleware

from cpbatch.entrypoints.simulator import (
    routes_auth,
    routes_batches,
    routes_control,
    routes_courses,
    routes_files,
)
from cpbatch.entrypoints.simulator.middlewares import api_faults, count_requests, failure_envelopes
from cpbatch.entrypoints.simulator.state import STATE_KEY, SimulatorState

FILE_PATH = r"/production/{org_id:\d+}/{uuid:[0-9A-Za-z_-]+}.{ext:[0-9A-Za-z]+}"


def build_app(
    state: SimulatorState, middlewares: Sequence[Middleware] = (), *, control: bool = False
) -> web.Application:
    """`middlewares` (a test's own) run innermost, after counting and fault injection;
    `control` adds the routes that publish files while it runs."""
    app = web.Application(middlewares=[count_requests, failure_envelopes, api_faults, *middlewares])
    app[STATE_KEY] = state
    router = app.router
    router.add_get("/v2/orgs/{org_code}", routes_auth.get_org, name="org")
    router.add_post("/v2/otp/generate", routes_auth.generate_otp, name="otp_generate")
    router.add_post("/v2/users/verify", routes_auth.verify_otp, name="users_verify")
    router.add_get("/v2/courses", routes_courses.list_courses, name="courses")
    router.add_get("/v2/course/content/get", routes_courses.course_content, name="course_content")
    router.add_get("/v2/batches/details", routes_batches.list_batches, name="batches")
    router.add_post("/v2/folder", routes_batches.batch_folder, name="folder")
    router.add_post("/v2/folder/{folder_id}", routes_batches.batch_folder, name="folder_sub")
    router.add_get(FILE_PATH, routes_files.serve_file, name="file")
    router.add_get("/media-cdn/{tail:.*}", routes_files.media_cdn, name="media_cdn")
    if control:
        router.add_post("/_control/publish", routes_control.publish_file, name="publish")
        router.add_post("/_control/revise", routes_control.revise_file, name="revise")
    return app
