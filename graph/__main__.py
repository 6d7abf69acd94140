from casegraph.cli import main

main()
