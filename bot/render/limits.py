"""Discord's size limits, in one place: every renderer and view reads them from here.

Lengths are counted in characters (code points), as Discord's API validates them.
"""

from __future__ import annotations

# Messages.
CONTENT = 2000
EMBEDS_PER_MESSAGE = 10

# Embeds.
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_AUTHOR = 256
EMBED_TOTAL = 6000  # title + description + field names and values + footer + author, summed
EMBED_URL = 2048

# Components.
ACTION_ROWS = 5
ROW_WIDTH = 5
CUSTOM_ID = 100
BUTTON_LABEL = 80
SELECT_OPTIONS = 25
SELECT_OPTION_LABEL = 100
SELECT_OPTION_VALUE = 100
SELECT_OPTION_DESCRIPTION = 100
SELECT_PLACEHOLDER = 150

# Application commands and autocomplete.
COMMAND_NAME = 32
COMMAND_DESCRIPTION = 100
CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100
MODAL_TITLE = 45

# Interaction timing (seconds): answer or defer within ACK, follow up within TOKEN_LIFETIME.
ACK = 3.0
TOKEN_LIFETIME = 15 * 60.0
