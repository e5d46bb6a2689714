"""`python -m bench.soak.bot`: the bot under soak (see the package's docstring)."""

import sys

from bench.soak.bot import main

if __name__ == "__main__":
    sys.exit(main())
