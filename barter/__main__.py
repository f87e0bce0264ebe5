from barter.cli import main

raise SystemExit(main())
