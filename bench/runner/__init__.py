"""The measurements of bench/run (bench/README.md), one module per figure."""
