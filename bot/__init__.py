"""tin-so-bot's Telegram layer. It reaches the search engine only through `index`'s public API.

Importing this package does not import `telegram`; `bot.app` does.
"""
