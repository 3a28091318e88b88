from schema_pkg.cli import main

raise SystemExit(main())
