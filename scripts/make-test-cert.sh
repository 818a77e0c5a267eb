#!/usr/bin/env bash
# Makes a throwaway certificate authority and a server certificate signed by it, for
# trying Stator's HTTPS (--tls-cert/--tls-key) on a development machine or in tests.
# Not for production: the CA's key lies next to its certificate, unprotected.
#
# Usage: scripts/make-test-cert.sh DIR [HOSTNAME...]
#   Writes into DIR (created if missing):
#     ca.pem           the CA certificate: the one file clients must trust
#     ca-key.pem       the CA's private key
#     server.pem       the server certificate, for --tls-cert
#     server-key.pem   its private key, for --tls-key
#   The server certificate is valid for localhost, 127.0.0.1 and ::1, plus each
#   HOSTNAME given (a DNS name or an IP address). Existing files are replaced.
#   Prints the three paths a server and its clients need.
# Example:
#   scripts/make-test-cert.sh /tmp/stator-tls
#   build/stator --tls-cert /tmp/stator-tls/server.pem --tls-key /tmp/stator-tls/server-key.pem
#   aws dynamodb list-tables --endpoint-url https://127.0.0.1:8000 --ca-bundle /tmp/stator-tls/ca.pem
set -euo pipefail

if [ $# -lt 1 ] || [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
  sed -n '2,18s/^# \{0,1\}//p' "$0" >&2
  exit 2
fi
command -v openssl >/dev/null 2>&1 ||
  { echo "make-test-cert.sh: needs the openssl command (Debian package openssl)" >&2; exit 1; }

dir="$1"
shift
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

# subjectAltName: what clients check the server's name against (the common name is
# ignored by modern clients).
san="DNS:localhost,IP:127.0.0.1,IP:::1"
for host in "$@"; do
  if [[ "$host" =~ ^[0-9.]+$ || "$host" == *:* ]]; then
    san+=",IP:$host"
  else
    san+=",DNS:$host"
  fi
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cat >"$work/ca.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
x509_extensions = ca
[dn]
CN = Stator test CA
[ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF

cat >"$work/server.ext" <<EOF
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = $san
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF

# Keys readable by their owner only.
(
  umask 077
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/ca-key.pem"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/server-key.pem"
)
openssl req -x509 -new -config "$work/ca.cnf" -key "$dir/ca-key.pem" -sha256 -days 3650 \
  -out "$dir/ca.pem"
openssl req -new -key "$dir/server-key.pem" -subj "/CN=localhost" -out "$work/server.csr"
openssl x509 -req -in "$work/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" \
  -CAcreateserial -CAserial "$work/ca.srl" -sha256 -days 365 -extfile "$work/server.ext" \
  -out "$dir/server.pem" 2>"$work/x509.log" || { cat "$work/x509.log" >&2; exit 1; }

echo "ca: $dir/ca.pem"
echo "cert: $dir/server.pem"
echo "key: $dir/server-key.pem"
