"""cpbatch: the ClassPlus study material your own account can open, listed, downloaded, kept,
re-synced and delivered in Telegram. Layers, pointing inward: entrypoints -> adapters ->
application -> domain."""
