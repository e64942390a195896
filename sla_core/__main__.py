from sla_core.cli import main

raise SystemExit(main())
