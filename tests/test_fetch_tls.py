"""HTTPS while connecting to the checked IP: SNI and the certificate check use the host name."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from newsbeam.fetch import FetchConfig, Fetcher
from tests.fetch_server import TestServer, quick_config


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    key, crt = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(crt),
         "-days", "2", "-subj", "/CN=secure.test", "-addext", "subjectAltName=DNS:secure.test"],
        check=True, capture_output=True,
    )
    return str(crt), str(key)


def test_https_by_ip_with_host_name_verification(cert: tuple[str, str]) -> None:
    with TestServer(tls=cert) as srv:
        resolve = {"secure.test": f"127.0.0.1:{srv.port}", "other.test": f"127.0.0.1:{srv.port}"}
        config = FetchConfig.from_dict(quick_config(resolve=resolve))
        with Fetcher(config, ca_certs=cert[0]) as f:
            good = f.fetch(f"https://secure.test:{srv.port}/page")
            wrong_name = f.fetch(f"https://other.test:{srv.port}/page")
        with Fetcher(config) as f:
            untrusted = f.fetch(f"https://secure.test:{srv.port}/page")
    assert good.ok and "Hello" in (good.text or ""), good.error_message
    assert wrong_name.error_type == "tls_error" and "other.test" in (wrong_name.error_message or "")
    assert untrusted.error_type == "tls_error"
    assert [r.headers["Host"] for r in srv.requests] == [f"secure.test:{srv.port}"]

