"""tin-so-bot's Telegram layer. It reaches the search engine only through `index`'s public API.

    conversation/ the channel-free core: what a message means, what to answer, follow-ups
    app.py        the Application: builder, routing table, polling or webhook
    handlers.py   updates into the core's Incoming, its Reply into HTML and buttons; inline, errors
    admin.py      what admins get: /reindex, /stats, /crawl, /ingest of a file; the crawl schedule
    crawling.py   crawls in the running bot: one at a time, in a worker thread, stoppable
    keyboards.py  inline buttons
    render.py     pure rendering of results, articles and reports (HTML or plain text)
    texts.py      the fixed Vietnamese sentences
    callbacks.py  callback data, within 64 bytes and meaningful after a restart
    queries.py    the question inside a message; recent questions
    throttle.py   per-user token buckets applied to Telegram's updates (ratelimit.py: the
                  buckets themselves, for every channel)
    zalo/         the Zalo channel on the same core: plain text, typed words, polling or webhook
    state.py      what handlers share, in bot_data
    settings.py   settings from the environment or .env

Importing this package, or any module above but app, handlers, admin and keyboards, does not
import `telegram`: `python bot.py ask` stays fast.
"""
