#!/usr/bin/env python3
"""tin-so-bot's entry point in a source checkout: `python bot.py --help` lists the commands.

Installed, the same command line is `tin-so-bot`; both call `bot.cli.run`.
"""

from bot.cli import run

if __name__ == "__main__":
    run()
