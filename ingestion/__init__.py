"""Landing files into the raw schema: readers, the loader, data-quality suites and the AMR poller."""
