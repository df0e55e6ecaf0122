from cnncalc.cli import main

main()
