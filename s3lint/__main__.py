"""`python -m s3lint`."""

import sys

from s3lint.cli import main

if __name__ == "__main__":  # spawn-based worker pools re-import this module
    sys.exit(main())
