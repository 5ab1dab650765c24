from qms_docs.cli import main

raise SystemExit(main())
