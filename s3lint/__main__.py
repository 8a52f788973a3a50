"""`python -m s3lint`."""

from s3lint.cli import console_main

if __name__ == "__main__":  # spawn-based worker pools re-import this module
    console_main()
