"""cnfix: find and repair damaged Chinese text.

>>> from cnfix import repair_text
>>> repair_text("会议指出,,要抓实学习教育,。").text
'会议指出，要抓实学习教育。'
"""

from cnfix.engine import ConvergenceError, RepairResult, repair_text, scan_text
from cnfix.model import Applicability, Edit, Finding, Fix, Settings

__version__ = "0.1.0"

__all__ = [
    "Applicability",
    "ConvergenceError",
    "Edit",
    "Finding",
    "Fix",
    "RepairResult",
    "Settings",
    "__version__",
    "repair_text",
    "scan_text",
]
