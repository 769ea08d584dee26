"""SmartWeb tests: a package, so test modules and helpers import each other by package path."""
