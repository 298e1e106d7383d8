"""How the fake data centre answers each Telegram function the bot uses, with the shapes real
Telegram gives: an UpdateShortSentMessage for a plain text, Updates for a text with buttons
or a document, MESSAGE_NOT_MODIFIED for an edit that changes nothing, and so on."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from pyrogram import raw
from pyrogram.raw.core import BoolTrue, Vector

from support.telegram.faults import RpcFailure
from support.telegram.world import SentDocument, TelegramWorld, now

Answer = raw.core.TLObject | bytes | RpcFailure


def config(port: int) -> raw.types.Config:
    return raw.types.Config(
        date=now(), expires=now() + 3600, test_mode=False, this_dc=2,
        dc_options=[raw.types.DcOption(id=2, ip_address="127.0.0.1", port=port)],
        dc_txt_domain_name="localhost", chat_size_max=200, megagroup_size_max=200_000,
        forwarded_count_max=100, online_update_period_ms=210_000, offline_blur_timeout_ms=5000,
        offline_idle_timeout_ms=30_000, online_cloud_timeout_ms=300_000,
        notify_cloud_delay_ms=30_000, notify_default_delay_ms=1500, push_chat_period_ms=60_000,
        push_chat_limit=2, edit_time_limit=172_800, revoke_time_limit=172_800,
        revoke_pm_time_limit=2_147_483_647, rating_e_decay=2_419_200, stickers_recent_limit=200,
        channels_read_media_period=604_800, call_receive_timeout_ms=20_000,
        call_ring_timeout_ms=90_000, call_connect_timeout_ms=30_000,
        call_packet_timeout_ms=10_000, me_url_prefix="https://t.me/", caption_length_max=1024,
        message_length_max=4096, webfile_dc_id=4,
    )  # fmt: skip


class Answers:
    def __init__(self, world: TelegramWorld, port: int) -> None:
        self.world = world
        self.port = port
        self._by_type: dict[type, Callable[[object], Answer]] = {
            raw.functions.help.GetConfig: lambda _q: config(self.port),
            raw.functions.updates.GetState: self.state,
            raw.functions.users.GetFullUser: self.full_user,
            raw.functions.users.GetUsers: self.users,
            raw.functions.messages.SendMessage: self.send_message,
            raw.functions.messages.EditMessage: self.edit_message,
            raw.functions.messages.DeleteMessages: self.delete_messages,
            raw.functions.messages.GetMessages: self.get_messages,
            raw.functions.messages.SetBotCallbackAnswer: self.callback_answer,
            raw.functions.upload.SaveFilePart: self.save_part,
            raw.functions.upload.SaveBigFilePart: self.save_part,
            raw.functions.messages.SendMedia: self.send_media,
        }

    def __call__(self, query: object) -> Answer:
        handler = self._by_type.get(type(query))
        if handler is None:
            self.world.unknown.append(type(query).__name__)
            return RpcFailure(400, "METHOD_NOT_IN_FAKE")
        return handler(query)

    def state(self, _query: object) -> raw.types.updates.State:
        return raw.types.updates.State(
            pts=self.world.next_pts(), qts=0, date=now(), seq=0, unread_count=0
        )

    def full_user(self, _query: object) -> raw.types.users.UserFull:
        full = raw.types.UserFull(
            id=self.world.bot.id,
            settings=raw.types.PeerSettings(),
            notify_settings=raw.types.PeerNotifySettings(),
            common_chats_count=0,
        )
        return raw.types.users.UserFull(full_user=full, chats=[], users=[self.world.bot])

    def users(self, query: raw.functions.users.GetUsers) -> bytes:
        found = [self.world.people[u.user_id] for u in query.id if u.user_id in self.world.people]
        return Vector(found)

    def _peer_user(self, peer: object) -> int | RpcFailure:
        if not isinstance(peer, raw.types.InputPeerUser):
            return RpcFailure(400, "PEER_ID_INVALID")
        person = self.world.people.get(peer.user_id)
        if person is None or person.access_hash != peer.access_hash:
            return RpcFailure(400, "PEER_ID_INVALID")
        return int(peer.user_id)

    def send_message(self, query: raw.functions.messages.SendMessage) -> Answer:
        user_id = self._peer_user(query.peer)
        if isinstance(user_id, RpcFailure):
            return user_id
        if not query.message.strip():
            return RpcFailure(400, "MESSAGE_EMPTY")
        if len(query.message.encode("utf-16-le")) > 2 * 4096:
            return RpcFailure(400, "MESSAGE_TOO_LONG")
        message = self.world.new_outgoing(
            user_id, message=query.message, reply_markup=query.reply_markup
        )
        pts = self.world.next_pts()
        if query.reply_markup is None:
            return raw.types.UpdateShortSentMessage(
                id=message.id, pts=pts, pts_count=1, date=message.date, out=True
            )
        return self.world.updates(
            [
                raw.types.UpdateMessageID(id=message.id, random_id=query.random_id),
                raw.types.UpdateNewMessage(message=message, pts=pts, pts_count=1),
            ],
            self.world.people[user_id],
        )

    def edit_message(self, query: raw.functions.messages.EditMessage) -> Answer:
        user_id = self._peer_user(query.peer)
        if isinstance(user_id, RpcFailure):
            return user_id
        message = self.world.messages.get(query.id)
        gone = (user_id, query.id) in self.world.deleted
        if message is None or gone or not message.out or self.world.chat_of(message) != user_id:
            return RpcFailure(400, "MESSAGE_ID_INVALID")
        text = query.message if query.message is not None else message.message
        if text == message.message and _markup(query.reply_markup) == _markup(message.reply_markup):
            return RpcFailure(400, "MESSAGE_NOT_MODIFIED")
        message.message = text
        message.reply_markup = query.reply_markup
        message.edit_date = now()
        update = raw.types.UpdateEditMessage(
            message=message, pts=self.world.next_pts(), pts_count=1
        )
        return self.world.updates([update], self.world.people[user_id])

    def delete_messages(self, query: raw.functions.messages.DeleteMessages) -> Answer:
        count = 0
        for message_id in query.id:
            message = self.world.messages.get(message_id)
            if message is None:
                continue
            key = (self.world.chat_of(message), message_id)
            if key not in self.world.deleted:
                self.world.deleted.append(key)
                count += 1
        return raw.types.messages.AffectedMessages(pts=self.world.next_pts(), pts_count=count)

    def get_messages(self, query: raw.functions.messages.GetMessages) -> Answer:
        found: list[object] = []
        for message_id in _input_message_ids(query.id):
            found.append(
                self.world.messages.get(message_id) or raw.types.MessageEmpty(id=message_id)
            )
        return raw.types.messages.Messages(
            messages=found, topics=[], chats=[], users=list(self.world.people.values())
        )

    def callback_answer(self, query: raw.functions.messages.SetBotCallbackAnswer) -> Answer:
        if query.query_id not in self.world.open_queries:
            return RpcFailure(400, "QUERY_ID_INVALID")
        self.world.open_queries.discard(query.query_id)
        self.world.callback_answers[query.query_id] = query
        return BoolTrue()

    def save_part(self, query: object) -> Answer:
        part: raw.functions.upload.SaveFilePart = query  # type: ignore[assignment]
        if not part.bytes:
            return RpcFailure(400, "FILE_PART_EMPTY")
        self.world.uploads[part.file_id].parts[part.file_part] = part.bytes
        return BoolTrue()

    def send_media(self, query: raw.functions.messages.SendMedia) -> Answer:
        user_id = self._peer_user(query.peer)
        if isinstance(user_id, RpcFailure):
            return user_id
        media = query.media
        if isinstance(media, raw.types.InputMediaUploadedDocument):
            stored = self._uploaded(media)
            if isinstance(stored, RpcFailure):
                return stored
            document, uploaded = stored.document, True
        elif isinstance(media, raw.types.InputMediaDocument):
            known = self.world.documents.get(media.id.id)
            if known is None or known.document.access_hash != media.id.access_hash:
                return RpcFailure(400, "MEDIA_EMPTY")
            if known.document.file_reference != media.id.file_reference:
                return RpcFailure(400, "FILE_REFERENCE_EXPIRED")
            stored, document, uploaded = known, known.document, False
        else:
            return RpcFailure(400, "MEDIA_INVALID")
        message = self.world.new_outgoing(
            user_id,
            message=query.message,
            media=raw.types.MessageMediaDocument(document=document),
            reply_markup=query.reply_markup,
        )
        self.world.received.append(
            SentDocument(
                user_id, message.id, stored.sha256, stored.file_name, query.message, uploaded
            )
        )
        return self.world.updates(
            [
                raw.types.UpdateMessageID(id=message.id, random_id=query.random_id),
                raw.types.UpdateNewMessage(message=message, pts=self.world.next_pts(), pts_count=1),
            ],
            self.world.people[user_id],
        )

    def _uploaded(self, media: raw.types.InputMediaUploadedDocument) -> object:
        file = media.file
        upload = self.world.uploads.get(file.id)
        content = upload.joined(file.parts) if upload else None
        if content is None:
            missing = next(p for p in range(file.parts) if upload is None or p not in upload.parts)
            return RpcFailure(400, f"FILE_PART_{missing}_MISSING")
        md5 = getattr(file, "md5_checksum", None)
        if md5 and hashlib.md5(content).hexdigest() != md5:
            return RpcFailure(400, "MD5_CHECKSUM_INVALID")
        del self.world.uploads[file.id]
        name = next(
            (
                a.file_name
                for a in media.attributes
                if isinstance(a, raw.types.DocumentAttributeFilename)
            ),
            file.name,
        )
        return self.world.store_document(content, name, media.mime_type)


def _input_message_ids(items: list[object]) -> list[int]:
    """pyrogram's generic reader (made for answers, not requests) guesses a vector's item type
    from its size, so a vector of 8-byte inputMessageID#a676a322 id:int comes back as longs:
    the constructor in the low half, the id in the high half."""
    ids = []
    for item in items:
        if isinstance(item, int):
            if item & 0xFFFFFFFF != raw.types.InputMessageID.ID:
                raise AssertionError(f"not an inputMessageID: {item:#x}")
            ids.append(item >> 32)
        else:
            ids.append(int(item.id))  # type: ignore[attr-defined]
    return ids


def _markup(markup: object) -> bytes:
    return markup.write() if markup is not None else b""
