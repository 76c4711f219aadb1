"""``python -m cnfix``."""

from cnfix.cli import main

if __name__ == "__main__":
    main()
