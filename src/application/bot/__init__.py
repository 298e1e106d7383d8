"""The Telegram bot's conversation, expressed against the chat port: no chat library inside."""
