"""What every log line of a bot update carries besides the user and chat: the command, and the
org and batch the update is about. Only what parses as one is taken from what people typed:
anything else may be anything, a pasted token included."""

from __future__ import annotations

from cpbatch.application.bot.callbacks import Action
from cpbatch.application.bot.gate import parse_command
from cpbatch.application.bot.state import AwaitingMobile, AwaitingOtp, AwaitingToken, Step
from cpbatch.domain.errors import ValidationError
from cpbatch.domain.identifiers import OrgCode
from cpbatch.domain.selectors import BatchSelector

COMMANDS = frozenset(
    {"start", "help", "login", "token", "logout", "getbatches", "sync", "jobs", "cancel"}
)
_TAKES_ORG = frozenset({"login", "token", "logout", "getbatches", "sync"})  # first argument


def message_fields(text: str, pending: Step | None) -> dict[str, str]:
    """A command's name and the org (for /sync, the batch) it names; for an answer, the org
    of the question it answers, when the question is about one."""
    command, args = parse_command(text)
    if command is None:
        if isinstance(pending, AwaitingMobile | AwaitingOtp | AwaitingToken):
            return {"org": pending.org.code.value}
        return {}
    if command not in COMMANDS:
        return {}
    fields = {"command": command}
    if command in _TAKES_ORG and args:
        try:
            fields["org"] = OrgCode.parse(args[0]).value
            if command == "sync" and len(args) == 2:
                fields["batch"] = str(BatchSelector.parse(args[1]))
        except ValidationError:
            pass
    return fields


def action_fields(action: Action) -> dict[str, str]:
    """The org and batch a pressed button is about."""
    fields = {"org": getattr(action, "org_code", None), "batch": getattr(action, "batch_key", None)}
    return {key: value for key, value in fields.items() if value is not None}
