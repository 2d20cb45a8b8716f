"""A real S3-speaking server for tests and benchmarks: moto in server mode on a loopback port.

Runs as its own process (``moto_server``), so the code under test talks HTTP to it exactly as
it would to MinIO or AWS: multipart uploads, streamed downloads, a bucket that can be missing.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3

from tests.harness import eventually_sync

ACCESS_KEY = SECRET_KEY = "docbatch-test"
REGION = "us-east-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def moto_binary() -> str:
    found = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")
    if not Path(found).exists():
        raise RuntimeError("moto_server (package moto[server]) is not installed; run make install")
    return found


@contextmanager
def s3_server() -> Iterator[str]:
    """Start moto on a free loopback port; yields its endpoint URL; stops it afterwards."""
    port = _free_port()
    proc = subprocess.Popen(
        [moto_binary(), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:

        def listening() -> bool:
            assert proc.poll() is None, f"moto_server exited with code {proc.returncode}"
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True

        eventually_sync(
            listening, timeout=60, ignore=(OSError,), what=f"moto_server on port {port}"
        )
        yield endpoint
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def client(endpoint: str):
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


def new_bucket(endpoint: str) -> str:
    name = f"docbatch-{uuid.uuid4().hex[:12]}"
    client(endpoint).create_bucket(Bucket=name)
    return name


def s3_overrides(endpoint: str, bucket: str, prefix: str = "uploads") -> dict[str, object]:
    """Settings fields that point docbatch at ``bucket`` on this server."""
    return dict(
        storage_url=f"s3://{bucket}/{prefix}",
        s3_endpoint_url=endpoint,
        s3_region=REGION,
        s3_access_key_id=ACCESS_KEY,
        s3_secret_access_key=SECRET_KEY,
    )


def s3_environment(endpoint: str, bucket: str, prefix: str = "uploads") -> dict[str, str]:
    """The same as environment variables, for processes started as the compose file starts them."""
    return {
        f"DOCBATCH_{k.upper()}": str(v) for k, v in s3_overrides(endpoint, bucket, prefix).items()
    }
