"""Record networks trained by other frameworks into nnviz traces (each module imports its framework lazily)."""
