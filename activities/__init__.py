"""Every side effect the workflows trigger: extraction, database writes, webhook calls."""
