from schema_pkg.entry import main

raise SystemExit(main())
