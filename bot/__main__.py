"""`python -m bot`: the Newsdesk command line."""

from bot.cli import main, run

__all__ = ["main"]

if __name__ == "__main__":
    run()
