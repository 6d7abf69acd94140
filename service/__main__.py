"""The casegraph command, as installed and as `python -m service`."""


def main() -> None:
    """Run the casegraph command."""
    # Imported here, not above: every process spawned from the command (query workers, the document checker) imports
    # the command's script again, and would import the whole command line with it (0.9 s of start-up each).
    from service.command import app

    app()


if __name__ == "__main__":
    main()
