"""Watching batches: subscriptions, the checking round that shares one listing per batch
among its subscribers, the request budget that paces it, and delivery exactly once."""
