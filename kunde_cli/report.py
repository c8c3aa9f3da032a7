"""The report builder's old home: it is :mod:`kunde_cli.app.report` now (the use-case
layer). This module is that one, so old imports (``from kunde_cli.report import
build_report``) keep working and see the very same objects."""

import sys

from kunde_cli.app import report as _report

sys.modules[__name__] = _report
