"""The ``docbatch`` command: run the service, extract without a server, submit to a server."""
