from cnncalc.console import main

main()
