"""The local certificate authority: made on first use, it signs the broker's server certificate and
client certificates for devices, bridge agents and the cloud side (mutual TLS, as with IoT Core).

Layout of a PKI directory: ca.pem/ca.key, server.pem/server.key, clients/<name>.pem/.key, where a
client's file name is its common name with unsafe characters escaped ("acme/m-1" -> "acme%2Fm-1").
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import re
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_COMMON_NAME = "Gridvend local CA"
SERVER_COMMON_NAME = "localhost"
SERVER_HOSTNAMES = ("localhost",)
SERVER_ADDRESSES = ("127.0.0.1",)
_CA_VALIDITY = datetime.timedelta(days=3650)
_LEAF_VALIDITY = datetime.timedelta(days=730)
_RENEW_BEFORE = datetime.timedelta(days=30)
_CLOCK_SKEW = datetime.timedelta(minutes=5)


def ca_cert_path(pki_dir: Path) -> Path:
    return pki_dir / "ca.pem"


def ca_key_path(pki_dir: Path) -> Path:
    return pki_dir / "ca.key"


def server_cert_paths(pki_dir: Path) -> tuple[Path, Path]:
    return pki_dir / "server.pem", pki_dir / "server.key"


def client_cert_paths(pki_dir: Path, common_name: str) -> tuple[Path, Path]:
    file_stem = re.sub(r"[^A-Za-z0-9._-]", lambda match: f"%{ord(match.group()):02X}", common_name)
    return pki_dir / "clients" / f"{file_stem}.pem", pki_dir / "clients" / f"{file_stem}.key"


def ensure_ca(pki_dir: Path) -> tuple[Path, Path]:
    """Create the CA on first use; afterwards return the existing one. Returns (cert, key) paths."""
    cert_path, key_path = ca_cert_path(pki_dir), ca_key_path(pki_dir)
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_COMMON_NAME)])
    now = _now()
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _CLOCK_SKEW)
        .not_valid_after(now + _CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signs_certificates=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write_key(key_path, ca_key)
    _write_cert(cert_path, ca_cert)
    return cert_path, key_path


def ensure_server_cert(pki_dir: Path) -> tuple[Path, Path]:
    """The broker's certificate for 127.0.0.1 and localhost, issued again when missing, signed by
    another CA, or near its end. Returns (cert, key) paths."""
    ensure_ca(pki_dir)
    cert_path, key_path = server_cert_paths(pki_dir)
    if key_path.exists() and _is_usable_leaf(cert_path, pki_dir):
        return cert_path, key_path
    alternative_names: list[x509.GeneralName] = [x509.DNSName(name) for name in SERVER_HOSTNAMES]
    alternative_names += [x509.IPAddress(ipaddress.ip_address(address)) for address in SERVER_ADDRESSES]
    _issue_leaf(
        pki_dir,
        common_name=SERVER_COMMON_NAME,
        usage=ExtendedKeyUsageOID.SERVER_AUTH,
        alternative_names=alternative_names,
        cert_path=cert_path,
        key_path=key_path,
    )
    return cert_path, key_path


def issue_client_cert(pki_dir: Path, common_name: str) -> tuple[Path, Path]:
    """Issue a client certificate whose subject CN is common_name (a device is "<tenant>/<thing>",
    the cloud side "gridvend-cloud"). The broker takes the CN as the MQTT username for its ACL.
    A new key and certificate are made on every call. Returns (cert, key) paths."""
    ensure_ca(pki_dir)
    cert_path, key_path = client_cert_paths(pki_dir, common_name)
    _issue_leaf(
        pki_dir,
        common_name=common_name,
        usage=ExtendedKeyUsageOID.CLIENT_AUTH,
        alternative_names=[],
        cert_path=cert_path,
        key_path=key_path,
    )
    return cert_path, key_path


def _issue_leaf(
    pki_dir: Path,
    *,
    common_name: str,
    usage: x509.ObjectIdentifier,
    alternative_names: list[x509.GeneralName],
    cert_path: Path,
    key_path: Path,
) -> None:
    ca_cert = x509.load_pem_x509_certificate(ca_cert_path(pki_dir).read_bytes())
    ca_key = serialization.load_pem_private_key(ca_key_path(pki_dir).read_bytes(), password=None)
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey):
        raise TypeError(f"{ca_key_path(pki_dir)} is not an EC key")
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(ca_cert.subject)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _CLOCK_SKEW)
        .not_valid_after(now + _LEAF_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signs_certificates=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(leaf_key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
    )
    if alternative_names:
        builder = builder.add_extension(x509.SubjectAlternativeName(alternative_names), critical=False)
    leaf_cert = builder.sign(ca_key, hashes.SHA256())
    _write_key(key_path, leaf_key)
    _write_cert(cert_path, leaf_cert)


def _is_usable_leaf(cert_path: Path, pki_dir: Path) -> bool:
    if not cert_path.exists():
        return False
    leaf_cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    ca_cert = x509.load_pem_x509_certificate(ca_cert_path(pki_dir).read_bytes())
    try:
        leaf_cert.verify_directly_issued_by(ca_cert)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return leaf_cert.not_valid_after_utc - _RENEW_BEFORE > _now()


def _key_usage(*, signs_certificates: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=signs_certificates,
        crl_sign=signs_certificates,
        encipher_only=False,
        decipher_only=False,
    )


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _write_key(key_path: Path, private_key: ec.EllipticCurvePrivateKey) -> None:
    key_bytes = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key_path.parent.mkdir(parents=True, exist_ok=True)
    temporary_path = key_path.with_name(f".{key_path.name}.{os.getpid()}.tmp")
    file_descriptor = os.open(temporary_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(file_descriptor, "wb") as key_file:
        key_file.write(key_bytes)
    temporary_path.replace(key_path)


def _write_cert(cert_path: Path, certificate: x509.Certificate) -> None:
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    temporary_path = cert_path.with_name(f".{cert_path.name}.{os.getpid()}.tmp")
    temporary_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    temporary_path.replace(cert_path)
