"""`python -m s3lint`."""

import sys

from s3lint.cli import main

sys.exit(main())
