"""Run the command line with `python -m l2h_site`."""

import sys

from l2h_site.entry import main

sys.exit(main())
