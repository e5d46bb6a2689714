"""Newsdesk: a Discord bot that turns news articles into answers inside chat."""

__version__ = "0.1.0"
