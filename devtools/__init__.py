"""Development tools, not part of the runtime: the sample generator, the Modbus meter simulator, the benchmark
and its pandas baseline. Only the CLI's generate/demo/bench/poll --simulate commands and the tests use them."""
