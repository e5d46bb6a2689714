"""Jobs the chart tests run in the chart renderer's process (importable there, so picklable)."""

import sys


def loaded(module: str) -> bool:
    """Whether the process running this has imported `module`."""
    return module in sys.modules
