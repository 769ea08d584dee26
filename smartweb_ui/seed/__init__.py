"""Demo-seed internals, one module per section; ``services.demo_seed`` is the entry point."""
