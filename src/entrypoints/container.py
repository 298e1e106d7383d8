"""The composition root of every door (CLI, Python API, bot): one dependency-injector
container built from validated Settings.

Shared clients are Resources, opened when first resolved and closed by
`shutdown_resources()`; a command resolves only what it uses, so `cpbatch org` opens no
database and no command but `cpbatch bot` starts Telegram. Use cases are Factories. Tests
replace providers with `container.<name>.override(...)`."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

from dependency_injector import containers, providers

from cpbatch.adapters.classplus.gateway import ClassPlusHttpGateway
from cpbatch.adapters.classplus.settings import ClassPlusSettings
from cpbatch.adapters.classplus.token_facts import read_token
from cpbatch.adapters.crypto.key_store import LoginKeyStore
from cpbatch.adapters.filesystem.output import FilesystemOutput
from cpbatch.application import use_cases as uc
from cpbatch.application.blob_cache import MemoryBlobCache, TieredBlobStore
from cpbatch.application.bot.access import AccessControl
from cpbatch.application.bot.browse import BrowseFlow
from cpbatch.application.bot.callbacks import CallbackRegistry
from cpbatch.application.bot.commands import CommandRouter
from cpbatch.application.bot.conversation import BotConversation
from cpbatch.application.bot.credentials import TokenVault
from cpbatch.application.bot.delivery import FileSender
from cpbatch.application.bot.dialog import Dialog
from cpbatch.application.bot.downloads import DownloadFlow
from cpbatch.application.bot.gate import Gate
from cpbatch.application.bot.job_runner import ChatJobRunner
from cpbatch.application.bot.jobs import JobManager
from cpbatch.application.bot.login import LoginFlow
from cpbatch.application.bot.rate_limit import RequestRateLimiter
from cpbatch.application.bot.state import Step, UserLocks
from cpbatch.application.bot.sync_command import SyncCommand
from cpbatch.application.bot.watch_commands import WatchCommands
from cpbatch.application.bot.watch_recipient import ChatWatchRecipient
from cpbatch.application.cli_logins import CliLogins
from cpbatch.application.expiring import ExpiringStore
from cpbatch.application.fetching import FileFetcher
from cpbatch.application.listings import ListingService
from cpbatch.application.watch.access import SubscriberAccess
from cpbatch.application.watch.batch_check import BatchCheck
from cpbatch.application.watch.budget import BudgetedPlatform, ListingBudget
from cpbatch.application.watch.check_round import CheckWatches
from cpbatch.application.watch.deliver import SubscriberDelivery
from cpbatch.application.watch.keep_synced import KeepSynced
from cpbatch.application.watch.pacing import Pacing
from cpbatch.application.watch.service import Watcher
from cpbatch.application.watch.subscribe import ListWatches, UnwatchBatch, WatchBatch
from cpbatch.entrypoints import bot_wiring
from cpbatch.entrypoints.bot_config import BotSettings
from cpbatch.entrypoints.config import MIB, Settings
from cpbatch.entrypoints.storage import open_storage


def classplus_settings(settings: Settings) -> ClassPlusSettings:
    return ClassPlusSettings(
        base_url=settings.classplus_base_url,
        timeout_s=settings.api_timeout,
        read_timeout_s=settings.read_timeout,
        min_speed_bytes_s=settings.min_speed,
        min_speed_time_s=settings.min_speed_time,
        max_retries=settings.max_retries,
        backoff_factor=settings.retry_backoff_factor,
        max_backoff_s=settings.retry_max_wait,
        rate_limit_requests=settings.rate_limit_requests,
        rate_limit_period_s=settings.rate_limit_period,
        max_file_size=settings.max_file_size,
        max_listing_pages=settings.max_listing_pages,
        max_listing_items=settings.max_listing_items,
        max_listing_folders=settings.max_listing_folders,
        file_hosts=settings.classplus_file_hosts,
        allow_insecure_loopback=settings.classplus_allow_loopback,
    )


async def open_gateway(settings: ClassPlusSettings) -> AsyncIterator[ClassPlusHttpGateway]:
    gateway = ClassPlusHttpGateway(settings)
    try:
        yield gateway
    finally:
        await gateway.close()


def output_folders(settings: Settings) -> FilesystemOutput:
    return FilesystemOutput(fsync=settings.durability == "flush")


def memory_cache(settings: Settings) -> MemoryBlobCache | None:
    if not settings.cache_enabled or settings.memory_cache_mb == 0:
        return None
    return MemoryBlobCache(settings.memory_cache_mb * MIB, settings.memory_cache_item_mb * MIB)


def utc_now() -> datetime:
    return datetime.now(UTC)


def watch_pacing(settings: Settings) -> Pacing:
    return Pacing(every_s=settings.watch_every, per_hour=settings.watch_requests_per_hour)


def step_store(ttl_s: float, clock: Callable[[], float]) -> ExpiringStore[int, Step]:
    """The question each user is being asked (org code, mobile, OTP...), forgotten after ttl."""
    return ExpiringStore(ttl_s, clock)


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    clock = providers.Object(time.monotonic)
    wall_clock = providers.Object(time.time)  # for what outlives the process: watch schedules

    # --- adapters (ports) ------------------------------------------------------------
    classplus_settings = providers.Singleton(classplus_settings, settings)
    gateway = providers.Resource(open_gateway, classplus_settings)  # CoursePlatform, OtpLogin
    storage = providers.Resource(open_storage, settings)
    file_records = storage.provided.file_records
    placements = storage.provided.placements
    listing_cache = storage.provided.listing_cache
    sync_history = storage.provided.sync_history
    credentials = storage.provided.credentials
    remote_file_ids = storage.provided.remote_file_ids
    subscriptions = storage.provided.subscriptions
    watch_schedules = storage.provided.watch_schedules
    delivery_log = storage.provided.delivery_log
    watch_preferences = storage.provided.watch_preferences

    # --- application services --------------------------------------------------------
    memory = providers.Singleton(memory_cache, settings)
    blobs = providers.Singleton(TieredBlobStore, memory, storage.provided.tiers)
    listings = providers.Singleton(
        ListingService, gateway, listing_cache, settings.provided.cache_ttl, clock=clock
    )
    output = providers.Singleton(output_folders, settings)  # FileOutput: the user's folders
    fetcher = providers.Singleton(FileFetcher, gateway, blobs, file_records, output)

    # --- use cases -------------------------------------------------------------------
    lookup_org = providers.Factory(uc.LookupOrg, gateway)
    get_batches = providers.Factory(uc.GetBatches, listings)
    get_batch_files = providers.Factory(uc.GetBatchFiles, listings)
    file_info = providers.Factory(uc.GetFileInfo, listings)
    download_batch = providers.Factory(uc.DownloadBatch, listings, blobs, file_records, fetcher)
    read_file = providers.Factory(uc.ReadFile, blobs)
    sync_org = providers.Factory(
        uc.SyncOrg,
        listings,
        blobs,
        file_records,
        sync_history,
        fetcher,
        placements,
        output,
        keep_copies=storage.provided.keeps_sync_copies,
    )
    verify_store = providers.Factory(uc.VerifyStore, file_records, blobs.provided.record)
    verify_placements = providers.Factory(uc.VerifyPlacements, placements, output)
    request_otp = providers.Factory(uc.RequestOtp, gateway)
    verify_otp = providers.Factory(uc.VerifyOtp, gateway, gateway)
    check_token = providers.Factory(uc.CheckToken, gateway)
    check_access = providers.Factory(uc.CheckAccess, listings, gateway)

    # --- the command line's stored logins (`cpbatch login`) -------------------------
    login_keys = providers.Singleton(LoginKeyStore, settings.provided.data_dir)
    cli_logins = providers.Factory(
        CliLogins,
        credentials,
        login_keys,
        providers.Object(read_token),
        providers.Factory(timedelta, days=settings.provided.login_expiry_warning_days),
        providers.Object(utc_now),
    )
    # --- watching: its listings spend the hourly budget; the bot delivers ---------------
    watch_budget = providers.Singleton(
        ListingBudget, settings.provided.watch_requests_per_hour, wall_clock
    )
    watch_pacing = providers.Singleton(watch_pacing, settings)
    watch_platform = providers.Singleton(BudgetedPlatform, gateway, watch_budget)
    watch_listings = providers.Singleton(
        ListingService, watch_platform, listing_cache, settings.provided.cache_ttl, clock=clock
    )
    watch_download = providers.Factory(
        uc.DownloadBatch, watch_listings, blobs, file_records, fetcher
    )
    watch_batch = providers.Factory(
        WatchBatch,
        get_batch_files,
        subscriptions,
        watch_schedules,
        delivery_log,
        watch_pacing,
        wall_clock,
    )
    unwatch_batch = providers.Factory(UnwatchBatch, subscriptions, watch_schedules)
    list_watches = providers.Factory(ListWatches, subscriptions, watch_schedules)
    keep_synced = providers.Factory(KeepSynced, sync_org, file_records, placements)

    # --- the bot (resolved only by `cpbatch bot`) ------------------------------------
    bot_settings = providers.Dependency(instance_of=BotSettings)
    policy = providers.Singleton(bot_wiring.bot_policy, bot_settings, settings)
    cipher = providers.Singleton(bot_wiring.fernet_cipher, bot_settings)
    telegram_client = providers.Resource(bot_wiring.telegram_client, bot_settings, settings)
    chat = providers.Singleton(bot_wiring.pyrogram_chat, telegram_client)

    access = providers.Singleton(AccessControl, policy, clock)
    limiter = providers.Singleton(
        RequestRateLimiter,
        policy.provided.rate_count,
        policy.provided.rate_period_s,
        clock,
    )
    gate = providers.Singleton(Gate, chat, access, limiter)
    steps = providers.Singleton(step_store, policy.provided.state_ttl_s, clock)
    dialog = providers.Singleton(Dialog, chat, steps, policy.provided.max_attempts)
    callbacks = providers.Singleton(CallbackRegistry, policy.provided.callback_ttl_s, clock)
    locks = providers.Singleton(UserLocks)
    jobs = providers.Singleton(JobManager, policy.provided.max_jobs)
    vault = providers.Singleton(TokenVault, credentials, cipher)
    runner = providers.Singleton(
        ChatJobRunner, chat, jobs, clock, policy.provided.progress_interval_s
    )
    sender = providers.Singleton(
        FileSender,
        chat,
        download_batch,
        blobs,
        file_records,
        remote_file_ids,
        providers.Callable(bot_wiring.outgoing_dir, settings),
        policy.provided.max_part_size,
    )
    browse = providers.Singleton(
        BrowseFlow,
        dialog,
        vault,
        lookup_org,
        get_batches,
        get_batch_files,
        callbacks,
        policy.provided.page_size,
        file_records,
    )
    downloads = providers.Singleton(
        DownloadFlow,
        vault,
        file_info,
        get_batch_files,
        sender,
        runner,
        confirm_access=check_access,
    )
    login = providers.Singleton(
        LoginFlow, dialog, vault, lookup_org, request_otp, verify_otp, check_token
    )
    sync_command = providers.Singleton(
        SyncCommand,
        dialog,
        access,
        vault,
        sync_org,
        sender,
        runner,
        policy.provided.sync_concurrency,
    )
    watch_recipient = providers.Singleton(ChatWatchRecipient, chat, sender, clock)
    watch_check = providers.Singleton(
        BatchCheck,
        subscriptions,
        providers.Singleton(SubscriberAccess, vault, watch_listings),
        watch_listings,
        watch_download,
        providers.Singleton(
            SubscriberDelivery,
            delivery_log,
            watch_preferences,
            watch_recipient,
            wall_clock,
            settings.provided.watch_max_files,
        ),
        watch_recipient,
        wall_clock,
    )
    check_watches = providers.Singleton(
        CheckWatches,
        subscriptions,
        watch_schedules,
        watch_check,
        watch_budget,
        watch_pacing,
        wall_clock,
    )
    watcher = providers.Singleton(
        Watcher, check_watches, wall_clock, max_idle_s=settings.provided.watch_idle_s
    )
    watch_commands = providers.Singleton(
        WatchCommands,
        dialog,
        vault,
        watch_batch,
        unwatch_batch,
        list_watches,
        watch_preferences,
        settings.provided.watch_timezone,
        watcher.provided.wake,
    )
    commands = providers.Singleton(
        CommandRouter, dialog, access, jobs, login, browse, sync_command, watch_commands
    )
    conversation = providers.Singleton(
        BotConversation,
        chat=chat,
        gate=gate,
        dialog=dialog,
        callbacks=callbacks,
        locks=locks,
        jobs=jobs,
        sender=sender,
        browse=browse,
        downloads=downloads,
        commands=commands,
        watch=watch_commands,
    )
