"""What a portal shows and runs on top of an engine: the status views and the timer sweep."""
