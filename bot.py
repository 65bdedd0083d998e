#!/usr/bin/env python3
"""tin-so-bot's entry point in a source checkout: `python bot.py --help` lists the commands.

Installed, the same command line is `tin-so-bot`; both call `bot.cli.main`.
"""

import sys

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main())
