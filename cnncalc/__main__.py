from cnncalc.console import main

raise SystemExit(main())
