"""Adapters: implementations of the application's ports against the outside world."""
